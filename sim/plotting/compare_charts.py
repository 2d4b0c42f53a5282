"""What-if charts of a comparison: two variants run with common random numbers, compared
run by run (:class:`~sim.ensemble.compare.CompareResult` to Figure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.core.timefmt import format_time
from sim.plotting import style
from sim.plotting.end_time import (
    Mark,
    counts_on,
    cumulative,
    draw_marks,
    end_time_axes,
    end_time_frame,
    end_view,
    histogram_bins,
    off_view,
)
from sim.plotting.framing import LEGEND_W, empty_figure, legend_right, titled
from sim.plotting.risk import GREEN, MUTED, ORANGE, SKY, dark, pct
from sim.plotting.rows import shorten

if TYPE_CHECKING:
    from sim.ensemble.compare import CompareResult

DiffRow = tuple[str, float, float, float, str]  # label, mean, CI low, CI high, colour


def variant_words(result: CompareResult, labels: tuple[str, str] | None) -> str:
    """``A: name · B: name with --set ...``: what the two variants are."""
    a, b = labels or (result.a.scenario.name, result.b.scenario.name)
    return f"A: {a} · B: {b}"


def compare_end_times(result: CompareResult, ax: Axes | None = None, *,
                      labels: tuple[str, str] | None = None) -> Figure:
    """The end-time distributions of A and B overlaid, with cumulative curves and P50 lines.

    ``labels`` say what A and B are (default: their scenario names).
    """
    a, b = result.a, result.b
    title = "End time: A against B"
    qa, qb = a.stats.end_q, b.stats.end_q
    if qa.n == 0 or qb.n == 0:
        return empty_figure(title, "A variant has no finished replication: nothing to compare.", ax)
    low, high = min(qa.low, qb.low), max(qa.high, qb.high)
    high = high if high > low else low + 1.0
    edges = np.linspace(low, high, min(60, 2 * histogram_bins(min(qa.n, qb.n))) + 1)
    deadlines = sorted({a.scenario.planned_end, b.scenario.planned_end})
    lo, hi = end_view(low, high, deadlines)
    marks = _compare_marks(result, deadlines, lo, hi)
    full = (f"{title}\n{variant_words(result, labels)}\n{a.n} paired runs, seed {a.seed} · "
            f"P(on time) A {pct(a.stats.on_time.p)}, B {pct(b.stats.on_time.p)}")
    fig, ax, own, levels = end_time_frame(ax, marks, hi - lo, full)
    counts = {key: counts_on(res.stats.end_q, edges) for key, res in (("a", a), ("b", b))}
    for key, colour in (("a", SKY), ("b", ORANGE)):
        ax.stairs(counts[key], edges, fill=True, color=colour, alpha=0.45, zorder=2,
                  gid=f"hist-{key}")
        ax.stairs(counts[key], edges, color=dark(colour), linewidth=1.2, zorder=3,
                  gid=f"hist-{key}-outline")
    twin = end_time_axes(ax, lo, hi, max(1.0, *(float(c.max()) for c in counts.values())),
                         edges)
    for key, colour in (("a", SKY), ("b", ORANGE)):
        (line,) = twin.plot(*cumulative(counts[key], edges, lo, hi), color=dark(colour),
                            linewidth=1.5, linestyle="-" if key == "a" else (0, (4, 1.5)),
                            zorder=4)
        line.set_gid(f"cumulative-{key}")
    draw_marks(ax, marks, levels)
    for d in deadlines:
        off_view(ax, d, lo, hi, f"planned end {format_time(d)}")
    handles: list[Patch | Line2D] = [
        Patch(facecolor=SKY, alpha=0.45, edgecolor=dark(SKY), label="A: runs per bin"),
        Patch(facecolor=ORANGE, alpha=0.45, edgecolor=dark(ORANGE), label="B: runs per bin"),
        Line2D([], [], color=dark(SKY), label="A: cumulative (right axis)"),
        Line2D([], [], color=dark(ORANGE), linestyle=(0, (4, 1.5)),
               label="B: cumulative (right axis)"),
        Line2D([], [], color=style.ALERT, linestyle="-.", label="planned end")]
    legend_right(twin, handles, x=1.1)
    titled(fig, ax, own, full, pad=10 + 10 * (max(levels) + 1))
    return fig


def _compare_marks(result: CompareResult, deadlines: Sequence[float], lo: float,
                   hi: float) -> list[Mark]:
    """The P50 end of A and of B, and the planned end(s) in view."""
    marks: list[Mark] = []
    for key, res, colour in (("A", result.a, SKY), ("B", result.b, ORANGE)):
        q50 = res.stats.end_q.quantile(0.5)
        marks.append((q50, f"{key} P50 {format_time(q50)}", "-", dark(colour),
                      f"p50-{key.lower()}"))
    for d in deadlines:
        if lo <= d <= hi:
            who = ("" if len(deadlines) == 1 else
                   " A" if d == result.a.scenario.planned_end else " B")
            marks.append((d, f"planned end{who} {format_time(d)}", "-.", style.ALERT,
                          "planned-end"))
    return sorted(marks)


def difference_rows(result: CompareResult) -> list[tuple[str, float, float, float]]:
    """``(label, mean, ci_low, ci_high)`` of each paired difference B − A in hours."""
    p = result.paired
    names = {ph.id: ph.name for ph in result.a.scenario.phases}
    rows = [("end time", p.end.mean, *p.end.ci())]
    for pid, m in p.phase_late.items():
        rows.append((f"{shorten(names.get(pid, pid), 34)}: lateness", m.mean, *m.ci()))
    return [(label, mean, lo if math.isfinite(lo) else mean, hi if math.isfinite(hi) else mean)
            for label, mean, lo, hi in rows]


def _verdict_colour(lo: float, hi: float, worse_if_positive: bool) -> str:
    if lo > 1e-9:
        return style.ALERT if worse_if_positive else GREEN
    if hi < -1e-9:
        return GREEN if worse_if_positive else style.ALERT
    return MUTED


def compare_differences(result: CompareResult, ax: Axes | None = None, *,
                        labels: tuple[str, str] | None = None) -> Figure:
    """Dot-and-CI plot of each paired difference B − A (hours; P(on time) in points).

    A dot is the mean difference over the paired runs, the line its 95% CI. Vermillion:
    B is worse (later, or less often on time) beyond doubt; green: better; grey: the CI
    holds zero. In a given ``ax`` only the hours are drawn; P(on time) goes in the title.
    """
    p = result.paired
    title = "Paired differences B − A (common random numbers)"
    if p.end.n == 0:
        return empty_figure(title, "No complete pair of runs: nothing to compare.", ax)
    rows = difference_rows(result)
    points = 100 * p.on_time.mean
    plo, phi = (100 * x for x in p.on_time.ci())
    plo, phi = (plo if math.isfinite(plo) else points), (phi if math.isfinite(phi) else points)
    full = (f"{title}\n{variant_words(result, labels)}\n{p.end.n} pairs: each replication of B "
            "drew the same random numbers as A's · dot: mean difference, line: 95% CI")
    row_labels = [style.plain(r[0]) for r in rows]
    own = ax is None
    if ax is None:
        fig, ax, pax = _differences_frame(row_labels, full)
    else:
        fig, pax = style.figure_of(ax), None
        full += (f"\nB − A P(on time): {points:+.1f} points "
                 f"(95% CI {plo:+.1f} to {phi:+.1f})")
    _dots(ax, [(lab, m, lo, hi, _verdict_colour(lo, hi, True))
               for lab, (_l, m, lo, hi) in zip(row_labels, rows, strict=True)], gid="hours",
          unit="h")
    span = max([abs(x) for _l, m, lo, hi in rows for x in (m, lo, hi)] + [0.5])
    ax.set_xlim(-span * 1.15, span * 1.15)
    ax.set_xlabel("B − A, hours (positive: B later)", fontsize=style.LABEL_SIZE)
    if pax is not None:
        _dots(pax, [("P(on time)", points, plo, phi, _verdict_colour(plo, phi, False))],
              gid="points", unit="points")
        pspan = max(abs(plo), abs(phi), abs(points), 1.0)
        pax.set_xlim(-pspan * 1.15, pspan * 1.15)
        pax.set_xlabel("B − A, percentage points (positive: B on time more often)",
                       fontsize=style.LABEL_SIZE)
    legend_right(ax, [Line2D([], [], color=style.ALERT, marker="o", label="B worse"),
                      Line2D([], [], color=GREEN, marker="o", label="B better"),
                      Line2D([], [], color=MUTED, marker="o",
                             label="no clear difference (CI holds 0)")],
                 x=1.0 + 1.1 / 6.5 if own else 1.02)
    titled(fig, ax, own, full)
    return fig


def _differences_frame(row_labels: Sequence[str], title: str) -> tuple[Figure, Axes, Axes]:
    """A figure with the hours' axes over the P(on time) axes, sized to the rows."""
    left = 0.35 + style.text_width(max(len(t) for t in [*row_labels, "P(on time)"]),
                                   style.TICK_SIZE)
    top = style.title_height(title) + 0.15
    h1, h2, gap, bottom = max(0.9, 0.3 * len(row_labels)), 0.45, 0.75, 0.6
    width, height = left + 6.5 + 1.1 + LEGEND_W, top + h1 + gap + h2 + bottom
    fig = style.new_figure(width, height)
    ax = fig.add_axes((left / width, (bottom + h2 + gap) / height, 6.5 / width, h1 / height))
    pax = fig.add_axes((left / width, bottom / height, 6.5 / width, h2 / height))
    return fig, ax, pax


