"""The animation's schedule: every bar drawn once, shown up to the clock by a clip box.

The rows are those of the schedule chart (one per activity, or one per phase in the
compact view); the plan's bars, due marks and the planned end are static, the bars,
inject marks, the clock line and the end line are live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox, TransformedBbox, blended_transform_factory

from sim.plotting import style
from sim.plotting.animation.frames import FrameSpec
from sim.plotting.animation.scene import DPI, GHOST_EDGE, GHOST_FILL, Scene
from sim.plotting.rows import (
    Layout,
    activity_bars,
    activity_layout,
    pause_lines,
    phase_extents,
    rect,
    shorten,
)
from sim.plotting.timeline import InjectHit, Segment, activity_segments, chart_end, inject_hits
from sim.results import RunResult
from sim.scenario.model import Scenario

MAX_ACTIVITY_ROWS = 90  # above this, one row per phase (the compact view)
MIN_ROWS = 8  # the schedule's rows are sized as if there were at least this many
X0, X1, Y0, Y1 = 1.95, 8.82, 2.25, 5.22  # the schedule's axes, inches of the 9 x 6 layout

Bars = list[tuple[int, Segment]]


def _row_labels(gx: Axes, scene: Scene, layout: Layout) -> bool:
    """Name every row when there is room, else each phase's block; the rules between
    phases. Returns whether every row is named."""
    rows = layout.rows
    n = max(len(rows), MIN_ROWS)  # a few rows stay row-sized, at the top
    gx.set_ylim(n - 0.5, -0.5)
    gx.set_yticks([])
    row_px = (Y1 - Y0) * scene.v * DPI / n
    labels_all = row_px >= 10.5
    label_size = max(5.5, min(7.5, row_px * 0.72)) * scene.fs
    block_px = min((b - a + 1) * row_px for a, b in layout.blocks.values()) \
        if layout.blocks and not labels_all else row_px
    phase_size = max(6.5, min(8.0, block_px * 0.65)) * scene.fs
    to_text = blended_transform_factory(gx.transAxes, gx.transData)
    for i, row in enumerate(rows):
        if row.kind != "phase" and not labels_all:
            continue
        y = float(i)
        if row.kind == "phase" and not labels_all and row.phase in layout.blocks:
            first, last = layout.blocks[row.phase]
            y = (first + last) / 2
        gx.text(-0.008, y, style.plain(shorten(row.label, 30)), transform=to_text,
                ha="right", va="center", clip_on=False, color=style.INK,
                fontsize=phase_size if row.kind == "phase" else label_size,
                fontweight="bold" if row.kind == "phase" else "normal")
    rules = [i - 0.5 for i, row in enumerate(rows) if i and row.kind == "phase"]
    if rules:
        gx.hlines(rules, 0, 1, transform=gx.get_yaxis_transform(), colors=style.GRID,
                  linewidth=0.7, zorder=0.5)
    return labels_all


def _ghosts(gx: Axes, ghosts: Bars, bar_h: float) -> None:
    """The plan's bars: static, behind."""
    verts = [rect(s.start, s.end, r, min(bar_h + 0.2, 0.95)) for r, s in ghosts
             if s.end > s.start]
    if verts:
        gx.add_collection(PolyCollection(verts, facecolors=GHOST_FILL, edgecolors=GHOST_EDGE,
                                         linewidths=0.4, zorder=1), autolim=False)


