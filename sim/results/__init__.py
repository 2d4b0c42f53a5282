"""RunResult: the event log of one run and everything derived from it (pure data).

Every table and KPI here is computed from the event log alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from sim.core.timefmt import WorkingTime
from sim.results.eventlog import Event
from sim.scenario.model import Activity, Scenario

EPS = 1e-9
_new = tuple.__new__


class ActivityRow(NamedTuple):
    """One activity instance. Times are hours from D1 00:00; ``None`` if it never happened."""

    id: str
    base_id: str
    name: str
    phase: str
    ready_h: float | None  # earliest possible start: dependencies, phase start, not_before met
    start_h: float | None
    end_h: float | None
    work_h: float  # hours of work done: drawn duration plus delays
    waited_h: float  # start - ready
    paused_h: float  # total time between pauses and resumes
    interruptions: int  # pauses (overnight splits and injects)
    waited_for: str  # what it waited for longest: "resource:range", "group:ind", "calendar", ""
    added_by: str | None = None  # inject that added it


@dataclass(frozen=True, slots=True)
class PhaseRow:
    id: str
    name: str
    start_h: float | None
    end_h: float | None
    due_h: float | None
    late_h: float | None  # end - due when late, else 0; None without due
    limit_h: float | None
    duration_h: float | None  # first start to last end
    breach: bool  # duration above limit


@dataclass(frozen=True, slots=True)
class ResourceRow:
    id: str
    name: str
    capacity: int
    available_h: float  # hours it could be used in [0, end]: working time, or all of it
    busy_unit_h: float  # unit-hours in use
    lost_unit_h: float  # unit-hours taken away by injects
    utilisation: float  # busy_unit_h / (capacity * available_h)
    wait_h: float  # hours activities waited for it
    busy_by_day: tuple[float, ...] = ()  # unit-hours in use per day D1.. (as GroupRow)


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: str
    name: str
    teams: int
    busy_team_h: float
    busy_by_day: tuple[float, ...]  # team-hours per day D1..
    wait_h: float
    unavailable_h: float


@dataclass(frozen=True, slots=True)
class Bottleneck:
    kind: str  # "resource" or "group"
    id: str
    wait_h: float


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    seed: int
    replication: int
    events: tuple[Event, ...]
    activities: tuple[ActivityRow, ...]
    phases: dict[str, PhaseRow]
    resources: dict[str, ResourceRow]
    groups: dict[str, GroupRow]
    bottlenecks: tuple[Bottleneck, ...]
    end_h: float
    planned_end_h: float
    on_time: bool
    stuck: tuple[dict[str, str], ...] = ()
    capped: bool = False
    plan: bool = False
    calendar_wait_h: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    # (t, units in use, capacity) after each change, per resource (see usage_steps)
    usage: dict[str, list[tuple[float, int, int]]] = field(default_factory=dict, repr=False,
                                                          compare=False)

    @property
    def complete(self) -> bool:
        return not self.stuck

    def activity(self, activity_id: str) -> ActivityRow:
        for row in self.activities:
            if row.id == activity_id:
                return row
        raise KeyError(activity_id)

    def schedule(self) -> list[tuple[str, float | None, float | None]]:
        """``(id, start, end)`` per activity, in written order."""
        return [(a.id, a.start_h, a.end_h) for a in self.activities]

    def summary(self) -> dict[str, Any]:
        """The data of ``summary.json``."""
        return {
            "scenario": self.scenario.name,
            "file": self.scenario.file,
            "seed": self.seed,
            "replication": self.replication,
            "complete": self.complete,
            "end_h": _r(self.end_h),
            "planned_end_h": _r(self.planned_end_h),
            "on_time": self.on_time,
            "late_h": _r(max(0.0, self.end_h - self.planned_end_h)),
            "phases": {
                p.id: {"start_h": _r(p.start_h), "end_h": _r(p.end_h), "due_h": _r(p.due_h),
                       "late_h": _r(p.late_h), "limit_h": _r(p.limit_h),
                       "duration_h": _r(p.duration_h), "breach": p.breach}
                for p in self.phases.values()
            },
            "resources": {
                r.id: {"capacity": r.capacity, "utilisation": _r(r.utilisation, 4),
                       "busy_unit_h": _r(r.busy_unit_h), "available_h": _r(r.available_h),
                       "lost_unit_h": _r(r.lost_unit_h), "wait_h": _r(r.wait_h)}
                for r in self.resources.values()
            },
            "groups": {
                g.id: {"teams": g.teams, "busy_team_h": _r(g.busy_team_h), "wait_h": _r(g.wait_h),
                       "unavailable_h": _r(g.unavailable_h)}
                for g in self.groups.values()
            },
            "bottlenecks": [asdict(b) | {"wait_h": _r(b.wait_h)} for b in self.bottlenecks],
            "calendar_wait_h": _r(self.calendar_wait_h),
            "stuck": list(self.stuck),
            "time_capped": self.capped,
            "injects": inject_outcomes(self),
        }


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def inject_outcomes(result: RunResult) -> list[dict[str, Any]]:
    """Each inject of the scenario: whether and when it hit."""
    seen: dict[str, dict[str, Any]] = {}
    for ev in result.events:
        if ev.inject and ev.kind in ("inject", "inject_skipped", "inject_missed"):
            status = {"inject": "hit", "inject_skipped": "skipped",
                      "inject_missed": "missed"}[ev.kind]
            seen.setdefault(ev.inject, {"status": status, "t": _r(ev.t), "reason": ev.reason})
    return [{"id": i.id, "kind": i.kind, **seen.get(i.id, {"status": "not reached", "t": None,
                                                             "reason": None})}
            for i in result.scenario.injects]


# ---------------------------------------------------------------- derivation


def build_result(scenario: Scenario, seed: int, replication: int, events: Sequence[Event], *,
                 capped: bool = False, plan: bool = False) -> RunResult:
    """Derive every table and KPI from the event log."""
    index = _index(scenario)
    traces, held, others, usage, workload = _read_log(index, events)
    per_act = _activity_rows(traces, index.acts, index.added_by)
    end = max((r.end_h for r in per_act if r.end_h is not None), default=0.0)
    stuck = tuple({"activity": e.activity or "", "reason": e.reason or ""}
                  for e in others if e[1] == "stuck")
    if stuck:
        end = max(end, events[-1].t if events else 0.0)
    waits, calendar_wait = _waits(traces, held, end)
    resources = _resource_rows(scenario, usage, end, waits)
    groups = _group_rows(scenario, others, workload, end, waits)
    ranking = sorted(
        (Bottleneck(kind, ident, hours) for (kind, ident), hours in waits.items() if hours > EPS),
        key=lambda b: (-b.wait_h, b.kind, b.id),
    )
    planned = scenario.planned_end
    return RunResult(
        scenario=scenario, seed=seed, replication=replication, events=tuple(events),
        activities=tuple(per_act), phases=_phase_rows(scenario, per_act),
        resources=resources, groups=groups, bottlenecks=tuple(ranking), end_h=end,
        planned_end_h=planned, on_time=not stuck and end <= planned + EPS, stuck=stuck,
        capped=capped, plan=plan, calendar_wait_h=calendar_wait, usage=usage,
    )


class _Trace:
    """What the log says about one activity instance, gathered in one pass.

    The defaults are class attributes, so making one costs no attribute writes: most
    activities change only a few of them.
    """

    ready: float | None = None
    start: float | None = None
    end: float | None = None
    work = 0.0
    paused = 0.0
    pause_at: float | None = None
    interruptions = 0
    blocked: tuple[str, str] | None = None  # what holds it now, since `since`
    since = 0.0
    waited_on: dict[tuple[str, str], float] | None = None


def _blocked_by(ev: Event) -> tuple[str, str]:
    if ev[3]:  # resource
        return ("resource", ev[3])
    if ev[4]:  # group
        return ("group", ev[4])
    return ("calendar" if ev[7] == "fit" else ev[7] or "calendar", "")


class _Index(NamedTuple):
    """What reading a scenario's logs needs, worked out once per scenario."""

    acts: dict[str, Activity]  # the scenario's activities, then those injects may add
    added_by: dict[str, str]  # activity an inject may add -> the inject
    needs: dict[str, tuple[tuple[str, int], ...]]  # activity -> (resource, units), if any
    uses: dict[str, tuple[tuple[str, int], ...]]  # activity -> (group, teams), if any
    capacity: dict[str, int]  # resource -> capacity
    groups: tuple[str, ...]


