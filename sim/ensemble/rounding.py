"""Figures ready for JSON: rounded, and ``None`` where there is no finite number."""

from __future__ import annotations

import math


def rounded(x: float | None, digits: int = 3) -> float | None:
    """``x`` rounded to ``digits``; ``None`` for ``None``, NaN and infinities."""
    return None if x is None or math.isnan(x) or math.isinf(x) else round(x, digits)


def rounded_pair(ci: tuple[float, float], digits: int = 3) -> list[float | None]:
    """Both ends of an interval, :func:`rounded`."""
    return [rounded(ci[0], digits), rounded(ci[1], digits)]
