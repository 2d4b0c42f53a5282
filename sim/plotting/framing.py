"""Figures of one axes framed by margins in inches, with the title, legend and
"nothing to draw" message around them (the ensemble and what-if charts)."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plotting import style

LEGEND_W = 2.6  # inches right of a plot for its legend


def frame(plot: tuple[float, float], *, left: float, right: float, top: float,
          bottom: float) -> tuple[Figure, Axes]:
    """A figure with one axes of ``plot`` inches and margins in inches."""
    width, height = left + plot[0] + right, top + plot[1] + bottom
    fig = style.new_figure(width, height)
    ax = fig.add_axes((left / width, bottom / height, plot[0] / width, plot[1] / height))
    return fig, ax


def bar_frame(ax: Axes | None, labels: Sequence[str], title: str,
              row_height: float) -> tuple[Figure, Axes]:
    """A styled axes for one horizontal bar per label: a new figure sized to fit, or ``ax``."""
    if ax is None:
        left = 0.35 + style.text_width(max(len(t) for t in labels), style.TICK_SIZE)
        fig, ax = frame((6.0, max(1.4, row_height * len(labels))), left=left,
                        right=0.4 + LEGEND_W, top=style.title_height(title) + 0.15, bottom=0.6)
    else:
        fig = style.figure_of(ax)
    style.style_axes(ax)
    return fig, ax


def empty_figure(title: str, message: str, ax: Axes | None = None) -> Figure:
    """A chart with nothing to draw: its title and ``message`` saying why."""
    if ax is not None:
        ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=style.LABEL_SIZE,
                transform=ax.transAxes)
        style.axes_title(ax, title)
        return style.figure_of(ax)
    fig = style.new_figure(8.0, 2.0)
    fig.text(0.5, 0.4, message, ha="center", va="center", fontsize=style.LABEL_SIZE)
    style.figure_title(fig, title)
    return fig


def titled(fig: Figure, ax: Axes, own: bool, text: str, pad: float = 6.0) -> None:
    """The title of the figure (``own``: the chart has it to itself), else of ``ax``."""
    if own:
        style.figure_title(fig, text)
    else:
        style.axes_title(ax, text, pad=pad)


def legend_right(ax: Axes, handles: Sequence[Patch | Line2D], x: float = 1.02) -> Legend:
    """The legend right of the plot, ``x`` in axes widths from its left edge."""
    return ax.legend(handles=list(handles), loc="upper left", bbox_to_anchor=(x, 1.0),
                     fontsize=style.SMALL_SIZE + 0.5, frameon=False, title="Legend",
                     title_fontsize=style.LABEL_SIZE, alignment="left")
