"""The schedule (Gantt) chart of one run, with the plan behind it as ghost bars.

Row labels are fitted at word boundaries (two lines when the rows are high enough,
else shortened between whole words); inject ids go in lanes so that none overlap. In a
figure of its own, the MSEL table (every inject's id, time, outcome and text) and the
shortened names in full are set under the chart; in SVG, shortened labels and inject
ids carry tooltips with the whole text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.core.timefmt import format_duration, format_time
from sim.plotting import style
from sim.plotting.gantt_marks import draw_ends, draw_injects, draw_phase_marks
from sim.plotting.gantt_notes import draw_notes, notes_for
from sim.plotting.rows import (
    MAX_ROWS,
    Layout,
    Row,
    activity_bars,
    activity_layout,
    group_layout,
    pause_lines,
    rect,
)
from sim.plotting.schedule_axes import (
    PLOT_WIDTH,
    axis_margin,
    label_margin,
    label_size,
    row_height,
    row_labels,
    rows_as_ticks,
)
from sim.plotting.timeline import (
    Segment,
    activity_segments,
    chart_end,
    group_unavailable_spans,
    inject_hits,
)
from sim.results import RunResult

By = Literal["activity", "group"]
Bars = list[tuple[int, Segment]]
BAR = 0.56  # bar height, in rows
GHOST = 0.84  # plan bar height


def gantt(result: RunResult, plan: RunResult | None = None, *, by: By = "activity",
          ax: Axes | None = None, max_rows: int = MAX_ROWS) -> Figure:
    """The schedule: one row per activity (or per team with ``by="group"``), by phase.

    Bars are work segments coloured by phase (pauses leave gaps); ``plan`` (a run
    made with ``plan=True``) is drawn as faint ghost bars behind. Nights and rest
    days are shaded, injects that hit are marked with their ids, phase due times
    are marked, and a phase ``limit`` is bracketed with any breach highlighted.
    Above ``max_rows`` activity rows the chart draws one row per phase and says so;
    in a figure of its own, the MSEL table and the names in full go under it.
    """
    if by not in ("activity", "group"):
        raise ValueError(f"by must be 'activity' or 'group', not {by!r}")
    segments = activity_segments(result)
    layout, rows, bars, ghosts = _rows(result, plan, by, segments, max_rows)
    colours = {p.id: style.series_colour(k) for k, p in enumerate(result.scenario.phases)}
    right = chart_end(result, plan)
    own_figure = ax is None
    if ax is None:
        fig = style.new_figure(PLOT_WIDTH, 4.0)
        ax = fig.add_subplot()
    else:
        fig = style.figure_of(ax)
    width_in = PLOT_WIDTH if own_figure else fig.get_size_inches()[0] * ax.get_position().width
    style.style_axes(ax)
    style.shade_calendar(ax, result.scenario.calendar, round(right / 24))
    _draw_bars(ax, ghosts, None, gid="plan-bars", height=GHOST)
    bar_colours = {a.id: colours.get(a.phase, style.INK) for a in result.activities} | colours
    _draw_bars(ax, bars, bar_colours, gid="actual-bars", height=BAR)
    if layout is not None:
        if not layout.compact:
            _draw_pauses(ax, bars)
        draw_phase_marks(ax, result, layout, colours, segments, right / width_in)
    else:
        _draw_pauses(ax, bars)
        _label_wide_bars(ax, bars, right / width_in)
        _shade_unavailable(ax, result, rows)
    draw_ends(ax, result)
    above = draw_injects(ax, result, right / width_in)
    dated = style.shows_dates(result.scenario, right, width_in)
    style.time_axis(ax, result.scenario, right, inches=width_in)
    ax.set_xlabel(style.time_axis_label(result.scenario), fontsize=style.LABEL_SIZE)
    legend = _legend(ax, result, plan, colours, layout)
    title = f"{_title(result, by, layout, max_rows)}\n{_subtitle(result, plan)}"
    if own_figure:
        _fit_figure(fig, ax, result, rows, above=above, legend=legend, title=title, dated=dated)
    else:
        rows_as_ticks(ax, rows)
        style.axes_title(ax, title, pad=4.0 + above)
    return fig


def _rows(result: RunResult, plan: RunResult | None, by: By,
          segments: dict[str, list[Segment]],
          max_rows: int) -> tuple[Layout | None, list[Row], Bars, Bars]:
    """``(layout, rows, bars, plan bars)``: the layout by activity (``None`` by group)."""
    plan_segments = activity_segments(plan) if plan is not None else {}
    if by == "activity":
        layout = activity_layout(result, max_rows=max_rows)
        return (layout, layout.rows, activity_bars(layout, segments),
                activity_bars(layout, plan_segments))
    rows, bars = group_layout(result, segments)
    return None, rows, bars, group_layout(result, plan_segments)[1] if plan is not None else []


# ---------------------------------------------------------------- layout


def _fit_figure(fig: Figure, ax: Axes, result: RunResult, rows: Sequence[Row], *,
                above: float, legend: Legend, title: str, dated: bool) -> None:
    """Size the figure to its rows, inject lanes (``above``: points) and the notes under
    it (the MSEL table, the names in full), and fix the margins by arithmetic."""
    n = max(len(rows), 1)
    row_h = row_height(n)
    size = label_size(row_h)
    ax.set_ylim(n - 0.5, -0.5)  # first row at the top
    shortened = row_labels(ax, rows, size, row_h)
    left = label_margin(rows, size, row_h)
    legend_chars = max(len(t.get_text()) for t in legend.get_texts())
    right = 0.8 + 0.85 * style.text_width(legend_chars, style.SMALL_SIZE + 0.5)
    top = style.title_height(title) + (0.14 + above / 72 if above else 0.1)
    width = left + PLOT_WIDTH + right
    fig.set_size_inches(width, fig.get_size_inches()[1])
    notes = notes_for(result, shortened, fig)
    bottom = axis_margin(dated) + notes.height
    height = max(n * row_h, legend_rows_height(legend)) + top + bottom
    fig.set_size_inches(width, height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height)
    style.figure_title(fig, title)
    draw_notes(fig, notes)


def legend_rows_height(legend: Legend) -> float:
    """Inches the legend needs, so a short chart is made tall enough to show all of it."""
    return 0.5 + len(legend.get_texts()) * (style.SMALL_SIZE + 0.5) * 1.75 / 72


# ---------------------------------------------------------------- drawing


def _draw_bars(ax: Axes, bars: Sequence[tuple[int, Segment]], colours: dict[str, str] | None,
               *, gid: str, height: float) -> None:
    """One rectangle per segment of positive length; zero-length ones are milestones."""
    solid = [(row, s) for row, s in bars if s.end > s.start]
    if solid:
        verts = [rect(s.start, s.end, row, height) for row, s in solid]
        if colours is None:  # the plan: faint outlined ghosts behind
            coll = PolyCollection(verts, facecolors=style.PLAN_FILL, edgecolors=style.PLAN_GHOST,
                                  linewidths=0.9, zorder=1)
        else:
            faces = [colours.get(s.activity, style.INK) for _, s in solid]
            coll = PolyCollection(  # edges in the face colour keep short bars visible
                verts, facecolors=faces,
                edgecolors=[style.ALERT if s.open else c for (_, s), c in zip(solid, faces,
                                                                               strict=True)],
                linewidths=[1.5 if s.open else 0.6 for _, s in solid], zorder=3)
        coll.set_gid(gid)
        ax.add_collection(coll, autolim=False)
    points = [(s.start, row) for row, s in bars if s.end <= s.start]
    if points:
        xs, ys = zip(*points, strict=True)
        (line,) = ax.plot(xs, ys, linestyle="none", marker="D", markersize=6,
                          markerfacecolor=style.PLAN_GHOST if colours is None else style.INK,
                          markeredgecolor="white", alpha=0.5 if colours is None else 1.0,
                          zorder=1 if colours is None else 4)
        line.set_gid(gid.replace("bars", "milestones"))


def _draw_pauses(ax: Axes, bars: Sequence[tuple[int, Segment]]) -> None:
    """A thin dotted line across each gap where an activity's work was paused."""
    lines = pause_lines(bars)
    if lines:
        coll = LineCollection(lines, colors=style.INK, linewidths=0.7, linestyles=(0, (1, 2)),
                              alpha=0.6, zorder=2)
        coll.set_gid("pauses")
        ax.add_collection(coll, autolim=False)


