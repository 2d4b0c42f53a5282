"""Critical chains of batch-computed replications: :func:`critical_chain`'s walk on arrays.

From the activity that finished last (the first written on a tie), step back: to the
activity that finished or paused at the moment it started, when it waited and shares a
group or resource with it; else to the dependency whose end plus lag released it. When
two such activities end at that very instant, the event engine's choice depends on the
order of their records; the replication is then left to the event engine (``unsure``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from sim.engine.batch import BatchSchedule
from sim.ensemble.criticality import EPS as CHAIN_EPS
from sim.ensemble.layout import Layout
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class _Net:
    """The walk's view of a batch: the network and the replications' times."""

    preds: list[list[tuple[int, float]]]
    share: list[list[int]]
    order: list[int]
    finish: NDArray[np.float64]  # [replication, activity]
    start: NDArray[np.float64]
    ready: NDArray[np.float64]
    paused: list[list[NDArray[np.float64]]]  # [activity]: pause times, per replication

    @classmethod
    def of(cls, scenario: Scenario, layout: Layout, sched: BatchSchedule) -> _Net:
        ctx = layout.chain
        assert ctx is not None
        ids, index = layout.activities, layout.index
        acts = sched.activities
        return cls(
            preds=[[(index[p], lag) for p, lag in ctx.predecessors.get(a, ()) if p in index]
                   for a in ids],
            share=[[j for j, b in enumerate(ids)
                    if j != i and not ctx.uses[a].isdisjoint(ctx.uses[b])]
                   for i, a in enumerate(ids)],
            order=[a.order for a in scenario.activities],
            finish=np.stack([a.finish for a in acts], axis=1),
            start=np.stack([a.start for a in acts], axis=1),
            ready=np.stack([a.ready for a in acts], axis=1),
            paused=[list(a.paused) for a in acts])

    def rows(self, part: slice) -> _Net:
        """The same network with only the replications of ``part``."""
        return replace(self, finish=self.finish[part], start=self.start[part],
                       ready=self.ready[part],
                       paused=[[times[part] for times in p] for p in self.paused])

    def last_of(self, members: NDArray[np.bool_]) -> NDArray[np.intp]:
        """Per replication, the one of ``members`` (a mask of activities) that finished
        last, the first written on a tie: where the walk back starts."""
        finish = np.where(members[None, :], self.finish, -np.inf)
        last = finish.max(axis=1)
        tie_order = np.where(finish == last[:, None], np.array(self.order)[None, :],
                             np.iinfo(np.int64).max)
        first: NDArray[np.intp] = np.argmin(tie_order, axis=1)
        return first

    def walk(self, first: NDArray[np.intp]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """The chains from ``first`` (an activity per replication) as a [replication,
        activity] mask, and where the walk could not be sure."""
        members, alone = _together(self, first)
        unsure = np.zeros(len(first), dtype=bool)
        for r in np.flatnonzero(alone).tolist():
            pauses = [np.stack(p)[:, r].tolist() if p else [] for p in self.paused]
            chain = _walk(self.finish[r].tolist(), self.start[r].tolist(),
                          self.ready[r].tolist(), self.preds, self.share, self.order, pauses,
                          int(first[r]))
            unsure[r] = chain is None
            members[r] = False
            members[r, chain or []] = True
        return members, unsure


def chain_masks(scenario: Scenario, layout: Layout, sched: BatchSchedule, count: int
                ) -> tuple[list[frozenset[int]], NDArray[np.bool_], NDArray[np.bool_]]:
    """Each replication's critical activities (indices into ``layout.activities``); for
    the first ``count``, each phase's chain
    (:func:`~sim.ensemble.criticality.phase_chains`) as a [replication, phase, activity]
    mask; and where the walk could not be sure.

    All replications step back together while each step is to a dependency; one whose
    chain reaches an activity that waited and shares a group or resource with others is
    walked on its own (:func:`_walk`), as :func:`critical_chain` does. Where the phases'
    chains are walked, the critical chain is that of the phase of the activity that
    finished last (it is also its phase's last: the same walk from the same start).
    """
    n = sched.stop - sched.start
    phases = np.zeros((count, len(layout.phases), len(layout.activities)), dtype=bool)
    if not sched.activities:
        return [frozenset()] * n, phases, np.zeros(n, dtype=bool)
    net = _Net.of(scenario, layout, sched)
    first = net.last_of(np.ones(len(layout.activities), dtype=bool))
    head, head_unsure = net.rows(slice(0, count)), np.zeros(count, dtype=bool)
    phase_of = np.array([a.phase for a in scenario.activities])
    for k, pid in enumerate(layout.phases):
        members = phase_of == pid
        if count and members.any():
            phases[:, k], doubt = head.walk(head.last_of(members))
            head_unsure |= doubt
    own_phase = np.array([layout.phases.index(a.phase) for a in scenario.activities])
    critical = np.empty((n, len(layout.activities)), dtype=bool)
    critical[:count] = phases[np.arange(count), own_phase[first[:count]]]
    critical[count:], tail_unsure = net.rows(slice(count, n)).walk(first[count:])
    rows, cols = np.nonzero(critical)
    cuts = np.searchsorted(rows, np.arange(1, n))
    return ([frozenset(c) for c in np.split(cols, cuts)], phases,
            np.concatenate([head_unsure, tail_unsure]))


def _together(net: _Net, first: NDArray[np.intp]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """The chains of all replications stepping back through dependencies at once:
    (members [replication, activity], replications left to walk alone)."""
    finish, start, ready = net.finish, net.start, net.ready
    n, count = finish.shape
    width = max(1, max(len(p) for p in net.preds))
    pred = np.full((count, width), -1)
    lag = np.zeros((count, width))
    for i, own in enumerate(net.preds):
        for k, (j, hours) in enumerate(own):
            pred[i, k], lag[i, k] = j, hours
    shares = np.array([bool(s) for s in net.share])
    rows = np.arange(n)
    current = first.copy()
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
          pauses: list[list[float]], current: int) -> list[int] | None:
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
