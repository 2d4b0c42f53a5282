"""Which engine runs an ensemble's replications: ``auto``, ``event`` or ``batch``.

The batch engine (:mod:`sim.engine.batch`) gives the event engine's numbers, all
replications at once, for scenarios where it can prove from the model that nothing can
wait for a group or a resource; ``auto`` uses it there and the event engine elsewhere,
and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.batch import batch_verdict
from sim.scenario.model import Scenario

ENGINES = ("auto", "event", "batch")
BATCH_CHUNK = 1000  # replications per batch chunk: arrays long enough to amortise numpy


class EngineError(ValueError):
    """An engine that cannot run this scenario (``batch`` where it is not exact)."""


@dataclass(frozen=True)
class EngineChoice:
    """The engine used (``event`` or ``batch``) and why, in one line."""

    name: str
    reason: str

    def describe(self) -> str:
        return f"{self.name} engine: {self.reason}"


def choose_engine(scenario: Scenario, asked: str = "auto") -> EngineChoice:
    """The engine for ``asked``; :class:`EngineError` when ``batch`` is not exact here."""
    if asked not in ENGINES:
        raise EngineError(f"unknown engine {asked!r} (choose from {', '.join(ENGINES)})")
    if asked == "event":
        return EngineChoice("event", "asked for with --engine event")
    verdict = batch_verdict(scenario)
    if verdict.eligible:
        return EngineChoice("batch", verdict.reason)
    if asked == "batch":
        raise EngineError(f"the batch engine is not exact for this scenario: {verdict.reason}")
    return EngineChoice("event", verdict.reason)


def batch_chunk_size(n: int, workers: int) -> int:
    """Chunks for the batch engine: up to :data:`BATCH_CHUNK`, shared among the workers."""
    return max(1, min(BATCH_CHUNK, -(-n // max(1, workers))))
