"""The timetable of a run: per day and per group, who does what, where and when.

One row per activity, group and day: the activity's work on that day (from its first
start or resumption to its last pause or finish that day, midnight cutting work that
runs through the night), the resources it uses (its place), and what the run changed
against the plan (the plan run: expected durations, no injects). A change is marked
``moved`` (its start or end differs from the plan by a minute or more), ``added`` (an
inject added it), ``delayed`` (a ``delay`` inject added work to it), ``paused`` (an
inject took its resource or group while it ran) or ``unfinished``; each names the
injects that caused it when the event log says so: the inject that added, delayed or
paused it, and for a move, the injects whose outage it waited through.

Everything comes from the run's event log and the plan the caller gives: nothing is
simulated here, so the report, the command line and the board all read the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from sim.core.timefmt import format_clock, format_duration, format_time
from sim.results.index import index_of
from sim.results.result import RunResult
from sim.results.timetable_log import LogNotes, Pause, read_notes
from sim.scenario.model import Scenario

NO_GROUP = "(none)"  # the sheet of activities that no group takes part in
MINUTE = 1 / 60  # times are printed to the minute: a smaller difference is no change
CHANGES = ("added", "delayed", "paused", "moved", "unfinished")
UNTIL_END = "end of run"  # a pause the run never resumed


@dataclass(frozen=True, slots=True)
class TimetableRow:
    """One activity's work on one day, for one group. Times are hours from D1 00:00."""

    day: int
    group: str  # group id, or NO_GROUP
    activity: str  # instance id
    name: str
    phase: str
    places: tuple[str, ...]  # names of the resources it uses
    start_h: float  # its first work that day
    end_h: float  # its last work that day (midnight if it runs on through the night)
    planned_start_h: float | None  # the whole activity in the plan; None: not in the plan
    planned_end_h: float | None
    changes: tuple[str, ...] = ()  # of CHANGES, in that order
    injects: tuple[str, ...] = ()  # the injects the log names as causes
    note: str = ""  # the changes in words
    teams: int = 1  # teams of the group taking part

    @property
    def start_clock(self) -> str:
        """``"10:00"``: the start on the row's day."""
        return format_clock(self.start_h - (self.day - 1) * 24.0)

    @property
    def end_clock(self) -> str:
        """``"13:30"``, or ``"24:00"`` for work that goes on past midnight."""
        return format_clock(self.end_h - (self.day - 1) * 24.0)

    @property
    def planned(self) -> str:
        """The plan's start and end: the start's day when it is not the row's, the end's when
        it is not the start's (``"09:00–12:00"``, ``"D5 09:00–12:00"``, ``"13:00–D2 15:00"``);
        empty when the activity is not in the plan."""
        if self.planned_start_h is None or self.planned_end_h is None:
            return ""
        start_day, start = format_time(self.planned_start_h).split()
        end_day, end = format_time(self.planned_end_h).split()
        return (("" if start_day == f"D{self.day}" else f"{start_day} ") + start + "–"
                + ("" if end_day == start_day else f"{end_day} ") + end)


class Sheet(NamedTuple):
    """The rows of one day for one group, in time order."""

    day: int
    group: str
    rows: tuple[TimetableRow, ...]


