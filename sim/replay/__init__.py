"""Replay one run for a facilitator: its event log as frames and as a timestamped narrative.

Pure logic, no terminal I/O. :func:`build_replay` walks the event log of a
:class:`~sim.results.RunResult` once and returns a :class:`Replay`: one
:class:`Frame` per moment at which something worth telling happened (an
activity starts, pauses, resumes or finishes, capacity changes, a group goes
or comes back, an inject hits, a phase completes, the run is stuck), each
with the narrative lines of that moment and a snapshot of the state after it:
what every group is doing, resources in use against capacity, activities
running, paused and waiting, the next starts, and the injects that hit.

:func:`narrative` turns a replay into plain text lines, deterministic for a
given scenario and seed::

    Two-day seminar: seed 0, 2 days, planned end D2 20:00, 1 inject
    == D1 ==
    D1 06:00  start    welcome (blue, green; hall 1, interpreters 2)
    ...
    D1 11:00  INJECT   M-01 resource_down hall for 2h: Power cut in the hall
    D1 11:00  capacity hall down to 0 of 1 (M-01)
    D1 11:00  pause    debrief (M-01) 1h16 left
    ...
    D1 14:16  end      all 4 activities finished D1 14:16: on time (planned end D2 20:00)
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sim.core.timefmt import format_duration, format_time

if TYPE_CHECKING:  # kept light: the command line imports this module at start-up
    from sim.results import RunResult
    from sim.results.eventlog import Event
    from sim.scenario.model import Activity, Inject, Scenario

KIND_WIDTH = 8  # width of the kind column of a narrative line
UPCOMING = 5  # how many next starts a frame lists
BAR_WIDTH = 12  # most cells in a resource bar

#: Event kinds that make a narrative line (``ready`` and ``blocked`` only change state).
TOLD = frozenset({"start", "pause", "resume", "finish", "capacity", "group_unavailable",
                  "group_available", "inject", "inject_skipped", "inject_missed", "added",
                  "phase_end", "stuck"})

ActivityState = Literal["running", "paused", "waiting"]
PhaseState = Literal["done", "active", "pending"]


# ---------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class GroupView:
    """What a group is doing at a frame."""

    id: str
    name: str
    teams: int
    busy: int  # teams taking part in running activities
    activities: tuple[tuple[str, int], ...]  # (activity id, teams) of running activities
    absent_by: tuple[str, ...] = ()  # group_unavailable injects in force

    @property
    def absent(self) -> bool:
        return bool(self.absent_by)


@dataclass(frozen=True, slots=True)
class ResourceView:
    """A resource's units in use against its capacity at a frame."""

    id: str
    name: str
    base: int  # capacity written in the scenario
    capacity: int  # capacity now (lower while an inject holds units)
    in_use: int
    down_by: tuple[str, ...] = ()  # resource_down injects in force

    @property
    def reduced(self) -> bool:
        return self.capacity < self.base

    def cells(self, width: int = BAR_WIDTH) -> tuple[int, int, int]:
        """``(in use, free, lost)`` cells of a bar at most ``width`` cells wide."""
        return bar_cells(self.in_use, self.capacity, self.base, width)

    def bar(self, width: int = BAR_WIDTH) -> str:
        """``"███░ 3/4"``; units taken away by an inject show as ``×``."""
        used, free, lost = self.cells(width)
        return f"{'█' * used}{'░' * free}{'×' * lost} {self.in_use}/{self.capacity}"


