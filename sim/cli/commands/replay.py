"""``tabletop replay``: play one run back for a facilitator.

On a terminal the run is replayed with a live ``rich`` display: the clock,
what each group is doing, resources in use against capacity, activities
running, paused and waiting, the next starts, and each inject as it hits
with its MSEL columns. ``--speed`` is simulated hours per real second;
``--step`` pauses at each inject and each new day until Enter is pressed.

When stdout is not a terminal the command prints the plain, timestamped
narrative of :mod:`sim.replay` instead, with no sleeping: the same text for
the same scenario and seed, fit for logs and tests.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Literal

from sim.cli.commands.common import check_seed, load_scenario_arg
from sim.core.timefmt import format_time

if TYPE_CHECKING:  # sim.replay and rich load when the command runs, not at start-up
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.live import Live
    from rich.panel import Panel
    from rich.segment import Segment
    from rich.text import Text

    from sim.replay import ActivityView, Frame, InjectView, Replay, ResourceView

MAX_GAP_S = 1.5  # the longest real pause between two frames (long idle gaps are compressed)
INJECT_HOLD_S = 1.0  # how long an inject stays in view before the clock moves on
TICK_S = 0.05  # clock refresh while time passes between frames
MIN_DRAW_S = 0.04  # with --speed 0, frames closer than this are not drawn
ACTIVITY_ROWS = 8  # most activities listed before "+N more"

Answer = Literal["next", "run_on", "eof"]


# ---------------------------------------------------------------- --step


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
        import termios
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


# ---------------------------------------------------------------- plain narrative


def play_narrative(replay: Replay, out: IO[str], gate: StepGate, err: IO[str]) -> None:
    """Print the narrative; with an active gate, pause at step points (prompt on ``err``)."""
    from sim.replay import narrative_lines, step_point

    if gate.note:
        print(f"tabletop: {gate.note}", file=err)
    for frame, line in narrative_lines(replay):
        print(line, file=out)
        if frame is None or not gate.active:
            continue
        why = step_point(frame)
        if why is None:
            continue
        out.flush()
        print(f"[step] {why} at {format_time(frame.t)}: Enter for more, c to run on",
              file=err, flush=True)
        gate.wait()
        if gate.note:
            print(f"tabletop: {gate.note}", file=err)
            gate.note = None
    out.flush()


# ---------------------------------------------------------------- rendering


_STATE_MARK = {"running": ("▶", "green"), "paused": ("⏸", "yellow"), "waiting": ("…", "dim")}
_PHASE_MARK = {"done": ("✓", "green"), "active": ("▶", "bold cyan"), "pending": ("·", "dim")}


def render_screen(replay: Replay, index: int, *, clock: float | None = None,
                  speed: float | None = None, prompt: str | None = None,
                  log_lines: int = 8, wide: bool = True, activity_rows: int = ACTIVITY_ROWS,
                  next_rows: int = 5) -> RenderableType:
    """The whole display at frame ``index``.

    From the top: the clock (with the ``--step`` prompt in its frame), the injects that
    hit at this moment, groups and resources, activities and next starts, the last
    inject, the log. What matters most comes first, so a short terminal crops the least
    important. ``clock`` is the time shown while time passes between two frames;
    ``wide`` puts panels side by side; ``activity_rows`` or ``next_rows`` of 0 leave
    their panel out.
    """
    from rich.console import Group

    frame = replay.frames[index]
    return Group(_header(replay, frame, clock, speed, prompt), *_fresh_injects(frame),
                 *_state_panels(frame, wide, activity_rows, next_rows),
                 *_last_inject(replay, index), *_log(replay, index, log_lines))


def _fresh_injects(frame: Frame) -> list[RenderableType]:
    return [_inject_panel(view, fresh=True) for view in frame.injects]


def _last_inject(replay: Replay, index: int) -> list[RenderableType]:
    if replay.frames[index].injects:
        return []
    last = replay.last_inject(index)
    return [] if last is None else [_inject_panel(last, fresh=False)]


def _log(replay: Replay, index: int, log_lines: int) -> list[RenderableType]:
    return [_log_panel(replay, index, log_lines)] if log_lines > 0 else []


def _state_panels(frame: Frame, wide: bool, activity_rows: int,
                  next_rows: int) -> list[RenderableType]:
    """Groups, resources, activities and next starts: two by two when ``wide``."""
    from rich.table import Table

    panels: list[Panel] = [_groups_panel(frame), _resources_panel(frame)]
    if activity_rows > 0:
        panels.append(_activities_panel(frame, activity_rows))
    if next_rows > 0:
        panels.append(_next_panel(frame, next_rows))
    if not wide:
        return list(panels)
    rows = _panel_rows(frame, activity_rows, next_rows)
    grid = Table.grid(expand=True, padding=(0, 0))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    for k in range(0, len(panels), 2):
        pair = panels[k:k + 2]
        for panel in pair:  # each pair of panels the same height
            panel.height = max(rows[k:k + 2]) + 2
        grid.add_row(*pair)
    return [grid]


def _panel_rows(frame: Frame, activity_rows: int, next_rows: int) -> list[int]:
    """Rows inside the panels shown: groups, resources, activities, next starts."""
    rows = [sum(max(1, len(g.activities) + g.absent) for g in frame.groups) or 1,
            len(frame.resources) or 1]
    if activity_rows > 0:
        shown = min(len(frame.activities), activity_rows)
        rows.append((shown + (len(frame.activities) > shown)) or 1)
    if next_rows > 0:
        rows.append(min(len(frame.upcoming), next_rows) or 1)
    return rows


def _header(replay: Replay, frame: Frame, clock: float | None, speed: float | None,
            prompt: str | None) -> RenderableType:
    from rich.panel import Panel
    from rich.text import Text

    from sim.replay import date_of, day_of

    sc = replay.scenario
    t = frame.t if clock is None else clock
    day = day_of(t)
    line = Text()
    line.append(f" {format_time(t)} ", style="bold black on cyan")
    date = date_of(sc, day)
    if date is not None:
        line.append(f"  {date.strftime('%a')} {date.isoformat()}", style="cyan")
    line.append(f"  day {day} of {sc.days}")
    if day in sc.calendar.rest_days:
        line.append("  rest day", style="magenta")
    line.append(f"   done {frame.finished}/{replay.total} ")
    done_cells = round(10 * frame.finished / replay.total) if replay.total else 10
    line.append("█" * done_cells, style="green")
    line.append("░" * (10 - done_cells), style="dim")
    phases = Text(" ")
    for view in frame.phases:
        mark, style = _PHASE_MARK[view.state]
        phases.append(f"{mark} {view.id}", style=style)
        phases.append("  ")
    title = f"[bold]{sc.name}[/] · seed {replay.result.seed}"
    if speed is not None:
        title += " · " + ("max speed" if speed == 0 else f"{speed:g} h/s")
    subtitle = f"[bold black on yellow] {prompt} [/]" if prompt else None
    return Panel(Text.assemble(line, "\n", phases), title=title, title_align="left",
                 subtitle=subtitle, subtitle_align="left", border_style="cyan")


def _groups_panel(frame: Frame) -> Panel:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for group in frame.groups:
        doing = Text()
        if group.absent:
            doing.append(f"ABSENT ({', '.join(group.absent_by)})", style="bold red")
        for k, (aid, teams) in enumerate(group.activities):
            if k or group.absent:
                doing.append("\n")
            doing.append(aid, style="green")
            if group.teams > 1:
                doing.append(f" ({teams} team{'s' * (teams != 1)})", style="dim")
        if not doing.plain:
            doing.append("idle", style="dim")
        load = Text(f"{group.busy}/{group.teams}",
                    style="red" if group.absent else ("yellow" if group.busy else "dim"))
        table.add_row(group.id, load, doing)
    if not frame.groups:
        table.add_row(Text("no groups", style="dim"), "", "")
    return Panel(table, title="Groups", title_align="left", border_style="blue")


def resource_bar(view: ResourceView, width: int | None = None) -> Text:
    """``███░ 3/4`` in colour: in use, free, and (red ``×``) units an inject holds."""
    from rich.text import Text

    used, free, lost = view.cells() if width is None else view.cells(width)
    full = view.in_use >= view.capacity and view.in_use > 0
    bar = Text()
    bar.append("█" * used, style="yellow" if full else "green")
    bar.append("░" * free, style="dim")
    bar.append("×" * lost, style="bold red")
    bar.append(f" {view.in_use}/{view.capacity}", style="red" if view.reduced else "")
    return bar


def _resources_panel(frame: Frame) -> Panel:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for view in frame.resources:
        note = Text()
        if view.reduced:
            note.append(f"down {view.base - view.capacity} of {view.base}", style="red")
            if view.down_by:
                note.append(f" ({', '.join(view.down_by)})", style="red")
        table.add_row(view.id, resource_bar(view), note)
    if not frame.resources:
        table.add_row(Text("no resources", style="dim"), "", "")
    return Panel(table, title="Resources in use / capacity", title_align="left",
                 border_style="blue")


def _activity_row(view: ActivityView) -> tuple[Text, Text, Text]:
    from rich.text import Text

    mark, style = _STATE_MARK[view.state]
    if view.state == "running":
        what = f"since {format_time(view.started if view.started is not None else view.since)}"
    elif view.state == "paused":
        what = f"paused: {view.note}" if view.note else "paused"
    else:
        what = f"waiting: {view.note}" if view.note else "waiting"
    return (Text(mark, style=style), Text(view.id, style="bold" if view.state != "waiting"
                                          else "dim"),
            Text(what, style="dim" if view.state != "paused" else "yellow"))


def _activities_panel(frame: Frame, rows: int) -> Panel:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    shown = frame.activities[:max(rows, 1)]
    for view in shown:
        table.add_row(*_activity_row(view))
    if len(frame.activities) > len(shown):
        table.add_row("", Text(f"+{len(frame.activities) - len(shown)} more", style="dim"), "")
    if not frame.activities:
        table.add_row("", Text("nothing running", style="dim"), "")
    return Panel(table, title="Activities", title_align="left", border_style="blue")


def _next_panel(frame: Frame, rows: int) -> Panel:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, style="cyan")
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis", style="dim")
    for item in frame.upcoming[:rows]:
        name = item.name if item.name != item.activity else ""
        table.add_row(format_time(item.t), item.activity, name)
    if not frame.upcoming:
        table.add_row(Text("no more starts", style="dim"), "", "")
    return Panel(table, title="Next starts", title_align="left", border_style="blue")


def _inject_panel(view: InjectView, *, fresh: bool) -> RenderableType:
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    title = f"INJECT {view.id} · {format_time(view.t)} · {view.effect}"
    if not fresh:
        line = Text(f"last inject {view.id} at {format_time(view.t)}: ", style="dim")
        line.append(view.description or view.effect, style="dim")
        return Panel(line, box=box.ROUNDED, border_style="dim")
    body: list[RenderableType] = []
    if view.description:
        body.append(Text(view.description, style="bold"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold yellow", no_wrap=True)
    table.add_column(ratio=1)
    for label, text in view.msel():
        table.add_row(label, text)
    if view.missed:
        table.add_row("no effect", view.missed)
    if table.row_count:
        body.append(table)
    return Panel(Group(*body) if body else Text(view.effect), title=f"[bold]⚠ {title}[/]",
                 title_align="left", box=box.HEAVY, border_style="bold red")


def _log_panel(replay: Replay, index: int, count: int) -> RenderableType:
    from rich.panel import Panel
    from rich.text import Text

    now = set(replay.frames[index].lines)
    text = Text(no_wrap=True, overflow="ellipsis")
    for k, line in enumerate(replay.log_tail(index, count)):
        if k:
            text.append("\n")
        if line.startswith("=="):
            style = "bold cyan"
        elif "  INJECT " in line or "  STUCK " in line:
            style = "bold red"
        elif line in now:
            style = "bold"
        else:
            style = "dim"
        text.append(line, style=style)
    return Panel(text, title="Log", title_align="left", border_style="dim")


def summary_renderable(replay: Replay) -> Text:
    from rich.text import Text

    ok = replay.complete and replay.result.on_time
    style = "bold green" if ok else "bold red"
    return Text(replay.summary, style=style)


# ---------------------------------------------------------------- live replay


class _Lines:
    """Lines rendered once, shown again as they are (while only the clock moves)."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for line in self.lines:
            yield from line
            yield Segment.line()


