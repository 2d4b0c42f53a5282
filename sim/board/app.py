"""The board's web application (Starlette): the page, its static files and the JSON API.

Every route answers JSON; a bad request gets a 4xx ``{error, field, code}`` and the server
carries on. Engine work (a re-run after an edit, writing a run) runs in a worker thread,
so the page never waits behind another request; the risk comparison runs in the
background (:mod:`sim.board.risk_jobs`).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sim.board import routes_export, routes_session
from sim.board.errors import BoardError
from sim.board.security import Guard, GuardMiddleware
from sim.board.state import SessionStore
from sim.board.web import SESSION_COOKIE, Board, board_of
from sim.board.whatif import Base

STATIC = Path(__file__).resolve().parent / "static"


async def index(request: Request) -> Response:
    key, _session = board_of(request).session(request)
    response = FileResponse(STATIC / "index.html", media_type="text/html")
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="strict")
    return response


async def favicon(_request: Request) -> Response:
    return Response(status_code=204)  # no icon: the browser asks, the log stays clean


async def health(_request: Request) -> Response:
    return JSONResponse({"ok": True})


async def board_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BoardError)
    return JSONResponse(exc.as_dict(), status_code=exc.status)


async def http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    body = {"error": str(exc.detail), "field": None, "code": f"http-{exc.status_code}"}
    return JSONResponse(body, status_code=exc.status_code)


async def server_error(_request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}", "field": None,
                         "code": "internal"}, status_code=500)


def build_app(base: Base, workdir: Path, guard: Guard | None = None) -> Starlette:
    """The board for ``base``, reading and writing only inside ``workdir``."""
    routes = [Route("/", index), Route("/api/health", health),
              Route("/favicon.ico", favicon),
              *routes_session.ROUTES, *routes_export.ROUTES,
              Mount("/static", app=StaticFiles(directory=STATIC), name="static")]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GuardMiddleware, guard=guard or Guard())],
        exception_handlers={BoardError: board_error, HTTPException: http_error,
                            Exception: server_error},
    )
    app.state.board = Board(SessionStore(base), workdir.resolve())
    return app
