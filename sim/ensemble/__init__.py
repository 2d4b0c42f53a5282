"""Monte Carlo ensembles: many replications, statistics streamed as runs come in.

Replication ``i`` of seed ``s`` draws every random number from streams keyed by
``(s, i, entity id)``, so results are identical whatever executor or worker
count runs them, and two variants run with the same seed share their draws
(common random numbers). Records are folded into the statistics in
replication order, so floating-point sums are identical too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from sim.core.timefmt import WorkingTime
from sim.ensemble.criticality import ChainContext, critical_chain
from sim.ensemble.stats import (
    CellQuantiles,
    Moments,
    Proportion,
    Quantiles,
    QuantileTable,
    RankCorrelation,
    z_value,
)
from sim.results import RunResult
from sim.scenario.model import Scenario

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------- what one run gives


@dataclass(frozen=True)
class Layout:
    """Which numbers a replication record holds, in which order (from the scenario)."""

    phases: tuple[str, ...]
    limited: tuple[str, ...]  # phases with a limit
    activities: tuple[str, ...]
    resources: tuple[str, ...]
    days: int
    inputs: tuple[str, ...]  # labels of the uncertain inputs, for sensitivity
    input_kinds: tuple[str, ...]  # "duration", "inject_hit", "inject_delay", "inject_time"
    # what daily utilisation needs, worked out once per scenario:
    unit_hours: tuple[tuple[float, ...], ...] = ()  # [resource][day] capacity x available h
    chain: ChainContext | None = field(default=None, compare=False)
    index: dict[str, int] = field(default_factory=dict, compare=False)  # activity -> position
    random_activities: tuple[str, ...] = ()  # the first inputs: activities' drawn durations

    @cached_property
    def columns(self) -> Columns:
        """Where each part of a record sits in a row of :class:`Packed` values."""
        p, lim, a = len(self.phases), len(self.limited), len(self.activities)
        at = 3  # end, complete, on time
        marks = []
        for width in (p, p, lim, lim, a, len(self.resources) * self.days, len(self.inputs)):
            marks.append(slice(at, at + width))
            at += width
        return Columns._make([*marks, at])

    @classmethod
    def of(cls, scenario: Scenario) -> Layout:
        inputs: list[str] = []
        kinds: list[str] = []
        for act in scenario.activities:
            if act.duration.is_random:
                inputs.append(act.id)
                kinds.append("duration")
        for inj in scenario.injects:
            if inj.probability < 1.0:
                inputs.append(f"{inj.id} happens")
                kinds.append("inject_hit")
            if inj.delay is not None and inj.delay.is_random:
                inputs.append(f"{inj.id} delay")
                kinds.append("inject_delay")
            if inj.at_latest > inj.at:
                inputs.append(f"{inj.id} time")
                kinds.append("inject_time")
        resources = tuple(r.id for r in scenario.resources)
        clock = WorkingTime(scenario.calendar)
        unit_hours = tuple(
            tuple(res.capacity * (24.0 if res.always else
                                  clock.working_hours(day * 24.0, day * 24.0 + 24.0))
                  for day in range(scenario.days))
            for res in scenario.resources
        )
        return cls(
            phases=tuple(p.id for p in scenario.phases),
            limited=tuple(p.id for p in scenario.phases if p.limit is not None),
            activities=tuple(a.id for a in scenario.activities),
            resources=resources,
            days=scenario.days,
            inputs=tuple(inputs),
            input_kinds=tuple(kinds),
            unit_hours=unit_hours,
            chain=ChainContext.of(scenario),
            index={a.id: i for i, a in enumerate(scenario.activities)},
            random_activities=tuple(i for i, k in zip(inputs, kinds, strict=True)
                                    if k == "duration"),
        )


class Columns(NamedTuple):
    """Column ranges of a record's parts in Packed.values (see Layout.columns); util is
    [resource][day], flattened."""

    phase_end: slice
    phase_late: slice
    phase_duration: slice
    phase_breach: slice
    activity_end: slice
    util: slice
    inputs: slice
    width: int


@dataclass(frozen=True)
class Record:
    """The compact outcome of one replication (what crosses process boundaries)."""

    index: int
    end_h: float
    complete: bool
    on_time: bool
    phase_end: tuple[float, ...]
    phase_late: tuple[float, ...]
    phase_duration: tuple[float, ...]  # limited phases only
    phase_breach: tuple[bool, ...]  # limited phases only
    activity_end: tuple[float, ...]
    critical: frozenset[int]  # indices into Layout.activities
    util_by_day: tuple[tuple[float, ...], ...]  # [resource][day]
    inputs: tuple[float, ...]
    full: RunResult | None = None  # kept only for the first K runs


def _nan(x: float | None) -> float:
    return math.nan if x is None else x


def record_of(result: RunResult, layout: Layout, *, keep: bool = False) -> Record:
    """Reduce a run to its record."""
    phases = result.phases
    index = layout.index
    chain = critical_chain(result, layout.chain)
    return Record(
        index=result.replication,
        end_h=result.end_h,
        complete=result.complete,
        on_time=result.on_time,
        phase_end=tuple(_nan(phases[p].end_h) for p in layout.phases),
        phase_late=tuple(_nan(phases[p].late_h) for p in layout.phases),
        phase_duration=tuple(_nan(phases[p].duration_h) for p in layout.limited),
        phase_breach=tuple(phases[p].breach or phases[p].duration_h is None
                           for p in layout.limited),
        activity_end=_activity_ends(result, layout),
        critical=frozenset(index[a] for a in chain if a in index),
        util_by_day=daily_utilisation(result, layout),
        inputs=_inputs(result, layout),
        full=result if keep else None,
    )


def _activity_ends(result: RunResult, layout: Layout) -> tuple[float, ...]:
    """End of each of the scenario's activities (NaN: unfinished), in layout order."""
    rows = result.activities
    ids = layout.activities
    k = len(ids)
    if k and len(rows) >= k and rows[0].id == ids[0] and rows[k - 1].id == ids[-1]:
        # build_result lists the scenario's activities first, in written order: no lookups
        return tuple([math.nan if r.end_h is None else r.end_h for r in rows[:k]])
    ends = {r.id: r.end_h for r in rows}
    return tuple(_nan(ends.get(a)) for a in layout.activities)