def _dots(ax: Axes, rows: Sequence[DiffRow], gid: str, unit: str) -> None:
    """A dot per row at its mean, its CI as a line, the mean written right of it."""
    style.style_axes(ax)
    ys = np.arange(len(rows))
    lines = LineCollection([[(lo, float(y)), (hi, float(y))]
                            for y, (_l, _m, lo, hi, _c) in enumerate(rows)],
                           colors=[r[4] for r in rows], linewidths=2.2, zorder=3)
    lines.set_gid(f"ci-{gid}")
    ax.add_collection(lines, autolim=False)
    ax.scatter([r[1] for r in rows], ys, color=[r[4] for r in rows], s=36, zorder=4,
               edgecolors=style.INK, linewidths=0.5, gid=f"dots-{gid}")
    digits = 2 if unit == "h" else 1
    for y, (_l, m, _lo, hi, _c) in enumerate(rows):
        ax.annotate(f"{m:+.{digits}f} {unit}".replace("-", "−"), (hi, y), xytext=(5, 0),
                    textcoords="offset points", va="center", fontsize=style.SMALL_SIZE,
                    color=style.INK)
    ax.axvline(0, color=style.INK, linewidth=0.9, zorder=2)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=style.TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(True, axis="x", color=style.GRID, linewidth=0.5)
