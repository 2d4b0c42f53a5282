"""Turn a checked :class:`ScenarioSpec` into the immutable :class:`Scenario`."""

from __future__ import annotations

from sim.core.timefmt import HOURS_PER_DAY
from sim.scenario import model
from sim.scenario.schema import (
    ActivitySpec,
    AddActivitySpec,
    DelaySpec,
    GroupUnavailableSpec,
    ResourceDownSpec,
    ScenarioSpec,
)


def resolve(spec: ScenarioSpec, file: str, warnings: tuple[str, ...] = ()) -> model.Scenario:
    cal = model.Calendar(spec.calendar.day_start, spec.calendar.day_end,
                         frozenset(spec.calendar.rest_days))
    phase_ids = {p.id for p in spec.phases}
    instances = _instance_ids(spec, cal)
    teams = {g.id: g.teams for g in spec.groups}
    activities: list[model.Activity] = []
    phases: list[model.Phase] = []
    for order, phase in enumerate(spec.phases):
        members: list[str] = []
        for written in phase.activities:
            for act in _expand(written, phase.id, cal, phase_ids, instances, teams,
                               len(activities)):
                activities.append(act)
                members.append(act.id)
        phases.append(model.Phase(
            id=phase.id, name=phase.name or phase.id, order=order,
            start=phase.start.hours(cal.day_start) if phase.start else None,
            due=phase.due.hours(cal.day_start) if phase.due else None,
            after=tuple(phase.after), around_the_clock=phase.around_the_clock, limit=phase.limit,
            activities=tuple(members),
        ))
    injects = [
        _inject(i, spec, cal, phase_ids, instances, teams, len(activities))
        for i in range(len(spec.injects))
    ]
    return model.Scenario(
        format=spec.format, name=spec.name, days=spec.days, calendar=cal,
        dispatch=spec.dispatch,
        groups=tuple(model.Group(g.id, g.name or g.id, g.headcount, g.teams) for g in spec.groups),
        resources=tuple(
            model.Resource(r.id, r.name or r.id, r.capacity, r.hours == "always", tuple(r.tags))
            for r in spec.resources
        ),
        phases=tuple(phases), activities=tuple(activities), injects=tuple(injects),
        description=spec.description, source=spec.source, start_date=spec.start_date,
        time_zone=spec.time_zone, seed=spec.seed, file=file, warnings=warnings,
    )


def _days(written: ActivitySpec, cal: model.Calendar) -> list[int] | None:
    if written.every_day is None:
        return None
    return [d for d in range(written.every_day.from_, written.every_day.to + 1)
            if cal.is_working_day(d)]


def _instance_ids(spec: ScenarioSpec, cal: model.Calendar) -> dict[str, tuple[str, ...]]:
    """Base id -> the ids of its instances (itself when it does not repeat)."""
    found: dict[str, tuple[str, ...]] = {}
    written = [a for p in spec.phases for a in p.activities]
    written += [i.activity for i in spec.injects if isinstance(i, AddActivitySpec)]
    for act in written:
        days = _days(act, cal)
        found[act.id] = (act.id,) if days is None else tuple(f"{act.id}@D{d}" for d in days)
    return found


def _dependencies(written: ActivitySpec, phase_ids: set[str],
                  instances: dict[str, tuple[str, ...]]) -> tuple[model.Dependency, ...]:
    deps: list[model.Dependency] = []
    for target, lag in written.after:
        if target in phase_ids:
            deps.append(model.Dependency(target, lag, on_phase=True))
        else:
            deps.extend(model.Dependency(t, lag) for t in instances.get(target, (target,)))
    return tuple(deps)


def _expand(written: ActivitySpec, phase: str, cal: model.Calendar, phase_ids: set[str],
            instances: dict[str, tuple[str, ...]], teams: dict[str, int],
            first_order: int) -> list[model.Activity]:
    after = _dependencies(written, phase_ids, instances)
    not_before = written.not_before.hours(cal.day_start) if written.not_before else 0.0
    common = dict(
        base_id=written.id, name=written.name or written.id, phase=phase,
        duration=written.duration,
        groups=tuple((g, t if t is not None else teams[g]) for g, t in written.groups),
        needs=tuple(written.needs.items()), after=after, priority=written.priority,
        splittable=written.splittable, routine=written.routine,
    )
    days = _days(written, cal)
    if days is None:
        return [model.Activity(id=written.id, not_before=not_before, order=first_order,
                               **common)]  # type: ignore[arg-type]
    return [
        model.Activity(
            id=f"{written.id}@D{day}", day=day, order=first_order + k,
            not_before=max(not_before, (day - 1) * HOURS_PER_DAY + cal.day_start),
            **common,  # type: ignore[arg-type]
        )
        for k, day in enumerate(days)
    ]


def _inject(i: int, spec: ScenarioSpec, cal: model.Calendar, phase_ids: set[str],
            instances: dict[str, tuple[str, ...]], teams: dict[str, int],
            n_activities: int) -> model.Inject:
    written = spec.injects[i]
    first, last = written.at
    common = dict(
        id=written.id, kind=written.kind, at=first.hours(cal.day_start),
        at_latest=last.hours(cal.day_start), probability=written.probability,
        description=written.description, from_=written.from_, to=written.to,
        expected_action=written.expected_action, objective=written.objective,
        mode=written.mode, notes=written.notes, order=i,
    )
    if isinstance(written, ResourceDownSpec):
        kind: model.TargetKind = (
            "resource" if any(r.id == written.target for r in spec.resources) else "tag")
        return model.Inject(target=written.target, target_kind=kind, amount=written.amount,
                            duration=written.for_, on_hit=written.on_hit,
                            **common)  # type: ignore[arg-type]
    if isinstance(written, DelaySpec):
        kind = "phase" if written.target in phase_ids else "activity"
        return model.Inject(target=written.target, target_kind=kind, delay=written.by,
                            **common)  # type: ignore[arg-type]
    if isinstance(written, GroupUnavailableSpec):
        return model.Inject(target=written.target, target_kind="group",
                            duration=written.for_, **common)  # type: ignore[arg-type]
    if isinstance(written, AddActivitySpec):
        added = _expand(written.activity, written.phase, cal, phase_ids, instances, teams,
                        n_activities + 10_000 * (i + 1))
        return model.Inject(activities=tuple(added), phase=written.phase,
                            **common)  # type: ignore[arg-type]
    return model.Inject(**common)  # type: ignore[arg-type]
