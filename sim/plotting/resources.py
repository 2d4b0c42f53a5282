"""Resource and group charts: units in use, utilisation by day, team workload by day."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
from numpy.typing import NDArray

from sim.plotting import style
from sim.plotting.framing import empty_figure
from sim.plotting.rows import shorten
from sim.plotting.timeline import chart_end, days_shown, resource_utilisation_by_day
from sim.results import RunResult, usage_steps
from sim.scenario.model import Resource

LEGEND_ROOM = 0.35  # inches under the panels for a one-line legend
GREEN = style.OKABE_ITO["bluish_green"]


def _bottom_legend(fig: Figure, handles: list[Patch | Line2D]) -> None:
    height = fig.get_size_inches()[1]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.08 / height),
               ncols=len(handles), fontsize=style.SMALL_SIZE + 0.5, frameon=False)


def _bottom(dated: bool) -> float:
    """Inches under the panels: day labels (one or two lines), axis label, legend."""
    return (0.7 if dated else 0.55) + LEGEND_ROOM


def _x_labels_only_at_bottom(axes: list[Axes], ncols: int) -> None:
    """Day labels only on the panels with no panel below them (they share the time axis).

    (Panel titles are placed with an explicit ``y``: left to itself, matplotlib measures
    every tick label to place a title, which costs more than drawing the panel.)
    """
    for k, ax in enumerate(axes):
        if k + ncols < len(axes):
            ax.set_xticks([])  # no tick objects at all: they are costly, and unlabelled
        else:
            ax.set_xlabel("Programme day", fontsize=style.LABEL_SIZE)


def resource_usage(result: RunResult) -> Figure:
    """Small multiples: units of each resource in use against its capacity over time.

    Capacity taken away by injects is shaded in vermillion between the reduced and
    the nominal capacity; time the resource cannot be used (outside the working day
    for ``hours: working``) is shaded grey.
    """
    sc = result.scenario
    title = f"Resources in use: {sc.name} (seed {result.seed})"
    if not sc.resources:
        return empty_figure(title, "This scenario has no resources.")
    right = chart_end(result)
    ncols = 1 if len(sc.resources) <= 3 else 2
    panel_w = 13.0 / ncols - 0.35 * (ncols - 1)
    dated = sc.start_date is not None and panel_w / round(right / 24) >= 0.6
    fig, axes = style.panel_grid(
        len(sc.resources), ncols, panel=(panel_w, 1.55), left=0.75, right=0.3,
        top=style.title_height(title) + 0.35, bottom=_bottom(dated), hgap=0.45)
    for k, (ax, res) in enumerate(zip(axes, sc.resources, strict=True)):
        _usage_panel(ax, result, res, right)
        style.time_axis(ax, sc, right, inches=panel_w, labels=k + ncols >= len(axes))
        ax.axvline(result.end_h, color=GREEN, linewidth=1.0, zorder=4)
    _x_labels_only_at_bottom(axes, ncols)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=style.OKABE_ITO["blue"], alpha=0.75, label="units in use"),
        Line2D([], [], color=style.INK, linestyle="--", label="capacity"),
        Patch(facecolor=style.ALERT, alpha=0.35, label="capacity lost to injects"),
        Patch(facecolor=style.NIGHT, edgecolor=style.GRID, label="not usable (night)"),
        Line2D([], [], color=GREEN, label="end of run")]
    if sc.calendar.rest_days:
        handles.append(Patch(facecolor=style.REST_DAY, label="rest day"))
    _bottom_legend(fig, handles)
    style.figure_title(fig, title)
    return fig


def _usage_panel(ax: Axes, result: RunResult, res: Resource, right: float) -> None:
    """One resource: units in use, capacity (dashed) and capacity lost, to ``right``."""
    steps = [*usage_steps(result, res.id), (right, 0, res.capacity)]
    ts = [t for t, _u, _c in steps]
    used = [u for _t, u, _c in steps]
    cap = [c for _t, _u, c in steps]
    style.style_axes(ax)
    if not res.always:
        style.shade_calendar(ax, result.scenario.calendar, round(right / 24))
    ax.fill_between(ts, used, step="post", color=style.OKABE_ITO["blue"], alpha=0.75,
                    linewidth=0, zorder=2)
    ax.fill_between(ts, cap, [res.capacity] * len(ts), step="post", color=style.ALERT,
                    alpha=0.35, linewidth=0, zorder=1, gid="capacity-lost")
    ax.step(ts, cap, where="post", color=style.INK, linewidth=1.1, linestyle="--",
            zorder=3, gid="capacity")
    ax.set_ylim(0, res.capacity + 0.6)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.set_ylabel("units in use", fontsize=style.LABEL_SIZE)
    row = result.resources.get(res.id)
    share = f", {row.utilisation:.0%} utilised" if row else ""
    hours = "around the clock" if res.always else "working hours"
    ax.set_title(style.plain(f"{shorten(res.name)} ({res.id}): capacity {res.capacity}, "
                             f"{hours}{share}"),
                 fontsize=style.LABEL_SIZE, loc="left", color=style.INK, pad=4, y=1.0)


def utilisation_heatmap(result: RunResult, ax: Axes | None = None) -> Figure:
    """Resource x day: share of (capacity x available hours) in use that day.

    Days without working time for a resource (rest days for ``hours: working``)
    are grey and marked "rest".
    """
    sc = result.scenario
    title = f"Resource utilisation by day: {sc.name} (seed {result.seed})"
    subtitle = ("Unit-hours in use ÷ (capacity × hours it can be used that day: "
                "the working day, or 24 h around the clock)")
    if not sc.resources:
        return empty_figure(title, "This scenario has no resources.")
    days = days_shown(result)
    values = [resource_utilisation_by_day(result, r, days) for r in sc.resources]
    data = np.ma.masked_invalid(np.array([[np.nan if v is None else v for v in row]
                                          for row in values], dtype=float))
    labels = [style.plain(f"{shorten(r.name, 34)} ({r.id})") for r in sc.resources]
    cell_w = 0.62 if days <= 20 else max(0.2, 12.0 / days)
    dated = sc.start_date is not None and cell_w >= 0.6
    own_figure = ax is None
    fig, ax, cax = _heatmap_frame(ax, labels, days * cell_w, dated, f"{title}\n{subtitle}")
    cmap = colormaps["cividis"].with_extremes(bad=style.REST_DAY)
    image = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0.0, vmax=1.0,
                      interpolation="nearest")
    image.set_gid("heatmap")
    ax.set_yticks(range(len(sc.resources)), labels, fontsize=style.TICK_SIZE)
    step = max(1, -(-days // 40))
    shown = [d for d in range(1, days + 1) if (d - 1) % step == 0]
    ax.set_xticks([d - 1 for d in shown],
                  [style.day_label(d, sc.start_date, with_date=dated) for d in shown],
                  fontsize=style.TICK_SIZE)
    ax.tick_params(length=0)
    if len(sc.resources) * days <= 600:
        _cell_labels(ax, data.filled(np.nan))
    bar = fig.colorbar(image, cax=cax, ax=None if cax is not None else ax,
                       format=PercentFormatter(1.0))
    bar.set_label("in use, % of capacity × usable hours", fontsize=style.LABEL_SIZE)
    bar.ax.tick_params(labelsize=style.TICK_SIZE)
    ax.set_xlabel("Programme day", fontsize=style.LABEL_SIZE)
    if own_figure:
        style.figure_title(fig, f"{title}\n{subtitle}")
    else:
        style.axes_title(ax, f"{title}\n{subtitle}")
    return fig


def _heatmap_frame(ax: Axes | None, labels: list[str], cells_w: float, dated: bool,
                   title: str) -> tuple[Figure, Axes, Axes | None]:
    """``(figure, axes, colour bar axes)``: a figure sized to the rows and ``cells_w``
    inches of days, or the given ``ax`` (its colour bar then takes room from it)."""
    if ax is not None:
        return style.figure_of(ax), ax, None
    left = 0.55 + style.text_width(max(len(x) for x in labels), style.TICK_SIZE)
    width = max(10.0, left + cells_w + 1.6)
    top = style.title_height(title) + 0.15
    bottom = 0.7 if dated else 0.5
    height = top + 0.42 * len(labels) + bottom
    fig = style.new_figure(width, height)
    ax = fig.add_axes((left / width, bottom / height, (width - left - 1.6) / width,
                       (height - top - bottom) / height))
    cax = fig.add_axes(((width - 1.35) / width, bottom / height, 0.18 / width,
                        (height - top - bottom) / height))
    return fig, ax, cax


def _cell_labels(ax: Axes, data: NDArray[np.float64]) -> None:
    """Each cell's share (or "rest"), white on the dark end of the colour map."""
    for (i, j), v in np.ndenumerate(data):
        text = "rest" if np.isnan(v) else f"{v:.0%}"
        dark = not np.isnan(v) and v < 0.55
        ax.text(j, i, text, ha="center", va="center", fontsize=style.SMALL_SIZE,
                color="white" if dark else style.INK)


