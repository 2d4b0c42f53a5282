"""The MSEL table of a run: every scripted inject and what happened to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.core.timefmt import format_duration, format_time
from sim.report.document import Cell, Table
from sim.report.format import DASH, when
from sim.results import RunResult, inject_outcomes

if TYPE_CHECKING:
    from sim.scenario.model import Inject


def scripted_time(inject: Inject) -> str:
    """``D3 10:00``, or the window of a random time, with the probability if below 1."""
    text = (format_time(inject.at) if inject.at_latest <= inject.at
            else f"between {format_time(inject.at)} and {format_time(inject.at_latest)}")
    if inject.probability < 1.0:
        text += f" (probability {inject.probability:g})"
    return text


def _target(inject: Inject) -> str:
    if inject.kind == "add_activity":
        added = ", ".join(a.id for a in inject.activities)
        return f"adds {added} to {inject.phase}" if inject.phase else f"adds {added}"
    if inject.target is None:
        return DASH
    extra = ""
    if inject.kind == "resource_down":
        amount = "all units" if inject.amount is None else f"{inject.amount} units"
        extra = f" ({amount} for {format_duration(inject.duration)}, {inject.on_hit})"
    elif inject.kind == "group_unavailable":
        extra = f" (for {format_duration(inject.duration)})"
    return inject.target + extra


def _outcome(status: str, t: float | None, reason: str | None) -> Cell:
    if status == "hit":
        return Cell(f"hit at {when(t)}", "good")
    words = {"skipped": "did not happen", "missed": "missed: target already finished",
             "not reached": "not reached (run ended first)"}.get(status, status)
    if status == "skipped" and reason:
        words += f" ({'after the end of the run' if reason == 'after_end' else reason})"
    return Cell(words, "bad" if status == "missed" else "")


def inject_table(result: RunResult) -> Table:
    """The MSEL with what happened to each inject in this run."""
    outcomes = {o["id"]: o for o in inject_outcomes(result)}
    rows = []
    for inject in result.scenario.injects:
        o: dict[str, Any] = outcomes.get(inject.id, {"status": "not reached", "t": None,
                                                     "reason": None})
        rows.append((Cell(inject.id), Cell(scripted_time(inject)), Cell(inject.kind),
                     Cell(_target(inject)), Cell(inject.description or DASH),
                     Cell(inject.from_ or DASH), Cell(inject.to or DASH),
                     Cell(inject.expected_action or DASH), Cell(inject.objective or DASH),
                     _outcome(o["status"], o["t"], o["reason"])))
    return Table("Injects (MSEL)", ("Id", "Time", "Kind", "Target", "Description", "From",
                                    "To", "Expected action", "Objective", "In this run"),
                 tuple(rows), note="" if rows else "This scenario has no injects.",
                 anchor="injects")
