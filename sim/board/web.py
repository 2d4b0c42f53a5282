"""What every route of the board shares: the board, the request's session, JSON in and out."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from sim.board.errors import BoardError
from sim.board.state import Session, SessionStore

SESSION_COOKIE = "tabletop_session"
T = TypeVar("T")


@dataclass
class Board:
    """What every request shares: the served base, the sessions and the working directory."""

    store: SessionStore
    workdir: Path

    def session(self, request: Request) -> tuple[str, Session]:
        return self.store.get(request.cookies.get(SESSION_COOKIE))


def board_of(request: Request) -> Board:
    board: Board = request.app.state.board
    return board


async def in_session(request: Request, work: Callable[[Session], T]) -> tuple[str, T]:
    """Run ``work`` on the request's session in a worker thread, one request at a time
    per session (two browsers never wait for each other)."""
    key, session = board_of(request).session(request)

    def locked() -> T:
        with session.lock:
            return work(session)

    return key, await run_in_threadpool(locked)


def answer(key: str, data: Any, status: int = 200) -> JSONResponse:
    """JSON, with the session cookie (new sessions get theirs here)."""
    response = JSONResponse(finite(data), status_code=status)
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="strict")
    return response


def finite(data: Any) -> Any:
    """``data`` with NaN and infinities as ``null`` (strict JSON has neither)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 400."""
    try:
        body = await request.json()
    except ValueError:
        raise BoardError("the request body is not valid JSON", code="bad-json") from None
    if not isinstance(body, dict):
        raise BoardError("the request body must be a JSON object", code="bad-json")
    return body