def _bars(gx: Axes, bars: Bars, colours: dict[str, str], phase_of: dict[str, str],
          bar_h: float, fs: float) -> list[Artist]:
    """The run's bars, coloured by phase (edged in vermillion while still open), and
    milestones. A compact view's bars are phases' own."""
    out: list[Artist] = []
    solid = [(r, s) for r, s in bars if s.end > s.start]
    if solid:
        faces = [colours.get(phase_of.get(s.activity, s.activity),
                             colours.get(s.activity, style.INK)) for _r, s in solid]
        out.append(gx.add_collection(PolyCollection(
            [rect(s.start, s.end, r, bar_h) for r, s in solid], facecolors=faces,
            edgecolors=[style.ALERT if s.open else c
                        for (_r, s), c in zip(solid, faces, strict=True)],
            linewidths=[1.2 if s.open else 0.5 for _r, s in solid], zorder=3), autolim=False))
    points = [(s.start, r) for r, s in bars if s.end <= s.start]
    if points:  # milestones
        out.append(gx.plot([p[0] for p in points], [p[1] for p in points], linestyle="none",
                           marker="D", markersize=4 * fs, markerfacecolor=style.INK,
                           markeredgecolor="white", markeredgewidth=0.5, zorder=4)[0])
    return out


def _pauses(gx: Axes, bars: Bars) -> list[Artist]:
    lines = pause_lines(bars)
    if not lines:
        return []
    return [gx.add_collection(LineCollection(
        lines, colors=style.INK, linewidths=0.6, linestyles=(0, (1, 2)), alpha=0.6, zorder=2),
        autolim=False)]


def _phase_spans(gx: Axes, result: RunResult, layout: Layout,
                 segments: dict[str, list[Segment]], colours: dict[str, str]) -> list[Artist]:
    """A thin bar on each phase's summary row, from its first start to its last end."""
    spans = [(rect(lo, hi, first, 0.34), colours.get(phase_id, style.INK))
             for phase_id, first, _last, _row, lo, hi in phase_extents(result, layout, segments)]
    if not spans:
        return []
    return [gx.add_collection(PolyCollection(
        [s for s, _c in spans], facecolors=[c for _s, c in spans], edgecolors="none",
        alpha=0.6, zorder=2), autolim=False)]


def _dues(gx: Axes, result: RunResult, layout: Layout) -> None:
    dues = [[(p.due_h, layout.blocks[p.id][0] - 0.45), (p.due_h, layout.blocks[p.id][1] + 0.45)]
            for p in result.phases.values() if p.due_h is not None and p.id in layout.blocks]
    if dues:
        gx.add_collection(LineCollection(dues, colors=style.INK, linewidths=0.9,
                                         linestyles=(0, (3, 2)), zorder=5), autolim=False)


def _inject_labels(gx: Axes, hits: Sequence[InjectHit], fs: float,
                   hours_per_char: float) -> list[Annotation]:
    """Each inject's id above the chart; labels that would overlap go one level up."""
    level_end: list[float] = []
    out = []
    for hit in hits:
        half = (len(hit.id) + 1) * hours_per_char / 2
        level = next((i for i, x in enumerate(level_end) if hit.t - half >= x),
                     len(level_end))
        if level == len(level_end):
            level_end.append(0.0)
        level_end[level] = hit.t + half
        out.append(gx.annotate(
            style.plain(hit.id), (hit.t, 1.0), xycoords=("data", "axes fraction"),
            xytext=(0, 6 * fs + 8 * fs * min(level, 1)), textcoords="offset points",
            fontsize=6.8 * fs, ha="center", va="bottom", color=style.ALERT,
            annotation_clip=False))
    return out


