"""Drivers ranked by effect: each one-change variant run against the baseline with
common random numbers, replication by replication.

The baseline and every variant run replications ``0..n-1`` of the same seed, so the
difference of replication ``i`` is the effect of the change alone (every random draw
is the same on both sides). Per variant this keeps, for the length of its
comparison, one row per replication of the figures compared (the end and each phase's
end and lateness, and the 0/1 flags of holding as planned, of each dated phase on time
and each limit kept, read from the packed values by :mod:`sim.ensemble.holds`:
``n × (2 + 2 × phases + dated + limited)`` numbers), which the bootstrap of the P80
needs; the baseline's rows are kept throughout.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.chunks import chunks_for
from sim.ensemble.effects import END, HOLDS, ON_TIME, PROGRAMME, WITHIN, Driver, DriverTable, Effect
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.holds import holds_as_planned, limits_kept, phase_on_time
from sim.ensemble.layout import Layout
from sim.ensemble.moments import Moments
from sim.ensemble.one_change import Variant
from sim.ensemble.paired_shares import PairedShares
from sim.scenario.model import Scenario

BOOTSTRAP = 1000  # resamples for the interval of a P80 difference
BOOTSTRAP_SEED = 15  # fixed: the same runs give the same interval
P80 = 0.8


def drivers(scenario: Scenario, variants: Sequence[Variant], n: int, *,
            seed: int | None = None, executor: Any = None,
            progress: Callable[[int, int], None] | None = None) -> DriverTable:
    """The effect of each variant on the end, on each phase's end and lateness, on the
    share of runs holding as planned and on each phase's P(on time) and P(within limit)
    (and, for an inject with a probability or a window, on the P80 of each phase end)."""
    if n < 1:
        raise ValueError("drivers need at least one replication")
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    runner = executor if executor is not None else LocalExecutor(1)
    phases = Outcomes.of(scenario)
    risks = tuple(i.id for i in scenario.injects if i.is_random)
    runnable = [v for v in variants if v.scenario is not None]
    total = n * (1 + len(runnable))
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        if progress is not None:
            progress(done[0], total)

    base = outcome_rows(scenario, phases, n, run_seed, runner, tick)
    out = []
    for v in variants:
        if v.scenario is None:
            out.append(Driver(v.kind, v.id, v.change, why_not=v.why_not))
            continue
        rows = outcome_rows(v.scenario, phases, n, run_seed, runner, tick)
        effects = paired_effects(base, rows, phases)
        if v.kind == "inject" and v.id in risks:
            effects += p80_effects(base, rows, phases)
        out.append(Driver(v.kind, v.id, v.change, tuple(effects)))
    return DriverTable(scenario.name, run_seed, n, tuple(out), risks)


@dataclass(frozen=True)
class Outcomes:
    """The columns of :func:`outcome_rows`: the end, each phase's end and lateness, then
    the flags: held as planned, each dated phase on time, each limit kept."""

    phases: tuple[str, ...]
    dated: tuple[str, ...]
    limited: tuple[str, ...]

    @classmethod
    def of(cls, scenario: Scenario) -> Outcomes:
        layout = Layout.of(scenario)
        return cls(layout.phases, layout.dated, layout.limited)

    @property
    def hours(self) -> list[tuple[str, str]]:
        return [(END, "end_h")] + [(p, "end_h") for p in self.phases] \
            + [(p, "late_h") for p in self.phases]

    @property
    def shares(self) -> list[tuple[str, str]]:
        return [(PROGRAMME, HOLDS)] + [(p, ON_TIME) for p in self.dated] \
            + [(p, WITHIN) for p in self.limited]


def outcome_rows(scenario: Scenario, phases: Outcomes, n: int, seed: int, runner: Any,
                 tick: Callable[[int], None]) -> NDArray[np.float64]:
    """``[replication, column]``: the columns of ``phases`` (a phase's end and lateness
    NaN where it did not finish; a flag 1 or 0); missing runs NaN."""
    layout = Layout.of(scenario)
    c = layout.columns
    where = {p: i for i, p in enumerate(layout.phases)}
    pick = [0] + [c.phase_end.start + where[p] for p in phases.phases] \
        + [c.phase_late.start + where[p] for p in phases.phases]
    dated = [layout.dated.index(p) for p in phases.dated]
    limited = [layout.limited.index(p) for p in phases.limited]
    out = np.full((n, len(phases.hours) + len(phases.shares)), math.nan)
    for (start, stop), packed in runner.map_chunks(scenario, seed,
                                                   chunks_for(n, runner.workers), 0):
        if packed is not None:
            v = packed.values
            out[start:stop] = np.column_stack([
                v[:, pick], holds_as_planned(v, layout),
                phase_on_time(v, layout)[:, dated], limits_kept(v, layout)[:, limited]])
        tick(stop - start)
    return out


def paired_effects(base: NDArray[np.float64], rows: NDArray[np.float64],
                   phases: Outcomes) -> list[Effect]:
    """Mean paired difference of each column in hours, with its 95 % normal interval;
    then the difference of each share, with its 95 % Newcombe interval."""
    out = []
    for k, (target, measure) in enumerate(phases.hours):
        diff = rows[:, k] - base[:, k]
        diff = diff[~np.isnan(diff)]
        if not len(diff):
            continue
        m = Moments()
        m.add_many(diff.tolist())
        lo, hi = m.ci() if m.n > 1 else (m.mean, m.mean)
        if m.std == 0:
            lo = hi = m.mean  # the same difference in every run: known exactly
        out.append(Effect(target, measure, m.mean, lo, hi, m.n))
    return out + share_effects(base, rows, phases)


def share_effects(base: NDArray[np.float64], rows: NDArray[np.float64],
                  phases: Outcomes) -> list[Effect]:
    """Share of runs with the flag, variant − baseline, over the pairs both measured."""
    out = []
    for k, (target, measure) in enumerate(phases.shares, start=len(phases.hours)):
        both = ~(np.isnan(base[:, k]) | np.isnan(rows[:, k]))
        if not both.any():
            continue
        table = PairedShares.of(base[both, k] > 0.5, rows[both, k] > 0.5)
        lo, hi = table.interval()
        out.append(Effect(target, measure, table.difference, lo, hi, table.n))
    return out


def p80_effects(base: NDArray[np.float64], rows: NDArray[np.float64],
                phases: Outcomes) -> list[Effect]:
    """P80 of each phase end with the change minus without it, with a paired bootstrap
    interval (replications resampled together, fixed seed)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    out = []
    for k, pid in enumerate(phases.phases, start=1):
        both = ~(np.isnan(base[:, k]) | np.isnan(rows[:, k]))
        a, b = base[both, k], rows[both, k]
        if len(a) < 2:
            continue
        point = float(np.quantile(b, P80) - np.quantile(a, P80))
        pick = rng.integers(0, len(a), size=(BOOTSTRAP, len(a)))
        boot = np.quantile(b[pick], P80, axis=1) - np.quantile(a[pick], P80, axis=1)
        lo, hi = np.quantile(boot, [0.025, 0.975])
        out.append(Effect(pid, "p80_end_h", point, min(float(lo), point),
                          max(float(hi), point), len(a)))
    return out
