"""Critical chains of batch-computed replications: :func:`critical_chain`'s walk on arrays.

From the activity that finished last (the first written on a tie), step back: to the
activity that finished or paused at the moment it started, when it waited and shares a
group or resource with it; else to the dependency whose end plus lag released it. When
two such activities end at that very instant, the event engine's choice depends on the
order of their records; the replication is then left to the event engine (``unsure``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.engine.batch import BatchSchedule
from sim.ensemble.criticality import EPS as CHAIN_EPS
from sim.ensemble.layout import Layout
from sim.scenario.model import Scenario


def chains(scenario: Scenario, layout: Layout,
           sched: BatchSchedule) -> tuple[list[frozenset[int]], NDArray[np.bool_]]:
    """Each replication's critical activities (indices into ``layout.activities``), and
    where the walk could not be sure.

    All replications step back together while each step is to a dependency; one whose
    chain reaches an activity that waited and shares a group or resource with others is
    walked on its own (:func:`_walk`), as :func:`critical_chain` does.
    """
    acts = sched.activities
    n = sched.stop - sched.start
    if not acts:
        return [frozenset()] * n, np.zeros(n, dtype=bool)
    ctx = layout.chain
    assert ctx is not None
    ids, index = layout.activities, layout.index
    preds = [[(index[p], lag) for p, lag in ctx.predecessors.get(a, ()) if p in index]
             for a in ids]
    share = [[j for j, b in enumerate(ids) if j != i and not ctx.uses[a].isdisjoint(ctx.uses[b])]
             for i, a in enumerate(ids)]
    order = [a.order for a in scenario.activities]
    finish = np.stack([a.finish for a in acts], axis=1)
    start = np.stack([a.start for a in acts], axis=1)
    ready = np.stack([a.ready for a in acts], axis=1)
    members, alone = _together(finish, start, ready, preds, share, order)
    rows, cols = np.nonzero(members)
    cuts = np.searchsorted(rows, np.arange(1, n))
    out = [frozenset(c) for c in np.split(cols, cuts)]
    unsure = np.zeros(n, dtype=bool)
    for r in np.flatnonzero(alone).tolist():
        pauses = [np.stack(a.paused, axis=1)[r].tolist() if a.paused else [] for a in acts]
        chain = _walk(finish[r].tolist(), start[r].tolist(), ready[r].tolist(), preds, share,
                      order, pauses)
        unsure[r] = chain is None
        out[r] = frozenset(chain or ())
    return out, unsure


def _together(finish: NDArray[np.float64], start: NDArray[np.float64],
              ready: NDArray[np.float64], preds: list[list[tuple[int, float]]],
              share: list[list[int]],
              order: list[int]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """The chains of all replications stepping back through dependencies at once:
    (members [replication, activity], replications left to walk alone)."""
    n, count = finish.shape
    width = max(1, max(len(p) for p in preds))
    pred = np.full((count, width), -1)
    lag = np.zeros((count, width))
    for i, own in enumerate(preds):
        for k, (j, hours) in enumerate(own):
            pred[i, k], lag[i, k] = j, hours
    shares = np.array([bool(s) for s in share])
    rows = np.arange(n)
    last = finish.max(axis=1)
    tie_order = np.where(finish == last[:, None], np.array(order)[None, :], np.iinfo(np.int64).max)
    current = np.argmin(tie_order, axis=1)
    members = np.zeros((n, count), dtype=bool)
    members[rows, current] = True
    alone = np.zeros(n, dtype=bool)
    active = np.ones(n, dtype=bool)
    while active.any():
        rd = ready[rows, current]
        alone |= active & shares[current] & (start[rows, current] > rd + CHAIN_EPS)
        active &= ~alone
        options = pred[current]
        value = np.where(options >= 0,
                         finish[rows[:, None], np.maximum(options, 0)] + lag[current], -np.inf)
        pick = np.argmax(value, axis=1)  # the first of the latest, as the walk's strict >
        best, best_t = options[rows, pick], value[rows, pick]
        step = active & (best >= 0) & (best_t >= rd - CHAIN_EPS)
        again = step & members[rows, np.maximum(best, 0)]  # never in a DAG; walked alone
        alone |= again
        step &= ~again
        members[rows[step], best[step]] = True
        current = np.where(step, best, current)
        active &= step
    return members, alone


def _walk(ends: list[float], starts: list[float], readies: list[float],
          preds: list[list[tuple[int, float]]], share: list[list[int]], order: list[int],
          pauses: list[list[float]]) -> list[int] | None:
    last = max(ends)
    current = min((k for k, e in enumerate(ends) if e == last), key=lambda k: order[k])
    chain = [current]
    seen = {current}
    while True:
        start, ready = starts[current], readies[current]
        nxt = None
        if start > ready + CHAIN_EPS and share[current]:
            freed = [a for a in share[current] if a not in seen
                     and (ends[a] == start or start in pauses[a])]
            if len(freed) > 1:
                return None
            nxt = freed[0] if freed else None
        if nxt is None:
            best, best_t = None, -1.0
            for pred, lag in preds[current]:
                if ends[pred] + lag > best_t and pred not in seen:
                    best, best_t = pred, ends[pred] + lag
            if best is None or best_t < ready - CHAIN_EPS:
                return chain
            nxt = best
        chain.append(nxt)
        seen.add(nxt)
        current = nxt
