"""Duration distributions: fixed, triangular, PERT, uniform, lognormal, choice.

A distribution draws from the numpy ``Generator`` it is given (the entity's stream,
:mod:`sim.core.streams`); this module itself needs no numpy, so loading and validating
a scenario stays fast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from numpy.random import Generator

# z such that P(Z <= z) = 0.9 for a standard normal variable
_Z90 = 1.2815515655446004


class Distribution(Protocol):
    """A duration in hours, fixed or drawn."""

    @property
    def low(self) -> float:
        """Smallest possible value."""
        ...

    @property
    def high(self) -> float:
        """Largest possible value (``inf`` when unbounded)."""
        ...

    @property
    def is_random(self) -> bool:
        """Whether a draw can differ from run to run."""
        ...

    def expected(self) -> float:
        """Mean value, used for the plan and for slack."""
        ...

    def sample(self, rng: Generator) -> float:
        """One draw."""
        ...

    def describe(self) -> str:
        """Short human text, e.g. ``triangular(2, 3, 4)``."""
        ...


@dataclass(frozen=True, slots=True)
class Fixed:
    hours: float

    @property
    def low(self) -> float:
        return self.hours

    @property
    def high(self) -> float:
        return self.hours

    @property
    def is_random(self) -> bool:
        return False

    def expected(self) -> float:
        return self.hours

    def sample(self, rng: Generator) -> float:
        return self.hours

    def describe(self) -> str:
        return f"{self.hours:g}h"


@dataclass(frozen=True, slots=True)
class Triangular:
    low: float
    mode: float
    high: float

    @property
    def is_random(self) -> bool:
        return self.high > self.low

    def expected(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: Generator) -> float:
        if self.high <= self.low:
            return self.low
        return float(rng.triangular(self.low, self.mode, self.high))

    def describe(self) -> str:
        return f"triangular({self.low:g}, {self.mode:g}, {self.high:g})"


@dataclass(frozen=True, slots=True)
class Pert:
    low: float
    mode: float
    high: float

    @property
    def is_random(self) -> bool:
        return self.high > self.low

    def expected(self) -> float:
        return (self.low + 4 * self.mode + self.high) / 6

    def sample(self, rng: Generator) -> float:
        span = self.high - self.low
        if span <= 0:
            return self.low
        alpha = 1 + 4 * (self.mode - self.low) / span
        beta = 1 + 4 * (self.high - self.mode) / span
        return self.low + span * float(rng.beta(alpha, beta))

    def describe(self) -> str:
        return f"pert({self.low:g}, {self.mode:g}, {self.high:g})"


@dataclass(frozen=True, slots=True)
class Uniform:
    low: float
    high: float

    @property
    def is_random(self) -> bool:
        return self.high > self.low

    def expected(self) -> float:
        return (self.low + self.high) / 2

    def sample(self, rng: Generator) -> float:
        if self.high <= self.low:
            return self.low
        return float(rng.uniform(self.low, self.high))

    def describe(self) -> str:
        return f"uniform({self.low:g}, {self.high:g})"


@dataclass(frozen=True, slots=True)
class Lognormal:
    median: float
    p90: float

    @property
    def sigma(self) -> float:
        if self.median <= 0 or self.p90 <= self.median:
            return 0.0
        return math.log(self.p90 / self.median) / _Z90

    @property
    def low(self) -> float:
        return 0.0 if self.is_random else self.median

    @property
    def high(self) -> float:
        return math.inf if self.is_random else self.median

    @property
    def is_random(self) -> bool:
        return self.sigma > 0

    def expected(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)

    def sample(self, rng: Generator) -> float:
        if not self.is_random:
            return self.median
        return float(rng.lognormal(math.log(self.median), self.sigma))

    def describe(self) -> str:
        return f"lognormal(median {self.median:g}, p90 {self.p90:g})"


@dataclass(frozen=True, slots=True)
class Choice:
    values: tuple[float, ...]
    weights: tuple[float, ...]

    @property
    def low(self) -> float:
        return min(v for v, w in zip(self.values, self.weights, strict=True) if w > 0)

    @property
    def high(self) -> float:
        return max(v for v, w in zip(self.values, self.weights, strict=True) if w > 0)

    @property
    def is_random(self) -> bool:
        return self.high > self.low

    def expected(self) -> float:
        total = sum(self.weights)
        return sum(v * w for v, w in zip(self.values, self.weights, strict=True)) / total

    def sample(self, rng: Generator) -> float:
        total = sum(self.weights)
        u = float(rng.random()) * total
        acc = 0.0
        for value, weight in zip(self.values, self.weights, strict=True):
            acc += weight
            if u < acc:
                return value
        return self.high

    def describe(self) -> str:
        pairs = ", ".join(f"{v:g}:{w:g}" for v, w in zip(self.values, self.weights, strict=True))
        return f"choice({pairs})"
