"""The rows of a run's tables: one per activity, phase, resource and group (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class ActivityRow(NamedTuple):
    """One activity instance. Times are hours from D1 00:00; ``None`` if it never happened."""

    id: str
    base_id: str
    name: str
    phase: str
    ready_h: float | None  # earliest possible start: dependencies, phase start, not_before met
    start_h: float | None
    end_h: float | None
    work_h: float  # hours of work done: drawn duration plus delays
    waited_h: float  # start - ready
    paused_h: float  # total time between pauses and resumes
    interruptions: int  # pauses (overnight splits and injects)
    waited_for: str  # what it waited for longest: "resource:range", "group:ind", "calendar", ""
    added_by: str | None = None  # inject that added it


@dataclass(frozen=True, slots=True)
class PhaseRow:
    id: str
    name: str
    start_h: float | None
    end_h: float | None
    due_h: float | None
    late_h: float | None  # end - due when late, else 0; None without due
    limit_h: float | None
    duration_h: float | None  # first start to last end
    breach: bool  # duration above limit


@dataclass(frozen=True, slots=True)
class ResourceRow:
    id: str
    name: str
    capacity: int
    available_h: float  # hours it could be used in [0, end]: working time, or all of it
    busy_unit_h: float  # unit-hours in use
    lost_unit_h: float  # unit-hours taken away by injects
    utilisation: float  # busy_unit_h / (capacity * available_h)
    wait_h: float  # hours activities waited for it
    busy_by_day: tuple[float, ...] = ()  # unit-hours in use per day D1.. (as GroupRow)


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: str
    name: str
    teams: int
    busy_team_h: float
    busy_by_day: tuple[float, ...]  # team-hours per day D1..
    wait_h: float
    unavailable_h: float


@dataclass(frozen=True, slots=True)
class Bottleneck:
    kind: str  # "resource" or "group"
    id: str
    wait_h: float
