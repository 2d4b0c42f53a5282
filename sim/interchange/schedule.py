"""A run's schedule as the papers handed out need it: each activity that ran, with who
takes part, what it holds, its phase, and the plan's times beside the run's.

Calendars and project files are both written from these rows, so they list the same
activities with the same details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.core.timefmt import format_duration, format_time
from sim.results import RunResult
from sim.results.index import index_of
from sim.results.rows import ActivityRow
from sim.scenario.model import Activity

# C0 control characters other than tab and newline: neither XML 1.0 nor iCalendar TEXT
# may hold them, and a scenario's names may (YAML writes them as "\x01")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without the control characters that XML and iCalendar cannot carry."""
    return _CONTROL.sub("", text)


@dataclass(frozen=True, slots=True)
class Scheduled:
    """One activity (instance) of a run that started and finished."""

    row: ActivityRow
    activity: Activity
    phase_name: str
    start_h: float
    end_h: float
    groups: tuple[tuple[str, str, int], ...]  # (id, name, teams)
    resources: tuple[tuple[str, str, int], ...]  # (id, name, units)
    planned: tuple[float, float] | None  # (start, end) in the plan, if it is there
    group_labels: tuple[str, ...] = ()  # "Blue", or "Green (1 of 2 teams)"


@dataclass(frozen=True, slots=True)
class Schedule:
    """The activities that ran, in the run's order, and those left out (never finished)."""

    items: tuple[Scheduled, ...]
    left_out: tuple[str, ...]


def schedule_of(result: RunResult, plan: RunResult | None = None) -> Schedule:
    """The activities of ``result`` that started and finished; ``plan`` gives their plan."""
    sc = result.scenario
    acts = index_of(sc).acts
    group_names = {g.id: g.name for g in sc.groups}
    teams = {g.id: g.teams for g in sc.groups}
    resource_names = {r.id: r.name for r in sc.resources}
    phase_names = {p.id: p.name for p in sc.phases}
    planned: dict[str, tuple[float, float]] = {}
    if plan is not None:
        planned = {r.id: (r.start_h, r.end_h) for r in plan.activities
                   if r.start_h is not None and r.end_h is not None}
    items: list[Scheduled] = []
    left_out: list[str] = []
    for row in result.activities:
        if row.start_h is None or row.end_h is None:
            left_out.append(row.id)
            continue
        act = acts[row.id]
        items.append(Scheduled(
            row=row, activity=act, phase_name=phase_names.get(row.phase, row.phase),
            start_h=row.start_h, end_h=row.end_h,
            groups=tuple((g, group_names.get(g, g), n) for g, n in act.groups),
            resources=tuple((r, resource_names.get(r, r), n) for r, n in act.needs),
            planned=planned.get(row.id),
            group_labels=tuple(
                group_names.get(g, g) if n >= teams.get(g, n)
                else f"{group_names.get(g, g)} ({n} of {teams[g]} teams)"
                for g, n in act.groups),
        ))
    return Schedule(tuple(items), tuple(left_out))


def span_text(start_h: float, end_h: float) -> str:
    """``"D6 10:00 - D6 12:00 (2h)"``."""
    return f"{format_time(start_h)} - {format_time(end_h)} ({format_duration(end_h - start_h)})"


def notes_of(item: Scheduled) -> list[str]:
    """Lines saying what the activity is and how the run went against the plan."""
    row = item.row
    lines = [f"Phase: {item.phase_name}"]
    if item.groups:
        lines.append("Groups: " + ", ".join(item.group_labels))
    if item.resources:
        lines.append("Resources: " + ", ".join(
            name if n == 1 else f"{name} ({n} units)" for _, name, n in item.resources))
    lines.append(f"Actual: {span_text(item.start_h, item.end_h)}")
    if item.planned is not None:
        lines.append(f"Planned: {span_text(*item.planned)}" + _shift(item))
    elif row.added_by:
        lines.append(f"Planned: not in the plan (added by inject {row.added_by})")
    if row.waited_h > 0 and row.waited_for:
        lines.append(f"Waited {format_duration(row.waited_h)} after it was ready "
                     f"(longest for {row.waited_for})")
    if row.interruptions:
        lines.append(f"Paused {row.interruptions} time(s), {format_duration(row.paused_h)} "
                     "in all")
    lines.append(f"Activity id: {row.id}")
    return lines


def _shift(item: Scheduled) -> str:
    """``"; started as planned, finished 1h37 late"``."""
    if item.planned is None:
        return ""
    return (f"; started {_against(item.start_h - item.planned[0])}, "
            f"finished {_against(item.end_h - item.planned[1])}")


def _against(late_h: float) -> str:
    if abs(late_h) < 1 / 120:  # under half a minute: on the plan, as the times show it
        return "as planned"
    return f"{format_duration(abs(late_h))} {'late' if late_h > 0 else 'early'}"