@dataclass(frozen=True)
class Timetable:
    """Every row of a run's timetable, by day, then group (the scenario's order), then time."""

    scenario: Scenario
    rows: tuple[TimetableRow, ...]
    against_plan: bool = True  # False: no plan was given, so nothing is marked moved
    group_names: dict[str, str] = field(default_factory=dict)

    def days(self) -> list[int]:
        return sorted({r.day for r in self.rows})

    def groups(self) -> list[str]:
        """The groups with rows, in the scenario's order (NO_GROUP last)."""
        present = {r.group for r in self.rows}
        return [g for g in (*(g.id for g in self.scenario.groups), NO_GROUP) if g in present]

    def date(self, day: int) -> dt.date | None:
        start = self.scenario.start_date
        return None if start is None else start + dt.timedelta(days=day - 1)

    def day_title(self, day: int) -> str:
        """``"D6, Saturday 4 September 2021"``, ``"D6"`` without a start date."""
        date = self.date(day)
        return f"D{day}" if date is None else f"D{day}, {date:%A} {date.day} {date:%B %Y}"

    def group_title(self, group: str) -> str:
        """``"ind: Indian contingent"``, the id alone when it is the name."""
        if group == NO_GROUP:
            return "No group (facilities only)"
        name = self.group_names.get(group, group)
        return group if name == group else f"{group}: {name}"

    def select(self, *, group: str | None = None, day: int | None = None) -> Timetable:
        """Only the rows of ``group`` and/or ``day``."""
        rows = tuple(r for r in self.rows if (group is None or r.group == group)
                     and (day is None or r.day == day))
        return replace(self, rows=rows)

    def sheets(self) -> list[Sheet]:
        """One sheet per day and group that has rows: day by day, groups in order."""
        order = {g: k for k, g in enumerate(self.groups())}
        keyed: dict[tuple[int, str], list[TimetableRow]] = {}
        for row in self.rows:
            keyed.setdefault((row.day, row.group), []).append(row)
        return [Sheet(day, group, tuple(rows))
                for (day, group), rows in sorted(keyed.items(),
                                                 key=lambda kv: (kv[0][0], order[kv[0][1]]))]


def timetable(result: RunResult, plan: RunResult | None = None) -> Timetable:
    """The timetable of ``result`` measured against ``plan`` (the plan run the caller made:
    ``simulate(scenario, seed, plan=True)``); without one, nothing is marked ``moved``.
    A run that is itself a plan is its own plan."""
    if plan is None and result.plan:
        plan = result
    sc = result.scenario
    acts = index_of(sc).acts
    order = {aid: k for k, aid in enumerate(acts)}
    notes = read_notes(sc, result.events, result.end_h)
    planned = {a.id: (a.start_h, a.end_h) for a in plan.activities} if plan is not None else {}
    places = {r.id: r.name for r in sc.resources}
    rows: list[TimetableRow] = []
    for row in result.activities:
        if row.start_h is None or row.id not in notes.segments:
            continue  # never started: it has no time of day
        act = acts[row.id]
        base = _activity_marks(row.id, row.start_h, row.end_h, planned, notes, plan is not None)
        days = _by_day(notes.segments[row.id])
        first = min(days)
        for day, (start, end) in days.items():
            marks, causes, words = _day_marks(base, notes.pauses.get(row.id, []), day, first)
            for group, teams in act.groups or ((NO_GROUP, 1),):
                rows.append(TimetableRow(
                    day, group, row.id, act.name, act.phase,
                    tuple(places.get(rid, rid) for rid, _units in act.needs), start, end,
                    *planned.get(row.id, (None, None)), changes=marks, injects=causes,
                    note="; ".join(words), teams=teams))
    group_order = {g.id: k for k, g in enumerate(sc.groups)}
    rows.sort(key=lambda r: (r.day, group_order.get(r.group, len(group_order)), r.start_h,
                             order.get(r.activity, 0)))
    return Timetable(sc, tuple(rows), against_plan=plan is not None,
                     group_names={g.id: g.name for g in sc.groups})


class _Marks(NamedTuple):
    """What changed for a whole activity: marks, the injects that caused them, and words."""

    marks: tuple[str, ...]
    causes: tuple[str, ...]
    words: tuple[str, ...]


