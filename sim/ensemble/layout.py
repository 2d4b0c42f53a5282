"""Which numbers a replication record holds, and where (worked out once per scenario)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from sim.core.timefmt import WorkingTime
from sim.ensemble.criticality import ChainContext
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class Layout:
    """Which numbers a replication record holds, in which order (from the scenario)."""

    phases: tuple[str, ...]
    limited: tuple[str, ...]  # phases with a limit
    activities: tuple[str, ...]
    resources: tuple[str, ...]
    days: int
    inputs: tuple[str, ...]  # labels of the uncertain inputs, for sensitivity
    input_kinds: tuple[str, ...]  # "duration", "inject_hit", "inject_delay", "inject_time"
    # what daily utilisation needs, worked out once per scenario:
    unit_hours: tuple[tuple[float, ...], ...] = ()  # [resource][day] capacity x available h
    chain: ChainContext | None = field(default=None, compare=False)
    index: dict[str, int] = field(default_factory=dict, compare=False)  # activity -> position
    random_activities: tuple[str, ...] = ()  # the first inputs: activities' drawn durations
    dated: tuple[str, ...] = ()  # phases with a due time

    @cached_property
    def columns(self) -> Columns:
        """Where each part of a record sits in a row of :class:`Packed` values."""
        p, lim, a = len(self.phases), len(self.limited), len(self.activities)
        at = 3  # end, complete, on time
        marks = []
        for width in (p, p, lim, lim, a, len(self.resources) * self.days, len(self.inputs)):
            marks.append(slice(at, at + width))
            at += width
        return Columns._make([*marks, at])

    @classmethod
    def of(cls, scenario: Scenario) -> Layout:
        inputs: list[str] = []
        kinds: list[str] = []
        for act in scenario.activities:
            if act.duration.is_random:
                inputs.append(act.id)
                kinds.append("duration")
        for inj in scenario.injects:
            if inj.probability < 1.0:
                inputs.append(f"{inj.id} happens")
                kinds.append("inject_hit")
            if inj.delay is not None and inj.delay.is_random:
                inputs.append(f"{inj.id} delay")
                kinds.append("inject_delay")
            if inj.at_latest > inj.at:
                inputs.append(f"{inj.id} time")
                kinds.append("inject_time")
        resources = tuple(r.id for r in scenario.resources)
        clock = WorkingTime(scenario.calendar)
        unit_hours = tuple(
            tuple(res.capacity * (24.0 if res.always else
                                  clock.working_hours(day * 24.0, day * 24.0 + 24.0))
                  for day in range(scenario.days))
            for res in scenario.resources
        )
        return cls(
            phases=tuple(p.id for p in scenario.phases),
            limited=tuple(p.id for p in scenario.phases if p.limit is not None),
            activities=tuple(a.id for a in scenario.activities),
            resources=resources,
            days=scenario.days,
            inputs=tuple(inputs),
            input_kinds=tuple(kinds),
            unit_hours=unit_hours,
            chain=ChainContext.of(scenario),
            index={a.id: i for i, a in enumerate(scenario.activities)},
            random_activities=tuple(i for i, k in zip(inputs, kinds, strict=True)
                                    if k == "duration"),
            dated=tuple(p.id for p in scenario.phases if p.due is not None),
        )


class Columns(NamedTuple):
    """Column ranges of a record's parts in Packed.values (see Layout.columns); util is
    [resource][day], flattened."""

    phase_end: slice
    phase_late: slice
    phase_duration: slice
    phase_breach: slice
    activity_end: slice
    util: slice
    inputs: slice
    width: int
