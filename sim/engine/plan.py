"""Forward/backward pass on expected durations: earliest and latest starts, slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.scenario.model import Activity, Scenario


@dataclass(frozen=True, slots=True)
class CriticalPath:
    earliest_start: dict[str, float]
    latest_start: dict[str, float]
    length: float

    def slack(self, activity_id: str) -> float:
        return self.latest_start[activity_id] - self.earliest_start[activity_id]


def critical_path(scenario: Scenario, extra: Sequence[Activity] = ()) -> CriticalPath:
    """Earliest/latest starts ignoring capacity and calendar (dependencies, lags, release times).

    Phase completion is a zero-length node between a phase's activities and whatever waits
    for the phase, so dense phase-to-phase dependencies stay linear in size.
    """
    activities = list(scenario.activities) + list(extra)
    members: dict[str, list[str]] = {p.id: [] for p in scenario.phases}
    for act in activities:
        members.setdefault(act.phase, []).append(act.id)
    phase_of = {p.id: p for p in scenario.phases}
    duration = {a.id: a.duration.expected() for a in activities}
    # predecessors: node -> [(pred, lag)]; phase nodes are named "phase:<id>"
    preds: dict[str, list[tuple[str, float]]] = {}
    release: dict[str, float] = {}
    for act in activities:
        phase = phase_of.get(act.phase)
        lst = [(f"phase:{d.target}" if d.on_phase else d.target, d.lag) for d in act.after]
        if phase is not None:
            lst += [(f"phase:{p}", 0.0) for p in phase.after]
        preds[act.id] = lst
        release[act.id] = max(act.not_before, (phase.start or 0.0) if phase else 0.0)
    for pid, ids in members.items():
        phase = phase_of.get(pid)
        after = list(phase.after) if phase else []
        preds[f"phase:{pid}"] = [(i, 0.0) for i in ids] + [(f"phase:{p}", 0.0) for p in after]
        duration[f"phase:{pid}"] = 0.0
        release[f"phase:{pid}"] = 0.0
    order = _topological(preds)
    es: dict[str, float] = {}
    for node in order:
        start = release.get(node, 0.0)
        for pred, lag in preds[node]:
            if pred in es:
                start = max(start, es[pred] + duration[pred] + lag)
        es[node] = start
    length = max((es[n] + duration[n] for n in order), default=0.0)
    succs: dict[str, list[tuple[str, float]]] = {n: [] for n in order}
    for node in order:
        for pred, lag in preds[node]:
            if pred in succs:
                succs[pred].append((node, lag))
    ls: dict[str, float] = {}
    for node in reversed(order):
        finish = length
        for succ, lag in succs[node]:
            finish = min(finish, ls[succ] - lag)
        ls[node] = finish - duration[node]
    activity_ids = {a.id for a in activities}
    return CriticalPath(
        {k: v for k, v in es.items() if k in activity_ids},
        {k: v for k, v in ls.items() if k in activity_ids},
        length,
    )


def _topological(preds: dict[str, list[tuple[str, float]]]) -> list[str]:
    """Kahn's algorithm; nodes in a cycle (rejected by validation) are left out."""
    indegree = {n: 0 for n in preds}
    succs: dict[str, list[str]] = {n: [] for n in preds}
    for node, lst in preds.items():
        for pred, _lag in lst:
            if pred in preds:
                indegree[node] += 1
                succs[pred].append(node)
    queue = [n for n, d in indegree.items() if d == 0]
    order: list[str] = []
    while queue:
        node = queue.pop()
        order.append(node)
        for succ in succs[node]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                queue.append(succ)
    return order
