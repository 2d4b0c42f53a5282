"""Streaming mean, variance and shares, with their confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

Z95 = 1.959963984540054


def z_value(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level, e.g. 0.95 -> 1.96."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


@dataclass
class Moments:
    """Count, mean and variance (Welford), with a normal confidence interval for the mean."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    low: float = math.inf
    high: float = -math.inf

    def add(self, x: float) -> None:
        self.add_many((x,))

    def add_many(self, xs: Sequence[float]) -> None:
        """Add each value in turn (the same sums, in the same order)."""
        n, mean, m2, low, high = self.n, self.mean, self.m2, self.low, self.high
        for x in xs:
            n += 1
            delta = x - mean
            mean += delta / n
            m2 += delta * (x - mean)
            if x < low:
                low = x
            if x > high:
                high = x
        self.n, self.mean, self.m2, self.low, self.high = n, mean, m2, low, high

    @property
    def std(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0

    def half_width(self, confidence: float = 0.95) -> float:
        return z_value(confidence) * self.std / math.sqrt(self.n) if self.n > 1 else math.inf

    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        h = self.half_width(confidence)
        return self.mean - h, self.mean + h


@dataclass
class Proportion:
    """A share of runs, with a Wilson score interval."""

    hits: int = 0
    n: int = 0

    def add(self, hit: bool) -> None:
        self.n += 1
        self.hits += int(hit)

    def add_many(self, hits: Sequence[bool]) -> None:
        self.n += len(hits)
        self.hits += sum(map(int, hits))

    @property
    def p(self) -> float:
        return self.hits / self.n if self.n else math.nan

    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        if not self.n:
            return (math.nan, math.nan)
        z = z_value(confidence)
        n, p = self.n, self.p
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    def half_width(self, confidence: float = 0.95) -> float:
        lo, hi = self.ci(confidence)
        return (hi - lo) / 2
