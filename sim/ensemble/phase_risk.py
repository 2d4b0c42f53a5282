"""Risk per phase: for each phase with a due time, how likely it is on time and how late
it runs; for each phase with a limit, how likely it stays within it; and which phase is
most at risk. Plain data for the console, the reports and summary.json."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.ensemble.moments import Proportion
from sim.ensemble.precision import runs_for
from sim.ensemble.result import EnsembleResult

ONE_POINT = 0.01  # the half-width `mc` says how many runs would reach: ±1 point


@dataclass(frozen=True)
class DueRisk:
    """A phase with a due time: P(on time) over every run (an unfinished phase is late)
    and its lateness quantiles over the runs that finished it."""

    id: str
    name: str
    due_h: float
    on_time: Proportion
    late_p50_h: float
    late_p90_h: float
    runs_for_1pt: int


@dataclass(frozen=True)
class LimitRisk:
    """A phase with a limit: P(within the limit) and its P90 duration."""

    id: str
    name: str
    limit_h: float
    within: Proportion
    duration_p50_h: float
    duration_p90_h: float
    runs_for_1pt: int


@dataclass(frozen=True)
class AtRisk:
    """The phase whose share (on time, or within its limit) is lowest."""

    id: str
    name: str
    what: str  # "on time" or "within its limit"
    share: Proportion


def _lateness(q_n: int, value: float) -> float:
    # lateness is never negative; binned quantiles can dip just below zero
    return max(0.0, value) if q_n else math.nan


def due_risks(result: EnsembleResult) -> list[DueRisk]:
    st, sc = result.stats, result.scenario
    phases = {p.id: (i, p) for i, p in enumerate(sc.phases)}
    out = []
    for k, pid in enumerate(st.layout.dated):
        i, phase = phases[pid]
        q, share = st.phase_late[i], st.phase_on_time[k]
        out.append(DueRisk(pid, phase.name, phase.due or 0.0, share,
                           _lateness(q.n, q.quantile(0.5)), _lateness(q.n, q.quantile(0.9)),
                           runs_for(share.p, ONE_POINT)))
    return out


def limit_risks(result: EnsembleResult) -> list[LimitRisk]:
    st, sc = result.stats, result.scenario
    phases = {p.id: p for p in sc.phases}
    out = []
    for i, pid in enumerate(st.layout.limited):
        q, ok = st.limit_duration[i], st.limit_ok[i]
        nan = math.nan
        out.append(LimitRisk(pid, phases[pid].name, phases[pid].limit or 0.0, ok,
                             q.quantile(0.5) if q.n else nan, q.quantile(0.9) if q.n else nan,
                             runs_for(ok.p, ONE_POINT)))
    return out


def most_at_risk(result: EnsembleResult) -> AtRisk | None:
    """The phase with the lowest share on time (or within its limit); ties: the first
    written. None when no phase has a due time or a limit, or no run finished."""
    rows = [AtRisk(r.id, r.name, "on time", r.on_time) for r in due_risks(result)]
    rows += [AtRisk(r.id, r.name, "within its limit", r.within) for r in limit_risks(result)]
    rows = [r for r in rows if not math.isnan(r.share.p)]
    return min(rows, key=lambda r: r.share.p) if rows else None
