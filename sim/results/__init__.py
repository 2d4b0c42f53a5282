"""RunResult: the event log of one run and everything derived from it (pure data).

Every table and KPI here is computed from the event log alone. The parts live in
:mod:`sim.results.rows` (the row types), :mod:`sim.results.result` (RunResult),
:mod:`sim.results.build` (reading the log into tables), :mod:`sim.results.steps` (step
tables), :mod:`sim.results.eventlog` and :mod:`sim.results.store`; the names below are
here for users.
"""

from __future__ import annotations

from sim.core.timefmt import EPS
from sim.results.build import build_result
from sim.results.result import RunResult, inject_outcomes
from sim.results.rows import ActivityRow, Bottleneck, GroupRow, PhaseRow, ResourceRow
from sim.results.steps import (
    all_group_steps,
    all_usage_steps,
    by_day,
    group_steps,
    unavailable_spans,
    usage_steps,
)

__all__ = ["EPS", "ActivityRow", "Bottleneck", "GroupRow", "PhaseRow", "ResourceRow",
           "RunResult", "all_group_steps", "all_usage_steps", "build_result", "by_day",
           "group_steps", "inject_outcomes", "unavailable_spans", "usage_steps"]
