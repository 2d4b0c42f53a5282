"""Inject processes: the scripted events list acting on capacity, groups and work."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from numpy.random import Generator

from sim.engine.recorder import Event
from sim.engine.simulation import Engine
from sim.engine.state import DONE, RUNNING, ActivityRun, GroupState, ResourceState
from sim.scenario.model import Inject

StreamFor = Callable[[str], Generator]
Fate = tuple[bool, float, float]  # (happens, time, delay hours)


def schedule_injects(engine: Engine, stream_for: StreamFor, *, enabled: bool = True,
                     given: Mapping[str, Fate] | None = None) -> dict[str, Fate]:
    """Draw each inject's fate from its own stream and schedule it.

    Returns the draws: inject id -> (happens, time, delay hours). ``given``: the fates
    the caller has drawn already (an ensemble draws them for many replications at once,
    :meth:`sim.engine.batch.draws.Draws.inject`: the same numbers).
    """
    draws: dict[str, Fate] = {}
    if not enabled:
        return draws
    for inject in engine.scenario.injects:
        fate = given.get(inject.id) if given is not None else None
        happens, when, delay = fate if fate is not None else _draw(inject, stream_for)
        draws[inject.id] = (happens, when, delay)
        if inject.kind == "add_activity" and happens:
            engine.pending_adds += 1
        engine.at(when, _handler(engine, inject, happens, delay))
    return draws


def _draw(inject: Inject, stream_for: StreamFor) -> tuple[bool, float, float]:
    """(happens, time, delay hours): always the same draws in the same order."""
    delay = inject.delay.expected() if inject.delay is not None else 0.0
    random_delay = inject.delay is not None and inject.delay.is_random
    if not (inject.is_random or random_delay):
        return True, inject.at, delay
    rng = stream_for(f"inject:{inject.id}")
    u_happen, u_time = float(rng.random()), float(rng.random())
    if random_delay and inject.delay is not None:
        delay = inject.delay.sample(rng)
    when = inject.at + u_time * (inject.at_latest - inject.at)
    return u_happen < inject.probability, when, delay


def _handler(engine: Engine, inject: Inject, happens: bool,
             delay: float) -> Callable[[Any], None]:
    def fire(_event: Any) -> None:
        now = engine.env.now
        engine.fired.add(inject.id)
        if not happens:
            engine.log(Event(now, "inject_skipped", inject=inject.id, reason="probability"))
            return
        HANDLERS[inject.kind](engine, inject, delay)

    return fire


def _hit(engine: Engine, inject: Inject, **fields: Any) -> None:
    engine.log(Event(engine.env.now, "inject", inject=inject.id, reason=inject.kind, **fields))


def _resource_down(engine: Engine, inject: Inject, _delay: float) -> None:
    if inject.target_kind == "resource":
        targets = [engine.resources[str(inject.target)]]
    else:
        ids = [r.id for r in engine.scenario.resources if inject.target in r.tags]
        targets = [engine.resources[i] for i in ids]
    _hit(engine, inject, resource=inject.target, amount=inject.duration)
    for res in targets:
        taken = res.now if inject.amount is None else min(inject.amount, res.now)
        res.now -= taken
        res.free -= taken
        res.last_change = inject.id
        engine.capacity_changed(res, inject.id)
        if inject.on_hit == "pause":
            _preempt(engine, inject.id, _uses_resource(res.id), _over_capacity(res))
        engine.at(inject.duration, _restore(engine, inject, res, taken))
    engine.invalidate()


def _uses_resource(resource_id: str) -> Callable[[ActivityRun], bool]:
    def uses(run: ActivityRun) -> bool:
        return any(r == resource_id for r, _ in run.act.needs)

    return uses


def _over_capacity(res: ResourceState) -> Callable[[], bool]:
    def over() -> bool:
        return res.in_use > res.now

    return over


def _restore(engine: Engine, inject: Inject, res: ResourceState,
             taken: int) -> Callable[[Any], None]:
    def restore(_event: Any) -> None:
        res.now += taken
        res.free += taken
        res.last_change = inject.id
        engine.capacity_changed(res, inject.id)
        engine.invalidate()

    return restore


def _preempt(engine: Engine, reason: str, uses: Callable[[ActivityRun], bool],
             over: Callable[[], bool]) -> None:
    """Pause users, most recently started first, while ``over()`` holds."""
    users = sorted((r for r in engine.running if uses(r)),
                   key=lambda r: (r.seg_start, r.act.order))
    while users and over():
        engine.pause(users.pop(), reason)


def _group_unavailable(engine: Engine, inject: Inject, _delay: float) -> None:
    group = engine.groups[str(inject.target)]
    _hit(engine, inject, group=group.id, amount=inject.duration)
    group.down += 1
    group.last_change = inject.id
    engine.log(Event(engine.env.now, "group_unavailable", group=group.id, inject=inject.id))
    engine.invalidate(dispatch=False)  # those waiting for it learn why at the next dispatch
    _preempt(engine, inject.id, lambda run: any(g == group.id for g, _ in run.act.groups),
             lambda: True)
    engine.at(inject.duration, _group_back(engine, inject, group))


def _group_back(engine: Engine, inject: Inject, group: GroupState) -> Callable[[Any], None]:
    def back(_event: Any) -> None:
        group.down -= 1
        engine.log(Event(engine.env.now, "group_available", group=group.id, inject=inject.id))
        engine.invalidate()

    return back


def _delay(engine: Engine, inject: Inject, hours: float) -> None:
    target = str(inject.target)
    if inject.target_kind == "phase":
        runs = [r for r in engine.runs.values() if r.act.phase == target]
    elif target in engine.runs:
        runs = [engine.runs[target]]
    else:
        runs = [r for r in engine.runs.values() if r.act.base_id == target]
    live = [r for r in runs if r.state != DONE]
    if not live:
        engine.log(Event(engine.env.now, "inject_missed", inject=inject.id, activity=target,
                         reason="already finished" if runs else "not added yet"))
        return
    _hit(engine, inject, activity=target, amount=hours)
    for run in live:
        engine.add_work(run, hours)
    if any(r.state != RUNNING for r in live):
        engine.request_dispatch()


def _add_activity(engine: Engine, inject: Inject, _delay: float) -> None:
    _hit(engine, inject, phase=inject.phase, amount=float(len(inject.activities)))
    engine.pending_adds -= 1
    for act in inject.activities:
        engine.log(Event(engine.env.now, "added", act.id, inject=inject.id, phase=act.phase))
        engine.add_activity(act)
    engine.check_done()  # it may have added nothing (an every_day range of rest days)


def _note(engine: Engine, inject: Inject, _delay: float) -> None:
    _hit(engine, inject)


HANDLERS: dict[str, Callable[[Engine, Inject, float], None]] = {
    "resource_down": _resource_down,
    "group_unavailable": _group_unavailable,
    "delay": _delay,
    "add_activity": _add_activity,
    "note": _note,
}
