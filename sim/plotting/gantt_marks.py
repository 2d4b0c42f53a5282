"""What the schedule chart marks over its bars: phase spans, due times, lateness, time
limits and breaches, the planned and actual end, and the injects that hit."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D

from sim.core.timefmt import format_time
from sim.plotting import style
from sim.plotting.label_lanes import GAP_IN, assign_lanes, text_sizes
from sim.plotting.rows import Layout, phase_extents, rect
from sim.plotting.timeline import Segment, inject_hits
from sim.plotting.tooltips import add_tooltip
from sim.results import RunResult

SPAN = 0.30  # phase summary bar height, in rows
LABEL_DX, LABEL_DY = -2.0, 6.0  # points from an inject's marker to its id


def draw_phase_marks(ax: Axes, result: RunResult, layout: Layout, colours: dict[str, str],
                     segments: dict[str, list[Segment]], hours_per_inch: float) -> None:
    """Phase spans on the summary rows, due marks, lateness, limit brackets and breaches."""
    spans, dues, late = [], [], []
    by_phase = {p.id: p for p in result.scenario.phases}
    for phase_id, first, last, row, start, end in phase_extents(result, layout, segments):
        if not layout.compact:
            spans.append((rect(start, end, first, SPAN), colours[phase_id]))
        if row.due_h is not None:
            dues.append([(row.due_h, first - 0.45), (row.due_h, last + 0.45)])
            if end > row.due_h + 1e-9:
                late.append(rect(row.due_h, end, first, SPAN + 0.12))
        phase = by_phase.get(phase_id)
        if phase is not None and phase.limit is not None:
            _bracket(ax, (start, end), phase.limit, (first, last), row.breach, hours_per_inch)
    if spans:
        coll = PolyCollection([v for v, _c in spans], facecolors=[c for _v, c in spans],
                              edgecolors="none", alpha=0.55, zorder=2)
        coll.set_gid("phase-spans")
        ax.add_collection(coll, autolim=False)
    if late:
        coll = PolyCollection(late, facecolors="none", edgecolors=style.ALERT, hatch="////",
                              linewidths=0.8, zorder=2.5)
        coll.set_gid("late")
        ax.add_collection(coll, autolim=False)
    if dues:
        lines = LineCollection(dues, colors=style.INK, linewidths=1.4, linestyles="--", zorder=5)
        lines.set_gid("due")
        ax.add_collection(lines, autolim=False)


def _bracket(ax: Axes, span: tuple[float, float], limit: float, block: tuple[int, int],
             breach: bool, hours_per_inch: float) -> None:
    """A bracket from the phase's first start over its ``limit``; the overrun shaded.

    The words go on the phase's own summary row, just left of its start (where that row
    is empty), or right of the bracket when there is no room on the left.
    """
    (start, end), (first, last) = span, block
    y, tick = first - 0.38, 0.22
    colour = style.ALERT if breach else style.INK
    line = Line2D([start, start, start + limit, start + limit], [y + tick, y, y, y + tick],
                  color=colour, linewidth=1.3, zorder=6)
    line.set_gid("limit")
    ax.add_line(line)
    took = end - start
    text = f"limit {_hours(limit)}: took {_hours(took)}"
    if breach:
        text += f", BREACH +{_hours(took - limit)}"
        over = PolyCollection([[(start + limit, first - 0.5), (start + limit, last + 0.5),
                                (end, last + 0.5), (end, first - 0.5)]],
                              facecolors=style.ALERT, alpha=0.18, edgecolors="none", zorder=1.5)
        over.set_gid("breach")
        ax.add_collection(over, autolim=False)
    room = start > (len(text) + 2) * style.text_width(1, style.SMALL_SIZE) * hours_per_inch
    x, dx, ha = (start, -4, "right") if room else (max(end, start + limit), 4, "left")
    ax.annotate(text, (x, first), xytext=(dx, 0), textcoords="offset points",
                fontsize=style.SMALL_SIZE, va="center", ha=ha, color=colour,
                fontweight="bold" if breach else None, zorder=6, gid="limit-label")


def _hours(value: float) -> str:
    """``51.3`` -> ``"51h18"``: limits read best in hours."""
    minutes = round(value * 60)
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}" if m else f"{h}h"


def draw_ends(ax: Axes, result: RunResult) -> None:
    """The planned end (dash-dot) and the run's end (green on time, else vermillion)."""
    ax.axvline(result.planned_end_h, color=style.INK, linestyle="-.", linewidth=1.2, zorder=5,
               gid="planned-end")
    colour = style.OKABE_ITO["bluish_green"] if result.on_time else style.ALERT
    ax.axvline(result.end_h, color=colour, linestyle="-", linewidth=1.6, zorder=5, gid="end")


def draw_injects(ax: Axes, result: RunResult, hours_per_inch: float) -> float:
    """A marker and a dotted line per inject that hit, ids above the chart, in lanes so
    that no two ids overlap (measured by the renderer). Returns the points above the
    axes the ids take (0 without injects).

    Each id carries a tooltip in SVG: its time, kind and description.
    """
    hits = inject_hits(result)
    if not hits:
        return 0.0
    xs = [h.t for h in hits]
    ax.vlines(xs, 0, 1, transform=ax.get_xaxis_transform(), colors=style.INK,
              linestyles=":", linewidth=0.8, alpha=0.7, zorder=4, gid="inject-lines")
    (marks,) = ax.plot(xs, [1.0] * len(xs), transform=ax.get_xaxis_transform(),
                       linestyle="none", marker="v", markersize=6, color=style.INK,
                       clip_on=False, zorder=7)
    marks.set_gid("inject-markers")
    fig = style.figure_of(ax)
    by_id = {i.id: i for i in result.scenario.injects}
    labels = []
    for hit in hits:
        label = ax.annotate(style.plain(hit.id), (hit.t, 1.0), xycoords=("data", "axes fraction"),
                            xytext=(LABEL_DX, LABEL_DY), textcoords="offset points",
                            fontsize=style.SMALL_SIZE, ha="left", va="bottom", color=style.INK,
                            annotation_clip=False, gid="inject-label")
        inject = by_id.get(hit.id)
        words = f": {inject.description}" if inject is not None and inject.description else ""
        add_tooltip(fig, label, f"{hit.id} at {format_time(hit.t)} ({hit.kind}){words}",
                    "inject-label")
        labels.append(label)
    sizes = text_sizes(fig, labels)
    lanes = assign_lanes([(h.t / hours_per_inch + LABEL_DX / 72,
                           h.t / hours_per_inch + LABEL_DX / 72 + w)
                          for h, (w, _h) in zip(hits, sizes, strict=True)], gap=GAP_IN)
    step = max(h for _w, h in sizes) * 72 + 1.0  # points per lane
    for label, lane in zip(labels, lanes, strict=True):
        label.xyann = (LABEL_DX, LABEL_DY + step * lane)
    return LABEL_DY + step * (max(lanes) + 1)
