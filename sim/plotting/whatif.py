"""What-if charts: two variants compared run by run, and a KPI across a sweep's grid."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from sim.core.timefmt import format_time
from sim.plotting import style
from sim.plotting.risk import (
    BLUE,
    GREEN,
    LEGEND_W,
    MUTED,
    ORANGE,
    SKY,
    bin_words,
    counts_on,
    cumulative,
    dark,
    draw_marks,
    empty_figure,
    end_time_frame,
    end_view,
    frame,
    histogram_bins,
    hours_axis,
    legend_right,
    off_view,
    pct,
    titled,
)
from sim.plotting.rows import shorten

if TYPE_CHECKING:
    from sim.ensemble.compare import CompareResult

# ---------------------------------------------------------------- comparison


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
    marks: list[tuple[float, str, str, str, str]] = []
    for key, res, colour in (("A", a, SKY), ("B", b, ORANGE)):
        q50 = res.stats.end_q.quantile(0.5)
        marks.append((q50, f"{key} P50 {format_time(q50)}", "-", dark(colour),
                      f"p50-{key.lower()}"))
    for d in deadlines:
        if lo <= d <= hi:
            who = "" if len(deadlines) == 1 else (" A" if d == a.scenario.planned_end else " B")
            marks.append((d, f"planned end{who} {format_time(d)}", "-.", style.ALERT,
                          "planned-end"))
    marks.sort()
    full = (f"{title}\n{variant_words(result, labels)}\n{a.n} paired runs, seed {a.seed} · "
            f"P(on time) A {pct(a.stats.on_time.p)}, B {pct(b.stats.on_time.p)}")
    fig, ax, own, levels = end_time_frame(ax, marks, hi - lo, full)
    twin = ax.twinx()
    twin.spines["top"].set_visible(False)
    peak = 1.0
    for key, res, colour in (("a", a, SKY), ("b", b, ORANGE)):
        counts = counts_on(res.stats.end_q, edges)
        peak = max(peak, float(counts.max()))
        ax.stairs(counts, edges, fill=True, color=colour, alpha=0.45, zorder=2,
                  gid=f"hist-{key}")
        ax.stairs(counts, edges, color=dark(colour), linewidth=1.2, zorder=3,
                  gid=f"hist-{key}-outline")
        (line,) = twin.plot(*cumulative(counts, edges, lo, hi), color=dark(colour),
                            linewidth=1.5,
                            linestyle="-" if key == "a" else (0, (4, 1.5)), zorder=4)
        line.set_gid(f"cumulative-{key}")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, peak * 1.08)
    hours_axis(ax.xaxis, lo, hi)
    ax.grid(True, axis="y", color=style.GRID, linewidth=0.5)
    ax.set_xlabel("End time (day and clock time the last activity finished)",
                  fontsize=style.LABEL_SIZE)
    ax.set_ylabel(f"runs per bin of {bin_words(edges)}", fontsize=style.LABEL_SIZE)
    twin.set_ylim(0, 1.04)
    twin.yaxis.set_major_formatter(PercentFormatter(1.0))
    twin.tick_params(labelsize=style.TICK_SIZE, colors=style.INK)
    twin.set_ylabel("share of runs finished (cumulative)", fontsize=style.LABEL_SIZE)
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
    pax: Axes | None = None
    if ax is None:
        left = 0.35 + style.text_width(max(len(t) for t in [*row_labels, "P(on time)"]),
                                       style.TICK_SIZE)
        top = style.title_height(full) + 0.15
        h1, h2, gap, bottom = max(0.9, 0.3 * len(rows)), 0.45, 0.75, 0.6
        width, height = left + 6.5 + 1.1 + LEGEND_W, top + h1 + gap + h2 + bottom
        fig = style.new_figure(width, height)
        ax = fig.add_axes((left / width, (bottom + h2 + gap) / height, 6.5 / width,
                           h1 / height))
        pax = fig.add_axes((left / width, bottom / height, 6.5 / width, h2 / height))
    else:
        fig = style.figure_of(ax)
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


def _dots(ax: Axes, rows: Sequence[tuple[str, float, float, float, str]], gid: str,
          unit: str) -> None:
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


# ---------------------------------------------------------------- sweep


def short_names(names: Sequence[str]) -> list[str]:
    """The shortest dotted suffixes that still tell the keys apart."""
    parts = [n.split(".") for n in names]
    for k in range(1, max((len(p) for p in parts), default=1) + 1):
        short = [".".join(p[-k:]) for p in parts]
        if len(set(short)) == len(short):
            return short
    return list(names)


def _distinct(values: Sequence[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for v in values:
        seen.setdefault(repr(v), v)
    return list(seen.values())


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


KPI_WORDS = {
    "p_on_time": "P(finish on time)",
    "end_mean_h": "mean end time (day and clock)",
    "end_p50_h": "P50 end time (day and clock)",
    "end_p90_h": "P90 end time (day and clock)",
    "p_within_limit": "P(within limit), lowest of the limited phases",
}


def kpi_words(kpi: str) -> str:
    """What a sweep KPI column means, for titles and axis labels."""
    return KPI_WORDS.get(kpi, kpi)


def _kpi_text(kpi: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.0%}" if kpi.startswith("p_") else format_time(value)


def sweep_chart(names: Sequence[str], rows: Sequence[Sequence[Any]], header: Sequence[str],
                kpi: str, ax: Axes | None = None, *, title: str | None = None) -> Figure:
    """The ``kpi`` column of a sweep across its grid.

    One varied key: a line (with a 95% CI band where ``{kpi}_lo``/``{kpi}_hi`` columns
    exist); two keys: an annotated heatmap; more: a dot per point, sorted best first.
    """
    col = {h: i for i, h in enumerate(header)}
    if kpi not in col:
        raise ValueError(f"no column {kpi!r} in the sweep table")
    label = kpi_words(kpi)
    heading = f"{title or 'Sweep'}: {label}"
    if not rows:
        return empty_figure(heading, "The sweep has no points.", ax)
    values = [float(r[col[kpi]]) for r in rows]
    if len(names) == 1:
        return _sweep_line(names[0], rows, col, kpi, values, heading, ax)
    if len(names) == 2:
        return _sweep_heatmap(names, rows, kpi, values, heading, ax)
    return _sweep_dots(names, rows, col, kpi, values, heading, ax)


def _kpi_axis(axis: Axis, kpi: str, lo: float, hi: float) -> tuple[float, float]:
    if kpi.startswith("p_"):
        axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        return -0.03, 1.05
    pad = 0.08 * max(hi - lo, 0.5)
    hours_axis(axis, lo - pad, hi + pad, most=6)
    return lo - pad, hi + pad


def _sweep_line(name: str, rows: Sequence[Sequence[Any]], col: dict[str, int], kpi: str,
                values: list[float], heading: str, ax: Axes | None) -> Figure:
    xs_raw = [r[0] for r in rows]
    numeric = _numeric(xs_raw)
    xs = [float(x) for x in xs_raw] if numeric else list(range(len(rows)))
    lows = [float(r[col[f"{kpi}_lo"]]) for r in rows] if f"{kpi}_lo" in col else None
    highs = [float(r[col[f"{kpi}_hi"]]) for r in rows] if f"{kpi}_hi" in col else None
    if not any(math.isfinite(v) for v in (lows or []) + (highs or [])):
        lows = highs = None  # no interval (fewer than two runs a point)
    full = f"{heading}\nvaried: {name}" + (" · band: 95% CI" if lows and highs else "")
    own = ax is None
    if ax is None:
        fig, ax = frame((7.5, 3.4), left=1.1, right=0.4 + LEGEND_W, bottom=0.65,
                        top=style.title_height(full) + 0.15)
    else:
        fig = style.figure_of(ax)
    style.style_axes(ax)
    finite = [v for v in values + (lows or []) + (highs or []) if math.isfinite(v)]
    handles: list[Patch | Line2D] = [Line2D([], [], color=BLUE, marker="o", label=kpi_words(kpi))]
    if lows and highs:
        band = ax.fill_between(xs, lows, highs, color=SKY, alpha=0.35, linewidth=0, zorder=1)
        band.set_gid("ci-band")
        handles.append(Patch(facecolor=SKY, alpha=0.35, label="95% CI"))
    (line,) = ax.plot(xs, values, color=BLUE, marker="o", linewidth=1.8, zorder=3)
    line.set_gid("kpi-line")
    for x, v in zip(xs, values, strict=True):
        ax.annotate(_kpi_text(kpi, v), (x, v), xytext=(0, 7), textcoords="offset points",
                    ha="center", fontsize=style.SMALL_SIZE, color=style.INK)
    if kpi.endswith("_h") and "planned_end_h" in col:
        ends = [float(r[col["planned_end_h"]]) for r in rows]
        (pe,) = ax.plot(xs, ends, color=style.ALERT, linestyle="-.", linewidth=1.2, zorder=2)
        pe.set_gid("planned-end")
        finite += ends
        handles.append(Line2D([], [], color=style.ALERT, linestyle="-.", label="planned end"))
    ylo, yhi = _kpi_axis(ax.yaxis, kpi, min(finite, default=0.0), max(finite, default=1.0))
    ax.set_ylim(ylo, yhi)
    if not numeric or all(isinstance(x, int) for x in xs_raw):
        ax.set_xticks(xs, [style.plain(str(x)) for x in xs_raw], fontsize=style.TICK_SIZE)
    ax.set_xlabel(style.plain(name), fontsize=style.LABEL_SIZE)
    ax.set_ylabel(kpi_words(kpi), fontsize=style.LABEL_SIZE)
    ax.grid(True, color=style.GRID, linewidth=0.5)
    legend_right(ax, handles)
    titled(fig, ax, own, full)
    return fig


def _sweep_heatmap(names: Sequence[str], rows: Sequence[Sequence[Any]], kpi: str,
                   values: list[float], heading: str, ax: Axes | None) -> Figure:
    xv, yv = _distinct([r[0] for r in rows]), _distinct([r[1] for r in rows])
    xi, yi = {repr(v): i for i, v in enumerate(xv)}, {repr(v): i for i, v in enumerate(yv)}
    grid = np.full((len(yv), len(xv)), np.nan)
    for r, v in zip(rows, values, strict=True):
        grid[yi[repr(r[1])], xi[repr(r[0])]] = v
    data = np.ma.masked_invalid(grid)
    full = f"{heading}\nx: {names[0]} · y: {names[1]}"
    ylabels = [style.plain(str(v)) for v in yv]
    own = ax is None
    cax = None
    if ax is None:
        cell_w, cell_h = max(0.7, min(1.2, 7.0 / len(xv))), max(0.4, min(0.7, 5.0 / len(yv)))
        left = 0.75 + style.text_width(max(len(t) for t in ylabels), style.TICK_SIZE)
        plot = (cell_w * len(xv), cell_h * len(yv))
        fig, ax = frame(plot, left=left, right=1.6, bottom=0.65,
                        top=style.title_height(full) + 0.15)
        width = fig.get_size_inches()[0]
        box = ax.get_position()
        cax = fig.add_axes((box.x1 + 0.25 / width, box.y0, 0.18 / width, box.height))
    else:
        fig = style.figure_of(ax)
    share = kpi.startswith("p_")
    finite = [v for v in values if math.isfinite(v)] or [0.0, 1.0]
    vmin, vmax = (0.0, 1.0) if share else (min(finite), max(max(finite), min(finite) + 1e-6))
    image = ax.imshow(data, aspect="auto", interpolation="nearest", vmin=vmin, vmax=vmax,
                      cmap=colormaps["cividis"].with_extremes(bad=style.REST_DAY))
    image.set_gid("heatmap")
    for (i, j), v in np.ndenumerate(grid):
        dark = math.isfinite(v) and (v - vmin) / (vmax - vmin or 1.0) < 0.55
        ax.text(j, i, _kpi_text(kpi, v), ha="center", va="center", fontsize=style.SMALL_SIZE,
                color="white" if dark else style.INK, gid="cell-label")
    ax.set_xticks(range(len(xv)), [style.plain(str(v)) for v in xv], fontsize=style.TICK_SIZE)
    ax.set_yticks(range(len(yv)), ylabels, fontsize=style.TICK_SIZE)
    ax.tick_params(length=0)
    ax.set_xlabel(style.plain(names[0]), fontsize=style.LABEL_SIZE)
    ax.set_ylabel(style.plain(names[1]), fontsize=style.LABEL_SIZE)
    bar = fig.colorbar(image, cax=cax, ax=None if cax is not None else ax,
                       format=PercentFormatter(1.0, decimals=0) if share else
                       FuncFormatter(lambda x, _p: format_time(x)))
    bar.set_label(kpi_words(kpi), fontsize=style.LABEL_SIZE)
    bar.ax.tick_params(labelsize=style.TICK_SIZE)
    titled(fig, ax, own, full)
    return fig


def _sweep_dots(names: Sequence[str], rows: Sequence[Sequence[Any]], col: dict[str, int],
                kpi: str, values: list[float], heading: str, ax: Axes | None) -> Figure:
    short = short_names(names)
    labels = [style.plain(", ".join(f"{k}={v}" for k, v in zip(short, r[:len(names)],
                                                               strict=True))) for r in rows]
    better_high = kpi.startswith("p_")
    order = sorted(range(len(rows)), key=lambda i: (not math.isfinite(values[i]),
                                                    -values[i] if better_high else values[i]))
    has_ci = f"{kpi}_lo" in col and f"{kpi}_hi" in col
    full = (f"{heading}\n{len(rows)} points, best first · varied: {', '.join(names)}"
            + (" · lines: 95% CI" if has_ci else ""))
    own = ax is None
    if ax is None:
        left = 0.35 + style.text_width(max(len(t) for t in labels), style.TICK_SIZE)
        fig, ax = frame((6.0, max(1.4, 0.26 * len(rows))), left=left, right=0.5,
                        top=style.title_height(full) + 0.15, bottom=0.65)
    else:
        fig = style.figure_of(ax)
    style.style_axes(ax)
    ys = np.arange(len(rows))
    xs = [values[i] for i in order]
    if has_ci:
        segs = [[(float(rows[i][col[f"{kpi}_lo"]]), float(y)),
                 (float(rows[i][col[f"{kpi}_hi"]]), float(y))] for y, i in enumerate(order)]
        ci = LineCollection(segs, colors=SKY, linewidths=2.4, zorder=2)
        ci.set_gid("ci")
        ax.add_collection(ci, autolim=False)
    ax.scatter(xs, ys, color=BLUE, s=30, zorder=3, gid="dots")
    finite = [v for v in xs if math.isfinite(v)] or [0.0, 1.0]
    xlo, xhi = _kpi_axis(ax.xaxis, kpi, min(finite), max(finite))
    ax.set_xlim(xlo, xhi)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(ys, [labels[i] for i in order], fontsize=style.TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(True, axis="x", color=style.GRID, linewidth=0.5)
    ax.set_xlabel(kpi_words(kpi), fontsize=style.LABEL_SIZE)
    titled(fig, ax, own, full)
    return fig