def _index(scenario: Scenario) -> _Index:
    """The scenario's :class:`_Index`, kept with the scenario after the first use."""
    found: _Index | None = scenario.__dict__.get("_results_index")
    if found is None:
        acts = {a.id: a for a in scenario.activities}
        added_by: dict[str, str] = {}
        for inject in scenario.injects:
            for a in inject.activities:
                acts[a.id] = a
                added_by[a.id] = inject.id
        found = _Index(acts, added_by, {a.id: a.needs for a in acts.values() if a.needs},
                       {a.id: a.groups for a in acts.values() if a.groups},
                       {r.id: r.capacity for r in scenario.resources},
                       tuple(g.id for g in scenario.groups))
        scenario.__dict__["_results_index"] = found  # as functools.cached_property does
    return found


_SIGN = {"start": 1, "resume": 1, "pause": -1, "finish": -1}  # units taken (+) or given back


def _read_log(index: _Index, events: Iterable[Event]) -> tuple[
        dict[str, _Trace], dict[tuple[str, str], float], list[Event],
        dict[str, list[tuple[float, int, int]]], dict[str, list[tuple[float, int]]]]:
    """The log read once: each activity's trace, the hours of waiting per reason while
    it was held, the few records about no activity or about its being stuck (in log
    order), and the resource and group step tables (a step at the same time as the
    last one replaces it).

    Hours still open at the end of the log (an activity that never started) are left
    to the caller, which knows where the run ends.
    """
    traces: dict[str, _Trace] = {}
    waits: dict[tuple[str, str], float] = defaultdict(float)
    others: list[Event] = []
    needs, uses, sign_of = index.needs, index.uses, _SIGN
    capacity = dict(index.capacity)
    in_use = dict.fromkeys(capacity, 0)
    usage: dict[str, list[tuple[float, int, int]]] = {
        rid: [(0.0, 0, cap)] for rid, cap in capacity.items()}
    busy = dict.fromkeys(index.groups, 0)
    workload: dict[str, list[tuple[float, int]]] = {gid: [(0.0, 0)] for gid in busy}
    for ev in events:
        aid = ev[2]
        kind = ev[1]
        if aid is None:
            others.append(ev)
            if kind == "capacity" and ev[3] in capacity and ev[6] is not None:
                rid = ev[3]
                capacity[rid] = int(ev[6])
                _put(usage[rid], (ev[0], in_use[rid], capacity[rid]))
            continue
        sign = sign_of.get(kind)
        if sign is not None:  # the step tables
            t = ev[0]
            for rid, amount in needs.get(aid, ()):
                in_use[rid] += sign * amount
                _put(usage[rid], (t, in_use[rid], capacity[rid]))
            for gid, teams in uses.get(aid, ()):
                busy[gid] += sign * teams
                _put(workload[gid], (t, busy[gid]))
        trace = traces.get(aid)
        if trace is None:
            trace = traces[aid] = _Trace()
        if kind == "finish":
            trace.end = ev[0]
            trace.work = ev[6] or 0.0
            continue
        if kind == "ready":
            if trace.ready is None:
                trace.ready = ev[0]
            continue
        if kind == "pause":
            trace.pause_at = ev[0]
            trace.interruptions += 1
            continue
        if kind not in ("blocked", "start", "resume"):
            if kind == "stuck":
                others.append(ev)
            else:
                continue
        t = ev[0]
        held = trace.blocked
        if held is not None:  # the reason it was held for ends now
            spent = t - trace.since
            waits[held] += spent
            if spent > 0:
                if trace.waited_on is None:
                    trace.waited_on = {}
                trace.waited_on[held] = trace.waited_on.get(held, 0.0) + spent
            trace.blocked = None
        if kind == "blocked":
            trace.blocked, trace.since = _blocked_by(ev), t
        elif kind == "start":
            if trace.start is None:
                trace.start = t
        elif trace.pause_at is not None:  # resume, or stuck while paused
            trace.paused += t - trace.pause_at
            trace.pause_at = None
    return traces, waits, others, usage, workload


