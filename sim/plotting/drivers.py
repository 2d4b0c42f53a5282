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

from sim.ensemble.effects import END, HOURS, Driver, DriverTable, Effect
from sim.ensemble.indices import IndexStats
from sim.plotting import style
from sim.plotting.framing import LEGEND_W, bar_frame, empty_figure, legend_right, titled

BLUE = style.OKABE_ITO["blue"]
MUTED = "#9a9a9a"


class Bar(NamedTuple):
    label: str
    value: float
    low: float
    high: float
    measurable: bool


def interval_bars(rows: Sequence[Bar], title: str, xlabel: str, ax: Axes | None = None, *,
                  later: str = "later", earlier: str = "earlier",
                  up_is_worse: bool = True, gid: str = "driver-bar") -> Figure:
    """One horizontal bar per row, whiskers from ``low`` to ``high``; vermillion above
    zero, blue below (the other way round unless ``up_is_worse``: vermillion is always
    the worse side, labelled ``later``), hollow grey where the interval contains zero."""
    if not rows:
        return empty_figure(title, "Nothing was measured.", ax)
    rows = [r._replace(low=min(r.low, r.value), high=max(r.high, r.value)) for r in rows]
    own = ax is None
    fig, ax = bar_frame(ax, [r.label for r in rows], title, 0.3)
    ys = np.arange(len(rows))
    for y, r in zip(ys, rows, strict=True):
        colour = (style.ALERT if (r.value > 0) == up_is_worse else BLUE) if r.measurable \
            else "none"
        bar = ax.barh([y], [r.value], height=0.62, zorder=2, color=colour,
                      edgecolor=style.INK if r.measurable else MUTED,
                      linewidth=0.6 if r.measurable else 1.0,
                      linestyle="-" if r.measurable else "--")
        bar.patches[0].set_gid(gid if r.measurable else f"{gid}-noise")
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
    """Each change's largest effect (in the order of the ranking, then those with no
    measurable effect) and, beside it, its effect on the share of runs holding as
    planned (only the first panel when drawn into ``ax``)."""
    shown = [d for d in table.ranked() + table.unmeasurable()
             if any(x.measure in HOURS for x in d.effects)][:top]
    rows = [_hours_bar(d) for d in shown]
    title = (f"Drivers by effect: {table.scenario}\n{table.n} paired runs per change "
             "(variant − baseline), 95% interval")
    xlabel = "change in hours (negative: earlier)"
    holds = [d.holds for d in shown]
    if ax is not None or not rows or any(h is None for h in holds):
        return interval_bars(rows, title, xlabel, ax, later="later / more late",
                             earlier="earlier / less late")
    left = 0.35 + style.text_width(max(len(r.label) for r in rows), style.TICK_SIZE)
    fig, (hours_ax, holds_ax) = style.panel_grid(
        2, 2, panel=(4.6, max(1.4, 0.3 * len(rows))), left=left, right=0.4 + LEGEND_W,
        top=style.title_height(title) + 0.45, bottom=0.6, wgap=0.35)
    interval_bars(rows, "largest effect on an end or a lateness", xlabel, hours_ax)  # its
    # legend goes: the one of the second panel says what both colours mean
    legend = hours_ax.get_legend()
    if legend is not None:
        legend.remove()
    interval_bars([Bar(r.label, 100 * h.mean, 100 * h.low, 100 * h.high, h.measurable)
                   for r, h in zip(rows, holds, strict=True) if h is not None],
                  "holds as planned", "change in points (negative: fewer runs hold)",
                  holds_ax, later="worse: later, more late\nor fewer runs hold",
                  earlier="better: earlier, less late\nor more runs hold", up_is_worse=False,
                  gid="holds-bar")
    holds_ax.set_yticks(holds_ax.get_yticks(), [""] * len(rows))
    style.figure_title(fig, title)
    return fig


def _hours_bar(d: Driver) -> Bar:
    e = d.strongest
    if e is not None:
        mark = " (trade-off)" if d.trade_off else ""
        return Bar(f"{d.label}: {_words(e)}{mark}", e.mean, e.low, e.high, True)
    e = max(d.measurable or [x for x in d.effects if x.measure in HOURS],
            key=lambda x: (abs(x.mean), x.high - x.low))
    return Bar(f"{d.label}: no measurable effect in hours" if d.moves_holds
               else f"{d.label}: no measurable effect", e.mean, e.low, e.high, False)


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
