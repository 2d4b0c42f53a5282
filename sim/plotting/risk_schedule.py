"""The schedule under uncertainty: plan start to P50 finish, coloured by criticality."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Colormap, LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from sim.core.timefmt import format_time
from sim.plotting import style
from sim.plotting.framing import LEGEND_W, empty_figure, frame, legend_right, titled
from sim.plotting.risk import GREEN
from sim.plotting.rows import MAX_ROWS, Layout, Row, activity_layout
from sim.plotting.schedule_axes import (
    PLOT_WIDTH,
    axis_margin,
    label_margin,
    label_size,
    row_height,
    row_labels,
)
from sim.results import RunResult

if TYPE_CHECKING:
    from sim.ensemble import EnsembleResult
    from sim.scenario.model import Scenario

# Criticality: light grey (never critical) through orange to vermillion (always).
CRITICALITY_CMAP: Colormap = LinearSegmentedColormap.from_list(
    "criticality", ["#e4e4e4", style.OKABE_ITO["orange"], style.ALERT])
ROW_MOST = 0.3  # inches: the tallest row


Item = tuple[int, float, float, float, float, float]  # row, start, p10, p50, p90, criticality


def risk_gantt(result: EnsembleResult, plan: RunResult, ax: Axes | None = None, *,
               max_rows: int = MAX_ROWS) -> Figure:
    """The schedule under uncertainty: bars from the plan's start to the P50 finish.

    Bars are coloured by criticality (share of runs on the critical chain, colour bar);
    whiskers span P10–P90 of each activity's finish. ``plan`` is the plan run
    (``simulate(scenario, seed, plan=True)``). The planned end and the P10–P90 band of
    the end time are drawn across the chart; nights and rest days are shaded.
    """
    st, sc = result.stats, result.scenario
    title = f"Schedule under uncertainty: {sc.name}"
    if st.n == 0:
        return empty_figure(title, "No replication finished: nothing to draw.", ax)
    layout = activity_layout(plan, max_rows=max_rows)
    items = _items(result, plan, layout)
    end10, end50, end90 = (st.end_q.quantile(p) for p in (0.1, 0.5, 0.9))
    right = 24.0 * style.span_days(sc, max([sc.planned_end, st.end_q.high,
                                            *(it[4] for it in items)]))
    full = (f"{title}" + (" — COMPACT VIEW: one row per phase" if layout.compact else "")
            + f"\n{st.n} runs · bar: plan start → P50 finish, coloured by criticality · "
            f"whiskers: P10–P90 finish · end P50 {format_time(end50)}, "
            f"P90 {format_time(end90)} (planned end {format_time(sc.planned_end)})")
    own = ax is None
    fig, ax, plot_w = _frame(ax, layout.rows, sc, right, full)
    style.style_axes(ax)
    style.shade_calendar(ax, sc.calendar, round(right / 24))
    ax.axvspan(end10, end90, color=GREEN, alpha=0.12, zorder=0.8, linewidth=0, gid="end-band")
    norm = Normalize(0.0, 1.0)
    _draw_items(ax, items, norm)
    _phase_marks(ax, sc, layout.blocks)
    ax.axvline(sc.planned_end, color=style.ALERT, linestyle="-.", linewidth=1.3, zorder=6,
               gid="planned-end")
    ax.axvline(end50, color=GREEN, linewidth=1.5, zorder=6, gid="end-p50")
    style.time_axis(ax, sc, right, inches=plot_w)
    ax.set_xlabel(style.time_axis_label(sc), fontsize=style.LABEL_SIZE)
    rows = layout.rows
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    if own:
        row_labels(ax, rows, label_size(row_height(len(rows), ROW_MOST)))
    else:
        ax.set_yticks(range(len(rows)), [style.plain(r.label) for r in rows],
                      fontsize=style.TICK_SIZE)
    _legend(ax, sc, end50, plot_w)
    _colour_bar(fig, ax, norm)
    titled(fig, ax, own, full)
    return fig


def _items(result: EnsembleResult, plan: RunResult, layout: Layout) -> list[Item]:
    """A bar per activity on a row that started in the plan and finished in some run."""
    st = result.stats
    starts = {a.id: a.start_h for a in plan.activities}
    crit = st.criticality()
    items = []
    for i, aid in enumerate(st.layout.activities):
        row, start, q = layout.row_of.get(aid), starts.get(aid), st.finish_q[i]
        if row is None or start is None or q.n == 0:
            continue
        items.append((row, start, q.quantile(0.1), q.quantile(0.5), q.quantile(0.9),
                      crit.get(aid, 0.0)))
    return items


def _frame(ax: Axes | None, rows: Sequence[Row], sc: Scenario, right: float,
           title: str) -> tuple[Figure, Axes, float]:
    """A figure of its own sized to the rows, or the given ``ax``; and the plot's width."""
    if ax is not None:
        fig = style.figure_of(ax)
        return fig, ax, fig.get_size_inches()[0] * ax.get_position().width
    n = max(len(rows), 1)
    row_h = row_height(n, ROW_MOST)
    dated = style.shows_dates(sc, right, PLOT_WIDTH)
    fig, ax = frame((PLOT_WIDTH, max(n * row_h, 3.6)), left=label_margin(rows, label_size(row_h)),
                    right=1.25 + LEGEND_W, top=style.title_height(title) + 0.1,
                    bottom=axis_margin(dated))
    return fig, ax, PLOT_WIDTH