def _label_wide_bars(ax: Axes, bars: Sequence[tuple[int, Segment]],
                     hours_per_inch: float) -> None:
    """By group: the activity id inside bars wide enough to hold it."""
    per_char = style.text_width(1, style.SMALL_SIZE - 1) * hours_per_inch
    for row, seg in bars:
        if seg.end - seg.start >= (len(seg.activity) + 1) * per_char:
            ax.text((seg.start + seg.end) / 2, row, style.plain(seg.activity),
                    fontsize=style.SMALL_SIZE - 1, ha="center", va="center", color=style.INK,
                    clip_on=True, zorder=4)


def _shade_unavailable(ax: Axes, result: RunResult, rows: Sequence[Row]) -> None:
    """By group: time a group took part in nothing (an inject) cross-hatched over its rows."""
    verts = []
    for group in result.scenario.groups:
        k = [i for i, r in enumerate(rows) if r.group == group.id]
        if not k:
            continue
        for lo, hi in group_unavailable_spans(result, group.id):
            verts.append([(lo, k[0] - 0.5), (lo, k[-1] + 0.5), (hi, k[-1] + 0.5),
                          (hi, k[0] - 0.5)])
    if verts:
        coll = PolyCollection(verts, facecolors="none", edgecolors=style.ALERT, hatch="xx",
                              linewidths=0.0, alpha=0.6, zorder=2)
        coll.set_gid("group-unavailable")
        ax.add_collection(coll, autolim=False)


