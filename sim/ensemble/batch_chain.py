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
    where the walk could not be sure."""
    acts = sched.activities
    n = sched.stop - sched.start
    if not acts:
        return [frozenset()] * n, np.zeros(n, dtype=bool)
    ctx = layout.chain
    assert ctx is not None
    ids = layout.activities
    index = layout.index
    preds = [[(index[p], lag) for p, lag in ctx.predecessors.get(a, ()) if p in index]
             for a in ids]
    share = [[j for j, b in enumerate(ids) if j != i and not ctx.uses[a].isdisjoint(ctx.uses[b])]
             for i, a in enumerate(ids)]
    order = [a.order for a in scenario.activities]
    finish = np.stack([a.finish for a in acts], axis=1).tolist()
    start = np.stack([a.start for a in acts], axis=1).tolist()
    ready = np.stack([a.ready for a in acts], axis=1).tolist()
    pauses = [np.stack(a.paused, axis=1).tolist() if a.paused else None for a in acts]
    out: list[frozenset[int]] = []
    unsure = np.zeros(n, dtype=bool)
    for r in range(n):
        chain = _walk(finish[r], start[r], ready[r], preds, share, order,
                      [p[r] if p is not None else () for p in pauses])
        if chain is None:
            unsure[r] = True
            out.append(frozenset())
        else:
            out.append(frozenset(chain))
    return out, unsure


def _walk(ends: list[float], starts: list[float], readies: list[float],
          preds: list[list[tuple[int, float]]], share: list[list[int]], order: list[int],
          pauses: list[list[float] | tuple[()]]) -> list[int] | None:
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
