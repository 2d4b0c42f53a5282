"""The end-time axis of the ensemble and what-if charts: round day-and-clock ticks, the
view, reference lines labelled above the plot, and run counts on bins."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, PercentFormatter
from numpy.typing import NDArray

from sim.core.timefmt import format_duration, format_time
from sim.ensemble.stats import Quantiles
from sim.plotting import style
from sim.plotting.framing import LEGEND_W, frame

END_PLOT_W = 8.6  # inches: the plot of an end-time chart
_TIME_STEPS = (0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 48.0, 72.0, 168.0)
Mark = tuple[float, str, str, str, str]  # x, label, line style, colour, gid


def histogram_bins(n: int) -> int:
    """Bars of an end-time histogram of ``n`` runs: about sqrt(n), between 10 and 50."""
    return int(min(50, max(10, round(math.sqrt(max(n, 1))))))


def time_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Round times (a quarter hour to a week apart) between ``lo`` and ``hi``: at most ``most``."""
    span = max(hi - lo, 1e-6)
    step = next((s for s in _TIME_STEPS if span / s <= most), 168.0 * math.ceil(span / 168 / most))
    first = math.ceil(lo / step - 1e-9) * step
    return [float(t) for t in np.arange(first, hi + 1e-9, step)]


def hours_axis(axis: Axis, lo: float, hi: float, most: int = 7) -> None:
    """Ticks of an axis in hours from D1 00:00, labelled ``D13 14:00``."""
    axis.set_major_locator(FixedLocator(time_ticks(lo, hi, most)))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: format_time(x)))


def label_levels(marks: Sequence[tuple[float, str]], hours_per_inch: float) -> list[int]:
    """A row for each label above a chart so that neighbours do not overlap."""
    ends: list[float] = []
    levels = []
    for x, text in marks:
        half = style.text_width(len(text) + 1, style.SMALL_SIZE) * hours_per_inch / 2
        level = next((k for k, end in enumerate(ends) if x - half >= end), len(ends))
        if level == len(ends):
            ends.append(-math.inf)
        ends[level] = x + half
        levels.append(level)
    return levels


def end_time_frame(ax: Axes | None, marks: Sequence[Mark],
                   span_h: float, title: str) -> tuple[Figure, Axes, bool, list[int]]:
    """The frame of an end-time chart: a figure of its own unless ``ax`` is given, room
    above the plot for the labels of ``marks`` (spread over ``span_h`` hours), and those
    labels' levels. Returns ``(figure, axes, own figure?, levels)``."""
    levels = label_levels([(x, t) for x, t, *_ in marks], span_h / END_PLOT_W)
    own = ax is None
    if ax is None:
        fig, ax = frame((END_PLOT_W, 3.4), left=0.8, right=0.85 + LEGEND_W, bottom=0.6,
                        top=style.title_height(title) + 0.25 + 0.14 * (max(levels) + 1))
    else:
        fig = style.figure_of(ax)
    style.style_axes(ax)
    return fig, ax, own, levels


def end_time_axes(ax: Axes, lo: float, hi: float, peak: float,
                  edges: NDArray[np.float64]) -> Axes:
    """Label the axes of an end-time distribution (day and clock from ``lo`` to ``hi``,
    runs per bin up to ``peak``) and return the twin axis of the cumulative share."""
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, peak * 1.08)
    hours_axis(ax.xaxis, lo, hi)
    ax.grid(True, axis="y", color=style.GRID, linewidth=0.5)
    ax.set_xlabel("End time (day and clock time the last activity finished)",
                  fontsize=style.LABEL_SIZE)
    ax.set_ylabel(f"runs per bin of {bin_words(edges)}", fontsize=style.LABEL_SIZE)
    twin = ax.twinx()
    twin.spines["top"].set_visible(False)
    twin.set_ylim(0, 1.04)
    twin.yaxis.set_major_formatter(PercentFormatter(1.0))
    twin.tick_params(labelsize=style.TICK_SIZE, colors=style.INK)
    twin.set_ylabel("share of runs finished (cumulative)", fontsize=style.LABEL_SIZE)
    return twin


def draw_marks(ax: Axes, marks: Sequence[Mark],
               levels: Sequence[int]) -> None:
    """Vertical lines ``(x, label, linestyle, colour, gid)`` labelled above the axes."""
    for (x, label, linestyle, colour, gid), level in zip(marks, levels, strict=True):
        ax.axvline(x, color=colour, linestyle=linestyle, linewidth=1.3, zorder=5, gid=gid)
        ax.annotate(style.plain(label), (x, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 3 + 10 * level), textcoords="offset points", ha="center",
                    va="bottom", fontsize=style.SMALL_SIZE, color=colour,
                    annotation_clip=False, gid=f"{gid}-label")


def end_view(low: float, high: float, extra: Sequence[float]) -> tuple[float, float]:
    """x range for end times: the data, and reference lines no more than 3 spans away."""
    span = max(high - low, 0.5)
    lo, hi = low, high
    for x in extra:
        if low - 3 * span <= x <= high + 3 * span:
            lo, hi = min(lo, x), max(hi, x)
    pad = 0.06 * max(hi - lo, 0.5)
    return lo - pad, hi + pad


def off_view(ax: Axes, x: float, lo: float, hi: float, text: str) -> None:
    """Say where a reference line outside the view would be."""
    if lo <= x <= hi:
        return
    right = x > hi
    ax.annotate(style.plain(f"{text} {'→' if right else '←'}" if right else f"← {text}"),
                (1.0 if right else 0.0, 0.97), xycoords="axes fraction",
                ha="right" if right else "left", va="top", fontsize=style.SMALL_SIZE,
                color=style.INK, gid="off-view")


def counts_on(q: Quantiles, edges: NDArray[np.float64]) -> NDArray[np.float64]:
    """The runs of ``q`` counted on given bin ``edges`` (which must cover its range)."""
    if q.n == 0:
        return np.zeros(len(edges) - 1)
    if q.edges is None or q.counts is None:
        counts, _ = np.histogram(q.values, bins=edges)
        return counts.astype(float)
    centres = (q.edges[:-1] + q.edges[1:]) / 2
    counts, _ = np.histogram(np.clip(centres, edges[0], edges[-1]), bins=edges,
                             weights=q.counts)
    counts[0] += q.under
    counts[-1] += q.over
    return np.asarray(counts, dtype=float)


def cumulative(counts: NDArray[np.float64], edges: NDArray[np.float64], lo: float,
               hi: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The cumulative share of runs at each bin edge, flat out to the view's edges."""
    share = np.concatenate([[0.0], np.cumsum(counts)]) / max(float(counts.sum()), 1.0)
    xs = np.concatenate([[min(lo, edges[0])], edges, [max(hi, edges[-1])]])
    return xs, np.concatenate([[0.0], share, [share[-1]]])


def bin_words(edges: NDArray[np.float64]) -> str:
    width = float(edges[1] - edges[0]) if len(edges) > 1 else 0.0
    return format_duration(width) if width >= 1 / 60 else f"{width * 3600:.0f} s"
