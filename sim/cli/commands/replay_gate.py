"""The ``--step`` gate of ``tabletop replay``: wait for Enter at each inject and each new day."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Literal

Answer = Literal["next", "run_on", "eof"]


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

    def wait(self) -> Answer:
        """Block until Enter (``next``), ``c`` (``run_on``: stop stepping) or end of input."""
        if not self.active:
            return "run_on"
        try:
            answer = self._read_raw() if self.raw else self._read_line()
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

    def _read_raw(self) -> Answer:
        fd = self.stdin.fileno()
        with _no_echo(fd):
            while True:
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