class _Screen:
    """Renders frames to fit the console: panels shrink, and the log gets the rows left over.

    Everything below the clock is rendered once per frame; while time passes between
    two frames only the clock is rendered again.
    """

    # from the roomiest layout to the tightest
    LAYOUTS: tuple[tuple[int, int], ...] = ((ACTIVITY_ROWS, 5), (5, 3), (3, 0), (0, 0))
    MAX_LOG = 12

    def __init__(self, replay: Replay, console: Console, speed: float) -> None:
        self.replay = replay
        self.console = console
        self.speed = speed
        self._key: tuple[int, str | None, int, int] | None = None
        self._body: _Lines = _Lines([])

    def render(self, index: int, clock: float | None = None,
               prompt: str | None = None) -> RenderableType:
        from rich.console import Group

        key = (index, prompt, self.console.width, self.console.height)
        if self._key != key:
            self._key = key
            self._body = self._render_body(index, prompt)
        frame = self.replay.frames[index]
        return Group(_header(self.replay, frame, clock, self.speed, prompt), self._body)

    def _lines(self, parts: Sequence[RenderableType]) -> list[list[Segment]]:
        out: list[list[Segment]] = []
        for part in parts:
            out.extend(self.console.render_lines(part, self.console.options, pad=False))
        return out

    def _render_body(self, index: int, prompt: str | None) -> _Lines:
        replay, frame = self.replay, self.replay.frames[index]
        wide = self.console.width >= 100
        room = self.console.height - 1  # one row spare for the cursor
        room -= len(self._lines([_header(replay, frame, None, self.speed, prompt)]))
        top = self._lines(_fresh_injects(frame))
        bottom = self._lines(_last_inject(replay, index))
        middle: list[list[Segment]] = []
        for activity_rows, next_rows in self.LAYOUTS:
            middle = self._lines(_state_panels(frame, wide, activity_rows, next_rows))
            if len(top) + len(middle) + len(bottom) <= room:
                break
        left = room - len(top) - len(middle) - len(bottom) - 2  # the log's two borders
        log = self._lines(_log(replay, index, min(left, self.MAX_LOG))) if left >= 2 else []
        return _Lines(top + middle + bottom + log)