def _activity_marks(aid: str, start: float, end: float | None,
                    planned: dict[str, tuple[float | None, float | None]], notes: LogNotes,
                    with_plan: bool) -> _Marks:
    marks: list[str] = []
    causes: list[str] = []
    words: list[str] = []
    if aid in notes.added:
        marks.append("added")
        causes.append(notes.added[aid])
        words.append(f"added by {notes.added[aid]}")
    for inject, hours in notes.delayed.get(aid, []):
        if "delayed" not in marks:
            marks.append("delayed")
        causes.append(inject)
        words.append(f"delayed +{format_duration(hours)} by {inject}")
    if any(p.inject for p in notes.pauses.get(aid, [])):
        marks.append("paused")  # the words go with the day of each pause
    plan_start, plan_end = planned.get(aid, (None, None))
    if with_plan and plan_start is not None and aid not in notes.added:
        paused_by = {p.inject for p in notes.pauses.get(aid, []) if p.inject}
        holds = notes.held_by.get(aid, [])
        before = sorted({i for t, i in holds if t <= start})
        after = sorted({i for t, i in holds if t > start} - paused_by - set(before))
        moved, named = _moved_words((start, plan_start, before), (end, plan_end, after))
        if moved:
            marks.append("moved")
            causes += named
            words.append(moved)
    if end is None:
        marks.append("unfinished")
        words.append("unfinished when the run ended")
    return _Marks(tuple(m for m in CHANGES if m in marks), tuple(dict.fromkeys(causes)),
                  tuple(words))


Shift = tuple[float | None, float | None, list[str]]  # actual, planned, injects held it


def _moved_words(start: Shift, end: Shift) -> tuple[str, list[str]]:
    """``"starts 1h30 later than planned (held up by M-02)"``, ``"ends 20min earlier than
    planned"``, ``"starts 47min later than planned, ends 2h47 later"`` (empty: no change),
    and the injects named. An inject is named for a later start or end only, and for the
    end only when it held the activity up after it started (a pause says so itself)."""
    clauses: list[str] = []
    named: list[str] = []
    shifts = [_shift(actual, planned) for actual, planned, _held in (start, end)]
    for (what, (_a, _p, held)), shift in zip((("starts", start), ("ends", end)), shifts,
                                             strict=True):
        if shift is None or abs(shift) < MINUTE:
            continue
        if clauses and shifts[0] is not None and abs(shift - shifts[0]) < MINUTE:
            continue  # it ends as late as it starts: the start says it all
        held = held if shift > 0 else []
        clauses.append(f"{what} {format_duration(abs(shift))} "
                       f"{'later' if shift > 0 else 'earlier'}"
                       + (" than planned" if not clauses else "")
                       + (f" (held up by {', '.join(held)})" if held else ""))
        named += held
    return ", ".join(clauses), named


def _shift(actual: float | None, planned: float | None) -> float | None:
    """``actual - planned`` to the minute, or None when either is missing."""
    if actual is None or planned is None:
        return None
    return round((actual - planned) * 60) / 60


def _day_marks(base: _Marks, pauses: Sequence[Pause], day: int, first: int) -> _Marks:
    """The activity's marks, with the pauses by injects on ``day`` in words; the words of
    the whole activity go with its ``first`` day, the later days say where it began."""
    words = list(base.words) if day == first else [f"continued from D{first}"]
    causes = list(base.causes)
    marks = [m for m in base.marks if m != "paused"]
    for pause in pauses:
        if pause.inject is None or _day_of(pause.t) != day:
            continue
        marks.append("paused")
        causes.append(pause.inject)
        until = (UNTIL_END if pause.resumed is None else
                 format_clock(pause.resumed - (day - 1) * 24.0)
                 if _day_of(pause.resumed) == day else format_time(pause.resumed))
        words.append(f"paused {format_clock(pause.t - (day - 1) * 24.0)}–{until} "
                     f"by {pause.inject}")
    return _Marks(tuple(m for m in CHANGES if m in marks), tuple(dict.fromkeys(causes)),
                  tuple(words))



def _day_of(t: float) -> int:
    """Day number of ``t``, as :func:`format_time` rounds it to the minute."""
    return round(t * 60) // (24 * 60) + 1


def _by_day(segments: Sequence[tuple[float, float]]) -> dict[int, tuple[float, float]]:
    """The first and last moment of work on each day, midnights cutting the segments."""
    days: dict[int, tuple[float, float]] = {}
    for start, end in segments:
        t = start
        while True:
            day = _day_of(t)
            stop = min(end, day * 24.0)
            lo, hi = days.get(day, (t, stop))
            days[day] = (min(lo, t), max(hi, stop))
            if stop >= end - MINUTE / 2:
                break
            t = stop
    return days