# ---------------------------------------------------------------- words


def _title(result: RunResult, by: By, layout: Layout | None, max_rows: int) -> str:
    title = f"Schedule: {result.scenario.name}"  # figure_title/axes_title escape it
    if by == "group":
        title += " — by group and team"
    if layout is not None and layout.compact:
        title += (f" — COMPACT VIEW: {layout.activity_rows} activity rows exceed "
                  f"{max_rows}, so each phase is one row holding all its activities")
    return title


def _subtitle(result: RunResult, plan: RunResult | None) -> str:
    verdict = ("on time" if result.on_time else
               "INCOMPLETE" if result.stuck else
               f"late by {format_duration(result.end_h - result.planned_end_h)}")
    count = len(result.activities)
    text = (f"seed {result.seed} · {count} activity instances · finished "
            f"{format_time(result.end_h)} (planned end {format_time(result.planned_end_h)}): "
            f"{verdict}")
    if plan is not None:
        text += " · grey outlines: the plan (expected durations, no injects)"
    return text


def _legend(ax: Axes, result: RunResult, plan: RunResult | None, colours: dict[str, str],
            layout: Layout | None) -> Legend:
    handles: list[Patch | Line2D] = [Patch(facecolor=colours[p.id], label=style.plain(p.name))
                                     for p in result.scenario.phases]
    if plan is not None:
        handles.append(Patch(facecolor=style.PLAN_FILL, edgecolor=style.PLAN_GHOST,
                             label=f"plan (ghost): ends {format_time(plan.end_h)}"))
    handles.append(Line2D([], [], color=style.INK, linestyle=(0, (1, 2)), label="paused"))
    if inject_hits(result):
        handles.append(Line2D([], [], color=style.INK, marker="v", linestyle=":",
                              label="inject that hit (id above)"))
    phases = result.phases.values()
    if layout is not None and any(p.due_h is not None for p in phases):
        handles.append(Line2D([], [], color=style.INK, linestyle="--", label="phase due"))
    if layout is not None and any(p.late_h is not None and p.late_h > 0 for p in phases):
        handles.append(Patch(facecolor="none", edgecolor=style.ALERT, hatch="////",
                             label="phase late (due to end)"))
    if layout is not None and any(p.limit_h is not None for p in phases):
        handles.append(Line2D([], [], color=style.INK, label="phase time limit (bracket)"))
    if layout is not None and any(p.breach for p in phases):
        handles.append(Patch(facecolor=style.ALERT, alpha=0.18, label="limit breached"))
    handles.append(Line2D([], [], color=style.INK, linestyle="-.",
                          label=f"planned end {format_time(result.planned_end_h)}"))
    handles.append(Line2D([], [], linewidth=1.6, label=f"end {format_time(result.end_h)}",
                          color=style.OKABE_ITO["bluish_green"] if result.on_time
                          else style.ALERT))
    handles.append(Patch(facecolor=style.NIGHT, edgecolor=style.GRID, label="night"))
    if result.scenario.calendar.rest_days:
        handles.append(Patch(facecolor=style.REST_DAY, label="rest day"))
    return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0),
              fontsize=style.SMALL_SIZE + 0.5, frameon=False, title="Legend",
              title_fontsize=style.LABEL_SIZE, alignment="left")