def play_live(replay: Replay, console: Console, speed: float, gate: StepGate,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> None:
    """Replay frame by frame in a live display; time passes at ``speed`` hours per second."""
    from rich.live import Live

    from sim.replay import step_point

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
                prompt = f"⏸ {why} at {format_time(frame.t)}: Enter for more, c to run on"
                live.update(screen.render(index, prompt=prompt), refresh=True)
                gate.wait()
                if gate.note:
                    live.console.print(f"tabletop: {gate.note}", style="yellow")
                    gate.note = None
                live.update(screen.render(index), refresh=True)
            elif frame.injects and speed > 0:
                sleep(INJECT_HOLD_S)


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


# ---------------------------------------------------------------- the command


def check_speed(speed: float) -> None:
    from sim.cli.errors import UsageError

    if not math.isfinite(speed) or speed < 0:
        raise UsageError("--speed must be a number of simulated hours per second >= 0 "
                         "(0: as fast as possible)")


def main(args: argparse.Namespace) -> int:
    from sim.cli.errors import EXIT_INPUT, EXIT_OK
    from sim.engine import simulate
    from sim.replay import build_replay

    check_seed(args.seed)
    check_speed(args.speed)
    scenario, _text, _source = load_scenario_arg(args.file, args.set)
    replay = build_replay(simulate(scenario, args.seed))
    status = EXIT_OK if replay.complete else EXIT_INPUT
    if not sys.stdout.isatty():
        gate = StepGate(args.step)
        try:
            play_narrative(replay, sys.stdout, gate, sys.stderr)
        except BrokenPipeError:  # e.g. `| head`: the reader has gone, which is fine
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return status
    from rich.console import Console

    console = Console(highlight=False)
    gate = StepGate(args.step, raw=True)
    play_live(replay, console, args.speed, gate)
    for frame in replay.frames:
        for line in frame.stuck:
            console.print(f"stuck: {line}", style="red")
    console.print(summary_renderable(replay))
    return status