@dataclass(frozen=True, slots=True)
class ActivityView:
    """An activity that has started and not finished, or is ready and waiting to start."""

    id: str
    name: str
    phase: str
    state: ActivityState
    since: float  # running: start of the running stretch; paused: pause; waiting: ready
    started: float | None  # first start
    note: str = ""  # why it is paused or waiting
    groups: tuple[tuple[str, int], ...] = ()
    needs: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A start that comes later in the log."""

    t: float
    activity: str
    name: str


@dataclass(frozen=True, slots=True)
class InjectView:
    """An inject as it hits, with its MSEL columns."""

    id: str
    kind: str
    t: float
    effect: str  # e.g. "resource_down hall for 2h"
    description: str | None = None
    from_: str | None = None
    to: str | None = None
    expected_action: str | None = None
    objective: str | None = None
    missed: str | None = None  # why it had no effect (a delay on finished work)

    def msel(self) -> list[tuple[str, str]]:
        """The MSEL columns that are filled in, as ``(label, text)``."""
        pairs = [("from", self.from_), ("to", self.to),
                 ("expected action", self.expected_action), ("objective", self.objective)]
        return [(label, text) for label, text in pairs if text]


@dataclass(frozen=True, slots=True)
class PhaseView:
    id: str
    name: str
    state: PhaseState


@dataclass(frozen=True, slots=True)
class Frame:
    """One moment of the replay: what happened then, and the state just after."""

    t: float
    day: int
    new_day: bool  # the first frame of its day
    lines: tuple[str, ...]  # narrative lines of this moment (without the day header)
    groups: tuple[GroupView, ...]
    resources: tuple[ResourceView, ...]
    activities: tuple[ActivityView, ...]  # running, then paused, then waiting
    upcoming: tuple[Upcoming, ...]
    injects: tuple[InjectView, ...]  # injects that hit at this moment
    phases: tuple[PhaseView, ...]
    finished: int  # activities finished so far
    stuck: tuple[str, ...] = ()  # narrative text of stuck activities (final frame)


@dataclass(frozen=True)
class Replay:
    """A run as frames, with its title and final summary."""

    result: RunResult
    frames: tuple[Frame, ...]
    title: str
    summary: str  # the final narrative line
    total: int  # activity instances in the run
    time_width: int = 8  # width of the time column

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def complete(self) -> bool:
        return self.result.complete

    def day_header(self, day: int) -> str:
        return day_header(self.scenario, day)

    def last_inject(self, index: int) -> InjectView | None:
        """The latest inject that hit at or before frame ``index``."""
        for frame in reversed(self.frames[: index + 1]):
            if frame.injects:
                return frame.injects[-1]
        return None

    def log_tail(self, index: int, count: int) -> list[str]:
        """The last ``count`` narrative lines up to frame ``index``, day headers included."""
        out: list[str] = []
        for frame in reversed(self.frames[: index + 1]):
            for line in reversed(frame.lines):
                out.append(line)
                if len(out) >= count:
                    return out[::-1]
            if frame.new_day:
                out.append(self.day_header(frame.day))
                if len(out) >= count:
                    return out[::-1]
        return out[::-1]


# ---------------------------------------------------------------- small helpers


def day_of(t: float) -> int:
    """Day number (1-based) of ``t``, consistent with :func:`format_time`'s rounding."""
    return round(t * 60) // (24 * 60) + 1


def date_of(scenario: Scenario, day: int) -> dt.date | None:
    if scenario.start_date is None:
        return None
    return scenario.start_date + dt.timedelta(days=day - 1)


def day_header(scenario: Scenario, day: int) -> str:
    """``"== D2 (2021-08-31) =="``, or ``"== D2 =="`` without a ``start_date``."""
    date = date_of(scenario, day)
    label = f"D{day} ({date.isoformat()})" if date else f"D{day}"
    rest = "  rest day" if day in scenario.calendar.rest_days else ""
    return f"== {label} =={rest}"


def bar_cells(in_use: int, capacity: int, base: int,
              width: int = BAR_WIDTH) -> tuple[int, int, int]:
    """Cells ``(in use, free, lost)`` for a bar of ``base`` units scaled to ``width`` cells.

    ``in use`` may exceed ``capacity`` (work that carries on through an outage with
    ``on_hit: finish``); lost cells are the units an inject holds.
    """
    base = max(base, capacity, in_use, 1)
    cells = min(base, width)

    def scale(units: int) -> int:
        return round(units * cells / base)

    used = min(scale(max(in_use, 0)), cells)
    if in_use > 0 and used == 0:
        used = 1
    lost = min(scale(max(base - capacity, 0)), cells - used)
    if capacity < base and lost == 0 and used < cells:
        lost = 1
    return used, cells - used - lost, lost


def _team_text(scenario_groups: dict[str, int], groups: Sequence[tuple[str, int]]) -> str:
    parts = []
    for gid, teams in groups:
        whole = scenario_groups.get(gid, teams)
        parts.append(gid if teams >= whole else f"{gid} {teams}/{whole}")
    return ", ".join(parts)


