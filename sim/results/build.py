"""Reading a run's event log into its tables and KPIs (:func:`build_result`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sim.core.timefmt import EPS, WorkingTime
from sim.results.eventlog import Event
from sim.results.index import index_of
from sim.results.result import RunResult
from sim.results.rows import ActivityRow, Bottleneck, GroupRow, PhaseRow, ResourceRow
from sim.results.steps import (
    GroupSteps,
    UsageSteps,
    busy_and_lost,
    by_day,
    read_steps,
    unavailable_spans,
)
from sim.results.traces import Held, Trace, read_traces
from sim.scenario.model import Activity, Scenario


def build_result(scenario: Scenario, seed: int, replication: int, events: Sequence[Event], *,
                 capped: bool = False, plan: bool = False, lean: bool = False) -> RunResult:
    """Derive every table and KPI from the event log.

    ``lean``: only the tables an ensemble's record reads (activities, phases, resources);
    no group table, waits or bottlenecks (the log of a lean run has no ``blocked``
    records to count them from).
    """
    index = index_of(scenario)
    traces, held, others = read_traces(events)
    usage, workload = read_steps(index, events, groups=not lean)
    per_act = activity_rows(traces, index.acts, index.added_by)
    end = max((r.end_h for r in per_act if r.end_h is not None), default=0.0)
    stuck = tuple({"activity": e.activity or "", "reason": e.reason or ""}
                  for e in others if e[1] == "stuck")
    if stuck:
        end = max(end, events[-1].t if events else 0.0)
    waits, calendar_wait = total_waits(traces, held, end) if not lean else ({}, 0.0)
    ranking = sorted(
        (Bottleneck(kind, ident, hours) for (kind, ident), hours in waits.items() if hours > EPS),
        key=lambda b: (-b.wait_h, b.kind, b.id),
    )
    planned = scenario.planned_end
    return RunResult(
        scenario=scenario, seed=seed, replication=replication, events=tuple(events),
        activities=tuple(per_act), phases=phase_rows(scenario, per_act),
        resources=resource_rows(scenario, usage, end, waits),
        groups={} if lean else group_rows(scenario, others, workload, end, waits),
        bottlenecks=tuple(ranking),
        end_h=end, planned_end_h=planned, on_time=not stuck and end <= planned + EPS,
        stuck=stuck, capped=capped, plan=plan, calendar_wait_h=calendar_wait, usage=usage,
    )


def lean_result(scenario: Scenario, seed: int, replication: int, events: Sequence[Event],
                per_act: list[ActivityRow], usage: dict[str, UsageSteps], *,
                capped: bool = False, plan: bool = False) -> RunResult:
    """:func:`build_result` with ``lean=True``, given the activity rows and the resource
    step tables (a lean run's engine keeps them: its log has no ``ready``, ``start`` or
    ``resume`` records to read them from)."""
    end = max((r.end_h for r in per_act if r.end_h is not None), default=0.0)
    stuck = tuple({"activity": e.activity or "", "reason": e.reason or ""}
                  for e in events if e[1] == "stuck")
    if stuck:
        end = max(end, events[-1].t if events else 0.0)
    planned = scenario.planned_end
    return RunResult(
        scenario=scenario, seed=seed, replication=replication, events=tuple(events),
        activities=tuple(per_act), phases=phase_rows(scenario, per_act),
        resources=resource_rows(scenario, usage, end, {}), groups={}, bottlenecks=(),
        end_h=end, planned_end_h=planned, on_time=not stuck and end <= planned + EPS,
        stuck=stuck, capped=capped, plan=plan, calendar_wait_h=0.0, usage=usage,
    )


def activity_rows(traces: dict[str, Trace], acts: dict[str, Activity],
                  added_by: dict[str, str]) -> list[ActivityRow]:
    """One row per activity instance, the scenario's first in written order."""
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
        rows.append(ActivityRow._make((
            aid, act.base_id, act.name, act.phase, r, s, trace.end, trace.work,
            (s - r) if (s is not None and r is not None) else 0.0, trace.paused,
            trace.interruptions, "" if trace.waited_on is None else _longest_wait(trace),
            added_by.get(aid),
        )))
    return rows


