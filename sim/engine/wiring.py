"""What every run of a scenario starts from: its activity network wired, worked out once.

At the start of a run every activity waits and no phase is complete, so whom each
activity waits for, and who is told when it finishes, is the same in every replication:
:class:`Wiring` holds it by position in the written order, and a run only puts its own
activity instances in those places (:meth:`sim.engine.network.Network.start`). Added
activities (``add_activity`` injects) are wired when they are added, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.state import Key
from sim.scenario.model import Activity, Scenario

Links = tuple[tuple[int, float], ...]  # (dependent's position, lag), in the order told


def static_key(rank: dict[str, int], act: Activity, started: bool, ready: float) -> Key:
    """Dispatch order: paused work first, then the dispatch rule, then written order.

    For ``critical_path`` and ``priority`` (``rank`` not empty) the order is static, so
    the key is one number: the activity's rank, plus the number of activities unless
    it has started (a third of the cost of a tuple in the heaps). ``fifo`` orders by
    the ready time.
    """
    if rank:
        return rank[act.id] + (0 if started else len(rank))
    return (0.0 if started else 1.0, ready, float(act.order))


# an activity as a run starts it: (activity, keeps to the working day, dispatch key before
# it is ready (fifo: set again then), dependencies it waits for, ready from (lags after
# activities that do not exist yet))
Start = tuple[Activity, bool, Key, int, float]


@dataclass(frozen=True)
class Wiring:
    """The scenario's activities at the start of a run, by position in written order."""

    starts: tuple[Start, ...]
    ids: tuple[str, ...]
    dependents: tuple[tuple[int, Links], ...]  # whom an activity's finish tells, if anyone
    phase_dependents: dict[str, Links]  # whom a phase's end tells, if anyone
    phase_size: dict[str, int]  # activities per phase
    roots: tuple[int, ...]  # the activities that wait for nothing, in written order


def wiring_of(scenario: Scenario) -> Wiring:
    """The scenario's :class:`Wiring`, kept with the scenario after the first use."""
    found: Wiring | None = scenario.__dict__.get("_engine_wiring")
    if found is None:
        found = _wire(scenario)
        scenario.__dict__["_engine_wiring"] = found  # as functools.cached_property does
    return found


def _wire(scenario: Scenario) -> Wiring:
    """What :meth:`Network._wire` does to each activity in turn at time 0."""
    acts = scenario.activities
    position = {a.id: i for i, a in enumerate(acts)}
    always = {r.id for r in scenario.resources if r.always}
    phase_of = {p.id: p for p in scenario.phases}
    rank = scenario.dispatch_rank
    deps_left = [0] * len(acts)
    dep_ready = [0.0] * len(acts)
    dependents: list[list[tuple[int, float]]] = [[] for _ in acts]
    phase_dependents: dict[str, list[tuple[int, float]]] = {p.id: [] for p in scenario.phases}
    for i, act in enumerate(acts):
        for dep in act.after:
            target = position.get(dep.target)
            if dep.on_phase:
                deps_left[i] += 1
                phase_dependents[dep.target].append((i, dep.lag))
            elif target is None:  # an activity an inject may add: not there at the start
                dep_ready[i] = max(dep_ready[i], 0.0 + dep.lag)
            else:
                deps_left[i] += 1
                dependents[target].append((i, dep.lag))
        for other in phase_of[act.phase].after:
            deps_left[i] += 1
            phase_dependents[other].append((i, 0.0))
    bound = [not phase_of[a.phase].around_the_clock or any(r not in always for r, _ in a.needs)
             for a in acts]
    sizes: dict[str, int] = {}
    for act in acts:
        sizes[act.phase] = sizes.get(act.phase, 0) + 1
    return Wiring(
        starts=tuple(zip(acts, bound, (static_key(rank, a, False, 0.0) for a in acts),
                         deps_left, dep_ready, strict=True)),
        ids=tuple(a.id for a in acts),
        dependents=tuple((i, tuple(links)) for i, links in enumerate(dependents) if links),
        phase_dependents={p: tuple(links) for p, links in phase_dependents.items() if links},
        phase_size=sizes,
        roots=tuple(i for i, left in enumerate(deps_left) if left == 0),
    )
