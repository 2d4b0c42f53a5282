"""The rows of a schedule chart on paper: row heights, label sizes, labels and margins.

Shared by the schedule of a run (:mod:`sim.plotting.gantt`) and the schedule under
uncertainty (:mod:`sim.plotting.risk_schedule`). Row labels are plain texts at the
axes' left edge (no tick machinery), and the margins follow from their lengths:
cheaper than a layout engine at hundreds of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from sim.plotting import style
from sim.plotting.rows import Row

PLOT_WIDTH = 10.5  # inches of time axis in a figure of its own


def row_height(n: int, most: float = 0.32) -> float:
    """Inches per row: roomy for a few rows, never below 0.16 in (about 7 pt labels)."""
    return max(0.16, min(most, 8.0 / max(n, 1)))


def label_size(row_h: float) -> float:
    """Points of the row labels for rows ``row_h`` inches high."""
    return max(5.5, min(style.TICK_SIZE, row_h * 72.0 * 0.62))


def label_margin(rows: Sequence[Row], size: float) -> float:
    """Inches left of the plot for the longest row label (phase rows are bold)."""
    longest = max((len(r.label) * (1.1 if r.kind == "phase" else 1.0) for r in rows), default=4)
    return 0.25 + style.text_width(int(longest) + 1, size)


def axis_margin(dated: bool) -> float:
    """Inches under the plot for the day labels (one line, or two with dates) and the
    axis label."""
    return 0.3 + (2 if dated else 1) * style.TICK_SIZE * 1.35 / 72 + style.LABEL_SIZE / 72


def row_labels(ax: Axes, rows: Sequence[Row], size: float) -> None:
    """Row labels left of the plot (phase rows in bold) and the rules between blocks."""
    ax.set_yticks([])
    to_text = blended_transform_factory(ax.transAxes, ax.transData)
    for k, row in enumerate(rows):
        ax.text(-0.006, k, style.plain(row.label), transform=to_text, ha="right", va="center",
                fontsize=size, color=style.INK, clip_on=False,
                fontweight="bold" if row.kind == "phase" else "normal")
    row_rules(ax, rows)


def row_rules(ax: Axes, rows: Sequence[Row]) -> None:
    """A thin rule above each phase (or each group's first team)."""
    ys = [k - 0.5 for k, row in enumerate(rows)
          if k and (row.kind == "phase" or (row.group and row.group != rows[k - 1].group))]
    if ys:
        ax.hlines(ys, 0, 1, transform=ax.get_yaxis_transform(), colors=style.GRID,
                  linewidth=0.8, zorder=0.5)


def rows_as_ticks(ax: Axes, rows: Sequence[Row]) -> None:
    """Row labels as y ticks, for a chart drawn into someone else's axes."""
    n = len(rows)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(range(n), [style.plain(r.label) for r in rows], fontsize=style.TICK_SIZE)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row.kind == "phase":
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    row_rules(ax, rows)
