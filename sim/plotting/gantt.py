"""The schedule (Gantt) chart of one run, with the plan behind it as ghost bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from sim.core.timefmt import format_duration, format_time
from sim.plotting import style
from sim.plotting.rows import (
    MAX_ROWS,
    Layout,
    Row,
    activity_layout,
    group_layout,
    phase_extents,
    rect,
    union,
)
from sim.plotting.timeline import Segment, activity_segments, chart_end, inject_hits
from sim.results import RunResult

By = Literal["activity", "group"]
BAR = 0.56  # bar height, in rows
GHOST = 0.84  # plan bar height
SPAN = 0.30  # phase summary bar height


def gantt(result: RunResult, plan: RunResult | None = None, *, by: By = "activity",
          ax: Axes | None = None, max_rows: int = MAX_ROWS) -> Figure:
    """The schedule: one row per activity (or per team with ``by="group"``), by phase.

    Bars are work segments coloured by phase (pauses leave gaps); ``plan`` (a run
    made with ``plan=True``) is drawn as faint ghost bars behind. Nights and rest
    days are shaded, injects that hit are marked with their ids, phase due times
    are marked, and a phase ``limit`` is bracketed with any breach highlighted.
    Above ``max_rows`` activity rows the chart draws one row per phase and says so.
    """
    if by not in ("activity", "group"):
        raise ValueError(f"by must be 'activity' or 'group', not {by!r}")
    segments = activity_segments(result)
    plan_segments = activity_segments(plan) if plan is not None else {}
    colours = {p.id: style.series_colour(k) for k, p in enumerate(result.scenario.phases)}
    bar_colours = {a.id: colours.get(a.phase, style.INK) for a in result.activities} | colours
    layout: Layout | None = None
    if by == "activity":
        layout = activity_layout(result, max_rows=max_rows)
        rows = layout.rows
        bars = _activity_bars(layout, segments)
        ghosts = _activity_bars(layout, plan_segments)
    else:
        rows, bars = group_layout(result, segments)
        ghosts = group_layout(result, plan_segments)[1] if plan is not None else []
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
    _draw_bars(ax, bars, bar_colours, gid="actual-bars", height=BAR)
    if layout is not None:
        if not layout.compact:
            _draw_pauses(ax, bars)
        _draw_phase_marks(ax, result, layout, colours, segments, right / width_in)
    else:
        _draw_pauses(ax, bars)
        _label_wide_bars(ax, bars, right / width_in)
        _shade_unavailable(ax, result, rows)
    _draw_ends(ax, result)
    levels = _draw_injects(ax, result, right / width_in)
    dated = style.shows_dates(result.scenario, right, width_in)
    style.time_axis(ax, result.scenario, right, inches=width_in)
    ax.set_xlabel(style.time_axis_label(result.scenario), fontsize=style.LABEL_SIZE)
    legend = _legend(ax, result, plan, colours, layout)
    title, subtitle = _title(result, by, layout, max_rows), _subtitle(result, plan)
    if own_figure:
        _fit_figure(fig, ax, rows, levels=levels, legend=legend, title=f"{title}\n{subtitle}",
                    dated=dated)
    else:
        _rows_as_ticks(ax, rows)
        style.axes_title(ax, f"{title}\n{subtitle}", pad=10.0 + 9.0 * levels)
    return fig


# ---------------------------------------------------------------- layout

PLOT_WIDTH = 10.5  # inches of time axis in a figure of its own


def _row_height(n: int) -> float:
    """Inches per row: roomy for a few rows, never below 0.16 in (about 7 pt labels)."""
    return max(0.16, min(0.32, 8.0 / max(n, 1)))


def _label_size(row_h: float) -> float:
    return max(5.5, min(style.TICK_SIZE, row_h * 72.0 * 0.62))


def _fit_figure(fig: Figure, ax: Axes, rows: Sequence[Row], *, levels: int, legend: Legend,
                title: str, dated: bool) -> None:
    """Size the figure to its rows and fix the margins by arithmetic.

    Cheaper than a layout engine at hundreds of rows: row labels are plain texts at the
    axes' left edge (no tick machinery), and the margins follow from their lengths.
    """
    n = max(len(rows), 1)
    row_h = _row_height(n)
    size = _label_size(row_h)
    ax.set_ylim(n - 0.5, -0.5)  # first row at the top
    row_labels(ax, rows, size)
    longest = max((len(r.label) * (1.1 if r.kind == "phase" else 1.0) for r in rows), default=4)
    left = 0.25 + style.text_width(int(longest) + 1, size)
    legend_chars = max(len(t.get_text()) for t in legend.get_texts())
    right = 0.8 + 0.85 * style.text_width(legend_chars, style.SMALL_SIZE + 0.5)
    top = style.title_height(title) + (0.2 + 9.0 * levels / 72 if levels else 0.1)
    bottom = 0.3 + (2 if dated else 1) * style.TICK_SIZE * 1.35 / 72 + style.LABEL_SIZE / 72
    height = max(n * row_h, legend_rows_height(legend)) + top + bottom
    width = left + PLOT_WIDTH + right
    fig.set_size_inches(width, height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height)
    style.figure_title(fig, title)


def legend_rows_height(legend: Legend) -> float:
    """Inches the legend needs, so a short chart is made tall enough to show all of it."""
    return 0.5 + len(legend.get_texts()) * (style.SMALL_SIZE + 0.5) * 1.75 / 72


def _rows_as_ticks(ax: Axes, rows: Sequence[Row]) -> None:
    """Row labels as y ticks, for a chart drawn into someone else's axes."""
    n = len(rows)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(range(n), [style.plain(r.label) for r in rows], fontsize=style.TICK_SIZE)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row.kind == "phase":
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    _row_rules(ax, rows)


