"""The live loop of ``tabletop replay`` on a terminal: frames fitted to the console,
the clock running between them at ``--speed``, and the ``--step`` stops."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.live import Live
from rich.segment import Segment

from sim.cli.commands.replay_gate import StepGate
from sim.cli.commands.replay_screen import (
    ACTIVITY_ROWS,
    fresh_injects,
    header_panel,
    last_inject_panels,
    log_panels,
    state_panels,
)
from sim.core.timefmt import format_time
from sim.replay import Replay, step_point

MAX_GAP_S = 1.5  # the longest real pause between two frames (long idle gaps are compressed)
INJECT_HOLD_S = 1.0  # how long an inject stays in view before the clock moves on
TICK_S = 0.05  # clock refresh while time passes between frames
MIN_DRAW_S = 0.04  # with --speed 0, frames closer than this are not drawn
WIDE = 80  # columns from which panels go two by two (each then has 40)


class _Lines:
    """Lines rendered once, shown again as they are (while only the clock moves)."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


class Fit(NamedTuple):
    """How much of each panel a layout shows (``None``: all, 0: no panel)."""

    activities: int
    upcoming: int
    groups: int | None = None
    resources: int | None = None
    detail: int = 2  # of an inject as it hits: see replay_screen.fresh_injects
    last: bool = True  # the line about the last inject


class _Screen:
    """Renders frames to fit the console: panels shrink, and the log gets the rows left over.

    Everything below the clock is rendered once per frame; while time passes between
    two frames only the clock is rendered again.
    """

    # from the roomiest layout to the tightest: lower panels go first, then lists are
    # trimmed ("+N more"), then the inject loses its MSEL columns
    LAYOUTS: tuple[Fit, ...] = (
        Fit(ACTIVITY_ROWS, 5), Fit(5, 3), Fit(3, 0), Fit(3, 0, detail=1), Fit(0, 0, detail=1),
        Fit(0, 0, 6, 6, 1), Fit(0, 0, 4, 3, 0), Fit(0, 0, 2, 2, 0, last=False),
        Fit(0, 0, 0, 0, 0, last=False))
    MAX_LOG = 12

    def __init__(self, replay: Replay, console: Console, speed: float) -> None:
        self.replay = replay
        self.console = console
        self.speed = speed
        self._key: tuple[int, str | None, int, int] | None = None
        self._body: _Lines = _Lines([])

    def resized(self) -> bool:
        """Whether the console's size changed since the last frame was laid out."""
        return self._key is not None and self._key[2:] != (self.console.width,
                                                            self.console.height)

    def render(self, index: int, clock: float | None = None,
               prompt: str | None = None) -> RenderableType:
        key = (index, prompt, self.console.width, self.console.height)
        if self._key != key:
            self._key = key
            self._body = self._render_body(index, prompt)
        frame = self.replay.frames[index]
        return Group(header_panel(self.replay, frame, clock, self.speed, prompt), self._body)

    def _lines(self, parts: Sequence[RenderableType]) -> list[list[Segment]]:
        out: list[list[Segment]] = []
        for part in parts:
            out.extend(self.console.render_lines(part, self.console.options, pad=False))
        return out

    def _render_body(self, index: int, prompt: str | None) -> _Lines:
        """The panels under the clock in the roomiest layout that fits; the log gets the
        rows left; what still does not fit (many injects at once) is cut at the bottom."""
        replay, frame = self.replay, self.replay.frames[index]
        wide = self.console.width >= WIDE
        room = self.console.height - 1  # one row spare for the cursor
        room -= len(self._lines([header_panel(replay, frame, None, self.speed, prompt)]))
        body: list[list[Segment]] = []
        for fit in self.LAYOUTS:
            top = self._lines(fresh_injects(frame, fit.detail))
            bottom = self._lines(last_inject_panels(replay, index)) if fit.last else []
            middle = self._lines(state_panels(frame, wide, fit.activities, fit.upcoming,
                                              fit.groups, fit.resources))
            body = top + middle + bottom
            if len(body) <= room:
                break
        left = room - len(body) - 2  # the log's two borders
        log = self._lines(log_panels(replay, index, min(left, self.MAX_LOG))) if left >= 2 else []
        return _Lines((body + log)[:max(room, 0)])


def play_live(replay: Replay, console: Console, speed: float, gate: StepGate,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> None:
    """Replay frame by frame in a live display; time passes at ``speed`` hours per second."""
    if not replay.frames:
        return
    screen = _Screen(replay, console, speed)
    if gate.note:
        console.print(f"tabletop: {gate.note}", style="yellow")
        gate.note = None
    frames = replay.frames
    drawn = -math.inf
    with Live(screen.render(0), console=console, auto_refresh=False, transient=False,
              redirect_stdout=False, redirect_stderr=False) as live:
        for index, frame in enumerate(frames):
            if index and speed > 0:
                _pass_time(live, screen, index - 1, frames[index - 1].t, frame.t, speed,
                           sleep, clock)
            why = step_point(frame)
            # as fast as possible: draw only what the eye can follow, and every stop
            if (speed > 0 or why is not None or index == len(frames) - 1
                    or clock() - drawn >= MIN_DRAW_S):
                live.update(screen.render(index), refresh=True)
                drawn = clock()
            if why is not None and gate.active:
                _stop(live, screen, index, why, gate)
            elif frame.injects and speed > 0:
                sleep(INJECT_HOLD_S)


def _stop(live: Live, screen: _Screen, index: int, why: str, gate: StepGate) -> None:
    """A ``--step`` stop: show the prompt in the clock's frame and wait for the gate."""
    prompt = f"⏸ {why} at {format_time(screen.replay.frames[index].t)}: Enter for more, c to run on"
    live.update(screen.render(index, prompt=prompt), refresh=True)

    def reflow() -> None:  # the terminal was resized while waiting: lay out again
        if screen.resized():
            live.update(screen.render(index, prompt=prompt), refresh=True)

    gate.wait(reflow)
    if gate.note:
        live.console.print(f"tabletop: {gate.note}", style="yellow")
        gate.note = None
    live.update(screen.render(index), refresh=True)


def _pass_time(live: Live, screen: _Screen, index: int, t0: float, t1: float, speed: float,
               sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
    """Let the clock run from ``t0`` to ``t1`` on frame ``index``'s state."""
    gap = t1 - t0
    real = min(gap / speed, MAX_GAP_S)
    start = clock()
    while (left := real - (clock() - start)) > 1e-3:
        shown = t0 + gap * (real - left) / real
        live.update(screen.render(index, clock=shown), refresh=True)
        sleep(min(TICK_S, left))
