"""The panels of ``tabletop replay`` on a terminal, drawn with ``rich``.

:func:`render_screen` builds the whole display at one frame: the clock, the injects
that hit, groups, resources, activities, next starts, the last inject and the log.
The pieces are public so that the live loop (:mod:`sim.cli.commands.replay_live`)
can fit them to the console.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sim.core.timefmt import format_time
from sim.replay import ActivityView, Frame, InjectView, Replay, ResourceView, date_of, day_of

ACTIVITY_ROWS = 8  # most activities listed before "+N more"

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
    frame = replay.frames[index]
    return Group(header_panel(replay, frame, clock, speed, prompt), *fresh_injects(frame),
                 *state_panels(frame, wide, activity_rows, next_rows),
                 *last_inject_panels(replay, index), *log_panels(replay, index, log_lines))


def fresh_injects(frame: Frame) -> list[RenderableType]:
    return [_inject_panel(view, fresh=True) for view in frame.injects]


def last_inject_panels(replay: Replay, index: int) -> list[RenderableType]:
    if replay.frames[index].injects:
        return []
    last = replay.last_inject(index)
    return [] if last is None else [_inject_panel(last, fresh=False)]


def log_panels(replay: Replay, index: int, log_lines: int) -> list[RenderableType]:
    return [_log_panel(replay, index, log_lines)] if log_lines > 0 else []


def state_panels(frame: Frame, wide: bool, activity_rows: int,
                 next_rows: int) -> list[RenderableType]:
    """Groups, resources, activities and next starts: two by two when ``wide``."""

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


def header_panel(replay: Replay, frame: Frame, clock: float | None, speed: float | None,
                 prompt: str | None) -> RenderableType:
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

    used, free, lost = view.cells() if width is None else view.cells(width)
    full = view.in_use >= view.capacity and view.in_use > 0
    bar = Text()
    bar.append("█" * used, style="yellow" if full else "green")
    bar.append("░" * free, style="dim")
    bar.append("×" * lost, style="bold red")
    bar.append(f" {view.in_use}/{view.capacity}", style="red" if view.reduced else "")
    return bar


def _resources_panel(frame: Frame) -> Panel:
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
    ok = replay.complete and replay.result.on_time
    style = "bold green" if ok else "bold red"
    return Text(replay.summary, style=style)
