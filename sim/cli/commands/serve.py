"""``tabletop serve``: the facilitator's board in a browser (:mod:`sim.board`).

Prints the URL (with the token when the address is not this computer's own), opens a
browser unless ``--no-browser``, and serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import webbrowser
from pathlib import Path

import uvicorn

from sim.board.app import build_app
from sim.board.security import Guard, is_local
from sim.board.targets import load_target
from sim.cli.errors import EXIT_OK, UsageError
from sim.scenario.bundled import default_scenario


def target_path(target: str | None, workdir: Path) -> Path:
    """The file or run directory to serve: inside ``workdir``, or the bundled scenario."""
    if not target:
        return default_scenario()
    path = (workdir / target).resolve()
    if not path.is_relative_to(workdir.resolve()):
        raise UsageError(f"{target}: outside the working directory; the board reads and "
                         f"writes only inside it ({workdir}): change to the scenario's folder")
    if not path.exists():
        raise UsageError(f"{target}: no such file or directory")
    return path


def board_url(host: str, port: int, token: str | None) -> str:
    # every address: name this computer, as others in the room will reach it
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def free_socket(host: str, port: int) -> socket.socket:
    """A bound, listening socket (port 0: one the system picks), or a clear UsageError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                         "(try another --port)") from None
    sock.listen(64)
    return sock


def main(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be from 0 to 65535")
    workdir = Path.cwd()
    base = load_target(target_path(args.target, workdir))
    guard = Guard.for_host(args.host)
    sock = free_socket(args.host, args.port)
    url = board_url(args.host, sock.getsockname()[1], guard.token)
    print(f"tabletop board: {base.scenario.name} (seed {base.seed})")
    print(f"  open {url}")
    if not is_local(args.host):
        print("  listening beyond this computer: only browsers given the token get in",
              file=sys.stderr)
    print("  Ctrl-C stops the board", flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    config = uvicorn.Config(build_app(base, workdir, guard), log_level="warning",
                            access_log=False)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn shuts down, then passes it on
        uvicorn.Server(config).run(sockets=[sock])
    print("tabletop board: stopped")
    return EXIT_OK
