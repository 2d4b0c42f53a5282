"""Forward/backward pass on expected durations: earliest and latest starts, slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.core.graphs import topological_order

if TYPE_CHECKING:  # model imports this module: the pass needs only its types
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
    for the phase, so dense phase-to-phase dependencies stay linear in size. Nodes are list
    indices (activities first, then phases): no string keys in the passes.
    """
    activities = list(scenario.activities) + list(extra)
    duration, release, preds = _network(scenario, activities)
    order = _topological(preds)
    es = [0.0] * len(duration)
    for node in order:
        start = release[node]
        for pred, lag in preds[node]:
            candidate = es[pred] + duration[pred] + lag
            if candidate > start:
                start = candidate
        es[node] = start
    length = max((es[n] + duration[n] for n in order), default=0.0)
    ls = [length - d for d in duration]
    for node in reversed(order):  # successors come later in `order`: ls[node] is final here
        limit = ls[node]
        for pred, lag in preds[node]:
            candidate = limit - lag - duration[pred]
            if candidate < ls[pred]:
                ls[pred] = candidate
    placed = set(order)  # nodes in a cycle (rejected by validation) are left out
    return CriticalPath(
        {a.id: es[k] for k, a in enumerate(activities) if k in placed},
        {a.id: ls[k] for k, a in enumerate(activities) if k in placed},
        length,
    )


def _network(
    scenario: Scenario, activities: Sequence[Activity]
) -> tuple[list[float], list[float], list[list[tuple[int, float]]]]:
    """Each node's expected duration, release time and predecessors (with their lags)."""
    n_act = len(activities)
    index = {a.id: k for k, a in enumerate(activities)}
    phase_index = {p.id: n_act + k for k, p in enumerate(scenario.phases)}
    for act in activities:  # a phase named only by an added activity
        if act.phase not in phase_index:
            phase_index[act.phase] = n_act + len(phase_index)
    phase_of = {p.id: p for p in scenario.phases}
    size = n_act + len(phase_index)
    duration = [a.duration.expected() for a in activities] + [0.0] * len(phase_index)
    release = [0.0] * size
    preds: list[list[tuple[int, float]]] = [[] for _ in range(size)]
    for k, act in enumerate(activities):
        phase = phase_of.get(act.phase)
        lst = preds[k]
        for d in act.after:
            target = phase_index.get(d.target) if d.on_phase else index.get(d.target)
            if target is not None:
                lst.append((target, d.lag))
        if phase is not None:
            lst.extend((phase_index[p], 0.0) for p in phase.after)
            release[k] = max(act.not_before, phase.start or 0.0)
        else:
            release[k] = act.not_before
        preds[phase_index[act.phase]].append((k, 0.0))
    for pid, node in phase_index.items():
        phase = phase_of.get(pid)
        if phase is not None:
            preds[node].extend((phase_index[p], 0.0) for p in phase.after)
    return duration, release, preds


def _topological(preds: list[list[tuple[int, float]]]) -> list[int]:
    """Kahn's algorithm on list indices."""
    nodes = list(range(len(preds)))
    return topological_order(nodes, {n: [p for p, _lag in preds[n]] for n in nodes})