def who_and_what(scenario_groups: dict[str, int], act: Activity) -> str:
    """``"blue, green; hall 1, interpreters 2"`` (groups; needs), empty when neither."""
    parts = []
    if act.groups:
        parts.append(_team_text(scenario_groups, act.groups))
    if act.needs:
        parts.append(", ".join(f"{rid} {amount}" for rid, amount in act.needs))
    return "; ".join(parts)


def inject_effect(inject: Inject, hours: float | None = None) -> str:
    """What an inject does, in a few words: ``"resource_down hall for 2h"``.

    ``hours`` is the delay drawn for a ``delay`` inject (from its log record).
    """
    if inject.kind == "resource_down":
        amount = f" x{inject.amount}" if inject.amount is not None else ""
        tail = ", work under way finishes" if inject.on_hit == "finish" else ""
        return f"resource_down {inject.target}{amount} for {format_duration(inject.duration)}{tail}"
    if inject.kind == "group_unavailable":
        return f"group_unavailable {inject.target} for {format_duration(inject.duration)}"
    if inject.kind == "delay":
        if hours is None:
            hours = inject.delay.expected() if inject.delay is not None else 0.0
        return f"delay {inject.target} by {format_duration(hours)}"
    if inject.kind == "add_activity":
        ids = ", ".join(a.id for a in inject.activities)
        return f"add_activity {ids} to {inject.phase}"
    return str(inject.kind)


def inject_line_text(view: InjectView) -> str:
    """The text of an ``INJECT`` narrative line (after the kind column)."""
    text = f"{view.id} {view.effect}"
    if view.description:
        text += f": {view.description}"
    for label, value in view.msel():
        text += f" | {label}: {value}"
    if view.missed:
        text += f" | no effect: {view.missed}"
    return text


def _blocked_text(ev: Event) -> str:
    reason = ev.reason or ""
    if reason == "resource" and ev.resource:
        return f"needs {ev.resource}"
    if reason == "group" and ev.group:
        return f"{ev.group} busy"
    if reason == "group_unavailable" and ev.group:
        return f"{ev.group} absent"
    if reason == "calendar":
        return "waits for working time"
    if reason == "fit":
        return "does not fit in the rest of the day"
    return reason


# ---------------------------------------------------------------- the walk


@dataclass
class _State:
    """The state of the run while the log is read."""

    capacity: dict[str, int]
    taken: dict[str, dict[str, int]]  # resource -> inject -> units it holds
    absent: dict[str, list[str]]  # group -> injects in force
    running: dict[str, float] = field(default_factory=dict)  # id -> since
    paused: dict[str, tuple[float, str]] = field(default_factory=dict)  # id -> (since, why)
    waiting: dict[str, float] = field(default_factory=dict)  # ready, not started: id -> since
    blocked: dict[str, str] = field(default_factory=dict)  # id -> why it cannot (re)start
    started: dict[str, float] = field(default_factory=dict)
    finished: int = 0
    phases_started: set[str] = field(default_factory=set)
    phases_done: set[str] = field(default_factory=set)


