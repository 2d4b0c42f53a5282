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

from sim.cli.commands.replay_fit import Fitted, fit, listed, pieces_text
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


def fresh_injects(frame: Frame, detail: int = 2) -> list[RenderableType]:
    """A panel per inject hitting now: ``detail`` 2 gives its MSEL columns, 1 only who
    sent it to whom, 0 its description on one line."""
    return [_inject_panel(view, fresh=True, detail=detail) for view in frame.injects]


def last_inject_panels(replay: Replay, index: int) -> list[RenderableType]:
    if replay.frames[index].injects:
        return []
    last = replay.last_inject(index)
    return [] if last is None else [_inject_panel(last, fresh=False)]


def log_panels(replay: Replay, index: int, log_lines: int) -> list[RenderableType]:
    return [_log_panel(replay, index, log_lines)] if log_lines > 0 else []


def state_panels(frame: Frame, wide: bool, activity_rows: int, next_rows: int,
                 group_rows: int | None = None,
                 resource_rows: int | None = None) -> list[RenderableType]:
    """Groups, resources, activities and next starts: two by two when ``wide``.

    Each ``*_rows`` is the most lines of its panel (``None``: all; 0: no panel); a
    trimmed list ends with "+N more".
    """
    groups = _shown(_group_lines(frame), group_rows)
    resources = _shown([1] * len(frame.resources), resource_rows)
    panels: list[Panel] = []
    rows: list[int] = []
    if group_rows != 0:
        panels.append(_groups_panel(frame, groups))
        rows.append(sum(_group_lines(frame)[:groups]) + (groups < len(frame.groups)) or 1)
    if resource_rows != 0:
        panels.append(_resources_panel(frame, resources))
        rows.append(resources + (resources < len(frame.resources)) or 1)
    if activity_rows > 0:
        panels.append(_activities_panel(frame, activity_rows))
        shown = min(len(frame.activities), activity_rows)
        rows.append((shown + (len(frame.activities) > shown)) or 1)
    if next_rows > 0:
        panels.append(_next_panel(frame, next_rows))
        rows.append(min(len(frame.upcoming), next_rows) or 1)
    if not wide:
        return list(panels)
    grid = Table.grid(expand=True, padding=(0, 0))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    for k in range(0, len(panels), 2):
        pair = panels[k:k + 2]
        for panel in pair:  # each pair of panels the same height
            panel.height = max(rows[k:k + 2]) + 2
        grid.add_row(*pair)
    return [grid]


def _group_lines(frame: Frame) -> list[int]:
    return [max(1, len(g.activities) + g.absent) for g in frame.groups]


def _shown(lines: list[int], most: int | None) -> int:
    """How many items of ``lines`` lines each fit in ``most`` lines, with a line left
    for "+N more" when not all of them do."""
    if most is None or sum(lines) <= most:
        return len(lines)
    used = 0
    for k, n in enumerate(lines):
        if used + n > most - 1:
            return k
        used += n
    return len(lines)


def _more(table: Table, hidden: int, what: str) -> None:
    if hidden > 0:
        table.add_row(Text(f"+{hidden} more {what}", style="dim"), "", "")


def header_panel(replay: Replay, frame: Frame, clock: float | None, speed: float | None,
                 prompt: str | None) -> RenderableType:
    """The clock panel, laid out for the width it gets: the date and the progress bar
    go first when the line is short, phases past and to come are counted."""
    return Fitted(lambda width: _header(replay, frame, clock, speed, prompt, width))


def _header(replay: Replay, frame: Frame, clock: float | None, speed: float | None,
            prompt: str | None, width: int) -> Panel:
    sc = replay.scenario
    inner = max(width - 4, 10)  # borders and padding
    t = frame.t if clock is None else clock
    day = day_of(t)
    date = date_of(sc, day)
    done_cells = round(10 * frame.finished / replay.total) if replay.total else 10
    line = pieces_text([
        (f" {format_time(t)} ", "bold black on cyan"),
        (f"  {date.strftime('%a')} {date.isoformat()}" if date is not None else "", "cyan"),
        (f"  day {day} of {sc.days}", ""),
        ("  rest day" if day in sc.calendar.rest_days else "", "magenta"),
        (f"   done {frame.finished}/{replay.total} ", ""),
        ("█" * done_cells, "green"), ("░" * (10 - done_cells), "dim"),
    ], inner, optional=(1, 5, 6))
    phases = Text(" ", no_wrap=True)
    phases.append_text(_phase_line(frame, inner - 1))
    tail = f" · seed {replay.result.seed}"
    if speed is not None:
        tail += " · " + ("max speed" if speed == 0 else f"{speed:g} h/s")
    title = Text(fit(sc.name, max(inner - 2 - len(tail), 12)), style="bold")
    title.append(tail if len(title) + len(tail) <= inner - 2 else "")
    subtitle = (Text(f" {fit(prompt, inner - 4)} ", style="bold black on yellow")
                if prompt else None)
    return Panel(Text.assemble(line, "\n", phases), title=title, title_align="left",
                 subtitle=subtitle, subtitle_align="left", border_style="cyan")


def _phase_line(frame: Frame, width: int) -> Text:
    """Every phase with its mark; when they do not fit, those done and to come counted."""
    marked = [[(f"{_PHASE_MARK[v.state][0]} {v.id}", _PHASE_MARK[v.state][1])]
              for v in frame.phases]
    full = listed(marked, width)
    if len(full.plain) <= width and "more" not in full.plain:
        return full
    done = sum(v.state == "done" for v in frame.phases)
    pending = sum(v.state == "pending" for v in frame.phases)
    items = [[(f"{_PHASE_MARK['done'][0]} {done} done", _PHASE_MARK["done"][1])]] if done else []
    items += [m for m, v in zip(marked, frame.phases, strict=True) if v.state == "active"]
    items += ([[(f"{_PHASE_MARK['pending'][0]} {pending} to come", _PHASE_MARK["pending"][1])]]
              if pending else [])
    return listed(items, width)


