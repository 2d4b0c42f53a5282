"""A run's bottleneck named from its effect: the run again, same seed and replication
(the same random draws), with one more unit of each resource or team of each group
that activities waited for; the one that moves the end or a phase earliest is it. What
the unit makes later is kept too (the trade-off: another phase served after it).

Only what had waits is tried, the most waited-for first and at most ``TRIED`` of them,
so a run costs at most that many more simulations.
"""

from __future__ import annotations

import math

from sim.engine import simulate
from sim.ensemble.effects import EPS_H, UnitEffect
from sim.ensemble.one_change import one_more
from sim.results.result import RunResult
from sim.results.rows import PhaseRow
from sim.scenario.source import Source

TRIED = 5


def unit_effects(result: RunResult, source: Source) -> tuple[UnitEffect, ...]:
    """One :class:`UnitEffect` per resource and group the run waited for (the ``TRIED``
    most waited-for), most waits first."""
    out = []
    for b in [b for b in result.bottlenecks if b.wait_h > 0][:TRIED]:
        variant = one_more(source, result.scenario, b.kind, b.id).scenario
        assert variant is not None  # one more can always be added
        again = simulate(variant, result.seed, replication=result.replication)
        phases = tuple((pid, _earlier(row.end_h, again.phases[pid].end_h))
                       for pid, row in result.phases.items() if pid in again.phases)
        later = tuple((pid, -hours, _broken(result.phases[pid], again.phases[pid]))
                      for pid, hours in phases if hours < -EPS_H)
        out.append(UnitEffect(b.kind, b.id, b.wait_h, _earlier(result.end_h, again.end_h),
                              phases, later))
    return tuple(out)


def _broken(before: PhaseRow, after: PhaseRow) -> bool:
    """The phase is late or over its limit with the change, and was not without it."""
    def bad(row: PhaseRow) -> bool:
        return row.breach or row.end_h is None or (row.late_h or 0.0) > EPS_H
    return bad(after) and not bad(before)


def _earlier(before: float | None, after: float | None) -> float:
    if before is None or after is None or math.isnan(before) or math.isnan(after):
        return 0.0
    return before - after