def _activity_rows(traces: dict[str, _Trace], acts: dict[str, Activity],
                   added_by: dict[str, str]) -> list[ActivityRow]:
    rows = []
    for aid, act in acts.items():
        trace = traces.get(aid)
        if trace is None:
            if aid in added_by:
                continue  # added by an inject that did not happen
            rows.append(ActivityRow(aid, act.base_id, act.name, act.phase, None, None, None,
                                    0.0, 0.0, 0.0, 0, "", None))
            continue
        r, s = trace.ready, trace.start
        if aid in added_by and r is None and s is None:
            continue
        top = ""
        waited_on = trace.waited_on
        if waited_on:
            if len(waited_on) == 1:
                (kind, ident), = waited_on
            else:
                kind, ident = max(waited_on.items(), key=lambda kv: (kv[1], kv[0]))[0]
            top = f"{kind}:{ident}" if ident else kind
        rows.append(_new(ActivityRow, (  # NamedTuple's own __new__ is a Python function
            aid, act.base_id, act.name, act.phase, r, s, trace.end, trace.work,
            (s - r) if (s is not None and r is not None) else 0.0,
            trace.paused, trace.interruptions, top, added_by.get(aid),
        )))
    return rows


def _waits(traces: dict[str, _Trace], held: dict[tuple[str, str], float],
           end: float) -> tuple[dict[tuple[str, str], float], float]:
    """Hours of waiting attributed to each (kind, id), and to the working day."""
    total = defaultdict(float, held)
    for trace in traces.values():
        if trace.blocked is not None:  # still held when the run ended
            total[trace.blocked] += end - trace.since
    calendar = 0.0
    for key in [k for k in total if k[1] == ""]:
        calendar += total.pop(key)
    return total, calendar


