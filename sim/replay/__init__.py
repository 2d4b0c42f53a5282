"""Replay one run for a facilitator: its event log as frames and as a timestamped narrative.

Pure logic, no terminal I/O. :func:`build_replay` walks the event log of a
:class:`~sim.results.RunResult` once and returns a :class:`Replay`: one
:class:`Frame` per moment at which something worth telling happened (an
activity starts, pauses, resumes or finishes, capacity changes, a group goes
or comes back, an inject hits, a phase completes, the run is stuck), each
with the narrative lines of that moment and a snapshot of the state after it:
what every group is doing, resources in use against capacity, activities
running, paused and waiting, the next starts, and the injects that hit.

:func:`narrative` turns a replay into plain text lines, deterministic for a
given scenario and seed::

    Two-day seminar: seed 0, 2 days, planned end D2 20:00, 1 inject
    == D1 ==
    D1 06:00  start    welcome (blue, green; hall 1, interpreters 2)
    ...
    D1 11:00  INJECT   M-01 resource_down hall for 2h: Power cut in the hall
    D1 11:00  capacity hall down to 0 of 1 (M-01)
    D1 11:00  pause    debrief (M-01) 1h16 left
    ...
    D1 14:16  end      all 4 activities finished D1 14:16: on time (planned end D2 20:00)

Modules, one concept each: :mod:`~sim.replay.calendar` (day of a time, dates, day
headers), :mod:`~sim.replay.views` (what a frame shows of each thing),
:mod:`~sim.replay.frames` (:class:`Frame`, :class:`Replay`), :mod:`~sim.replay.wording`
(the words of each line), :mod:`~sim.replay.state` (the state at time t),
:mod:`~sim.replay.walk` (reading the log into frames) and :mod:`~sim.replay.narrative`
(the plain text, ``--step`` points). This package reads results only: it never runs
the engine.
"""

from sim.replay.calendar import date_of, day_header, day_of
from sim.replay.frames import Frame, Replay
from sim.replay.narrative import narrative, narrative_lines, step_point
from sim.replay.views import (
    BAR_WIDTH,
    ActivityState,
    ActivityView,
    GroupView,
    InjectView,
    PhaseState,
    PhaseView,
    ResourceView,
    Upcoming,
    bar_cells,
)
from sim.replay.walk import UPCOMING, build_replay
from sim.replay.wording import (
    KIND_WIDTH,
    TOLD,
    inject_effect,
    inject_line_text,
    summary_text,
    title_line,
    who_and_what,
)

__all__ = [
    "BAR_WIDTH", "KIND_WIDTH", "TOLD", "UPCOMING", "ActivityState", "ActivityView", "Frame",
    "GroupView", "InjectView", "PhaseState", "PhaseView", "Replay", "ResourceView", "Upcoming",
    "bar_cells", "build_replay", "date_of", "day_header", "day_of",
    "inject_effect", "inject_line_text", "narrative", "narrative_lines", "step_point",
    "summary_text", "title_line", "who_and_what",
]
