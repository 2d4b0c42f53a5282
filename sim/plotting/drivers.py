"""Drivers and risk indices as bars with their 95 % interval as whiskers.

A bar whose interval contains zero is drawn hollow and grey: it is no measurable
effect, shown so the reader sees it was measured, not that it matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.ensemble.effects import END, DriverTable, Effect
from sim.ensemble.indices import IndexStats
from sim.plotting import style
from sim.plotting.framing import bar_frame, empty_figure, legend_right, titled

BLUE = style.OKABE_ITO["blue"]
MUTED = "#9a9a9a"


class Bar(NamedTuple):
    label: str
    value: float
    low: float
    high: float
    measurable: bool


def interval_bars(rows: Sequence[Bar], title: str, xlabel: str, ax: Axes | None = None, *,
                  later: str = "later", earlier: str = "earlier") -> Figure:
    """One horizontal bar per row, whiskers from ``low`` to ``high``; vermillion above
    zero, blue below, hollow grey where the interval contains zero."""
    if not rows:
        return empty_figure(title, "Nothing was measured.", ax)
    rows = [r._replace(low=min(r.low, r.value), high=max(r.high, r.value)) for r in rows]
    own = ax is None
    fig, ax = bar_frame(ax, [r.label for r in rows], title, 0.3)
    ys = np.arange(len(rows))
    for y, r in zip(ys, rows, strict=True):
        colour = (style.ALERT if r.value > 0 else BLUE) if r.measurable else "none"
        bar = ax.barh([y], [r.value], height=0.62, zorder=2, color=colour,
                      edgecolor=style.INK if r.measurable else MUTED,
                      linewidth=0.6 if r.measurable else 1.0,
                      linestyle="-" if r.measurable else "--")
        bar.patches[0].set_gid("driver-bar" if r.measurable else "driver-bar-noise")
        ax.errorbar([r.value], [y], xerr=[[r.value - r.low], [r.high - r.value]], fmt="none",
                    ecolor=style.INK if r.measurable else MUTED, elinewidth=0.9, capsize=3,
                    zorder=3)
    ax.axvline(0, color=style.INK, linewidth=0.9, zorder=3)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(ys, [r.label for r in rows], fontsize=style.TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(True, axis="x", color=style.GRID, linewidth=0.5)
    ax.set_xlabel(xlabel, fontsize=style.LABEL_SIZE)
    legend_right(ax, [Patch(facecolor=style.ALERT, label=later),
                      Patch(facecolor=BLUE, label=earlier),
                      Patch(facecolor="none", edgecolor=MUTED, linestyle="--",
                            label="95% interval contains 0:\nno measurable effect")])
    titled(fig, ax, own, title)
    return fig


def _words(e: Effect) -> str:
    what = {"end_h": "end", "late_h": "lateness", "p80_end_h": "P80 end"}[e.measure]
    return f"programme {what}" if e.target == END else f"{e.target} {what}"


def drivers_chart(table: DriverTable, ax: Axes | None = None, *, top: int = 20) -> Figure:
    """Each change's largest effect (measurable ones first, largest first)."""
    rows = [Bar(f"{d.label}: {_words(e)}", e.mean, e.low, e.high, True)
            for d in table.ranked() if (e := d.strongest) is not None]
    for d in table.unmeasurable():
        e = max(d.effects, key=lambda x: (abs(x.mean), x.high - x.low), default=None)
        if e is not None:
            rows.append(Bar(f"{d.label}: no measurable effect", e.mean, e.low, e.high, False))
    title = (f"Drivers by effect: {table.scenario}\n{table.n} paired runs per change "
             "(variant − baseline), 95% interval")
    return interval_bars(rows[:top], title, "change in hours (negative: earlier)", ax,
                         later="later / more late", earlier="earlier / less late")


def risks_chart(table: DriverTable, ax: Axes | None = None, *, top: int = 15) -> Figure:
    """Each risk removed: change of the P80 of each phase end it moves."""
    rows = [Bar(f"{d.id} removed: {e.target}", e.mean, e.low, e.high, e.measurable)
            for d, e in table.risk_impacts() if e.measurable or abs(e.mean) > 0][:top]
    title = (f"Risks removed one at a time: {table.scenario}\nchange of the P80 of each "
             f"phase end, {table.n} paired runs, 95% bootstrap interval")
    return interval_bars(rows, title, "change of the P80 end in hours", ax)


def cruciality_chart(ix: IndexStats, ax: Axes | None = None, *, top: int = 15,
                     include_routine: bool = False) -> Figure:
    """Spearman rank correlation of activity durations with phase ends, strongest first
    (those whose interval contains zero drawn hollow)."""
    items = [i for i in ix.cruciality() if include_routine or i.activity not in ix.routine]
    items.sort(key=lambda i: (not i.above_noise, -abs(i.value), i.activity, i.phase))
    rows = [Bar(f"{i.activity} → {i.phase}", i.value, i.low, i.high, i.above_noise)
            for i in items[:top]]
    title = (f"Cruciality: {len(ix.activities)} activities, {ix.n} runs\nSpearman rank "
             "correlation of the activity's duration with the phase end, 95% interval")
    return interval_bars(rows, title, "rank correlation (−1 to +1)", ax,
                         later="longer → later phase end", earlier="longer → earlier")
