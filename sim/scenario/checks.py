"""Checks of meaning, beyond keys and types: ids, references, cycles, capacities, times.

Each check yields :class:`Problem` records; all of them are reported in one go.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from sim.core.timefmt import DayTime, format_duration
from sim.scenario.errors import Path, Problem, did_you_mean
from sim.scenario.schema import (
    ActivitySpec,
    AddActivitySpec,
    DelaySpec,
    GroupUnavailableSpec,
    ResourceDownSpec,
    ScenarioSpec,
)
from sim.scenario.source import Source


@dataclass
class Index:
    """Where each id was written, and what it is."""

    kinds: dict[str, str] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    activities: dict[str, tuple[ActivitySpec, str, Path]] = field(default_factory=dict)
    injected: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)


def activity_entries(spec: ScenarioSpec) -> Iterator[tuple[ActivitySpec, str, Path, bool]]:
    """Every activity written in the file: (activity, phase id, path, added by an inject)."""
    for p, phase in enumerate(spec.phases):
        for a, activity in enumerate(phase.activities):
            yield activity, phase.id, ("phases", p, "activities", a), False
    for i, inject in enumerate(spec.injects):
        if isinstance(inject, AddActivitySpec):
            yield inject.activity, inject.phase, ("injects", i, "activity"), True


def build_index(spec: ScenarioSpec, source: Source) -> tuple[Index, list[Problem]]:
    index, problems = Index(), []
    entries: list[tuple[str, str, Path]] = []
    entries += [(g.id, "group", ("groups", i, "id")) for i, g in enumerate(spec.groups)]
    entries += [(r.id, "resource", ("resources", i, "id")) for i, r in enumerate(spec.resources)]
    entries += [(p.id, "phase", ("phases", i, "id")) for i, p in enumerate(spec.phases)]
    for activity, phase, path, added in activity_entries(spec):
        entries.append((activity.id, "activity", (*path, "id")))
        index.activities.setdefault(activity.id, (activity, phase, path))
        if added:
            index.injected.add(activity.id)
    for ident, kind, path in entries:
        if ident in index.kinds:
            first = index.paths[ident]
            line, _ = source.locate(first)
            problems.append(source.problem(
                "duplicate-id", f"id {ident!r} is used twice (first as a {index.kinds[ident]} "
                f"at line {line}); ids are unique across groups, resources, phases and activities",
                path))
            continue
        index.kinds[ident], index.paths[ident] = kind, path
    seen_injects: dict[str, Path] = {}
    for i, inject in enumerate(spec.injects):
        if inject.id in seen_injects:  # injects have ids of their own (the MSEL serials)
            line, _ = source.locate(seen_injects[inject.id])
            problems.append(source.problem(
                "duplicate-id", f"inject id {inject.id!r} is used twice (first at line {line})",
                ("injects", i, "id")))
        seen_injects.setdefault(inject.id, ("injects", i, "id"))
    index.tags = {t for r in spec.resources for t in r.tags}
    return index, problems


def check(spec: ScenarioSpec, source: Source) -> list[Problem]:
    """Every problem of meaning in a scenario whose keys and types are right."""
    index, problems = build_index(spec, source)
    problems += _check_calendar(spec, source)
    problems += _check_phases(spec, source, index)
    problems += _check_activities(spec, source, index)
    problems += _check_injects(spec, source, index)
    problems += _check_cycles(spec, source, index)  # unknown ids are left out of the graph
    return problems


def _unknown(source: Source, path: Path, ident: str, what: str, choices: list[str],
             *, key: bool = False) -> Problem:
    guess = did_you_mean(ident, choices)
    hint = f"did you mean {guess!r}?" if guess else None
    return source.problem("unknown-reference", f"{what} {ident!r} does not exist", path,
                          key=key, hint=hint)


def _of_kind(index: Index, *kinds: str) -> list[str]:
    return [i for i, k in index.kinds.items() if k in kinds]


def _check_time(source: Source, spec: ScenarioSpec, time: DayTime | None, path: Path,
                what: str) -> Iterator[Problem]:
    if time is not None and time.day > spec.days:
        yield source.problem("time-outside", f"{what} {time} is after the last day D{spec.days}",
                             path)


def _check_calendar(spec: ScenarioSpec, source: Source) -> Iterator[Problem]:
    cal = spec.calendar
    if cal.day_end <= cal.day_start:
        yield source.problem("bad-calendar", "the working day must end after it starts",
                             ("calendar", "day_end"))
    for i, day in enumerate(cal.rest_days):
        if day > spec.days:
            yield source.problem("rest-day-outside",
                                 f"rest day {day} is outside the programme (days 1..{spec.days})",
                                 ("calendar", "rest_days", i))
    if set(range(1, spec.days + 1)) <= set(cal.rest_days):
        yield source.problem("bad-calendar", "every day is a rest day: no working time at all",
                             ("calendar", "rest_days"))


def _check_phases(spec: ScenarioSpec, source: Source, index: Index) -> Iterator[Problem]:
    phases = _of_kind(index, "phase")
    for p, phase in enumerate(spec.phases):
        base: Path = ("phases", p)
        for j, other in enumerate(phase.after):
            if index.kinds.get(other) != "phase":
                yield _unknown(source, (*base, "after", j), other, "phase", phases)
        yield from _check_time(source, spec, phase.start, (*base, "start"), "start")
        yield from _check_time(source, spec, phase.due, (*base, "due"), "due")
        if phase.start and phase.due and phase.due.hours(0) < phase.start.hours(0):
            yield source.problem("due-before-start", f"due {phase.due} is before start "
                                 f"{phase.start}", (*base, "due"), severity="warning")
        if not phase.activities:
            yield source.problem("empty-phase", "the phase has no activities", base,
                                 severity="warning")
        if phase.limit is not None and not phase.around_the_clock:
            yield source.problem("limit-in-working-day-phase",
                                 "`limit` is measured in elapsed hours, nights included; "
                                 "usually set on an around-the-clock phase",
                                 (*base, "limit"), severity="warning")


def _check_activities(spec: ScenarioSpec, source: Source, index: Index) -> Iterator[Problem]:
    groups = {g.id: g for g in spec.groups}
    resources = {r.id: r for r in spec.resources}
    phase_of = {p.id: p for p in spec.phases}
    day_length = spec.calendar.day_end - spec.calendar.day_start
    for activity, phase_id, path, added in activity_entries(spec):
        for j, (gid, teams) in enumerate(activity.groups):
            gpath = (*path, "groups", j if teams is None else gid)
            if gid not in groups:
                yield _unknown(source, gpath, gid, "group", list(groups), key=teams is not None)
            elif teams is not None and teams > groups[gid].teams:
                yield source.problem("too-many-teams", f"asks for {teams} teams of {gid!r}, "
                                     f"which has {groups[gid].teams}", gpath)
        for rid, amount in activity.needs.items():
            npath = (*path, "needs", rid)
            if rid not in resources:
                yield _unknown(source, npath, rid, "resource", list(resources), key=True)
            elif amount > resources[rid].capacity:
                yield source.problem("needs-above-capacity", f"needs {amount} {rid!r} but its "
                                     f"capacity is {resources[rid].capacity}", npath)
        for j, (target, _lag) in enumerate(activity.after):
            if target in index.injected and not added:
                yield source.problem("unknown-reference", f"{target!r} is added by an inject and "
                                     "may not exist; name its phase instead", (*path, "after", j))
            elif index.kinds.get(target) not in ("activity", "phase"):
                yield _unknown(source, (*path, "after", j), target, "activity or phase",
                               _of_kind(index, "activity", "phase"))
        yield from _check_time(source, spec, activity.not_before, (*path, "not_before"),
                               "not_before")
        if activity.every_day is not None:
            yield from _check_every_day(spec, source, activity, path)
        phase = phase_of.get(phase_id)
        working = [rid for rid in activity.needs if rid in resources
                   and resources[rid].hours == "working"]
        keeps_day = phase is None or not phase.around_the_clock or bool(working)
        if phase is not None and phase.around_the_clock and working:
            yield source.problem(
                "working-hours-in-around-the-clock",
                f"needs working-hours resource {working[0]!r} inside around-the-clock phase "
                f"{phase_id!r}, so it keeps to the working day", (*path, "needs"),
                severity="warning")
        if keeps_day and not activity.splittable and day_length > 0:
            yield from _check_fit(source, activity, path, day_length)


def _check_fit(source: Source, activity: ActivitySpec, path: Path,
               day_length: float) -> Iterator[Problem]:
    duration = activity.duration
    if duration.low > day_length:
        yield source.problem(
            "never-fits", f"takes at least {format_duration(duration.low)} but the working day "
            f"is {format_duration(day_length)}; shorten it or set `splittable: true`",
            (*path, "duration"))
    elif duration.high > day_length:
        longest = ("has no upper bound, so can take" if math.isinf(duration.high)
                   else f"can take up to {format_duration(duration.high)},")
        yield source.problem(
            "may-not-fit", f"{longest} longer than the "
            f"{format_duration(day_length)} working day; such draws are split across days "
            "(paused at each day's end)", (*path, "duration"), severity="warning")


def _check_every_day(spec: ScenarioSpec, source: Source, activity: ActivitySpec,
                     path: Path) -> Iterator[Problem]:
    assert activity.every_day is not None
    first, last = activity.every_day.from_, activity.every_day.to
    if first > last:
        yield source.problem("bad-range", f"every_day runs from day {first} to day {last}",
                             (*path, "every_day"))
    elif last > spec.days:
        yield source.problem("every-day-outside", f"every_day ends on day {last}, after the last "
                             f"day {spec.days}", (*path, "every_day", "to"))
    elif all(d in spec.calendar.rest_days for d in range(first, last + 1)):
        yield source.problem("every-day-empty", "every day in the range is a rest day: no "
                             "instance", (*path, "every_day"), severity="warning")


def _check_injects(spec: ScenarioSpec, source: Source, index: Index) -> Iterator[Problem]:
    resources = {r.id: r for r in spec.resources}
    for i, inject in enumerate(spec.injects):
        base: Path = ("injects", i)
        first, last = inject.at
        for j, t in enumerate((first, last) if first != last else (first,)):
            tpath = (*base, "at", "between", j) if first != last else (*base, "at")
            yield from _check_time(source, spec, t, tpath, "inject time")
        if first.hours(0) > last.hours(0) or (
                first.day == last.day and first.clock is not None
                and last.clock is not None and first.clock > last.clock):
            yield source.problem("bad-range", f"window starts {first} after it ends {last}",
                                 (*base, "at"))
        tpath = (*base, "target")
        if isinstance(inject, ResourceDownSpec):
            if inject.target not in resources and inject.target not in index.tags:
                yield _unknown(source, tpath, inject.target, "resource or tag",
                               [*resources, *index.tags])
            elif (inject.target in resources and inject.amount is not None
                  and inject.amount > resources[inject.target].capacity):
                yield source.problem("amount-above-capacity", f"takes {inject.amount} units of "
                                     f"{inject.target!r}, capacity "
                                     f"{resources[inject.target].capacity}", (*base, "amount"))
        elif isinstance(inject, DelaySpec):
            if index.kinds.get(inject.target) not in ("activity", "phase") and not _instance(
                    inject.target, index, spec.calendar.rest_days):
                yield _unknown(source, tpath, inject.target, "activity or phase",
                               _of_kind(index, "activity", "phase"))
        elif isinstance(inject, GroupUnavailableSpec):
            if index.kinds.get(inject.target) != "group":
                yield _unknown(source, tpath, inject.target, "group", _of_kind(index, "group"))
        elif isinstance(inject, AddActivitySpec) and index.kinds.get(inject.phase) != "phase":
            yield _unknown(source, (*base, "phase"), inject.phase, "phase",
                           _of_kind(index, "phase"))
        if inject.probability == 0:
            yield source.problem("never-happens", "probability 0: this inject never happens",
                                 (*base, "probability"), severity="warning")


def _instance(target: str, index: Index, rest_days: list[int]) -> bool:
    """``base@D3`` names one instance of an every_day activity (none on a rest day)."""
    base, _, day = target.partition("@D")
    found = index.activities.get(base)
    if not day.isdigit() or found is None or found[0].every_day is None:
        return False
    every = found[0].every_day
    return every.from_ <= int(day) <= every.to and int(day) not in rest_days


def _check_cycles(spec: ScenarioSpec, source: Source, index: Index) -> Iterator[Problem]:
    """Finish-to-start edges between activities and phases must form no cycle."""
    members: dict[str, list[str]] = {p.id: [] for p in spec.phases}
    for activity, phase_id, _path, _added in activity_entries(spec):
        members.setdefault(phase_id, []).append(activity.id)
    edges: dict[str, list[str]] = {}
    where: dict[str, Path] = {}
    phase_after = {p.id: p.after for p in spec.phases}
    for activity, phase_id, path, _added in activity_entries(spec):
        preds = [t for t, _lag in activity.after] + list(phase_after.get(phase_id, ()))
        edges[activity.id] = [t for t in preds if t in index.kinds]
        where[activity.id] = path
    for p, phase in enumerate(spec.phases):
        edges[phase.id] = members.get(phase.id, []) + [a for a in phase.after if a in index.kinds]
        where[phase.id] = ("phases", p)
    cycle = _find_cycle(edges)
    if cycle:
        shown = " -> ".join(
            (f"phase {n}" if index.kinds.get(n) == "phase" else n) for n in reversed(cycle)
        )
        first = cycle[0] if index.kinds.get(cycle[0]) == "activity" else cycle[-1]
        yield source.problem("dependency-cycle", f"dependency cycle: {shown}",
                             where.get(first, ()), hint="each must finish before the next starts")


def _find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """One cycle of the graph (node -> its predecessors), iteratively, or ``None``."""
    state: dict[str, int] = {}
    for root in edges:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        trail: list[str] = [root]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            succ = edges.get(node, [])
            if i < len(succ):
                stack[-1] = (node, i + 1)
                nxt = succ[i]
                if state.get(nxt) == 1:
                    return [*trail[trail.index(nxt):], nxt]
                if not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    trail.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                trail.pop()
    return None