def group_workload(result: RunResult) -> Figure:
    """Busy team-hours per day for each group, against teams x working-day hours."""
    sc = result.scenario
    title = f"Group workload by day: {sc.name} (seed {result.seed})"
    if not sc.groups:
        return empty_figure(title, "This scenario has no groups.")
    days = days_shown(result)
    dated = sc.start_date is not None and days <= 21
    fig, axes = style.panel_grid(
        len(sc.groups), 1, panel=(max(8.0, min(14.0, 0.6 * days)), 1.35), left=0.75,
        right=0.3, top=style.title_height(title) + 0.35,
        bottom=_bottom(dated), hgap=0.45)
    x = np.arange(1, days + 1)
    day_len = sc.calendar.day_end - sc.calendar.day_start
    step = max(1, -(-days // 40))
    for k, (ax, group) in enumerate(zip(axes, sc.groups, strict=True)):
        row = result.groups.get(group.id)
        busy = list(row.busy_by_day if row else ())[:days]
        busy += [0.0] * (days - len(busy))
        style.style_axes(ax)
        for d in sc.calendar.rest_days:
            if d <= days:
                ax.axvspan(d - 0.5, d + 0.5, color=style.REST_DAY, zorder=0, linewidth=0)
        bars = ax.bar(x, busy, width=0.7, color=style.series_colour(k), zorder=2)
        for patch in bars.patches:
            patch.set_gid(f"workload-{group.id}")
        ax.axhline(group.teams * day_len, color=style.INK, linestyle="--", linewidth=1.0,
                   zorder=3)
        ax.set_ylim(0, max(group.teams * day_len, max(busy, default=0.0)) * 1.15 + 0.5)
        ax.set_xlim(0.4, days + 0.6)
        ax.set_ylabel("team-hours", fontsize=style.LABEL_SIZE)
        ax.grid(True, axis="y", color=style.GRID, linewidth=0.5)
        total = row.busy_team_h if row else 0.0
        ax.set_title(style.plain(f"{shorten(group.name)} ({group.id}): {group.teams} "
                                 f"team{'s' * (group.teams != 1)}, {total:.0f} team-hours "
                                 "in all"),
                     fontsize=style.LABEL_SIZE, loc="left", color=style.INK, pad=4, y=1.0)
        if k == len(axes) - 1:
            shown = [d for d in range(1, days + 1) if (d - 1) % step == 0]
            ax.set_xticks(shown, [style.day_label(d, sc.start_date, with_date=dated)
                                  for d in shown], fontsize=style.TICK_SIZE)
    _x_labels_only_at_bottom(axes, 1)
    handles: list[Patch | Line2D] = [
        Line2D([], [], color=style.INK, linestyle="--",
               label=f"teams × working day ({day_len:g} h)")]
    if sc.calendar.rest_days:
        handles.append(Patch(facecolor=style.REST_DAY, label="rest day"))
    _bottom_legend(fig, handles)
    style.figure_title(fig, title)
    return fig