class _Walker:
    def __init__(self, result: RunResult, upcoming: int) -> None:
        self.result = result
        sc = result.scenario
        self.scenario = sc
        self.acts: dict[str, Activity] = {a.id: a for a in sc.activities}
        for inject in sc.injects:
            for act in inject.activities:
                self.acts[act.id] = act
        self.injects = {i.id: i for i in sc.injects}
        self.group_teams = {g.id: g.teams for g in sc.groups}
        self.state = _State(capacity={r.id: r.capacity for r in sc.resources},
                            taken={r.id: {} for r in sc.resources},
                            absent={g.id: [] for g in sc.groups})
        self.upcoming = upcoming
        self.starts = [(i, ev) for i, ev in enumerate(result.events)
                       if ev.kind == "start" and ev.activity]
        self.start_index = [i for i, _ev in self.starts]
        self.time_width = len(format_time(max((e.t for e in result.events), default=0.0)))

    def line(self, t: float, kind: str, text: str) -> str:
        return f"{format_time(t):<{self.time_width}}  {kind:<{KIND_WIDTH}} {text}"

    def frames(self) -> Iterator[Frame]:
        events = self.result.events
        i = 0
        day = 0
        while i < len(events):
            t = events[i].t
            lines: list[str] = []
            injects: list[InjectView] = []
            stuck: list[str] = []
            while i < len(events) and events[i].t == t:
                ev = events[i]
                lines.extend(self.apply(ev, injects, stuck))
                i += 1
            if not lines:
                continue
            frame_day = day_of(t)
            yield self.snapshot(t, frame_day, frame_day != day, lines, injects, stuck, i)
            day = frame_day

    # -------------------------------------------------------- one record

    def apply(self, ev: Event, injects: list[InjectView], stuck: list[str]) -> list[str]:
        st = self.state
        aid = ev.activity
        kind = ev.kind
        if kind == "ready" and aid:
            if aid not in st.started:
                st.waiting.setdefault(aid, ev.t)
            return []
        if kind == "blocked" and aid:
            st.blocked[aid] = _blocked_text(ev)
            return []
        if kind == "start" and aid:
            st.waiting.pop(aid, None)
            st.blocked.pop(aid, None)
            st.started.setdefault(aid, ev.t)
            st.running[aid] = ev.t
            phase = ev.phase or self._phase(aid)
            if phase:
                st.phases_started.add(phase)
            detail = who_and_what(self.group_teams, self.acts[aid]) if aid in self.acts else ""
            return [self.line(ev.t, "start", f"{aid} ({detail})" if detail else aid)]
        if kind == "resume" and aid:
            st.paused.pop(aid, None)
            st.blocked.pop(aid, None)
            st.running[aid] = ev.t
            return [self.line(ev.t, "resume", aid)]
        if kind == "pause" and aid:
            st.running.pop(aid, None)
            why = "end of day" if ev.reason == "day_end" else (ev.inject or ev.reason or "")
            st.paused[aid] = (ev.t, why)
            text = f"{aid} ({why})" if why else aid
            if ev.amount is not None:
                text += f" {format_duration(ev.amount)} left"
            return [self.line(ev.t, "pause", text)]
        if kind == "finish" and aid:
            st.running.pop(aid, None)
            st.paused.pop(aid, None)
            st.waiting.pop(aid, None)
            st.blocked.pop(aid, None)
            st.finished += 1
            text = aid
            if ev.amount is not None:
                text += f" ({format_duration(ev.amount)} of work)"
            return [self.line(ev.t, "finish", text)]
        if kind == "capacity" and ev.resource:
            return [self._capacity(ev)]
        if kind == "group_unavailable" and ev.group:
            st.absent.setdefault(ev.group, []).append(ev.inject or "")
            return [self.line(ev.t, "absent", f"{ev.group}" + (f" ({ev.inject})"
                                                               if ev.inject else ""))]
        if kind == "group_available" and ev.group:
            held = st.absent.setdefault(ev.group, [])
            if ev.inject in held:
                held.remove(ev.inject)
            elif held:
                held.pop(0)
            return [self.line(ev.t, "back", f"{ev.group}" + (f" ({ev.inject})"
                                                             if ev.inject else ""))]
        if kind in ("inject", "inject_missed") and ev.inject:
            view = self._inject_view(ev)
            injects.append(view)
            return [self.line(ev.t, "INJECT", inject_line_text(view))]
        if kind == "inject_skipped" and ev.inject:
            why = {"probability": "did not happen in this run (probability)",
                   "after_end": "after the end of the run"}.get(ev.reason or "", ev.reason or "")
            return [self.line(ev.t, "skipped", f"{ev.inject}: {why}" if why else ev.inject)]
        if kind == "added" and aid:
            text = f"{aid} to {ev.phase}" if ev.phase else aid
            return [self.line(ev.t, "added", text + (f" ({ev.inject})" if ev.inject else ""))]
        if kind == "phase_end" and ev.phase:
            st.phases_done.add(ev.phase)
            return [self.line(ev.t, "phase", self._phase_text(ev.phase))]
        if kind == "stuck" and aid:
            text = f"{aid}: {ev.reason}" if ev.reason else aid
            stuck.append(text)
            return [self.line(ev.t, "STUCK", text)]
        return []

    def _phase(self, aid: str) -> str | None:
        act = self.acts.get(aid)
        return act.phase if act else None

    def _capacity(self, ev: Event) -> str:
        st = self.state
        rid = str(ev.resource)
        new = int(ev.amount) if ev.amount is not None else st.capacity.get(rid, 0)
        old = st.capacity.get(rid, new)
        base = self._base(rid)
        taken = st.taken.setdefault(rid, {})
        key = ev.inject or ""
        if new < old:
            taken[key] = taken.get(key, 0) + (old - new)
            word = "down to"
        else:
            taken.pop(key, None)
            word = "back to" if new > old else "at"
        st.capacity[rid] = new
        return self.line(ev.t, "capacity", f"{rid} {word} {new} of {base}"
                         + (f" ({ev.inject})" if ev.inject else ""))

    def _base(self, rid: str) -> int:
        return next((r.capacity for r in self.scenario.resources if r.id == rid), 0)

    def _phase_text(self, pid: str) -> str:
        row = self.result.phases.get(pid)
        text = f"{pid} complete"
        notes = []
        if row is not None:
            if row.due_h is not None and row.late_h is not None:
                verdict = "on time" if row.late_h <= 0 else f"late {format_duration(row.late_h)}"
                notes.append(f"due {format_time(row.due_h)}: {verdict}")
            if row.limit_h is not None and row.duration_h is not None:
                state = "BREACH" if row.breach else "within"
                notes.append(f"took {format_duration(row.duration_h)} of "
                             f"{format_duration(row.limit_h)} limit: {state}")
        return text + (f" ({'; '.join(notes)})" if notes else "")

    def _inject_view(self, ev: Event) -> InjectView:
        inject = self.injects.get(str(ev.inject))
        if inject is None:  # not in the scenario (should not happen): say what the log says
            return InjectView(id=str(ev.inject), kind=ev.reason or "", t=ev.t,
                              effect=ev.reason or "")
        hours = ev.amount if inject.kind == "delay" and ev.kind == "inject" else None
        missed = None
        if ev.kind == "inject_missed":
            missed = f"{ev.activity or inject.target} {ev.reason or 'already finished'}"
        return InjectView(id=inject.id, kind=inject.kind, t=ev.t,
                          effect=inject_effect(inject, hours), description=inject.description,
                          from_=inject.from_, to=inject.to,
                          expected_action=inject.expected_action, objective=inject.objective,
                          missed=missed)

    # -------------------------------------------------------- snapshot

    def snapshot(self, t: float, day: int, new_day: bool, lines: list[str],
                 injects: list[InjectView], stuck: list[str], next_index: int) -> Frame:
        st = self.state
        sc = self.scenario
        groups = []
        for g in sc.groups:
            taking = [(aid, dict(self.acts[aid].groups)[g.id]) for aid in st.running
                      if aid in self.acts and g.id in dict(self.acts[aid].groups)]
            groups.append(GroupView(id=g.id, name=g.name, teams=g.teams,
                                    busy=sum(n for _a, n in taking), activities=tuple(taking),
                                    absent_by=tuple(st.absent.get(g.id, ()))))
        resources = []
        for r in sc.resources:
            in_use = sum(dict(self.acts[aid].needs).get(r.id, 0) for aid in st.running
                         if aid in self.acts)
            resources.append(ResourceView(
                id=r.id, name=r.name, base=r.capacity, capacity=st.capacity.get(r.id, r.capacity),
                in_use=in_use, down_by=tuple(k for k, v in st.taken.get(r.id, {}).items() if v)))
        return Frame(t=t, day=day, new_day=new_day, lines=tuple(lines), groups=tuple(groups),
                     resources=tuple(resources), activities=tuple(self._activity_views()),
                     upcoming=tuple(self._upcoming(next_index)), injects=tuple(injects),
                     phases=tuple(self._phase_views()), finished=st.finished, stuck=tuple(stuck))

    def _activity_views(self) -> Iterator[ActivityView]:
        st = self.state

        def view(aid: str, state: ActivityState, since: float, note: str) -> ActivityView:
            act = self.acts.get(aid)
            return ActivityView(id=aid, name=act.name if act else aid,
                                phase=act.phase if act else "", state=state, since=since,
                                started=st.started.get(aid), note=note,
                                groups=act.groups if act else (), needs=act.needs if act else ())

        for aid, since in st.running.items():
            yield view(aid, "running", since, "")
        for aid, (since, why) in st.paused.items():
            note = ", ".join(x for x in (why, st.blocked.get(aid, "")) if x)
            yield view(aid, "paused", since, note)
        for aid, since in st.waiting.items():
            yield view(aid, "waiting", since, st.blocked.get(aid, ""))

    def _upcoming(self, next_index: int) -> Iterator[Upcoming]:
        k = bisect.bisect_left(self.start_index, next_index)
        for _i, ev in self.starts[k:k + self.upcoming]:
            aid = str(ev.activity)
            act = self.acts.get(aid)
            yield Upcoming(t=ev.t, activity=aid, name=act.name if act else aid)

    def _phase_views(self) -> Iterator[PhaseView]:
        st = self.state
        for phase in self.scenario.phases:
            state: PhaseState = ("done" if phase.id in st.phases_done else
                                 "active" if phase.id in st.phases_started else "pending")
            yield PhaseView(id=phase.id, name=phase.name, state=state)