def _longest_wait(trace: Trace) -> str:
    """What the activity waited for longest, as ``kind:id`` (``""``: it never waited)."""
    waited_on = trace.waited_on
    if not waited_on:
        return ""
    if len(waited_on) == 1:
        (kind, ident), = waited_on
    else:
        kind, ident = max(waited_on.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return f"{kind}:{ident}" if ident else kind


def total_waits(traces: dict[str, Trace], held: dict[Held, float],
                end: float) -> tuple[dict[Held, float], float]:
    """Hours of waiting attributed to each (kind, id), and to the working day."""
    total = defaultdict(float, held)
    for trace in traces.values():
        if trace.blocked is not None:  # still held when the run ended
            total[trace.blocked] += end - trace.since
    calendar = 0.0
    for key in [k for k in total if k[1] == ""]:
        calendar += total.pop(key)
    return total, calendar


def _days(scenario: Scenario, end: float) -> int:
    """Days the per-day tables cover: the programme, or up to the end when it runs late."""
    return max(scenario.days, int(end // 24) + 1)


def resource_rows(scenario: Scenario, all_steps: dict[str, UsageSteps], end: float,
                  waits: dict[Held, float]) -> dict[str, ResourceRow]:
    days = _days(scenario, end)
    # the working hours up to the end: the same for every resource on the working day
    working = (WorkingTime(scenario.calendar).working_hours(0.0, end)
               if not all(r.always for r in scenario.resources) else 0.0)
    rows = {}
    for res in scenario.resources:
        steps = all_steps[res.id]
        available = end if res.always else working
        busy, lost, busy_by_day = busy_and_lost(steps, res.capacity, end, days)
        denominator = res.capacity * available
        rows[res.id] = ResourceRow(
            id=res.id, name=res.name, capacity=res.capacity, available_h=available,
            busy_unit_h=busy, lost_unit_h=lost,
            utilisation=busy / denominator if denominator > 0 else 0.0,
            wait_h=waits.get(("resource", res.id), 0.0), busy_by_day=tuple(busy_by_day),
        )
    return rows


def group_rows(scenario: Scenario, events: Sequence[Event], all_steps: dict[str, GroupSteps],
               end: float, waits: dict[Held, float]) -> dict[str, GroupRow]:
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


def phase_rows(scenario: Scenario, rows: Sequence[ActivityRow]) -> dict[str, PhaseRow]:
    """Each phase: its first start and, once every activity of it has finished, its last
    end (one pass over the rows; the first of equal times is kept, as min and max do)."""
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    open_: dict[str, bool] = {}  # phase -> has an unfinished activity (once it has rows)
    for row in rows:
        pid, start, end = row.phase, row.start_h, row.end_h
        if start is not None:
            earliest = first.get(pid)
            if earliest is None or start < earliest:
                first[pid] = start
        if end is None:
            open_[pid] = True
            continue
        open_.setdefault(pid, False)
        latest = last.get(pid)
        if latest is None or end > latest:
            last[pid] = end
    out = {}
    for phase in scenario.phases:
        finished = open_.get(phase.id) is False
        start_h = first.get(phase.id)
        end_h = last.get(phase.id) if finished else None
        duration = end_h - start_h if (end_h is not None and start_h is not None) else None
        late = None
        if phase.due is not None and end_h is not None:
            late = max(0.0, end_h - phase.due)
        out[phase.id] = PhaseRow(
            id=phase.id, name=phase.name, start_h=start_h, end_h=end_h, due_h=phase.due,
            late_h=late, limit_h=phase.limit, duration_h=duration,
            breach=bool(phase.limit is not None and duration is not None
                        and duration > phase.limit + EPS),
        )
    return out
