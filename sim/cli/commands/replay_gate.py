"""The ``--step`` gate of ``tabletop replay``: wait for Enter at each inject and each new day."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Literal

Answer = Literal["next", "run_on", "eof"]
IDLE_S = 0.25  # while waiting for a key, how often ``idle`` is called (e.g. to reflow)


class StepGate:
    """Waits for Enter at step points, and never waits when no one can press it.

    ``--step`` is honoured only when stdin is a terminal; otherwise, or when stdin
    reaches end of file, the gate says so once (``note``) and lets the replay run on.
    """

    def __init__(self, enabled: bool, stdin: IO[str] | None = None, *,
                 raw: bool = False) -> None:
        self.stdin = sys.stdin if stdin is None else stdin
        self.raw = raw  # read keys without echo (under a live display)
        self.active = enabled
        self.note: str | None = None
        if enabled and not _isatty(self.stdin):
            self.active = False
            self.note = "--step: stdin is not a terminal, so the replay runs on without pausing"

    def wait(self, idle: Callable[[], None] | None = None) -> Answer:
        """Block until Enter (``next``), ``c`` (``run_on``: stop stepping) or end of input.

        In raw mode ``idle`` is called every :data:`IDLE_S` seconds while no key comes
        (the live display uses it to lay itself out again when the terminal is resized).
        """
        if not self.active:
            return "run_on"
        try:
            answer = self._read_raw(idle) if self.raw else self._read_line()
        except (OSError, ValueError):
            answer = "eof"
        if answer == "eof":
            self.active = False
            self.note = "--step: end of input on stdin, so the replay runs on without pausing"
        elif answer == "run_on":
            self.active = False
        return answer

    def _read_line(self) -> Answer:
        line = self.stdin.readline()
        if not line:
            return "eof"
        return "run_on" if line.strip().lower() in ("c", "continue") else "next"

    def _read_raw(self, idle: Callable[[], None] | None = None) -> Answer:
        fd = self.stdin.fileno()
        with _no_echo(fd):
            while True:
                if idle is not None and os.name == "posix":  # select() takes ttys on POSIX
                    ready, _w, _x = select.select([fd], [], [], IDLE_S)
                    if not ready:
                        idle()
                        continue
                key = os.read(fd, 1)
                if not key or key == b"\x04":  # hang-up, or Ctrl-D
                    return "eof"
                if key in (b"\n", b"\r", b" "):
                    return "next"
                if key in (b"c", b"C"):
                    return "run_on"


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and not stream.closed and stream.isatty()
    except (OSError, ValueError):
        return False


@contextmanager
def _no_echo(fd: int) -> Iterator[None]:
    """Key presses one at a time, not echoed (so the live display stays in place)."""
    try:
        import termios  # POSIX only: loaded where it is used, so other systems still replay
    except ImportError:  # not a POSIX terminal: read as is
        yield
        return
    try:
        old = termios.tcgetattr(fd)
    except termios.error:
        yield
        return
    new = termios.tcgetattr(fd)
    new[3] &= ~(termios.ECHO | termios.ICANON)
    new[6][termios.VMIN] = 1
    new[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, new)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
