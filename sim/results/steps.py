"""Step tables of a run: units and teams in use over time, and their integrals per day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sim.core.timefmt import EPS
from sim.results.eventlog import Event
from sim.results.index import LogIndex, index_of
from sim.results.result import RunResult
from sim.scenario.model import Scenario

UsageSteps = list[tuple[float, int, int]]  # (t, units in use, capacity)
GroupSteps = list[tuple[float, int]]  # (t, teams busy)
SIGN = {"start": 1, "resume": 1, "pause": -1, "finish": -1}  # units taken (+) or given back


def read_steps(index: LogIndex, events: Iterable[Event], *,
               groups: bool = True) -> tuple[dict[str, UsageSteps], dict[str, GroupSteps]]:
    """The resource and group step tables, in one pass over the log (a step at the same
    time as the last one replaces it); ``groups=False``: resources only."""
    needs, sign_of = index.needs, SIGN
    uses = index.uses if groups else {}
    capacity = dict(index.capacity)
    in_use = dict.fromkeys(capacity, 0)
    usage: dict[str, UsageSteps] = {rid: [(0.0, 0, cap)] for rid, cap in capacity.items()}
    busy = dict.fromkeys(index.groups, 0)
    workload: dict[str, GroupSteps] = {gid: [(0.0, 0)] for gid in busy}
    for ev in events:
        sign = sign_of.get(ev[1])
        if sign is not None:
            aid = ev[2]
            if aid is None:
                continue
            t = ev[0]
            for rid, amount in needs.get(aid, ()):
                used = in_use[rid] = in_use[rid] + sign * amount
                steps = usage[rid]
                if steps[-1][0] == t:  # _put, inline: the hot path
                    steps[-1] = (t, used, capacity[rid])
                else:
                    steps.append((t, used, capacity[rid]))
            for gid, teams in uses.get(aid, ()):
                busy[gid] += sign * teams
                _put(workload[gid], (t, busy[gid]))
        elif ev[1] == "capacity" and ev[2] is None and ev[3] in capacity and ev[6] is not None:
            rid = ev[3]
            capacity[rid] = int(ev[6])
            _put(usage[rid], (ev[0], in_use[rid], capacity[rid]))
    return usage, workload


def _put(steps: list[Any], row: tuple[Any, ...]) -> None:
    """Append a step, or replace the last one when it is at the same time."""
    if steps[-1][0] == row[0]:
        steps[-1] = row
    else:
        steps.append(row)


def usage_steps(result: RunResult, resource_id: str) -> UsageSteps:
    """``(t, units in use, capacity)`` after each change, for step charts."""
    if resource_id in result.usage:
        return result.usage[resource_id]
    return all_usage_steps(result.scenario, result.events)[resource_id]


def group_steps(result: RunResult, group_id: str) -> GroupSteps:
    """``(t, teams busy)`` after each change."""
    return all_group_steps(result.scenario, result.events)[group_id]


def all_usage_steps(scenario: Scenario, events: Iterable[Event]) -> dict[str, UsageSteps]:
    """:func:`usage_steps` of every resource, in one pass over the log."""
    return read_steps(index_of(scenario), events)[0]


def all_group_steps(scenario: Scenario, events: Iterable[Event]) -> dict[str, GroupSteps]:
    """:func:`group_steps` of every group, in one pass over the log."""
    return read_steps(index_of(scenario), events)[1]


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
            spread(totals, step[1], step[0], following[0])
    return totals


def spread(totals: list[float], value: int, t0: float, t1: float) -> None:
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


def busy_and_lost(steps: Sequence[tuple[float, int, int]], capacity: int, end: float,
                  days: int) -> tuple[float, float, list[float]]:
    """Unit-hours in use and unit-hours taken away (below ``capacity``) up to ``end``, and
    the hours in use per day (:func:`by_day` of the steps), in one pass.

    Terms that are zero (no unit in use, none taken away) are not added: adding zero
    leaves a sum as it is, so the figures are those of adding every term.
    """
    busy = lost = 0.0
    totals = [0.0] * days
    ends = [s[0] for s in steps]
    ends[:-1] = ends[1:]
    if ends:
        ends[-1] = end
    for (t0, used, now), t1 in zip(steps, ends, strict=True):
        if t1 > t0:
            span = (t1 if t1 < end else end) - t0
            if used:
                busy += used * span
            if now != capacity:
                lost += (capacity - now) * span
        if used and t0 < t1 - EPS:
            day = int(t0 // 24)
            if t1 <= (day + 1) * 24.0:  # within one day (spread's first case): most steps
                if day < days:
                    totals[day] += used * (t1 - t0)
            else:
                spread(totals, used, t0, t1)
    return busy, lost, totals


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
