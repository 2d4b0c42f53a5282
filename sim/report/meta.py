"""The lines under a document's title: which scenario, which runs, what is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.timefmt import format_clock
from sim.report.format import ranges

if TYPE_CHECKING:
    from sim.ensemble import EnsembleResult
    from sim.scenario.model import Scenario


def scenario_meta(sc: Scenario, runs: str) -> list[str]:
    """The file, ``runs`` (which runs the figures come from), the calendar, D1's date and
    the scenario's description."""
    rest = sorted(sc.calendar.rest_days)
    lines = [f"Scenario file: {sc.file}", *overrides_meta(sc), runs,
             f"{sc.days} days; working day {format_clock(sc.calendar.day_start)}–"
             f"{format_clock(sc.calendar.day_end)}"
             + (f"; rest days {', '.join(f'D{d}' for d in rest)}" if rest else "")]
    if sc.start_date is not None:
        lines.append(f"D1 = {sc.start_date:%A} {sc.start_date.day} {sc.start_date:%B %Y}")
    if sc.description:
        lines.append(" ".join(sc.description.split()))
    return lines


def overrides_meta(sc: Scenario) -> list[str]:
    """``Changed from the file (--set): resources.range.capacity=2``, when anything was."""
    return [f"Changed from the file (--set): {', '.join(sc.overrides)}"] if sc.overrides else []


def incomplete_note(result: EnsembleResult, label: str = "") -> str | None:
    """The notice of missing replications, or None when every one finished."""
    if not result.missing:
        return None
    return (f"INCOMPLETE{label}: {len(result.missing)} of {result.n} replications are missing "
            f"(ids {ranges(result.missing)}); every figure comes from the "
            f"{result.stats.n} that finished.")


def executor_words(result: EnsembleResult) -> str:
    """``local, 1 worker``: where the replications ran."""
    return f"{result.executor}, {result.jobs} worker{'s' * (result.jobs != 1)}"
