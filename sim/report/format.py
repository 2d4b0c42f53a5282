"""Words for numbers, shared by every document: times, spans, shares, differences, ids."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.core.timefmt import format_duration, format_time
from sim.report.document import Cell

if TYPE_CHECKING:
    from sim.ensemble.stats import Proportion, Quantiles

DASH = "—"


def when(hours: float | None) -> str:
    """``D3 10:00``; a dash for no time (or an infinite one)."""
    return DASH if hours is None or not math.isfinite(hours) else format_time(hours)


def span(hours: float | None) -> str:
    """``1h30``; a dash for no duration (or an infinite one)."""
    return DASH if hours is None or not math.isfinite(hours) else format_duration(hours)


def pct(p: float) -> str:
    """``42.5%``; ``n/a`` for a share that could not be measured."""
    return "n/a" if p is None or math.isnan(p) else f"{100 * p:.1f}%"


def whole_pct(share: float) -> str:
    """``43%``: a share to the whole percent."""
    return f"{share:.0%}"


def share_ci(prop: Proportion) -> str:
    lo, hi = prop.ci()
    return f"{pct(prop.p)} (95% CI {pct(lo)}–{pct(hi)})"


def signed(hours: float) -> str:
    """``+1h30``, ``−45min``, ``0min``: a difference of times."""
    if not math.isfinite(hours):
        return DASH
    text = format_duration(abs(hours))
    return text if text == "0min" else ("+" if hours > 0 else "−") + text


def points(share: float) -> str:
    """A difference of shares in percentage points: ``+3.5``, ``−76.5``."""
    text = f"{100 * share:+.1f}"
    return text.replace("-", "−") if math.isfinite(share) else DASH


def time_ci(ci: tuple[float, float]) -> str:
    return f"95% CI {when(ci[0])} – {when(ci[1])}"


def quantile_cell(q: Quantiles, p: float) -> Cell:
    """The ``p`` quantile of a time with its 95% confidence interval."""
    return Cell(f"{when(q.quantile(p))} ({time_ci(q.quantile_ci(p))})")


def ranges(ids: Sequence[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    parts: list[str] = []
    for i in sorted(ids):
        if parts and i == int(parts[-1].split("-")[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{i}"
        else:
            parts.append(str(i))
    return ", ".join(parts)


def named(name: str, ident: str) -> str:
    """``Opening week (p1)``, or just the id when the name is the id."""
    return f"{name} ({ident})" if name != ident else ident