# ---------------------------------------------------------------- entry points


def build_replay(result: RunResult, *, upcoming: int = UPCOMING) -> Replay:
    """The frames of a run, with its title and final summary line."""
    walker = _Walker(result, upcoming)
    frames = tuple(walker.frames())
    total = len(result.activities)
    return Replay(result=result, frames=frames, title=title_line(result),
                  summary=walker.line(result.end_h, "end", summary_text(result, total)),
                  total=total, time_width=walker.time_width)


def title_line(result: RunResult) -> str:
    sc = result.scenario
    days = f"{sc.days} day{'s' * (sc.days != 1)}"
    if sc.start_date is not None:
        days += f" from {sc.start_date.isoformat()}"
    n = len(sc.injects)
    return (f"{sc.name}: seed {result.seed}, {days}, planned end "
            f"{format_time(result.planned_end_h)}, {n} inject{'s' * (n != 1)}")


def summary_text(result: RunResult, total: int | None = None) -> str:
    """The final verdict: when the run ended, on time or late, or what is stuck."""
    total = len(result.activities) if total is None else total
    counts = {kind: len({e.inject for e in result.events if e.kind == kind and e.inject})
              for kind in ("inject", "inject_missed", "inject_skipped")}
    injects = ""
    if result.scenario.injects:
        injects = f"; injects: {counts['inject']} of {len(result.scenario.injects)} hit"
        extra = [f"{n} {word}" for n, word in ((counts["inject_missed"], "without effect"),
                                               (counts["inject_skipped"], "skipped")) if n]
        injects += f" ({', '.join(extra)})" if extra else ""
    planned = format_time(result.planned_end_h)
    if result.stuck:
        n = len(result.stuck)
        cap = " (time cap reached)" if result.capped else ""
        return (f"INCOMPLETE at {format_time(result.end_h)}: {n} "
                f"activit{'ies' if n != 1 else 'y'} stuck{cap}; planned end {planned}{injects}")
    verdict = ("on time" if result.on_time
               else f"LATE by {format_duration(result.end_h - result.planned_end_h)}")
    return (f"all {total} activit{'ies' if total != 1 else 'y'} finished "
            f"{format_time(result.end_h)}: {verdict} (planned end {planned}){injects}")


