"""A run as frames: one :class:`Frame` per moment worth telling, gathered in a :class:`Replay`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.replay.calendar import day_header
from sim.replay.views import ActivityView, GroupView, InjectView, PhaseView, ResourceView, Upcoming

if TYPE_CHECKING:  # annotations only
    from sim.results import RunResult
    from sim.scenario.model import Scenario


@dataclass(frozen=True, slots=True)
class Frame:
    """One moment of the replay: what happened then, and the state just after."""

    t: float
    day: int
    new_day: bool  # the first frame of its day
    lines: tuple[str, ...]  # narrative lines of this moment (without the day header)
    groups: tuple[GroupView, ...]
    resources: tuple[ResourceView, ...]
    activities: tuple[ActivityView, ...]  # running, then paused, then waiting
    upcoming: tuple[Upcoming, ...]
    injects: tuple[InjectView, ...]  # injects that hit at this moment
    phases: tuple[PhaseView, ...]
    finished: int  # activities finished so far
    stuck: tuple[str, ...] = ()  # narrative text of stuck activities (final frame)


@dataclass(frozen=True)
class Replay:
    """A run as frames, with its title and final summary."""

    result: RunResult
    frames: tuple[Frame, ...]
    title: str
    summary: str  # the final narrative line
    total: int  # activity instances in the run
    time_width: int = 8  # width of the time column

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def complete(self) -> bool:
        return self.result.complete

    def day_header(self, day: int) -> str:
        return day_header(self.scenario, day)

    def last_inject(self, index: int) -> InjectView | None:
        """The latest inject that hit at or before frame ``index``."""
        for frame in reversed(self.frames[: index + 1]):
            if frame.injects:
                return frame.injects[-1]
        return None

    def log_tail(self, index: int, count: int) -> list[str]:
        """The last ``count`` narrative lines up to frame ``index``, day headers included."""
        out: list[str] = []
        for frame in reversed(self.frames[: index + 1]):
            for line in reversed(frame.lines):
                out.append(line)
                if len(out) >= count:
                    return out[::-1]
            if frame.new_day:
                out.append(self.day_header(frame.day))
                if len(out) >= count:
                    return out[::-1]
        return out[::-1]
