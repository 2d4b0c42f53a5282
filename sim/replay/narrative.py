"""The plain-text narrative of a replay, and where ``--step`` pauses in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sim.replay.frames import Frame, Replay
from sim.replay.walk import build_replay

if TYPE_CHECKING:  # annotations only
    from sim.results import RunResult


def narrative_lines(replay: Replay) -> Iterator[tuple[Frame | None, str]]:
    """Each narrative line with the frame it ends (``None`` for headers and the summary).

    Day headers come before the first line of each day; rest days passed over
    between two days with events get a header of their own.
    """
    yield None, replay.title
    sc = replay.scenario
    last_day = 0
    for frame in replay.frames:
        if frame.new_day:
            for day in range(last_day + 1, frame.day):
                if day in sc.calendar.rest_days and day <= sc.days:
                    yield None, replay.day_header(day)
            yield None, replay.day_header(frame.day)
            last_day = frame.day
        for k, line in enumerate(frame.lines):
            yield (frame if k == len(frame.lines) - 1 else None), line
    yield None, replay.summary


def narrative(result_or_replay: RunResult | Replay) -> list[str]:
    """The whole plain-text narrative of a run, one line per meaningful event."""
    replay = (result_or_replay if isinstance(result_or_replay, Replay)
              else build_replay(result_or_replay))
    return [line for _frame, line in narrative_lines(replay)]


def step_point(frame: Frame) -> str | None:
    """Why ``--step`` pauses after this frame (an inject hit, a new day), if it does."""
    if frame.injects:
        return "inject " + ", ".join(i.id for i in frame.injects)
    if frame.new_day:
        return f"day D{frame.day}"
    return None
