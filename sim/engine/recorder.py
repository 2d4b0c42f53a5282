"""The recorder that writes the event log, the single source of truth of a run."""

from __future__ import annotations

from sim.results.eventlog import KINDS, Event

__all__ = ["KINDS", "Event", "Recorder"]


class Recorder:
    """Collects the event log of one run."""

    __slots__ = ("events",)

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, event: Event) -> None:
        self.events.append(event)