def row_labels(ax: Axes, rows: Sequence[Row], size: float) -> None:
    """Row labels left of the plot (phase rows in bold) and the rules between blocks."""
    ax.set_yticks([])
    to_text = blended_transform_factory(ax.transAxes, ax.transData)
    for k, row in enumerate(rows):
        ax.text(-0.006, k, style.plain(row.label), transform=to_text, ha="right", va="center",
                fontsize=size, color=style.INK, clip_on=False,
                fontweight="bold" if row.kind == "phase" else "normal")
    _row_rules(ax, rows)


def _row_rules(ax: Axes, rows: Sequence[Row]) -> None:
    """A thin rule above each phase (or each group's first team)."""
    ys = [k - 0.5 for k, row in enumerate(rows)
          if k and (row.kind == "phase" or (row.group and row.group != rows[k - 1].group))]
    if ys:
        ax.hlines(ys, 0, 1, transform=ax.get_yaxis_transform(), colors=style.GRID,
                  linewidth=0.8, zorder=0.5)


def _activity_bars(layout: Layout,
                   segments: dict[str, list[Segment]]) -> list[tuple[int, Segment]]:
    """``(row, segment)`` per work segment; in compact view, each phase's busy periods."""
    out: list[tuple[int, Segment]] = []
    for aid, segs in segments.items():
        index = layout.row_of.get(aid)
        if index is not None:
            out.extend((index, seg) for seg in segs)
    if not layout.compact:
        return out
    merged: list[tuple[int, Segment]] = []
    for index, row in enumerate(layout.rows):
        spans = union([(s.start, s.end) for r, s in out if r == index])
        merged.extend((index, Segment(row.phase or "", lo, hi)) for lo, hi in spans)
    return merged


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
    by_key: dict[tuple[int, str], list[Segment]] = {}
    for row, seg in bars:
        by_key.setdefault((row, seg.activity), []).append(seg)
    lines = [[(a.end, row), (b.start, row)]
             for (row, _aid), segs in by_key.items()
             for a, b in zip(sorted(segs, key=lambda s: s.start),
                             sorted(segs, key=lambda s: s.start)[1:], strict=False)
             if b.start > a.end]
    if lines:
        coll = LineCollection(lines, colors=style.INK, linewidths=0.7, linestyles=(0, (1, 2)),
                              alpha=0.6, zorder=2)
        coll.set_gid("pauses")
        ax.add_collection(coll, autolim=False)


def _draw_phase_marks(ax: Axes, result: RunResult, layout: Layout, colours: dict[str, str],
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


def _hours(hours: float) -> str:
    """``51.3`` -> ``"51h18"``: limits read best in hours."""
    minutes = round(hours * 60)
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}" if m else f"{h}h"


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
    from sim.plotting.timeline import group_unavailable_spans

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


def _draw_ends(ax: Axes, result: RunResult) -> None:
    ax.axvline(result.planned_end_h, color=style.INK, linestyle="-.", linewidth=1.2, zorder=5,
               gid="planned-end")
    colour = style.OKABE_ITO["bluish_green"] if result.on_time else style.ALERT
    ax.axvline(result.end_h, color=colour, linestyle="-", linewidth=1.6, zorder=5, gid="end")


def _draw_injects(ax: Axes, result: RunResult, hours_per_inch: float) -> int:
    """A marker and a dotted line per inject that hit, ids above the chart. Returns label rows."""
    hits = inject_hits(result)
    if not hits:
        return 0
    xs = [h.t for h in hits]
    ax.vlines(xs, 0, 1, transform=ax.get_xaxis_transform(), colors=style.INK,
              linestyles=":", linewidth=0.8, alpha=0.7, zorder=4, gid="inject-lines")
    (marks,) = ax.plot(xs, [1.0] * len(xs), transform=ax.get_xaxis_transform(),
                       linestyle="none", marker="v", markersize=6, color=style.INK,
                       clip_on=False, zorder=7)
    marks.set_gid("inject-markers")
    hours_per_char = style.text_width(1, style.SMALL_SIZE) * hours_per_inch
    level_end: list[float] = []
    for hit in hits:
        need = (len(hit.id) + 1.5) * hours_per_char
        level = next((k for k, x in enumerate(level_end) if hit.t >= x), len(level_end))
        if level == len(level_end):
            level_end.append(0.0)
        level_end[level] = hit.t + need
        ax.annotate(style.plain(hit.id), (hit.t, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-2, 6 + 9 * level), textcoords="offset points",
                    fontsize=style.SMALL_SIZE, ha="left", va="bottom", color=style.INK,
                    annotation_clip=False, gid="inject-label")
    return len(level_end)


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
