"""The routes of one session: the board and its clock, what-if edits, holds and skips,
observations, the risk comparison, and opening another file of the working directory."""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sim.board.edits import Edit, parse_edit
from sim.board.errors import BoardError
from sim.board.msel import View, inject_times
from sim.board.risk_jobs import RiskJob, check_runs
from sim.board.security import confine
from sim.board.state import Session
from sim.board.targets import open_target
from sim.board.views import STEPS, board_json, state_json, step_time
from sim.board.web import answer, board_of, in_session, read_json
from sim.core.timefmt import format_time

WALL_ACTIONS = ("pause", "resume", "reset")


def _view(request: Request) -> View:
    view = request.query_params.get("view", "controller")
    if view not in ("controller", "participant"):
        raise BoardError("view is controller or participant", code="bad-value", field="view")
    return "participant" if view == "participant" else "controller"


def _everything(session: Session) -> dict[str, Any]:
    return {"board": board_json(session), "state": state_json(session, "controller")}


async def get_board(request: Request) -> Response:
    key, data = await in_session(request, board_json)
    return answer(key, data)


async def get_state(request: Request) -> Response:
    view = _view(request)
    key, data = await in_session(request, lambda s: state_json(s, view))
    return answer(key, data)


def _clock(session: Session, body: dict[str, Any]) -> dict[str, Any]:
    wall = body.get("wall")
    if wall is not None:
        if wall not in WALL_ACTIONS:
            raise BoardError(f"wall is one of {', '.join(WALL_ACTIONS)}", code="bad-value",
                             field="wall")
        getattr(session.wall, str(wall))()
    step, t = body.get("step"), body.get("t")
    if step is not None:
        if step not in STEPS:
            raise BoardError(f"step is one of {', '.join(STEPS)}", code="bad-value",
                             field="step")
        session.t = step_time(session, str(step))
    elif t is not None:
        if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t):
            raise BoardError("t is a number of hours from D1 00:00", code="bad-type", field="t")
        horizon = max(session.current.result.end_h, session.current.scenario.planned_end)
        session.t = min(max(float(t), 0.0), horizon)
    return state_json(session, "controller")


async def post_clock(request: Request) -> Response:
    body = await read_json(request)
    key, data = await in_session(request, lambda s: _clock(s, body))
    return answer(key, data)


async def post_edit(request: Request) -> Response:
    edit = parse_edit(await read_json(request))

    def add(session: Session) -> dict[str, Any]:
        session.set_edits([*session.edits, edit])
        return _everything(session)

    key, data = await in_session(request, add)
    return answer(key, data)


async def delete_edit(request: Request) -> Response:
    raw = request.path_params["index"]

    def remove(session: Session) -> dict[str, Any]:
        edits = list(session.edits)
        if not raw.isdigit() or int(raw) >= len(edits):
            raise BoardError(f"no edit number {raw}", code="unknown-edit", field="index",
                             status=404)
        session.set_edits(edits[:int(raw)] + edits[int(raw) + 1:])
        return _everything(session)

    key, data = await in_session(request, remove)
    return answer(key, data)


async def reset_edits(request: Request) -> Response:
    def reset(session: Session) -> dict[str, Any]:
        session.set_edits([])
        return _everything(session)

    key, data = await in_session(request, reset)
    return answer(key, data)


def _inject_action(session: Session, inject_id: str, action: str) -> dict[str, Any]:
    if action == "toggle":
        session.toggle(inject_id)
        return _everything(session)
    if inject_id not in {i.id for i in session.current.scenario.injects}:
        raise BoardError(f"no inject {inject_id!r}", code="unknown-inject", field="inject",
                         status=404)
    if action == "hold":
        session.held.add(inject_id)
    elif action == "release":
        when = inject_times(session.current.result).get(inject_id)
        if when is not None and session.t > when + 1e-9:  # it comes now, not when written
            now = format_time(session.t)
            session.set_edits([*session.edits, Edit("move", (("inject", inject_id),
                                                             ("at", now)))])
        session.held.discard(inject_id)  # only once the move is accepted
    return _everything(session)


async def post_inject(request: Request) -> Response:
    inject_id, action = request.path_params["inject"], request.path_params["action"]
    if action not in ("toggle", "hold", "release"):
        raise BoardError(f"no action {action!r} (toggle, hold, release)", code="unknown-op",
                         field="action", status=404)
    key, data = await in_session(request, lambda s: _inject_action(s, inject_id, action))
    return answer(key, data)


async def post_observation(request: Request) -> Response:
    body = await read_json(request)
    inject, text = body.get("inject"), body.get("text")
    if not isinstance(inject, str) or not isinstance(text, str):
        raise BoardError("an observation needs inject and text", code="missing-field",
                         field="inject" if not isinstance(inject, str) else "text")
    key, data = await in_session(request, lambda s: (s.observe(inject, text), _everything(s))[1])
    return answer(key, data)


def _start_risk(session: Session, n: int) -> dict[str, Any]:
    if session.risk is not None and session.risk.state == "running":
        raise BoardError("a risk comparison is running; cancel it first", code="busy",
                         status=409)
    labels = ", ".join(e.label() for e in session.edits) or "no edits"
    session.risk = RiskJob(session.base.scenario, session.current.scenario, n,
                           session.base.seed, labels).start()
    return dict(session.risk.as_dict())


def _risk_status(session: Session, cancel: bool) -> dict[str, Any]:
    if session.risk is None:
        return {"state": "idle", "done": 0, "total": 0}
    if cancel:
        session.risk.cancel()
    return dict(session.risk.as_dict())


async def post_risk(request: Request) -> Response:
    n = check_runs((await read_json(request)).get("n"))
    key, data = await in_session(request, lambda s: _start_risk(s, n))
    return answer(key, data, 202)


async def get_risk(request: Request) -> Response:
    cancel = request.method == "DELETE"
    key, data = await in_session(request, lambda s: _risk_status(s, cancel))
    return answer(key, data)


async def post_open(request: Request) -> Response:
    path = (await read_json(request)).get("path")
    if not isinstance(path, str):
        raise BoardError("path: a file or run directory inside the working directory",
                         code="missing-field", field="path")
    target = confine(board_of(request).workdir, path)
    if not target.exists():
        raise BoardError(f"{path}: no such file or directory", code="file-not-found",
                         field="path", status=404)

    def reopen(session: Session) -> dict[str, Any]:
        session.open(open_target(target))
        return _everything(session)

    key, data = await in_session(request, reopen)
    return answer(key, data)


ROUTES = [
    Route("/api/board", get_board),
    Route("/api/state", get_state),
    Route("/api/clock", post_clock, methods=["POST"]),
    Route("/api/edits", post_edit, methods=["POST"]),
    Route("/api/edits/reset", reset_edits, methods=["POST"]),
    Route("/api/edits/{index}", delete_edit, methods=["DELETE"]),
    Route("/api/injects/{inject}/{action}", post_inject, methods=["POST"]),
    Route("/api/observations", post_observation, methods=["POST"]),
    Route("/api/risk", post_risk, methods=["POST"]),
    Route("/api/risk", get_risk, methods=["GET", "DELETE"]),
    Route("/api/open", post_open, methods=["POST"]),
]