def usage_steps(result: RunResult, resource_id: str) -> list[tuple[float, int, int]]:
    """``(t, units in use, capacity)`` after each change, for step charts."""
    if resource_id in result.usage:
        return result.usage[resource_id]
    return all_usage_steps(result.scenario, result.events)[resource_id]


def by_day(steps: Sequence[tuple[float, int] | tuple[float, int, int]], end: float,
           days: int) -> list[float]:
    """Integral of a step table (its second column) over each day ``D1..`` up to ``end``.

    A step lasts until the next one (the last until ``end``); time beyond ``days`` days
    is not counted.
    """
    totals = [0.0] * days
    if not steps:
        return totals
    for step, following in zip(steps, [*steps[1:], (end,)], strict=True):
        if step[1]:
            _spread(totals, step[1], step[0], following[0])
    return totals


def _spread(totals: list[float], value: int, t0: float, t1: float) -> None:
    """Add ``value`` x hours over ``[t0, t1)`` to ``totals``, split at midnights (hours
    beyond the last day are not counted)."""
    if t0 >= t1 - EPS:
        return
    days = len(totals)
    day = int(t0 // 24)
    if t1 <= (day + 1) * 24.0:  # within one day: most steps
        if day < days:
            totals[day] += value * (t1 - t0)
        return
    t = t0
    while t < t1 - EPS:
        day = int(t // 24)
        stop = min(t1, (day + 1) * 24.0)
        if day < days:
            totals[day] += value * (stop - t)
        t = stop


def group_steps(result: RunResult, group_id: str) -> list[tuple[float, int]]:
    """``(t, teams busy)`` after each change."""
    return all_group_steps(result.scenario, result.events)[group_id]


def all_usage_steps(scenario: Scenario,
                    events: Iterable[Event]) -> dict[str, list[tuple[float, int, int]]]:
    """:func:`usage_steps` of every resource, in one pass over the log."""
    return _read_log(_index(scenario), events)[3]


def all_group_steps(scenario: Scenario,
                    events: Iterable[Event]) -> dict[str, list[tuple[float, int]]]:
    """:func:`group_steps` of every group, in one pass over the log."""
    return _read_log(_index(scenario), events)[4]


def _put(steps: list[Any], row: tuple[Any, ...]) -> None:
    """Append a step, or replace the last one when it is at the same time."""
    if steps[-1][0] == row[0]:
        steps[-1] = row
    else:
        steps.append(row)


def _busy_and_lost(steps: Sequence[tuple[float, int, int]], capacity: int, end: float,
                   days: int) -> tuple[float, float, list[float]]:
    """Unit-hours in use and unit-hours taken away (below ``capacity``) up to ``end``, and
    the hours in use per day (:func:`by_day` of the steps), in one pass."""
    busy = lost = 0.0
    totals = [0.0] * days
    for (t0, used, now), following in zip(steps, [*steps[1:], (end,)], strict=True):
        t1 = following[0]
        if t1 > t0:
            span = min(t1, end) - t0
            busy += used * span
            lost += (capacity - now) * span
        if used:
            _spread(totals, used, t0, t1)
    return busy, lost, totals


def _resource_rows(scenario: Scenario, all_steps: dict[str, list[tuple[float, int, int]]],
                   end: float, waits: dict[tuple[str, str], float]) -> dict[str, ResourceRow]:
    clock = WorkingTime(scenario.calendar)
    days = _days(scenario, end)
    rows = {}
    for res in scenario.resources:
        steps = all_steps[res.id]
        available = end if res.always else clock.working_hours(0.0, end)
        busy, lost, busy_by_day = _busy_and_lost(steps, res.capacity, end, days)
        denominator = res.capacity * available
        rows[res.id] = ResourceRow(
            id=res.id, name=res.name, capacity=res.capacity, available_h=available,
            busy_unit_h=busy, lost_unit_h=lost,
            utilisation=busy / denominator if denominator > 0 else 0.0,
            wait_h=waits.get(("resource", res.id), 0.0), busy_by_day=tuple(busy_by_day),
        )
    return rows


def _days(scenario: Scenario, end: float) -> int:
    """Days the per-day tables cover: the programme, or up to the end when it runs late."""
    return max(scenario.days, int(end // 24) + 1)


def _group_rows(scenario: Scenario, events: Sequence[Event],
                all_steps: dict[str, list[tuple[float, int]]], end: float,
                waits: dict[tuple[str, str], float]) -> dict[str, GroupRow]:
    """``events``: the log, or at least its group_unavailable and group_available records."""
    unavailable = [ev for ev in events if ev[1] in ("group_unavailable", "group_available")]
    days = _days(scenario, end)
    rows = {}
    for group in scenario.groups:
        busy_by_day = by_day(all_steps[group.id], end, days)
        down = sum((hi - lo for lo, hi in unavailable_spans(unavailable, group.id, end)), 0.0)
        rows[group.id] = GroupRow(
            id=group.id, name=group.name, teams=group.teams, busy_team_h=sum(busy_by_day),
            busy_by_day=tuple(busy_by_day), wait_h=waits.get(("group", group.id), 0.0),
            unavailable_h=down,
        )
    return rows


def unavailable_spans(events: Iterable[Event], group_id: str,
                      end: float) -> list[tuple[float, float]]:
    """Intervals in which the group took part in nothing (``group_unavailable`` injects,
    which may overlap); one still open at the end of the log runs to ``end``."""
    spans: list[tuple[float, float]] = []
    since = 0.0
    depth = 0  # group_unavailable injects in force
    for ev in events:
        if ev.group != group_id:
            continue
        if ev.kind == "group_unavailable":
            if depth == 0:
                since = ev.t
            depth += 1
        elif ev.kind == "group_available" and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((since, ev.t))
    if depth > 0:
        spans.append((since, max(since, end)))
    return spans


def _phase_rows(scenario: Scenario, rows: Sequence[ActivityRow]) -> dict[str, PhaseRow]:
    by_phase: dict[str, list[ActivityRow]] = defaultdict(list)
    for row in rows:
        by_phase[row.phase].append(row)
    out = {}
    for phase in scenario.phases:
        members = by_phase.get(phase.id, [])
        starts = [r.start_h for r in members if r.start_h is not None]
        ends = [r.end_h for r in members if r.end_h is not None]
        finished = bool(members) and len(ends) == len(members)
        start = min(starts) if starts else None
        end = max(ends) if finished else None
        duration = end - start if (end is not None and start is not None) else None
        late = None
        if phase.due is not None and end is not None:
            late = max(0.0, end - phase.due)
        out[phase.id] = PhaseRow(
            id=phase.id, name=phase.name, start_h=start, end_h=end, due_h=phase.due,
            late_h=late, limit_h=phase.limit, duration_h=duration,
            breach=bool(phase.limit is not None and duration is not None
                        and duration > phase.limit + EPS),
        )
    return out
