"""What-if charts of a sweep: a KPI across the grid of values tried (a line, a heatmap or
dots, by the number of keys varied)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

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
from sim.plotting.end_time import hours_axis
from sim.plotting.framing import LEGEND_W, empty_figure, frame, legend_right, titled
from sim.plotting.risk import BLUE, SKY


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
    "p_holds": "P(holds as planned)",
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
