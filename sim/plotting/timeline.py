"""Quantities the charts draw, derived from a run's event log (pure Python, no matplotlib).

Times are hours from D1 00:00.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sim.results import RunResult, unavailable_spans
from sim.scenario.model import Activity, Calendar, Resource

EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of work of an activity instance, from a start/resume to a pause/finish."""

    activity: str
    start: float
    end: float
    open: bool = False  # still running when the run ended (incomplete run)

    @property
    def hours(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class InjectHit:
    id: str
    t: float
    kind: str
    target: str | None


def all_activities(result: RunResult) -> list[Activity]:
    """Written activities, then those added by injects, in that order."""
    sc = result.scenario
    return list(sc.activities) + [a for i in sc.injects for a in i.activities]


def activity_segments(result: RunResult) -> dict[str, list[Segment]]:
    """Work segments per activity instance: pauses (overnight or by injects) split them."""
    out: dict[str, list[Segment]] = defaultdict(list)
    open_at: dict[str, float] = {}
    for ev in result.events:
        aid = ev.activity
        if aid is None:
            continue
        if ev.kind in ("start", "resume"):
            open_at.setdefault(aid, ev.t)
        elif ev.kind in ("pause", "finish") and aid in open_at:
            out[aid].append(Segment(aid, open_at.pop(aid), ev.t))
    for aid, since in open_at.items():
        out[aid].append(Segment(aid, since, max(since, result.end_h), open=True))
    return dict(out)


def inject_hits(result: RunResult) -> list[InjectHit]:
    """One entry per inject that hit, in time order."""
    by_id = {i.id: i for i in result.scenario.injects}
    hits: list[InjectHit] = []
    seen: set[str] = set()
    for ev in result.events:
        if ev.kind == "inject" and ev.inject and ev.inject not in seen:
            seen.add(ev.inject)
            inject = by_id.get(ev.inject)
            hits.append(InjectHit(ev.inject, ev.t, inject.kind if inject else ev.reason or "",
                                  inject.target if inject else None))
    return hits


def group_unavailable_spans(result: RunResult, group_id: str) -> list[tuple[float, float]]:
    """Intervals in which the group took part in nothing (group_unavailable injects)."""
    return unavailable_spans(result.events, group_id, result.end_h)


def chart_end(result: RunResult, plan: RunResult | None = None) -> float:
    """Right edge of time charts: the whole programme, the run and the plan, to a midnight."""
    right = max(result.planned_end_h, result.end_h, result.scenario.planned_end,
                plan.end_h if plan is not None else 0.0, 1.0)
    return 24.0 * -(-right // 24)


def days_shown(result: RunResult, plan: RunResult | None = None) -> int:
    return round(chart_end(result, plan) / 24.0)


def available_hours_by_day(calendar: Calendar, always: bool, days: int) -> list[float]:
    """Hours per day in which a resource can be used: the working day, or all 24."""
    if always:
        return [24.0] * days
    return [0.0 if d in calendar.rest_days else calendar.day_end - calendar.day_start
            for d in range(1, days + 1)]


def resource_busy_by_day(result: RunResult, resource: Resource, days: int) -> list[float]:
    """Unit-hours in use per day D1..D``days`` (none after the run's end)."""
    busy = result.resources[resource.id].busy_by_day[:days]
    return [*busy, *[0.0] * (days - len(busy))]


def resource_utilisation_by_day(result: RunResult, resource: Resource,
                                days: int) -> list[float | None]:
    """Share of (nominal capacity x available hours) in use each day; ``None``: no hours."""
    busy = resource_busy_by_day(result, resource, days)
    hours = available_hours_by_day(result.scenario.calendar, resource.always, days)
    return [b / (resource.capacity * h) if h > 0 else None for b, h in zip(busy, hours,
                                                                            strict=True)]
