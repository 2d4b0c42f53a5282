"""What an ensemble or a comparison hands back (pure data: reading it runs nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.paired import PairedStats
from sim.scenario.model import Scenario

Progress = Callable[[int, int], None]  # (replications done, replications in all)


@dataclass(frozen=True)
class EnsembleResult:
    scenario: Scenario
    seed: int
    n: int
    stats: EnsembleStats
    missing: tuple[int, ...] = ()
    executor: str = "local"
    jobs: int = 1
    engine: str = "event"  # which engine ran the replications (sim.ensemble.engines)
    engine_reason: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class CompareResult:
    a: EnsembleResult
    b: EnsembleResult
    paired: PairedStats

    @property
    def complete(self) -> bool:
        return self.a.complete and self.b.complete
