"""The rows of a schedule chart on paper: row heights, label sizes, labels and margins.

Shared by the schedule of a run (:mod:`sim.plotting.gantt`) and the schedule under
uncertainty (:mod:`sim.plotting.risk_schedule`). Row labels are plain texts at the
axes' left edge (no tick machinery), and the margins follow from their lengths:
cheaper than a layout engine at hundreds of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory

from sim.core import words
from sim.plotting import style
from sim.plotting.rows import LABEL_CHARS, Row
from sim.plotting.tooltips import add_tooltip

PLOT_WIDTH = 10.5  # inches of time axis in a figure of its own
LINE_CHARS = 32  # characters a line of a two-line row label holds
LINE_SPACING = 1.15  # of a two-line label, in font sizes


def row_height(n: int, most: float = 0.32) -> float:
    """Inches per row: roomy for a few rows, never below 0.16 in (about 7 pt labels)."""
    return max(0.16, min(most, 8.0 / max(n, 1)))


def label_size(row_h: float) -> float:
    """Points of the row labels for rows ``row_h`` inches high."""
    return max(5.5, min(style.TICK_SIZE, row_h * 72.0 * 0.62))


def two_lines(row_h: float | None, size: float) -> bool:
    """Whether rows ``row_h`` inches high hold two lines of labels at ``size`` points."""
    return row_h is not None and row_h * 72.0 >= 2 * LINE_SPACING * size + 2.0


def fitted_labels(rows: Sequence[Row], size: float, row_h: float | None = None) -> list[str]:
    """Each row's label as drawn: its whole name, wrapped onto two lines at word
    boundaries when the rows are high enough, else on one line, shortened between
    whole words ("…") when it is too long (see :mod:`sim.core.words`)."""
    if not two_lines(row_h, size):
        return [words.shorten(r.name, LABEL_CHARS) for r in rows]
    return ["\n".join(words.balanced(r.name, LINE_CHARS, 2)) for r in rows]


def label_margin(rows: Sequence[Row], size: float, row_h: float | None = None) -> float:
    """Inches left of the plot for the longest row label line (phase rows are bold)."""
    lines = [(line, r.kind) for r, label in zip(rows, fitted_labels(rows, size, row_h),
                                                 strict=True) for line in label.split("\n")]
    longest = max((len(t) * (1.1 if kind == "phase" else 1.0) for t, kind in lines), default=4)
    return 0.25 + style.text_width(int(longest) + 1, size)


def axis_margin(dated: bool) -> float:
    """Inches under the plot for the day labels (one line, or two with dates) and the
    axis label."""
    return 0.3 + (2 if dated else 1) * style.TICK_SIZE * 1.35 / 72 + style.LABEL_SIZE / 72


def row_labels(ax: Axes, rows: Sequence[Row], size: float,
               row_h: float | None = None) -> list[str]:
    """Row labels left of the plot (phase rows in bold) and the rules between blocks.

    Labels are fitted to the rows (:func:`fitted_labels`); a shortened one carries its
    whole name as an SVG tooltip. Returns the whole names of the labels shortened.
    """
    ax.set_yticks([])
    to_text = blended_transform_factory(ax.transAxes, ax.transData)
    fig = style.figure_of(ax)
    shortened: list[str] = []
    for k, (row, label) in enumerate(zip(rows, fitted_labels(rows, size, row_h),
                                         strict=True)):
        text: Text = ax.text(-0.006, k, style.plain(label), transform=to_text, ha="right",
                             va="center", fontsize=size, color=style.INK, clip_on=False,
                             linespacing=LINE_SPACING,
                             fontweight="bold" if row.kind == "phase" else "normal")
        if words.was_shortened(row.name, label):
            shortened.append(row.name)
            add_tooltip(fig, text, row.name, "row-label")
    row_rules(ax, rows)
    return shortened


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
