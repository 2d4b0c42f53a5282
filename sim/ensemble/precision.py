"""How precise an ensemble's shares are, and how many replications would make them precise
enough: the half-width of the 95% interval of each headline share, the replications that
would bring it to a target, and the rounds of ``tabletop mc --until-precision``.

Every share (each phase's P(on time), the share of runs that hold as planned) has a
Wilson score interval. For ``n`` runs with an observed share ``p`` and ``z`` the normal
quantile (1.96 at 95%)::

    centre = (p + z²/2n) / (1 + z²/n)
    half   = z √(p(1−p)/n + z²/4n²) / (1 + z²/n)

clipped to [0, 1]; its half-width is (upper − lower) / 2. The replications needed for a
target half-width ``h`` are the smallest ``n`` whose Wilson half-width at the observed
``p`` is at most ``h`` (close to the normal approximation ``z² p(1−p) / h²`` when ``p`` is
not near 0 or 1, and ``z² / 2h − z²`` runs at an observed 0 or 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.moments import Proportion, z_value
from sim.ensemble.rounding import rounded

HOLDS = "holds as planned"
MOST_RUNS = 10**9  # the search for a count stops here (a target no count can reach)


def wilson_half_width(p: float, n: float, confidence: float = 0.95) -> float:
    """Half-width of the Wilson interval of a share ``p`` observed over ``n`` runs."""
    if n <= 0 or math.isnan(p):
        return math.inf
    z = z_value(confidence)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(max(0.0, p * (1 - p)) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (min(1.0, centre + half) - max(0.0, centre - half)) / 2


def runs_for(p: float, target: float, confidence: float = 0.95) -> int:
    """The fewest runs whose Wilson half-width at share ``p`` is at most ``target``
    (0 for a share not measured yet)."""
    if math.isnan(p) or target <= 0:
        return 0
    lo, hi = 1, MOST_RUNS
    while lo < hi:  # the half-width shrinks as n grows: bisect on n
        mid = (lo + hi) // 2
        if wilson_half_width(p, mid, confidence) <= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def headline_shares(stats: EnsembleStats) -> list[tuple[str, Proportion]]:
    """The shares the precision target applies to: holding as planned, each phase with a
    due time (P(on time)) and each phase with a limit (P(within limit))."""
    lay = stats.layout
    return [(HOLDS, stats.holds), *zip(lay.dated, stats.phase_on_time, strict=True),
            *((f"{pid} within its limit", ok)
              for pid, ok in zip(lay.limited, stats.limit_ok, strict=True))]


def standard_error(prop: Proportion) -> float:
    """The Monte Carlo standard error of a share, √(p(1−p)/n)."""
    return math.sqrt(prop.p * (1 - prop.p) / prop.n) if prop.n else math.nan


def share_precision(prop: Proportion, confidence: float = 0.95) -> dict[str, Any]:
    """A share, its standard error and its interval's half-width (for JSON)."""
    return {"p": rounded(prop.p, 4), "se": rounded(standard_error(prop), 4),
            "half_width": rounded(prop.half_width(confidence), 4)}


@dataclass(frozen=True)
class PrecisionTarget:
    """Run in rounds until every headline share's 95% half-width is at most ``points``
    percentage points, or ``cap`` replications have run.

    Called with the statistics so far, it gives how many completed replications to have
    after the next round (no more than ``cap``); the rounds depend only on the
    statistics, so the same seed always stops at the same count.
    """

    points: float
    cap: int
    first: int = 200  # the first round: enough runs for a first estimate of each share
    growth: float = 1.25  # each later round adds at least a quarter: few rounds
    confidence: float = 0.95

    @property
    def half_width(self) -> float:
        return self.points / 100

    def reached(self, stats: EnsembleStats) -> bool:
        return stats.n > 0 and all(prop.half_width(self.confidence) <= self.half_width
                                   for _name, prop in headline_shares(stats))

    def __call__(self, stats: EnsembleStats) -> int:
        if stats.n == 0:
            return min(self.cap, self.first)
        if self.reached(stats):
            return stats.n
        need = max(runs_for(prop.p, self.half_width, self.confidence)
                   for _name, prop in headline_shares(stats))
        return min(self.cap, max(need, math.ceil(self.growth * stats.n)))

    def summary(self, stats: EnsembleStats) -> dict[str, Any]:
        """What summary.json records of the target and whether it was reached."""
        return {"target_points": self.points, "cap": self.cap, "replications": stats.n,
                "reached": self.reached(stats)}


Until = Callable[[EnsembleStats], int]
