"""What keeps the board safe on a laptop in a shared room.

- **Host.** Bound to a loopback address, it answers only requests whose ``Host`` header
  names a loopback address (a web page elsewhere cannot reach it by DNS rebinding).
- **Token.** Bound to any other address, every request needs the token printed at start
  (``?token=`` once, then a cookie; or an ``Authorization: token ...`` header), as Jupyter.
- **Size.** A request body larger than :data:`MAX_BODY` is refused with 413 before the
  application reads it; posts must be JSON (a plain cross-site form cannot send one).
- **Files.** :func:`confine` keeps every path inside the working directory.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sim.board.errors import BoardError

MAX_BODY = 64 * 1024  # bytes: an edit or an observation is a few hundred
TOKEN_COOKIE = "tabletop_token"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_local(host: str) -> bool:
    """A loopback name or address (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_hex(24)


@dataclass(frozen=True)
class Guard:
    """The rules for one server: its token (``None`` when bound locally) and body limit."""

    token: str | None = None
    max_body: int = MAX_BODY

    @classmethod
    def for_host(cls, host: str, token: str | None = None) -> Guard:
        """No token on a loopback address; a token (given or new) on any other."""
        return cls(None if is_local(host) else (token or new_token()))


def confine(root: Path, relative: str) -> Path:
    """``relative`` resolved inside ``root`` (symbolic links followed), or a 403 BoardError."""
    if not relative or "\x00" in relative:
        raise BoardError("a path inside the working directory is needed", code="bad-path",
                         field="path")
    root = root.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise BoardError(f"{relative}: outside the working directory; the board reads and "
                         "writes only inside it", code="outside-workdir", field="path",
                         status=403)
    return path


class GuardMiddleware:
    """ASGI middleware applying a :class:`Guard` to every HTTP request."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            await _answer(send, *refusal)
            return
        body, too_big = await _read_body(receive, self.guard.max_body, headers)
        if too_big:
            await _answer(send, 413, f"request body over {self.guard.max_body} bytes",
                          "too-large")
            return
        await self.app(scope, _replay(body, receive), self._with_cookie(scope, send))

    def refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        """Why the request is refused before it is read, if it is."""
        host = headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if self.guard.token is None and not is_local(name.strip("[]")):
            return 403, f"host {host!r} refused: the board answers on localhost only", "bad-host"
        if self.guard.token is not None and not self._has_token(scope, headers):
            return 403, ("token required: open the URL with ?token=... printed when the "
                         "board started"), "token-required"
        method = scope.get("method", "GET")
        kind = headers.get("content-type", "").split(";")[0].strip()
        if method in ("POST", "PUT", "PATCH") and headers.get("content-length", "0") != "0" \
                and kind != "application/json":
            return 415, "send JSON (Content-Type: application/json)", "not-json"
        return None

    def _has_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        token = str(self.guard.token)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        cookie = SimpleCookie(headers.get("cookie", ""))
        given = [*query.get("token", []),
                 headers.get("authorization", "").removeprefix("token ").strip()]
        if TOKEN_COOKIE in cookie:
            given.append(cookie[TOKEN_COOKIE].value)
        return any(hmac.compare_digest(g.encode(), token.encode()) for g in given if g)

    def _with_cookie(self, scope: Scope, send: Send) -> Send:
        """Set the token cookie on the answer to a request that brought ``?token=``."""
        if self.guard.token is None or b"token=" not in scope.get("query_string", b""):
            return send
        cookie = f"{TOKEN_COOKIE}={self.guard.token}; Path=/; HttpOnly; SameSite=Strict"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        return sending


async def _read_body(receive: Receive, limit: int,
                     headers: dict[str, str]) -> tuple[bytes, bool]:
    """The whole body, or ``(b"", True)`` as soon as it is over ``limit`` bytes."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return b"", True
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes, upstream: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then the server's own messages
    (so that a disconnect is still seen when the client really goes)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await upstream()

    return receive


async def _answer(send: Send, status: int, message: str, code: str) -> None:
    data = json.dumps({"error": message, "field": None, "code": code}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
