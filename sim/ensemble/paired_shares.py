"""The difference of two shares measured on the same runs (paired 0/1 outcomes), with
Newcombe's interval.

Replication ``i`` of a variant and of its baseline draw the same random numbers, so
their two flags (held as planned, or not) are a pair. The difference of the shares is
``(only_b - only_a) / n``; its 95 % interval is Newcombe's (1998) method 10: the Wilson
score interval of each share, combined with the correlation of the pairs (with his
continuity correction of the φ coefficient). Unlike the normal interval on the paired
differences it stays inside [−1, 1], is not zero-width when every pair moves the same
way, and keeps its coverage near 0 % and 100 % (Fagerland, Lydersen and Laake, Stat.
Med. 2014, recommend it for paired proportions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.moments import Z95


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``hits`` out of ``n`` (no continuity correction)."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@dataclass(frozen=True)
class PairedShares:
    """The 2 × 2 table of paired flags: both true, only B, only A, neither."""

    both: int
    only_b: int
    only_a: int
    neither: int

    @classmethod
    def of(cls, a: NDArray[np.bool_], b: NDArray[np.bool_]) -> PairedShares:
        return cls(int(np.sum(a & b)), int(np.sum(b & ~a)), int(np.sum(a & ~b)),
                   int(np.sum(~a & ~b)))

    @property
    def n(self) -> int:
        return self.both + self.only_b + self.only_a + self.neither

    @property
    def difference(self) -> float:
        """Share of B minus share of A."""
        return (self.only_b - self.only_a) / self.n

    def interval(self, z: float = Z95) -> tuple[float, float]:
        """Newcombe's method 10 for B − A (95 % by default)."""
        e, f, g, h, n = self.both, self.only_b, self.only_a, self.neither, self.n
        p1, p2 = (e + f) / n, (e + g) / n
        l1, u1 = wilson(e + f, n, z)
        l2, u2 = wilson(e + g, n, z)
        spread = (e + f) * (g + h) * (e + g) * (f + h)
        cross = e * h - f * g
        corrected = cross - n / 2 if cross > n / 2 else (cross if cross < 0 else 0.0)
        phi = corrected / math.sqrt(spread) if spread > 0 else 0.0
        below = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2)
                              + (u2 - p2) ** 2))
        above = math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1)
                              + (u1 - p1) ** 2))
        d = p1 - p2
        return max(-1.0, d - below), min(1.0, d + above)