def daily_utilisation(result: RunResult, layout: Layout) -> tuple[tuple[float, ...], ...]:
    """Share of each resource's available unit-hours in use, per programme day."""
    rows = result.resources
    return tuple(  # busy_by_day runs on past the programme when the run ends late
        tuple([b / h if h > 0 else 0.0
               for b, h in zip(rows[rid].busy_by_day, hours, strict=False)])
        for rid, hours in zip(layout.resources, layout.unit_hours, strict=True))


def _inputs(result: RunResult, layout: Layout) -> tuple[float, ...]:
    draws: dict[str, float] = result.extra.get("draws", {})
    injects: dict[str, tuple[bool, float, float]] = result.extra.get("inject_draws", {})
    out = [draws.get(a, math.nan) for a in layout.random_activities]  # inputs start so
    for label, kind in zip(layout.inputs[len(out):], layout.input_kinds[len(out):],
                           strict=True):
        inject_id = label.rsplit(" ", 1)[0]
        happens, when, delay = injects.get(inject_id, (False, math.nan, math.nan))
        out.append(float(happens) if kind == "inject_hit" else
                   (delay if happens else 0.0) if kind == "inject_delay" else when)
    return tuple(out)


@dataclass(frozen=True)
class Packed:
    """The records of a chunk of replications as one array of numbers: what crosses
    process boundaries (one buffer to send instead of thousands of small objects), and
    what the statistics take a column at a time."""

    values: NDArray[np.float64]  # [run, column]: end, complete, on time, then Layout.columns
    index: tuple[int, ...]
    critical: tuple[frozenset[int], ...]
    full: tuple[RunResult | None, ...]

    def __len__(self) -> int:
        return len(self.index)

    def records(self, layout: Layout) -> list[Record]:
        """The records again (the same numbers)."""
        c = layout.columns
        days = layout.days
        out = []
        for i, row in enumerate(self.values.tolist()):
            util = row[c.util]
            out.append(Record(
                index=self.index[i], end_h=row[0], complete=row[1] > 0.5,
                on_time=row[2] > 0.5, phase_end=tuple(row[c.phase_end]),
                phase_late=tuple(row[c.phase_late]),
                phase_duration=tuple(row[c.phase_duration]),
                phase_breach=tuple(x > 0.5 for x in row[c.phase_breach]),
                activity_end=tuple(row[c.activity_end]),
                critical=self.critical[i],
                util_by_day=tuple(tuple(util[k:k + days]) for k in range(0, len(util), days)),
                inputs=tuple(row[c.inputs]), full=self.full[i]))
        return out


