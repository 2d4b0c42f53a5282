"""One look for every chart: palette, fonts, figures, the day axis and the calendar shading.

Figures are plain :class:`matplotlib.figure.Figure` objects on an Agg canvas: no
pyplot, no global state. Colours come from the Okabe–Ito palette, which stays
distinguishable for the common forms of colour blindness.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from sim.core.files import write_bytes_atomic
from sim.plotting.png import COMPRESS_LEVEL, drawing, png_bytes
from sim.plotting.tooltips import svg_bytes
from sim.scenario.model import Calendar, Scenario

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Phases and groups cycle through these; vermillion is kept for lateness and breaches.
SERIES = ("sky_blue", "orange", "bluish_green", "reddish_purple", "blue", "yellow")
ALERT = OKABE_ITO["vermillion"]
INK = "#222222"
PLAN_GHOST = "#8a8a8a"  # outline of the plan's ghost bars
PLAN_FILL = "#fafafa"
NIGHT = "#eeeeee"
REST_DAY = "#d6d6d6"
GRID = "#c8c8c8"

TITLE_SIZE = 12.0
LABEL_SIZE = 9.5
TICK_SIZE = 8.5
SMALL_SIZE = 7.5

FORMATS = ("png", "svg", "pdf")
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": "tabletop"},
    "svg": {"Creator": "tabletop", "Date": None},
    "pdf": {"Creator": "tabletop", "Producer": "tabletop", "CreationDate": None},
}
# (a figure without an Agg canvas: savefig picks one, see sim.plotting.png)
_OPTIONS: dict[str, dict[str, Any]] = {"png": {"pil_kwargs": {"compress_level": COMPRESS_LEVEL}}}


def series_colour(index: int) -> str:
    """The ``index``-th series colour: the palette, then darker and lighter rounds of it."""
    r, g, b = to_rgb(OKABE_ITO[SERIES[index % len(SERIES)]])
    round_ = (index // len(SERIES)) % 3
    if round_ == 1:  # darker
        return to_hex((r * 0.6, g * 0.6, b * 0.6))
    if round_ == 2:  # lighter
        return to_hex((r + (1 - r) * 0.5, g + (1 - g) * 0.5, b + (1 - b) * 0.5))
    return to_hex((r, g, b))


def plain(text: str) -> str:
    """User text made safe for matplotlib: ``$`` would otherwise start mathtext."""
    return text.replace("$", r"\$")


def new_figure(width: float, height: float) -> Figure:
    """A figure (inches) on an Agg canvas. Layout is by arithmetic, not a layout engine:
    an engine draws every figure twice, and text is most of the drawing time."""
    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def text_width(chars: float, size: float) -> float:
    """Inches a line of ``chars`` characters takes at ``size`` points (DejaVu Sans, generous)."""
    return chars * size * 0.6 / 72.0


def panel_grid(n: int, ncols: int, *, panel: tuple[float, float], left: float, right: float,
               top: float, bottom: float, hgap: float = 0.5,
               wgap: float = 0.7) -> tuple[Figure, list[Axes]]:
    """``n`` axes of ``panel`` inches in rows of ``ncols``, with margins in inches."""
    rows = max(1, -(-n // ncols))
    pw, ph = panel
    width = left + ncols * pw + (ncols - 1) * wgap + right
    height = top + rows * ph + (rows - 1) * hgap + bottom
    fig = new_figure(width, height)
    axes = []
    for k in range(n):
        r, c = divmod(k, ncols)
        x0 = left + c * (pw + wgap)
        y0 = height - top - (r + 1) * ph - r * hgap
        axes.append(fig.add_axes((x0 / width, y0 / height, pw / width, ph / height)))
    return fig, axes


def figure_title(fig: Figure, text: str) -> None:
    """The title block at the top left of a figure whose size is final."""
    width, height = fig.get_size_inches()
    fig.suptitle(plain(text), x=0.2 / width, y=1 - 0.12 / height, ha="left", va="top",
                 fontsize=TITLE_SIZE, color=INK, linespacing=1.5)


def title_height(text: str) -> float:
    """Inches the title block needs."""
    return 0.2 + (text.count("\n") + 1) * TITLE_SIZE * 1.5 / 72


def figure_of(ax: Axes) -> Figure:
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    return fig


def style_axes(ax: Axes) -> None:
    """Quiet frame, light grid, consistent tick sizes."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=TICK_SIZE, colors=INK)
    ax.set_axisbelow(True)


def axes_title(ax: Axes, text: str, *, pad: float = 6.0) -> None:
    """The title of a chart drawn into axes the caller owns."""
    ax.set_title(plain(text), fontsize=TITLE_SIZE, loc="left", color=INK, pad=pad, y=1.0)


# ---------------------------------------------------------------- time axis