def _day_axis(gx: Axes, sc: Scenario, right: float, scene: Scene) -> None:
    """Day labels under the schedule: ``D3 Wed`` when the weekday fits."""
    style.time_axis(gx, sc, right, inches=(X1 - X0) * scene.k)
    days = round(right / 24)
    if sc.start_date is not None and days <= 21:
        step = max(1, -(-days // 40))
        shown = [d for d in range(1, days + 1) if (d - 1) % step == 0]
        gx.set_xticks([24.0 * (d - 1) + 12.0 for d in shown],
                      [f"D{d} {sc.start_date + dt.timedelta(days=d - 1):%a}" for d in shown])
    gx.tick_params(axis="x", labelsize=7.0 * scene.fs, pad=2)


class Schedule:
    """The Gantt chart of the run, revealed up to the clock."""

    def __init__(self, scene: Scene, result: RunResult, plan: RunResult | None) -> None:
        sc = result.scenario
        right = chart_end(result, plan)
        gx = scene.axes(X0, Y0, X1, Y1)
        style.style_axes(gx)
        gx.spines["left"].set_visible(False)
        style.shade_calendar(gx, sc.calendar, round(right / 24))
        layout = activity_layout(result, max_rows=MAX_ACTIVITY_ROWS)
        labels_all = _row_labels(gx, scene, layout)
        colours = {p.id: style.series_colour(i) for i, p in enumerate(sc.phases)}
        scene.colours += colours.values()
        segments = activity_segments(result)
        bar_h = 0.62 if layout.compact or labels_all else 0.86
        if plan is not None:
            _ghosts(gx, activity_bars(layout, activity_segments(plan)), bar_h)
        self.reveal = Bbox([[0.0, 0.0], [0.0, 1.0]])  # the schedule shown: x up to the clock
        revealed = self._work(gx, result, layout, segments, colours, bar_h, scene.fs)
        gx.axvline(result.planned_end_h, color=style.INK, linestyle="-.", linewidth=1.0,
                   zorder=5)
        self.hits = inject_hits(result)
        if self.hits:
            revealed.append(gx.add_collection(LineCollection(
                [[(hit.t, 0.0), (hit.t, 1.0)] for hit in self.hits],
                transform=gx.get_xaxis_transform(), colors=style.ALERT, linewidths=0.9,
                linestyles=(0, (1, 1.5)), zorder=4), autolim=False))
        clip = TransformedBbox(self.reveal, gx.get_xaxis_transform())
        for artist in revealed:
            artist.set_clip_box(clip)
            scene.live(artist)
        self._live_marks(gx, scene, result, right)
        _day_axis(gx, sc, right, scene)

    def _work(self, gx: Axes, result: RunResult, layout: Layout,
              segments: dict[str, list[Segment]], colours: dict[str, str], bar_h: float,
              fs: float) -> list[Artist]:
        """The artists revealed up to the clock (and the static due marks among them)."""
        phase_of = {a.id: a.phase for a in result.activities}
        bars = activity_bars(layout, segments)
        revealed = _bars(gx, bars, colours, phase_of, bar_h, fs)
        if not layout.compact:
            revealed += _pauses(gx, bars)
            revealed += _phase_spans(gx, result, layout, segments, colours)
            _dues(gx, result, layout)
        return revealed

    def _live_marks(self, gx: Axes, scene: Scene, result: RunResult, right: float) -> None:
        """Inject markers and ids, the clock line and the end line."""
        fs = scene.fs
        self.inject_marks = scene.live(gx.plot(
            [], [], transform=gx.get_xaxis_transform(), linestyle="none", marker="v",
            markersize=6 * fs, color=style.ALERT, clip_on=False, zorder=7)[0])
        hours_per_char = 6.8 * fs * 0.62 / 72 * right / ((X1 - X0) * scene.k)
        self.inject_labels = [scene.live(label) for label in
                              _inject_labels(gx, self.hits, fs, hours_per_char)]
        self.now_line = scene.live(gx.axvline(0.0, color=style.INK, linewidth=1.6, zorder=8))
        end_colour = style.OKABE_ITO["bluish_green"] if result.on_time else style.ALERT
        self.end_line = scene.live(gx.axvline(result.end_h, color=end_colour, linewidth=1.6,
                                              zorder=6))

    def update(self, spec: FrameSpec, last: bool) -> None:
        t = spec.t
        self.reveal.x1 = t
        self.now_line.set_xdata([t, t])
        self.now_line.set_visible(not last)
        self.end_line.set_visible(last)
        hit = [h for h in self.hits if h.t <= t + 1e-9]
        self.inject_marks.set_data([h.t for h in hit], [1.0] * len(hit))
        for label, h in zip(self.inject_labels, self.hits, strict=True):
            label.set_visible(h.t <= t + 1e-9)
