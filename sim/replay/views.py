"""What a frame shows of each group, resource, activity, next start, inject and phase."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BAR_WIDTH = 12  # most cells in a resource bar

ActivityState = Literal["running", "paused", "waiting"]
PhaseState = Literal["done", "active", "pending"]


@dataclass(frozen=True, slots=True)
class GroupView:
    """What a group is doing at a frame."""

    id: str
    name: str
    teams: int
    busy: int  # teams taking part in running activities
    activities: tuple[tuple[str, int], ...]  # (activity id, teams) of running activities
    absent_by: tuple[str, ...] = ()  # group_unavailable injects in force

    @property
    def absent(self) -> bool:
        return bool(self.absent_by)


@dataclass(frozen=True, slots=True)
class ResourceView:
    """A resource's units in use against its capacity at a frame."""

    id: str
    name: str
    base: int  # capacity written in the scenario
    capacity: int  # capacity now (lower while an inject holds units)
    in_use: int
    down_by: tuple[str, ...] = ()  # resource_down injects in force

    @property
    def reduced(self) -> bool:
        return self.capacity < self.base

    def cells(self, width: int = BAR_WIDTH) -> tuple[int, int, int]:
        """``(in use, free, lost)`` cells of a bar at most ``width`` cells wide."""
        return bar_cells(self.in_use, self.capacity, self.base, width)

    def bar(self, width: int = BAR_WIDTH) -> str:
        """``"███░ 3/4"``; units taken away by an inject show as ``×``."""
        used, free, lost = self.cells(width)
        return f"{'█' * used}{'░' * free}{'×' * lost} {self.in_use}/{self.capacity}"


def bar_cells(in_use: int, capacity: int, base: int,
              width: int = BAR_WIDTH) -> tuple[int, int, int]:
    """Cells ``(in use, free, lost)`` for a bar of ``base`` units scaled to ``width`` cells.

    ``in use`` may exceed ``capacity`` (work that carries on through an outage with
    ``on_hit: finish``); lost cells are the units an inject holds.
    """
    base = max(base, capacity, in_use, 1)
    cells = min(base, width)

    def scale(units: int) -> int:
        return round(units * cells / base)

    used = min(scale(max(in_use, 0)), cells)
    if in_use > 0 and used == 0:
        used = 1
    lost = min(scale(max(base - capacity, 0)), cells - used)
    if capacity < base and lost == 0 and used < cells:
        lost = 1
    return used, cells - used - lost, lost


@dataclass(frozen=True, slots=True)
class ActivityView:
    """An activity that has started and not finished, or is ready and waiting to start."""

    id: str
    name: str
    phase: str
    state: ActivityState
    since: float  # running: start of the running stretch; paused: pause; waiting: ready
    started: float | None  # first start
    note: str = ""  # why it is paused or waiting
    groups: tuple[tuple[str, int], ...] = ()
    needs: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A start that comes later in the log."""

    t: float
    activity: str
    name: str


@dataclass(frozen=True, slots=True)
class InjectView:
    """An inject as it hits, with its MSEL columns."""

    id: str
    kind: str
    t: float
    effect: str  # e.g. "resource_down hall for 2h"
    description: str | None = None
    from_: str | None = None
    to: str | None = None
    expected_action: str | None = None
    objective: str | None = None
    missed: str | None = None  # why it had no effect (a delay on finished work)

    def msel(self) -> list[tuple[str, str]]:
        """The MSEL columns that are filled in, as ``(label, text)``."""
        pairs = [("from", self.from_), ("to", self.to),
                 ("expected action", self.expected_action), ("objective", self.objective)]
        return [(label, text) for label, text in pairs if text]


@dataclass(frozen=True, slots=True)
class PhaseView:
    id: str
    name: str
    state: PhaseState
