"""Records of replications the batch engine computed: the same numbers, as one array.

:func:`batch_chunk` is :func:`sim.ensemble.chunks.run_chunk` for a scenario the batch
engine is exact for. It turns the engine's arrays into the :class:`Packed` values the
statistics take (end, phase ends, activity ends, daily utilisation, inputs), with the
same formulas as :func:`sim.results.build.build_result` and
:func:`sim.ensemble.records.record_of`. The replications it cannot be sure of (a time
just before a day's start, a run past the time cap, or a critical chain whose next step
depends on the order of records at one instant) and the first ``keep`` ones (whose full
results are kept) are run by the event engine instead.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.core.timefmt import EPS
from sim.engine import default_time_cap, simulate
from sim.engine.batch import ActivityArrays, BatchSchedule, Graph, batch_schedule
from sim.ensemble.batch_chain import chain_masks
from sim.ensemble.layout import Layout
from sim.ensemble.records import Packed, critical_array, pack, record_of
from sim.scenario.model import Scenario

Floats = NDArray[np.float64]


def batch_chunk(scenario: Scenario, seed: int, start: int, stop: int, keep: int,
                layout: Layout, indexed: int = 0) -> Packed:
    """Replications ``start..stop-1`` (the scenario must be eligible: see
    :func:`sim.engine.batch.batch_verdict`); those below ``indexed`` with their phase
    chains."""
    graph = Graph.of(scenario)
    assert graph is not None, "an eligible scenario has an order"
    sched = batch_schedule(scenario, graph, seed, start, stop, default_time_cap(scenario))
    values = _values(scenario, layout, sched)
    count = max(0, min(indexed, stop) - start)
    critical, phase_critical, unsure = chain_masks(scenario, layout, sched, count)
    redo = sched.uncertain | unsure
    redo[: max(0, min(keep, stop) - start)] = True
    full: list[object] = [None] * (stop - start)
    for k in np.flatnonzero(redo).tolist():
        i = start + k
        rec = record_of(simulate(scenario, seed, replication=i), layout, keep=i < keep,
                        chains=k < count)
        values[k] = pack([rec], layout).values[0]
        critical[k], full[k] = rec.critical, rec.full
        if k < count:
            phase_critical[k] = critical_array([rec.phase_critical], layout)[0]
    return Packed(values, tuple(range(start, stop)), tuple(critical),
                  tuple(full), phase_critical)  # type: ignore[arg-type]


def _values(scenario: Scenario, layout: Layout, sched: BatchSchedule) -> Floats:
    n = sched.stop - sched.start
    acts = sched.activities
    finish = (np.stack([a.finish for a in acts], axis=1) if acts
              else np.zeros((n, 0)))
    end = finish.max(axis=1) if acts else np.zeros(n)
    columns = [end, np.ones(n), (end <= scenario.planned_end + EPS).astype(float)]
    ends, lates, durations, breaches = _phases(scenario, acts, n)
    limited = [k for k, p in enumerate(scenario.phases) if p.limit is not None]
    columns += ends + lates + [durations[k] for k in limited] + [breaches[k] for k in limited]
    columns += [finish[:, k] for k in range(finish.shape[1])]
    for res, hours in zip(scenario.resources, layout.unit_hours, strict=True):
        users = [(acts[k], units) for k, a in enumerate(scenario.activities)
                 for rid, units in a.needs if rid == res.id]
        busy = busy_by_day(users, end, layout.days)
        for day, h in enumerate(hours):
            columns.append(busy[:, day] / h if h > 0 else np.zeros(n))
    columns += _inputs(layout, sched, n)
    return np.stack(columns, axis=1) if columns else np.zeros((n, 0))


def _phases(scenario: Scenario, acts: list[ActivityArrays],
            n: int) -> tuple[list[Floats], list[Floats], list[Floats], list[Floats]]:
    """Per phase: end, hours late, duration and breach (as :func:`phase_rows`)."""
    ends, lates, durations, breaches = [], [], [], []
    nan = np.full(n, np.nan)
    for phase in scenario.phases:
        members = [acts[k] for k, a in enumerate(scenario.activities) if a.phase == phase.id]
        if members:
            end = np.max(np.stack([m.finish for m in members]), axis=0)
            duration = end - np.min(np.stack([m.start for m in members]), axis=0)
        else:
            end, duration = nan, nan
        late = np.maximum(0.0, end - phase.due) if phase.due is not None else nan
        breach = (np.isnan(duration) if phase.limit is None
                  else np.isnan(duration) | (duration > phase.limit + EPS))
        ends.append(end)
        lates.append(late)
        durations.append(duration)
        breaches.append(breach.astype(float))
    return ends, lates, durations, breaches


def busy_by_day(users: list[tuple[ActivityArrays, int]], end: Floats, days: int) -> Floats:
    """Unit-hours in use per day, as :func:`sim.results.steps.busy_and_lost` integrates the
    step table: one step per instant at which any user starts, pauses, resumes or finishes
    (records at the same instant make one step), spread over days in time order."""
    n = len(end)
    totals = np.zeros((n, days))
    times, deltas = [], []
    for arrays, units in users:
        for seg_start, seg_end in arrays.segments:
            times += [seg_start, seg_end]
            deltas += [np.where(np.isnan(seg_start), 0.0, units),
                       np.where(np.isnan(seg_end), 0.0, -units)]
    if not times:
        return totals
    t_all, d_all = np.stack(times, axis=1), np.stack(deltas, axis=1)
    order = np.argsort(t_all, axis=1, kind="stable")
    t_all = np.take_along_axis(t_all, order, axis=1)
    level = np.cumsum(np.take_along_axis(d_all, order, axis=1), axis=1)
    following = np.concatenate([t_all[:, 1:], np.full((n, 1), np.nan)], axis=1)
    for j in range(t_all.shape[1]):
        t0, t1 = t_all[:, j], following[:, j]
        step = ~np.isnan(t0) & (t0 != t1)  # the last record of its instant
        t1 = np.where(np.isnan(t1), end, t1)
        _spread(totals, level[:, j], t0, t1, step & (level[:, j] != 0))
    return totals


def _spread(totals: Floats, value: Floats, t0: Floats, t1: Floats, mask: NDArray[np.bool_]) -> None:
    """:func:`sim.results.steps.spread` for each replication where ``mask`` holds."""
    days = totals.shape[1]
    with np.errstate(invalid="ignore"):
        live = mask & ~(t0 >= t1 - EPS)
    t = np.where(live, t0, 0.0)
    while live.any():
        day = np.floor_divide(t, 24.0)
        stop = np.minimum(t1, (day + 1) * 24.0)
        rows = np.flatnonzero(live & (day < days))
        cols = day[rows].astype(np.int64)
        totals[rows, cols] += value[rows] * (stop[rows] - t[rows])
        t = np.where(live, stop, t)
        live &= t < t1 - EPS
        live &= stop < t1  # a step within one day is one piece
    return


def _inputs(layout: Layout, sched: BatchSchedule, n: int) -> list[Floats]:
    """The uncertain inputs, as :func:`sim.ensemble.records._inputs` lists them."""
    out = [sched.work.get(a, np.full(n, np.nan)) for a in layout.random_activities]
    rest = zip(layout.inputs[len(out):], layout.input_kinds[len(out):], strict=True)
    for label, kind in rest:
        happens, when, delay = sched.inject_draws[label.rsplit(" ", 1)[0]]
        out.append(happens.astype(float) if kind == "inject_hit" else
                   np.where(happens, delay, 0.0) if kind == "inject_delay" else when)
    return out
