"""EnsembleStats: everything an ensemble reports, accumulated chunk by chunk."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.ensemble.correlation import RankCorrelation
from sim.ensemble.holds import holds_as_planned, phase_on_time
from sim.ensemble.layout import Layout
from sim.ensemble.moments import Moments, Proportion, z_value
from sim.ensemble.quantiles import CellQuantiles, Quantiles, QuantileTable
from sim.ensemble.records import Packed, Record, pack
from sim.results.result import RunResult


@dataclass
class EnsembleStats:
    """Everything an ensemble reports, accumulated record by record."""

    layout: Layout
    planned_end_h: float
    n: int = 0
    end: Moments = field(default_factory=Moments)
    end_q: Quantiles = field(default_factory=Quantiles)
    on_time: Proportion = field(default_factory=Proportion)
    complete: Proportion = field(default_factory=Proportion)
    phase_late: list[Quantiles] = field(default_factory=list)
    phase_late_m: list[Moments] = field(default_factory=list)
    phase_p_late: list[Proportion] = field(default_factory=list)
    limit_ok: list[Proportion] = field(default_factory=list)
    limit_duration: list[Quantiles] = field(default_factory=list)
    phase_on_time: list[Proportion] = field(default_factory=list)  # Layout.dated order
    holds: Proportion = field(default_factory=Proportion)  # the programme holds as planned
    critical_counts: list[int] = field(default_factory=list)
    finish_q: QuantileTable = field(default_factory=lambda: QuantileTable(0))
    util_table: QuantileTable = field(default_factory=lambda: QuantileTable(0))
    sensitivity: RankCorrelation | None = None
    kept: list[RunResult] = field(default_factory=list)
    # tornado() at n runs: the summary, CSV, report table and chart all ask for it
    _tornado: tuple[int, list[tuple[str, float]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lay = self.layout
        self.phase_late = [Quantiles(bins=500) for _ in lay.phases]
        self.phase_late_m = [Moments() for _ in lay.phases]
        self.phase_p_late = [Proportion() for _ in lay.phases]
        self.limit_ok = [Proportion() for _ in lay.limited]
        self.limit_duration = [Quantiles(bins=500) for _ in lay.limited]
        self.phase_on_time = [Proportion() for _ in lay.dated]
        self.critical_counts = [0] * len(lay.activities)
        self.finish_q = QuantileTable(len(lay.activities), bins=200)
        self.util_table = QuantileTable(len(lay.resources) * lay.days, warmup=200, bins=100)
        self.sensitivity = RankCorrelation(len(lay.inputs)) if lay.inputs else None

    @property
    def util(self) -> list[list[CellQuantiles]]:
        """Daily utilisation quantiles, ``util[resource][day]``."""
        days = self.layout.days
        return [[self.util_table[k * days + d] for d in range(days)]
                for k in range(len(self.layout.resources))]

    def add(self, rec: Record) -> None:
        self.add_all([rec])

    def add_all(self, records: Sequence[Record] | Packed) -> None:
        """Fold records in, in order: each statistic gets its values in record order, a
        column at a time (the same sums and counts as one record at a time)."""
        chunk = records if isinstance(records, Packed) else pack(records, self.layout)
        if not len(chunk):
            return
        self.n += len(chunk)
        values, c = chunk.values, self.layout.columns
        ends = values[:, 0].tolist()
        self.end.add_many(ends)
        self.end_q.add_many(ends)
        self.on_time.add_many((values[:, 2] > 0.5).tolist())
        self.complete.add_many((values[:, 1] > 0.5).tolist())
        for i, column in enumerate(values[:, c.phase_late].T):
            late = column[~np.isnan(column)].tolist()
            if late:
                self.phase_late[i].add_many(late)
                self.phase_late_m[i].add_many(late)
                self.phase_p_late[i].add_many([x > 1e-9 for x in late])
        for i, flags in enumerate(phase_on_time(values, self.layout).T):
            self.phase_on_time[i].add_many(flags.tolist())
        self.holds.add_many(holds_as_planned(values, self.layout).tolist())
        breach = values[:, c.phase_breach]
        for i, column in enumerate(values[:, c.phase_duration].T):
            self.limit_ok[i].add_many((breach[:, i] < 0.5).tolist())
            durations = column[~np.isnan(column)].tolist()
            if durations:
                self.limit_duration[i].add_many(durations)
        counts = self.critical_counts
        for critical in chunk.critical:
            for i in critical:
                counts[i] += 1
        self.kept.extend(full for full in chunk.full if full is not None)
        self.finish_q.add_rows(values[:, c.activity_end])
        self.util_table.add_rows(values[:, c.util])
        if self.sensitivity is not None:
            inputs = values[:, c.inputs].copy()
            inputs[np.isnan(inputs)] = 0.0
            self.sensitivity.add_rows(inputs, ends)

    # -------------------------------------------------------- answers

    def criticality(self) -> dict[str, float]:
        return {a: c / self.n for a, c in zip(self.layout.activities, self.critical_counts,
                                              strict=True)} if self.n else {}

    def tornado(self) -> list[tuple[str, float]]:
        """Inputs by absolute rank correlation with the end time, largest first."""
        if self.sensitivity is None:
            return []
        if self._tornado is None or self._tornado[0] != self.n:  # not since the last runs
            pairs = zip(self.layout.inputs, self.sensitivity.coefficients(), strict=True)
            self._tornado = (self.n, sorted(pairs, key=lambda p: (-abs(p[1]), p[0])))
        return list(self._tornado[1])

    def advice(self, precision_h: float, confidence: float = 0.95) -> dict[str, Any]:
        """Is n enough? CI half-widths against targets, and the n that would reach them."""
        hw_end = self.end.half_width(confidence)
        hw_p = self.on_time.half_width(confidence)
        if precision_h > 0 and math.isfinite(hw_end):
            need_end = math.ceil(self.n * (hw_end / precision_h) ** 2)
        else:  # fewer than two runs: no spread yet to plan from
            need_end = 0
        # runs for a +-1 point interval on P(on time); at an observed 0 or 1 use the Wilson
        # bound nearest 1/2, so "always on time so far" does not claim one run is enough
        p = self.on_time.p
        if not math.isnan(p) and p in (0.0, 1.0):
            lo, hi = self.on_time.ci(confidence)
            p = hi if p == 0.0 else lo
        target_p = 0.01
        z = z_value(confidence)
        need_p = math.ceil(z * z * p * (1 - p) / target_p**2) if not math.isnan(p) else 0
        return {
            "mean_end_half_width_h": hw_end, "target_h": precision_h,
            "enough_for_mean_end": hw_end <= precision_h,
            "runs_for_target_h": max(need_end, self.n),
            "on_time_half_width": hw_p, "runs_for_1pct_on_time": max(need_p, 1),
        }