def span_days(scenario: Scenario, right: float) -> int:
    """Whole days needed to show 0..right (at least the programme)."""
    return max(scenario.days, int(-(-right // 24)))


def day_label(day: int, start_date: dt.date | None, *, with_date: bool = True) -> str:
    if start_date is None or not with_date:
        return f"D{day}"
    date = start_date + dt.timedelta(days=day - 1)
    return f"D{day} {date:%a}\n{date.day} {date:%b}"


def shows_dates(scenario: Scenario, right: float, inches: float | None) -> bool:
    """Whether day labels carry dates: a ``start_date``, and room (0.6 in a day) for them."""
    days = span_days(scenario, right)
    return scenario.start_date is not None and (
        days <= 21 if inches is None else inches / days >= 0.6)


def time_axis(ax: Axes, scenario: Scenario, right: float, *, labels: bool = True,
              inches: float | None = None) -> None:
    """x from 0 to ``right`` hours: a grid line at every midnight, D1…Dn (and dates) midday.

    Dates are added when the scenario has a ``start_date`` and each day has room for them
    (``inches``: the width of the axis, if known). The midnight lines are one collection,
    not ticks: tick objects are costly to lay out and draw.
    """
    days = span_days(scenario, right)
    ax.set_xlim(0.0, right)
    step = max(1, -(-days // 40))  # at most ~40 labels
    shown = [d for d in range(1, days + 1) if (d - 1) % step == 0]
    if labels:
        with_date = shows_dates(scenario, right, inches)
        ax.set_xticks([24.0 * (d - 1) + 12.0 for d in shown],
                      [day_label(d, scenario.start_date, with_date=with_date) for d in shown])
    else:
        ax.set_xticks([])  # no tick objects at all: each costs more to draw than a bar
    ax.xaxis.set_minor_locator(NullLocator())
    ax.tick_params(axis="x", which="major", length=0, labelsize=TICK_SIZE)
    midnights = [24.0 * d for d in range(1, days) if 24.0 * d < right]
    if midnights:
        ax.vlines(midnights, 0, 1, transform=ax.get_xaxis_transform(), colors=GRID,
                  linewidth=0.6, zorder=0.6, gid="midnights")


def time_axis_label(scenario: Scenario) -> str:
    text = "Programme day (24 h per day; grid lines at midnight)"
    if scenario.start_date is not None:
        text += f"; D1 = {scenario.start_date:%a} {scenario.start_date.day} " \
                f"{scenario.start_date:%b %Y}"
    return text


def calendar_spans(calendar: Calendar, days: int) -> tuple[list[tuple[float, float]],
                                                          list[tuple[float, float]]]:
    """``(nights, rest_days)`` as hour intervals over ``days`` days."""
    nights: list[tuple[float, float]] = []
    rest: list[tuple[float, float]] = []
    for day in range(1, days + 1):
        base = 24.0 * (day - 1)
        if day in calendar.rest_days:
            rest.append((base, base + 24.0))
            continue
        if calendar.day_start > 0:
            nights.append((base, base + calendar.day_start))
        if calendar.day_end < 24:
            nights.append((base + calendar.day_end, base + 24.0))
    return _merge(nights), rest


def _merge(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1e-9:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def shade_calendar(ax: Axes, calendar: Calendar, days: int) -> None:
    """Night (outside the working day) light grey, rest days darker, behind everything."""
    nights, rest = calendar_spans(calendar, days)
    for spans, colour, gid in ((nights, NIGHT, "night"), (rest, REST_DAY, "rest-days")):
        if not spans:
            continue
        verts = [[(lo, 0.0), (lo, 1.0), (hi, 1.0), (hi, 0.0)] for lo, hi in spans]
        coll = PolyCollection(verts, facecolors=colour, edgecolors="none", zorder=0,
                              transform=ax.get_xaxis_transform())
        coll.set_gid(gid)
        ax.add_collection(coll, autolim=False)


# ---------------------------------------------------------------- output


def check_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r} (choose from {', '.join(FORMATS)})")
    return fmt


def figure_bytes(fig: Figure, fmt: str = "png", dpi: float = 110) -> bytes:
    """The figure rendered as PNG, SVG or PDF (an SVG with the figure's tooltips)."""
    fmt = check_format(fmt)
    if fmt == "png":  # drawn on the figure's canvas and written as RGB when opaque
        png = png_bytes(fig, dpi, str(_METADATA["png"]["Software"]))
        if png is not None:
            return png

    def save() -> bytes:
        buffer = io.BytesIO()
        with drawing():
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_METADATA[fmt],
                        facecolor="white", **_OPTIONS.get(fmt, {}))
        return buffer.getvalue()

    return svg_bytes(fig, save) if fmt == "svg" else save()


def save_figure(fig: Figure, path: Path, *, fmt: str | None = None, dpi: float = 110) -> Path:
    """Render ``fig`` to ``path`` (format from ``fmt`` or the suffix), atomically."""
    fmt = check_format(fmt or path.suffix or "png")
    write_bytes_atomic(path, figure_bytes(fig, fmt, dpi))
    return path


def pixel_size(fig: Figure, dpi: float) -> tuple[int, int]:
    """``(width, height)`` in pixels of the PNG ``figure_bytes`` makes at ``dpi``."""
    width, height = fig.get_size_inches()
    return int(width * dpi), int(height * dpi)  # as Agg sizes its canvas: truncated
