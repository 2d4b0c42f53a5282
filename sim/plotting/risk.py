"""Schedule-risk charts of an ensemble: end time, what drives it, critical activities and
daily utilisation.

Pure functions from streamed statistics (:class:`~sim.ensemble.EnsembleResult`) to a
:class:`~matplotlib.figure.Figure`, each with an optional ``ax`` where one axes makes
sense; none simulates. Times are hours from D1 00:00, shown as ``D13 14:00``. The
schedule under uncertainty is in :mod:`sim.plotting.risk_schedule`; comparisons and
sweeps in :mod:`sim.plotting.whatif`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, PercentFormatter

from sim.core.timefmt import format_duration, format_time
from sim.ensemble.labels import input_label
from sim.ensemble.stats import Quantiles
from sim.plotting import style
from sim.plotting.end_time import (
    Mark,
    cumulative,
    draw_marks,
    end_time_axes,
    end_time_frame,
    end_view,
    histogram_bins,
    off_view,
)
from sim.plotting.framing import bar_frame, empty_figure, legend_right, titled
from sim.plotting.rows import shorten
from sim.scenario.model import Resource

if TYPE_CHECKING:
    from sim.ensemble import EnsembleResult

SKY = style.OKABE_ITO["sky_blue"]
BLUE = style.OKABE_ITO["blue"]
ORANGE = style.OKABE_ITO["orange"]
GREEN = style.OKABE_ITO["bluish_green"]
MUTED = "#9a9a9a"
QUANTILE_STYLE = {0.1: ":", 0.5: "-", 0.9: "--"}


def pct(p: float) -> str:
    """A probability as a percentage with one decimal (``n/a`` when there is none)."""
    return "n/a" if math.isnan(p) else f"{100 * p:.1f}%"


def dark(colour: str) -> str:
    """``colour`` darkened, for outlines and lines beside its fill."""
    r, g, b = to_rgb(colour)
    return to_hex((r * 0.7, g * 0.7, b * 0.7))


# ---------------------------------------------------------------- ensemble: end time


def end_time_histogram(result: EnsembleResult, ax: Axes | None = None) -> Figure:
    """How the end time varies: a histogram with its cumulative curve on a second axis.

    Bars of late runs (bin centre after the planned end) are vermillion; vertical
    lines mark P10, P50, P90 and the planned end, labelled above the plot.
    """
    st, sc = result.stats, result.scenario
    title = f"End time over {st.n} runs: {sc.name}"
    if st.n == 0:
        return empty_figure(title, "No replication finished: nothing to draw.", ax)
    deadline = sc.planned_end
    counts, edges = st.end_q.histogram(histogram_bins(st.n))
    lo, hi = end_view(st.end_q.low, st.end_q.high, [deadline])
    marks = _end_marks(st.end_q, deadline, lo, hi)
    lo_ci, hi_ci = st.on_time.ci()
    full = (f"{title}\nP(on time by {format_time(deadline)}) {pct(st.on_time.p)} "
            f"(95% CI {pct(lo_ci)}–{pct(hi_ci)}) · mean {format_time(st.end.mean)} "
            f"± {format_duration(st.end.half_width())} · seed {result.seed}")
    fig, ax, own, levels = end_time_frame(ax, marks, hi - lo, full)
    late = (edges[:-1] + edges[1:]) / 2 > deadline + 1e-9
    bars = ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", zorder=2,
                  color=[style.ALERT if x else SKY for x in late], edgecolor="white",
                  linewidth=0.4)
    for patch in bars.patches:
        patch.set_gid("end-bar")
    twin = end_time_axes(ax, lo, hi, max(counts.max(), 1), edges)
    (line,) = twin.plot(*cumulative(counts, edges, lo, hi), color=BLUE, linewidth=1.6,
                        zorder=4)
    line.set_gid("cumulative")
    draw_marks(ax, marks, levels)
    off_view(ax, deadline, lo, hi, f"planned end {format_time(deadline)}")
    handles: list[Patch | Line2D] = [Patch(facecolor=SKY, label="runs on time")]
    if late.any():
        handles.append(Patch(facecolor=style.ALERT, label="late runs"))
    handles += [Line2D([], [], color=BLUE, linewidth=1.6, label="cumulative (right axis)"),
                Line2D([], [], color=style.INK, linestyle=":", label="P10 (1 run in 10 ends "
                       "earlier)"),
                Line2D([], [], color=style.INK, label="P50 (median)"),
                Line2D([], [], color=style.INK, linestyle="--", label="P90"),
                Line2D([], [], color=style.ALERT, linestyle="-.",
                       label=f"planned end {format_time(deadline)}")]
    legend_right(twin, handles, x=1.1)
    titled(fig, ax, own, full, pad=10 + 10 * (max(levels) + 1))
    return fig


def _end_marks(end: Quantiles, deadline: float, lo: float, hi: float) -> list[Mark]:
    """P10, P50 and P90 of the end time, and the planned end if it is in view."""
    quantiles = {p: end.quantile(p) for p in QUANTILE_STYLE}
    return sorted([(q, f"P{int(p * 100)} {format_time(q)}", QUANTILE_STYLE[p], style.INK,
                    f"p{int(p * 100)}") for p, q in quantiles.items()]
                  + ([(deadline, f"planned end {format_time(deadline)}", "-.", style.ALERT,
                       "planned-end")] if lo <= deadline <= hi else []))


# ---------------------------------------------------------------- ensemble: tornado


def tornado_rows(result: EnsembleResult, top: int = 15) -> list[tuple[str, str, float]]:
    """``(input, kind, rho)`` of the ``top`` inputs by |rho|, constant inputs left out."""
    kinds = dict(zip(result.stats.layout.inputs, result.stats.layout.input_kinds, strict=True))
    return [(name, kinds[name], rho) for name, rho in result.stats.tornado()
            if rho != 0 and not math.isnan(rho)][:top]


def tornado(result: EnsembleResult, ax: Axes | None = None, *, top: int = 15) -> Figure:
    """Which uncertain inputs move the end time: Spearman rank correlation, largest |rho| on top.

    Vermillion bars: a larger value (longer duration, inject happening, later time) goes
    with a later end; blue: with an earlier end.
    """
    st, sc = result.stats, result.scenario
    title = f"What drives the end time: {sc.name}"
    rows = tornado_rows(result, top)
    if not rows:
        return empty_figure(title, "No uncertain input varied with the end time "
                            "(no random durations or injects, or too few runs).", ax)
    labels = [style.plain(shorten(input_label(result, name, kind), 64))
              for name, kind, _ in rows]
    total = sum(1 for _name, rho in st.tornado() if rho != 0)
    full = (f"{title}\nSpearman rank correlation of each uncertain input with the end time, "
            f"{st.n} runs · top {len(rows)} of {total} inputs that varied")
    own = ax is None
    fig, ax = bar_frame(ax, labels, full, 0.3)
    ys = np.arange(len(rows))
    values = [rho for _n, _k, rho in rows]
    bars = ax.barh(ys, values, height=0.62, zorder=2,
                   color=[style.ALERT if v > 0 else BLUE for v in values])
    for patch in bars.patches:
        patch.set_gid("tornado-bar")
    for y, v in enumerate(values):
        ax.text(v + (0.02 if v > 0 else -0.02), y, f"{v:+.2f}", va="center",
                ha="left" if v > 0 else "right", fontsize=style.SMALL_SIZE, color=style.INK)
    ax.axvline(0, color=style.INK, linewidth=0.9, zorder=3)
    ax.set_xlim(-1.12, 1.12)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(ys, labels, fontsize=style.TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(True, axis="x", color=style.GRID, linewidth=0.5)
    ax.set_xlabel("rank correlation with the end time (−1 to +1)", fontsize=style.LABEL_SIZE)
    legend_right(ax, [Patch(facecolor=style.ALERT, label="larger value → later end"),
                      Patch(facecolor=BLUE, label="larger value → earlier end")])
    titled(fig, ax, own, full)
    return fig


# ---------------------------------------------------------------- ensemble: criticality


def criticality_rows(result: EnsembleResult, top: int = 25) -> list[tuple[str, float]]:
    """``(activity, share of runs on the critical chain)``, largest first, never-critical out."""
    crit = result.stats.criticality()
    return sorted(((a, c) for a, c in crit.items() if c > 0), key=lambda p: (-p[1], p[0]))[:top]


def criticality(result: EnsembleResult, ax: Axes | None = None, *, top: int = 25) -> Figure:
    """Share of runs in which each activity was on the critical chain, coloured by phase."""
    st, sc = result.stats, result.scenario
    title = f"Critical activities: {sc.name}"
    rows = criticality_rows(result, top)
    if not rows:
        return empty_figure(title, "No run finished: no critical chain to count.", ax)
    acts = {a.id: a for a in sc.activities}
    phase_index = {p.id: k for k, p in enumerate(sc.phases)}
    labels = [style.plain(f"{shorten(acts[a].name, 40)} ({a})" if acts[a].name != a else a)
              for a, _c in rows]
    never = sum(1 for c in st.criticality().values() if c == 0)
    full = (f"{title}\nShare of {st.n} runs in which the activity was on the critical chain "
            f"\n(what held the end back, resource waits included) · top {len(rows)}; "
            f"{never} activities never were")
    own = ax is None
    fig, ax = bar_frame(ax, labels, full, 0.27)
    ys = np.arange(len(rows))
    phases = [acts[a].phase for a, _c in rows]
    bars = ax.barh(ys, [c for _a, c in rows], height=0.66, zorder=2,
                   color=[style.series_colour(phase_index.get(p, 0)) for p in phases])
    for patch in bars.patches:
        patch.set_gid("criticality-bar")
    for y, (_a, c) in enumerate(rows):
        ax.text(c + 0.01, y, f"{c:.0%}" if c >= 0.005 else "<1%", va="center", ha="left",
                fontsize=style.SMALL_SIZE,
                color=style.INK)
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(ys, labels, fontsize=style.TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(True, axis="x", color=style.GRID, linewidth=0.5)
    ax.set_xlabel("share of runs on the critical chain", fontsize=style.LABEL_SIZE)
    names = {p.id: p.name for p in sc.phases}
    shown = list(dict.fromkeys(phases))
    legend_right(ax, [Patch(facecolor=style.series_colour(phase_index.get(p, 0)),
                            label=style.plain(shorten(names.get(p, p), 34)))
                      for p in sorted(shown, key=lambda p: phase_index.get(p, 0))])
    titled(fig, ax, own, full)
    return fig


# ---------------------------------------------------------------- ensemble: utilisation


def utilisation_bands(result: EnsembleResult) -> Figure:
    """Small multiples: each resource's daily utilisation, P10–P90 band and P50 line.

    Utilisation is unit-hours in use ÷ (capacity × hours it can be used that day), so
    100% is the capacity line. Rest days (no working time) are shaded for resources
    tied to the working day.
    """
    st, sc = result.stats, result.scenario
    title = f"Daily utilisation over {st.n} runs: {sc.name}"
    if not sc.resources or st.n == 0:
        return empty_figure(title, "This scenario has no resources." if not sc.resources
                            else "No replication finished: nothing to draw.")
    ncols = 1 if len(sc.resources) <= 3 else 2
    panel_w = 13.0 / ncols - 0.35 * (ncols - 1)
    full = (f"{title}\nUnit-hours in use ÷ (capacity × usable hours that day); band: P10–P90 "
            "of the runs, line: P50 (median)")
    fig, axes = style.panel_grid(len(sc.resources), ncols, panel=(panel_w, 1.45), left=0.75,
                                 right=0.3, top=style.title_height(full) + 0.3, bottom=0.9,
                                 hgap=0.5)
    for k, (ax, res) in enumerate(zip(axes, sc.resources, strict=True)):
        _band_panel(ax, result, k, res, panel_w)
        if k + ncols < len(axes):
            ax.set_xticks([])
        else:
            days = st.layout.days
            step = max(1, -(-days // 30))
            shown = [d for d in range(1, days + 1) if (d - 1) % step == 0]
            ax.set_xticks(shown, [f"D{d}" for d in shown], fontsize=style.TICK_SIZE)
            ax.tick_params(axis="x", length=0)
            ax.set_xlabel("Programme day", fontsize=style.LABEL_SIZE)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=SKY, alpha=0.55, label="P10–P90 of the runs"),
        Line2D([], [], color=BLUE, linewidth=1.6, label="P50 (median)"),
        Line2D([], [], color=style.INK, linestyle="--", label="capacity (100%)")]
    if sc.calendar.rest_days:
        handles.append(Patch(facecolor=style.REST_DAY, label="rest day (no working time)"))
    height = fig.get_size_inches()[1]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.06 / height),
               ncols=len(handles), fontsize=style.SMALL_SIZE + 0.5, frameon=False)
    style.figure_title(fig, full)
    return fig


def _band_panel(ax: Axes, result: EnsembleResult, k: int, res: Resource,
                panel_w: float) -> None:
    """Resource ``k``'s P10–P90 band and P50 line by day, titled with its busiest day."""
    st, sc = result.stats, result.scenario
    days = st.layout.days
    x = np.arange(1, days + 1)
    q = st.util[k]
    p10, p50, p90 = ([q[d].quantile(p) for d in range(days)] for p in (0.1, 0.5, 0.9))
    style.style_axes(ax)
    if not res.always:
        for d in sorted(sc.calendar.rest_days):
            if d <= days:
                ax.axvspan(d - 0.5, d + 0.5, color=style.REST_DAY, zorder=0, linewidth=0)
    band = ax.fill_between(x, p10, p90, step="mid", color=SKY, alpha=0.55, linewidth=0,
                           zorder=2)
    band.set_gid("band")
    (line,) = ax.step(x, p50, where="mid", color=BLUE, linewidth=1.6, zorder=3)
    line.set_gid("p50")
    ax.axhline(1.0, color=style.INK, linestyle="--", linewidth=1.0, zorder=4, gid="capacity")
    top = max([1.0, *p90])
    ax.set_ylim(0, top * 1.12)
    ax.set_xlim(0.5, days + 0.5)
    ax.yaxis.set_major_locator(FixedLocator([0, 0.5, 1.0] if top <= 1.05 else
                                            [0, 0.5, 1.0, top]))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("in use", fontsize=style.LABEL_SIZE)
    ax.grid(True, axis="y", color=style.GRID, linewidth=0.5)
    busiest = int(np.argmax(p50)) if days else 0
    hours = "24 h a day" if res.always else "working hours"
    units = f"{res.capacity} unit{'s' * (res.capacity != 1)}"
    tail = (f" ({res.id}): {units}, {hours}; busiest D{busiest + 1}: "
            f"P50 {p50[busiest]:.0%}, P90 {p90[busiest]:.0%}")
    room = int(panel_w * 72 / (style.LABEL_SIZE * 0.53)) - len(tail)  # DejaVu, average
    ax.set_title(style.plain(shorten(res.name, max(room, 12)) + tail),
                 fontsize=style.LABEL_SIZE, loc="left", color=style.INK, pad=4, y=1.0)
