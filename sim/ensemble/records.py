"""What one replication gives: its compact record, and records packed into one array."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.criticality import ChainContext, both_chains, critical_chain
from sim.ensemble.layout import Layout
from sim.results.result import RunResult


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
    # [phase]: indices of the activities on the chain that set its end (the risk
    # indices' input, made where the run is), for the first runs only
    phase_critical: tuple[frozenset[int], ...] | None = None


def _nan(x: float | None) -> float:
    return math.nan if x is None else x


def record_of(result: RunResult, layout: Layout, *, keep: bool = False,
              chains: bool = False) -> Record:
    """Reduce a run to its record (with each phase's critical chain if ``chains``)."""
    phases = result.phases
    index = layout.index
    ctx = layout.chain if layout.chain is not None else ChainContext.of(result.scenario)
    chain, found = both_chains(result, ctx) if chains else (critical_chain(result, ctx), {})
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
        phase_critical=tuple(frozenset(index[a] for a in found.get(p, ()) if a in index)
                             for p in layout.phases) if chains else None,
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
    # [run, phase, activity]: on the chain that set the phase's end, for the chunk's
    # first runs (as many as asked for: see run_chunk's ``indexed``)
    phase_critical: NDArray[np.bool_] | None = None

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
                  tuple(rec.critical for rec in records), tuple(rec.full for rec in records),
                  critical_array([rec.phase_critical for rec in records], layout))


def critical_array(chains: Sequence[tuple[frozenset[int], ...] | None],
                   layout: Layout) -> NDArray[np.bool_]:
    """Runs' phase chains as one [run, phase, activity] array: the leading runs that
    have them (those past the first without are not indexed)."""
    count = next((k for k, c in enumerate(chains) if c is None), len(chains))
    out = np.zeros((count, len(layout.phases), len(layout.activities)), dtype=bool)
    for k in range(count):
        for p, members in enumerate(chains[k] or ()):
            out[k, p, list(members)] = True
    return out
