"""The event log's record type: one record per change of state (pure data)."""

from __future__ import annotations

from typing import Any, NamedTuple

# Kinds of record, in the order a reader meets them.
KINDS = (
    "ready",  # activity released: dependencies, phase start and not_before all met
    "blocked",  # a ready activity cannot start; resource / group / reason say why
    "start",  # first start of an activity
    "pause",  # running work stops (reason: day_end, or the inject that took its units)
    "resume",  # paused work starts again
    "finish",  # activity done; amount = hours of work it did
    "capacity",  # a resource's capacity changes; amount = new capacity
    "group_unavailable",  # a group takes part in nothing
    "group_available",  # ... until this record
    "inject",  # an inject hits
    "inject_skipped",  # an inject does not happen (probability, or after the end)
    "inject_missed",  # a delay aimed at something already finished
    "added",  # an activity added by an inject
    "phase_end",  # every activity of a phase has finished
    "stuck",  # the run ended with this activity unfinished; reason says why
)


class Event(NamedTuple):
    """One record of the log. Times are hours from D1 00:00."""

    t: float
    kind: str
    activity: str | None = None
    resource: str | None = None
    group: str | None = None
    inject: str | None = None
    amount: float | None = None
    reason: str | None = None
    phase: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Only the fields that apply, for JSON lines."""
        return {k: v for k, v in self._asdict().items() if v is not None}