def pack(records: Sequence[Record], layout: Layout) -> Packed:
    """Records into one :class:`Packed` chunk."""
    rows = [[rec.end_h, float(rec.complete), float(rec.on_time), *rec.phase_end,
             *rec.phase_late, *rec.phase_duration, *map(float, rec.phase_breach),
             *rec.activity_end, *[u for row in rec.util_by_day for u in row], *rec.inputs]
            for rec in records]
    values = np.array(rows, dtype=float).reshape(len(rows), layout.columns.width)
    return Packed(values, tuple(rec.index for rec in records),
                  tuple(rec.critical for rec in records), tuple(rec.full for rec in records))


def run_chunk(scenario: Scenario, seed: int, start: int, stop: int,
              keep: int = 0, layout: Layout | None = None) -> Packed:
    """Replications ``start..stop-1`` (a unit of work for any executor).

    ``layout``: :meth:`Layout.of` the scenario, when the caller keeps it between chunks.
    """
    from sim.engine import simulate

    if layout is None:
        layout = Layout.of(scenario)
    return pack([record_of(simulate(scenario, seed, replication=i), layout, keep=i < keep)
                 for i in range(start, stop)], layout)


# ---------------------------------------------------------------- statistics


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
    critical_counts: list[int] = field(default_factory=list)
    finish_q: QuantileTable = field(default_factory=lambda: QuantileTable(0))
    util_table: QuantileTable = field(default_factory=lambda: QuantileTable(0))
    sensitivity: RankCorrelation | None = None
    kept: list[RunResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        lay = self.layout
        self.phase_late = [Quantiles(bins=500) for _ in lay.phases]
        self.phase_late_m = [Moments() for _ in lay.phases]
        self.phase_p_late = [Proportion() for _ in lay.phases]
        self.limit_ok = [Proportion() for _ in lay.limited]
        self.limit_duration = [Quantiles(bins=500) for _ in lay.limited]
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
        pairs = list(zip(self.layout.inputs, self.sensitivity.coefficients(), strict=True))
        return sorted(pairs, key=lambda p: (-abs(p[1]), p[0]))

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


def chunks_for(n: int, workers: int, size: int | None = None) -> list[tuple[int, int]]:
    """Split replications ``0..n-1`` into chunks: big enough to amortise, enough to balance.

    With no ``size`` given, chunks hold up to 50 runs and grow smaller towards the end
    (a quarter of each worker's share of what is left, down to 5), so the workers
    finish nearly together. Statistics do not depend on how runs are chunked.
    """
    if size:
        return [(start, min(n, start + size)) for start in range(0, n, size)]
    share = 4 * max(1, workers)
    least = max(1, min(5, n // share))
    chunks = []
    start = 0
    while start < n:
        step = max(least, min(50, (n - start) // share))
        chunks.append((start, min(n, start + step)))
        start += step
    return chunks


@dataclass(frozen=True)
class EnsembleResult:
    scenario: Scenario
    seed: int
    n: int
    stats: EnsembleStats
    missing: tuple[int, ...] = ()
    executor: str = "local"
    jobs: int = 1

    @property
    def complete(self) -> bool:
        return not self.missing


def ensemble(scenario: Scenario, n: int, *, seed: int | None = None, jobs: int = 1,
             keep: int = 0, executor: Any = None, chunk: int | None = None,
             progress: Progress | None = None) -> EnsembleResult:
    """Run ``n`` replications and stream their statistics.

    ``executor`` is an :class:`~sim.ensemble.executors.Executor`; by default a local process pool
    of ``jobs`` workers (in-process when ``jobs == 1``).
    """
    from sim.ensemble.executors import LocalExecutor

    if n < 1:
        raise ValueError("an ensemble needs at least one replication")
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    runner = executor if executor is not None else LocalExecutor(jobs)
    stats = EnsembleStats(Layout.of(scenario), scenario.planned_end)
    missing: list[int] = []
    done = 0
    plan = chunks_for(n, runner.workers, chunk)
    for (start, stop), records in runner.map_chunks(scenario, run_seed, plan, keep):
        if records is None:
            missing.extend(range(start, stop))
        else:
            stats.add_all(records)
        done += stop - start
        if progress is not None:
            progress(done, n)
    return EnsembleResult(scenario, run_seed, n, stats, tuple(missing),
                          executor=runner.name, jobs=runner.workers)