def narrative_lines(replay: Replay) -> Iterator[tuple[Frame | None, str]]:
    """Each narrative line with the frame it ends (``None`` for headers and the summary).

    Day headers come before the first line of each day; rest days passed over
    between two days with events get a header of their own.
    """
    yield None, replay.title
    sc = replay.scenario
    last_day = 0
    for frame in replay.frames:
        if frame.new_day:
            for day in range(last_day + 1, frame.day):
                if day in sc.calendar.rest_days and day <= sc.days:
                    yield None, replay.day_header(day)
            yield None, replay.day_header(frame.day)
            last_day = frame.day
        for k, line in enumerate(frame.lines):
            yield (frame if k == len(frame.lines) - 1 else None), line
    yield None, replay.summary


def narrative(result_or_replay: RunResult | Replay) -> list[str]:
    """The whole plain-text narrative of a run, one line per meaningful event."""
    replay = (result_or_replay if isinstance(result_or_replay, Replay)
              else build_replay(result_or_replay))
    return [line for _frame, line in narrative_lines(replay)]


def step_point(frame: Frame) -> str | None:
    """Why ``--step`` pauses after this frame (an inject hit, a new day), if it does."""
    if frame.injects:
        return "inject " + ", ".join(i.id for i in frame.injects)
    if frame.new_day:
        return f"day D{frame.day}"
    return None