def _groups_panel(frame: Frame, shown: int) -> Panel:
    return Panel(Fitted(lambda width: _groups_table(frame, shown, width)), title="Groups",
                 title_align="left", border_style="blue")


def _groups_table(frame: Frame, shown: int, width: int) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    groups = frame.groups[:shown]
    room = (width - 2 - max((len(g.id) for g in groups), default=0)
            - max((len(f"{g.busy}/{g.teams}") for g in groups), default=0))
    for group in groups:
        doing = Text()
        if group.absent:
            doing.append(fit(f"ABSENT ({', '.join(group.absent_by)})", room), style="bold red")
        for k, (aid, teams) in enumerate(group.activities):
            if k or group.absent:
                doing.append("\n")
            teams_text = f" ({teams} team{'s' * (teams != 1)})" if group.teams > 1 else ""
            if len(aid) + len(teams_text) > room and teams_text:
                teams_text = f" ×{teams}"  # the short form, so the id is never cut
            doing.append(fit(aid, room - len(teams_text)), style="green")
            doing.append(teams_text, style="dim")
        if not doing.plain:
            doing.append("idle", style="dim")
        load = Text(f"{group.busy}/{group.teams}",
                    style="red" if group.absent else ("yellow" if group.busy else "dim"))
        table.add_row(group.id, load, doing)
    _more(table, len(frame.groups) - shown, "groups")
    if not frame.groups:
        table.add_row(Text("no groups", style="dim"), "", "")
    return table


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


def _resources_panel(frame: Frame, shown: int) -> Panel:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for view in frame.resources[:shown]:
        note = Text()
        if view.reduced:
            note.append(f"down {view.base - view.capacity} of {view.base}", style="red")
            if view.down_by:
                note.append(f" ({', '.join(view.down_by)})", style="red")
        table.add_row(view.id, resource_bar(view), note)
    _more(table, len(frame.resources) - shown, "resources")
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
    return Panel(Fitted(lambda width: _activities_table(frame, rows, width)),
                 title="Activities", title_align="left", border_style="blue")


def _activities_table(frame: Frame, rows: int, width: int) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    shown = frame.activities[:max(rows, 1)]
    room = width - 4 - max((len(v.id) for v in shown), default=0)
    for view in shown:
        mark, ident, what = _activity_row(view)
        table.add_row(mark, ident, Text(fit(what.plain, room), style=what.style))
    if len(frame.activities) > len(shown):
        table.add_row("", Text(f"+{len(frame.activities) - len(shown)} more", style="dim"), "")
    if not frame.activities:
        table.add_row("", Text("nothing running", style="dim"), "")
    return table


def _next_panel(frame: Frame, rows: int) -> Panel:
    return Panel(Fitted(lambda width: _next_table(frame, rows, width)), title="Next starts",
                 title_align="left", border_style="blue")


def _next_table(frame: Frame, rows: int, width: int) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, style="cyan")
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis", style="dim")
    items = frame.upcoming[:rows]
    room = (width - 2 - max((len(format_time(i.t)) for i in items), default=0)
            - max((len(i.activity) for i in items), default=0))
    for item in items:  # a name with no room for a few words is left out
        name = item.name if item.name != item.activity and room >= 12 else ""
        table.add_row(format_time(item.t), item.activity, fit(name, room) if name else "")
    if not frame.upcoming:
        table.add_row(Text("no more starts", style="dim"), "", "")
    return table


def _inject_panel(view: InjectView, *, fresh: bool, detail: int = 2) -> RenderableType:
    """An inject as it hits (``fresh``: in bold red, with ``detail`` as in
    :func:`fresh_injects`), or the last one, dim, on one line."""
    return Fitted(lambda width: _inject_box(view, fresh, detail, width - 4))


def _inject_box(view: InjectView, fresh: bool, detail: int, inner: int) -> Panel:
    if not fresh:
        line = fit(f"last inject {view.id} at {format_time(view.t)}: "
                   + (view.description or view.effect), inner)
        return Panel(Text(line, style="dim", no_wrap=True), box=box.ROUNDED,
                     border_style="dim")
    body: list[RenderableType] = []
    if view.description:
        body.append(Text(view.description if detail > 0 else fit(view.description, inner),
                         style="bold"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold yellow", no_wrap=True)
    table.add_column(ratio=1)
    rows = [(k, v) for k, v in view.msel() if detail > 1 or k in ("from", "to")]
    for label, text in rows if detail > 0 else []:
        table.add_row(label, text)
    if view.missed and detail > 0:
        table.add_row("no effect", view.missed)
    if table.row_count:
        body.append(table)
    title = fit(f"⚠ INJECT {view.id} · {format_time(view.t)} · {view.effect}", inner - 2)
    return Panel(Group(*body) if body else Text(view.effect),
                 title=Text(title, style="bold"), title_align="left", box=box.HEAVY,
                 border_style="bold red")


def _log_panel(replay: Replay, index: int, count: int) -> RenderableType:
    return Panel(Fitted(lambda width: _log_text(replay, index, count, width)), title="Log",
                 title_align="left", border_style="dim")


def _log_text(replay: Replay, index: int, count: int, width: int) -> Text:
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
        text.append(fit(line, width), style=style)
    return text


def summary_renderable(replay: Replay) -> Text:
    ok = replay.complete and replay.result.on_time
    style = "bold green" if ok else "bold red"
    return Text(replay.summary, style=style)
