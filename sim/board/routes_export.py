"""The routes that hand files back: the variant scenario, the after-action table and the
run directory as a zip (written under ``runs/`` in the working directory first)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sim.board.export import after_action_csv, variant_text, write_board_run, zip_dir
from sim.board.state import Session
from sim.board.web import SESSION_COOKIE, board_of, in_session
from sim.core.files import slug


def _download(key: str, body: bytes | str, name: str, media: str) -> Response:
    response = Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="strict")
    return response


def _stem(session: Session) -> str:
    return slug(Path(session.base.name).stem)


async def get_variant(request: Request) -> Response:
    key, (text, stem) = await in_session(request, lambda s: (variant_text(s), _stem(s)))
    return _download(key, text, f"{stem}-variant.yaml", "application/yaml")


async def get_after_action(request: Request) -> Response:
    key, (text, stem) = await in_session(request, lambda s: (after_action_csv(s), _stem(s)))
    return _download(key, text, f"{stem}-after-action.csv", "text/csv")


async def get_run_zip(request: Request) -> Response:
    workdir = board_of(request).workdir

    def pack(session: Session) -> tuple[bytes, str]:
        path = write_board_run(session, workdir)
        return zip_dir(path), path.name

    key, (data, name) = await in_session(request, pack)
    return _download(key, data, f"{name}.zip", "application/zip")


ROUTES = [
    Route("/api/variant.yaml", get_variant),
    Route("/api/after-action.csv", get_after_action),
    Route("/api/run.zip", get_run_zip),
]
