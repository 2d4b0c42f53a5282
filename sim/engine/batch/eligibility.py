"""Whether the batch engine is exact for a scenario, proved from the model before running.

The batch engine computes each activity from its dependencies alone; that is the event
engine's schedule exactly when no activity ever waits for a group or a resource, and
nothing but the working day and the dependencies decides when work happens:

- no inject changes capacity or availability (``resource_down``, ``group_unavailable``)
  or adds activities (``add_activity``); ``delay`` and ``note`` injects are fine;
- for every resource and group, the units that activities may hold *at the same time*
  never exceed its capacity. Two activities can hold units at once only when neither
  finishes before the other can start (lags are never negative, so ``B`` after ``A``,
  directly or through phases, never overlaps ``A``). The activities that need a
  resource are split into chains, each ordered by precedence; activities that may
  overlap lie on different chains, so at most one activity per chain holds units at
  any moment and the sum over chains of each chain's largest request bounds what can
  be asked for at once. When that bound is within the capacity, the resource never
  binds; otherwise the batch engine is not used (the bound may be loose, never wrong).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.batch.graph import Graph
from sim.scenario.model import Scenario

CHANGES = {"resource_down": "changes capacity", "group_unavailable": "changes availability",
           "add_activity": "adds activities"}


@dataclass(frozen=True)
class Verdict:
    """``eligible``, and the reason in one line (for ``mc``'s message)."""

    eligible: bool
    reason: str


def batch_verdict(scenario: Scenario) -> Verdict:
    """Whether (and why) the batch engine gives the event engine's numbers."""
    for inject in scenario.injects:
        if inject.kind in CHANGES:
            return Verdict(False, f"inject {inject.id} ({inject.kind}) {CHANGES[inject.kind]}")
    graph = Graph.of(scenario)
    if graph is None:
        return Verdict(False, "an activity waits for itself or for an added activity")
    ancestors = graph.ancestors()
    holders = ([("group", g.id, g.teams, [(i, n) for i, a in enumerate(scenario.activities)
                                          for gid, n in a.groups if gid == g.id])
                for g in scenario.groups]
               + [("resource", r.id, r.capacity,
                   [(i, n) for i, a in enumerate(scenario.activities)
                    for rid, n in a.needs if rid == r.id]) for r in scenario.resources])
    for kind, ident, capacity, requests in holders:
        bound = concurrent_bound(requests, ancestors, graph)
        if bound > capacity:
            return Verdict(False, f"{kind} {ident} can bind (capacity {capacity}, needed by "
                           f"{len(requests)} activities, up to {bound} at once)")
    return Verdict(True, "no resource or group can bind and no inject changes capacity")


def concurrent_bound(requests: list[tuple[int, int]], ancestors: list[int],
                     graph: Graph) -> int:
    """An upper bound on the units of one holder requested at the same moment.

    ``requests``: (activity index, units). Greedy chain cover in dependency order: each
    activity joins a chain whose last activity finishes before it can start (preferring
    one whose largest request already covers it), else starts a new chain.
    """
    position = {i: k for k, (is_phase, i) in enumerate(graph.order) if not is_phase}
    chains: list[list[int]] = []  # [last activity, largest request]
    for act, units in sorted(requests, key=lambda r: position[r[0]]):
        fits = [c for c in chains if ancestors[act] >> c[0] & 1]
        if fits:
            best = max(fits, key=lambda c: (c[1] >= units, -c[1] if c[1] >= units else c[1]))
            best[0], best[1] = act, max(best[1], units)
        else:
            chains.append([act, units])
    return sum(c[1] for c in chains)