def _draw_items(ax: Axes, items: Sequence[Item], norm: Normalize) -> None:
    """Bars (diamonds where start and P50 finish meet) and P10–P90 whiskers."""
    solid = [it for it in items if it[3] - it[1] > 1e-6]
    milestones = [it for it in items if it[3] - it[1] <= 1e-6]
    if solid:
        verts = [[(s, r - 0.3), (s, r + 0.3), (p50, r + 0.3), (p50, r - 0.3)]
                 for r, s, _p10, p50, _p90, _c in solid]
        faces = [CRITICALITY_CMAP(norm(c)) for *_x, c in solid]
        bars = PolyCollection(verts, facecolors=faces, edgecolors=style.INK, linewidths=0.4,
                              zorder=3)
        bars.set_gid("bars")
        ax.add_collection(bars, autolim=False)
    if milestones:
        ax.scatter([it[3] for it in milestones], [it[0] for it in milestones], marker="D",
                   s=22, c=[CRITICALITY_CMAP(norm(it[5])) for it in milestones],
                   edgecolors=style.INK, linewidths=0.5, zorder=4, gid="milestones")
    segs: list[list[tuple[float, float]]] = []
    for r, _s, p10, _p50, p90, _c in items:
        segs += [[(p10, r), (p90, r)], [(p10, r - 0.18), (p10, r + 0.18)],
                 [(p90, r - 0.18), (p90, r + 0.18)]]
    whiskers = LineCollection(segs, colors=style.INK, linewidths=0.9, zorder=5)
    whiskers.set_gid("whiskers")
    ax.add_collection(whiskers, autolim=False)


def _legend(ax: Axes, sc: Scenario, end50: float, plot_w: float) -> None:
    handles: list[Patch | Line2D] = [
        Patch(facecolor=CRITICALITY_CMAP(0.75), edgecolor=style.INK,
              label="plan start → P50 finish"),
        Line2D([], [], color=style.INK, marker="|", markersize=8, label="P10–P90 finish"),
        Line2D([], [], color=style.INK, linestyle="--", label="phase due"),
        Line2D([], [], color=style.ALERT, linestyle="-.",
               label=f"planned end {format_time(sc.planned_end)}"),
        Line2D([], [], color=GREEN, linewidth=1.5, label=f"P50 end {format_time(end50)}"),
        Patch(facecolor=GREEN, alpha=0.12, label="P10–P90 end"),
        Patch(facecolor=style.NIGHT, edgecolor=style.GRID, label="night")]
    if sc.calendar.rest_days:
        handles.append(Patch(facecolor=style.REST_DAY, label="rest day"))
    legend_right(ax, handles, x=1.0 + 1.15 / plot_w)


def _phase_marks(ax: Axes, scenario: Scenario, blocks: dict[str, tuple[int, int]]) -> None:
    dues = [[(p.due, blocks[p.id][0] - 0.5), (p.due, blocks[p.id][1] + 0.5)]
            for p in scenario.phases if p.due is not None and p.id in blocks]
    if dues:
        lines = LineCollection(dues, colors=style.INK, linewidths=1.2, linestyles="--",
                               zorder=4)
        lines.set_gid("due")
        ax.add_collection(lines, autolim=False)


def _colour_bar(fig: Figure, ax: Axes, norm: Normalize) -> None:
    box = ax.get_position()
    width, height = fig.get_size_inches()
    cax = fig.add_axes((box.x1 + 0.15 / width, box.y0 + box.height * 0.02, 0.16 / width,
                        min(box.height * 0.5, 2.6 / height)))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=CRITICALITY_CMAP), cax=cax,
                       format=PercentFormatter(1.0, decimals=0))
    bar.set_label("criticality: share of runs on the critical chain",
                  fontsize=style.SMALL_SIZE + 0.5)
    bar.ax.tick_params(labelsize=style.SMALL_SIZE)
    cax.set_gid("criticality-colourbar")
