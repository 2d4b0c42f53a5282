"""The activity network as the batch engine walks it: activities and phases in an order
where everything comes after what it waits for.

An activity waits for the activities and phases in its ``after`` (each with its lag)
and for the phases its own phase comes after; a phase is complete when its activities
have finished and the phases it comes after are complete (the event engine's
:mod:`sim.engine.network`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.graphs import topological_order
from sim.scenario.model import Scenario

# what an activity waits for: (is a phase, index of the activity or phase, lag hours)
Wait = tuple[bool, int, float]


@dataclass(frozen=True)
class Graph:
    """Indices follow the scenario's order of activities and of phases."""

    waits: tuple[tuple[Wait, ...], ...]  # per activity
    members: tuple[tuple[int, ...], ...]  # per phase: its activities
    phase_after: tuple[tuple[int, ...], ...]  # per phase: the phases it comes after
    order: tuple[tuple[bool, int], ...]  # (is a phase, index), waited-for first

    @classmethod
    def of(cls, scenario: Scenario) -> Graph | None:
        """The graph, or ``None`` when something waits for itself (no order exists)."""
        acts = {a.id: i for i, a in enumerate(scenario.activities)}
        phases = {p.id: i for i, p in enumerate(scenario.phases)}
        waits: list[tuple[Wait, ...]] = []
        for act in scenario.activities:
            own: list[Wait] = []
            for dep in act.after:
                if dep.on_phase:
                    own.append((True, phases[dep.target], dep.lag))
                elif dep.target in acts:
                    own.append((False, acts[dep.target], dep.lag))
                else:
                    return None  # waits for an activity that only an inject adds
            own += [(True, phases[p], 0.0) for p in scenario.phases[phases[act.phase]].after]
            waits.append(tuple(own))
        members: list[list[int]] = [[] for _ in scenario.phases]
        for i, act in enumerate(scenario.activities):
            members[phases[act.phase]].append(i)
        phase_after = tuple(tuple(phases[q] for q in p.after) for p in scenario.phases)
        order = _order(waits, members, phase_after)
        if order is None:
            return None
        return cls(tuple(waits), tuple(tuple(m) for m in members), phase_after, order)

    def ancestors(self) -> list[int]:
        """Per activity, the set (as bits) of activities that finish before it can start."""
        phase_bits = [0] * len(self.members)
        act_bits = [0] * len(self.waits)
        for is_phase, i in self.order:
            if is_phase:
                bits = 0
                for a in self.members[i]:
                    bits |= act_bits[a] | (1 << a)
                for q in self.phase_after[i]:
                    bits |= phase_bits[q]
                phase_bits[i] = bits
            else:
                bits = 0
                for waits_phase, j, _lag in self.waits[i]:
                    bits |= phase_bits[j] if waits_phase else act_bits[j] | (1 << j)
                act_bits[i] = bits
        return act_bits


def _order(waits: list[tuple[Wait, ...]], members: list[list[int]],
           phase_after: tuple[tuple[int, ...], ...]) -> tuple[tuple[bool, int], ...] | None:
    """Kahn's order over activities and phases (``None``: a cycle)."""
    nodes = [(False, i) for i in range(len(waits))] + [(True, i) for i in range(len(members))]
    needs: dict[tuple[bool, int], list[tuple[bool, int]]] = {
        (False, i): [(w[0], w[1]) for w in ws] for i, ws in enumerate(waits)}
    for p, acts in enumerate(members):
        needs[(True, p)] = [(False, a) for a in acts] + [(True, q) for q in phase_after[p]]
    out = topological_order(nodes, needs)
    return tuple(out) if len(out) == len(nodes) else None
