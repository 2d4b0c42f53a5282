"""The immutable, resolved scenario the engine runs: one frozen type per concept.

Times are hours from ``D1 00:00``; durations are hours or distributions;
``every_day`` activities are expanded into one :class:`Activity` per
working day; every reference names something that exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from sim.core.distributions import Distribution
from sim.core.timefmt import Calendar as Calendar  # part of the model
from sim.scenario.plan import CriticalPath, critical_path

Dispatch = Literal["critical_path", "priority", "fifo"]
TargetKind = Literal["resource", "tag", "activity", "phase", "group"]


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    headcount: int
    teams: int = 1


@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    name: str
    capacity: int
    always: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dependency:
    """Finish-to-start: this waits until ``target`` (activity or phase) has finished,
    plus ``lag``."""

    target: str
    lag: float = 0.0
    on_phase: bool = False


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    base_id: str
    name: str
    phase: str
    duration: Distribution
    groups: tuple[tuple[str, int], ...] = ()
    needs: tuple[tuple[str, int], ...] = ()
    after: tuple[Dependency, ...] = ()
    not_before: float = 0.0
    priority: float = 0.0
    splittable: bool = False
    day: int | None = None
    order: int = 0
    routine: bool = False  # fills time by design: left out of driver lists


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    name: str
    order: int
    start: float | None = None
    due: float | None = None
    after: tuple[str, ...] = ()
    around_the_clock: bool = False
    limit: float | None = None
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Inject:
    id: str
    kind: Literal["resource_down", "delay", "group_unavailable", "add_activity", "note"]
    at: float
    at_latest: float
    probability: float = 1.0
    target: str | None = None
    target_kind: TargetKind | None = None
    amount: int | None = None  # None: all units
    duration: float = 0.0  # "for"
    on_hit: Literal["pause", "finish"] = "pause"
    delay: Distribution | None = None  # "by"
    activities: tuple[Activity, ...] = ()  # instances added by add_activity
    phase: str | None = None
    description: str | None = None
    from_: str | None = None
    to: str | None = None
    expected_action: str | None = None
    objective: str | None = None
    mode: str | None = None  # MSEL column: how it is delivered
    notes: str | None = None  # MSEL column: notes for exercise control
    order: int = 0

    @property
    def is_random(self) -> bool:
        return self.probability < 1.0 or self.at_latest > self.at


@dataclass(frozen=True)
class Scenario:
    format: str
    name: str
    days: int
    calendar: Calendar
    dispatch: Dispatch
    groups: tuple[Group, ...]
    resources: tuple[Resource, ...]
    phases: tuple[Phase, ...]
    activities: tuple[Activity, ...]
    injects: tuple[Inject, ...]
    description: str | None = None
    source: str | None = None
    start_date: dt.date | None = None
    time_zone: str | None = None  # IANA name: the zone of the programme's clock times
    seed: int | None = None
    file: str = "<text>"
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # the ``--set`` changes (and sweep levels) made to the file, as ``KEY.PATH=VALUE``:
    # every output names them, so a variant always says what it is
    overrides: tuple[str, ...] = field(default=(), compare=False)

    @cached_property
    def critical_path(self) -> CriticalPath:
        """Earliest and latest starts on expected durations, computed once per scenario.

        Activities that injects may add are included, so their slack is known too.
        """
        return critical_path(self, [a for i in self.injects for a in i.activities])

    @cached_property
    def dispatch_rank(self) -> dict[str, int]:
        """Each activity's place in the static dispatch order, computed once per scenario:
        by latest start (``critical_path``) or highest priority (``priority``), then in
        written order; activities that injects may add included. Empty for ``fifo``,
        whose order depends on when each activity becomes ready."""
        acts = [*self.activities, *(a for i in self.injects for a in i.activities)]
        if self.dispatch == "critical_path":
            latest = self.critical_path.latest_start
            ordered = sorted(acts, key=lambda a: (latest.get(a.id, 0.0), a.order))
        elif self.dispatch == "priority":
            ordered = sorted(acts, key=lambda a: (-a.priority, a.order))
        else:
            return {}
        return {a.id: k for k, a in enumerate(ordered)}

    @property
    def planned_end(self) -> float:
        """End of the working day on the last day, in hours from D1 00:00."""
        return (self.days - 1) * 24.0 + self.calendar.day_end

    @property
    def horizon(self) -> float:
        """End of the last day."""
        return self.days * 24.0

    def outline(self) -> str:
        """One line: counts of each kind of thing."""
        return (
            f"{len(self.groups)} groups, {len(self.resources)} resources, "
            f"{len(self.phases)} phases, {len(self.activities)} activity instances, "
            f"{len(self.injects)} injects"
        )
