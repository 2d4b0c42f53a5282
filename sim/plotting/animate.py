"""The run as an animation: ``replay.gif`` (and ``replay.mp4`` when ffmpeg is present).

One picture per moment: the schedule filling in behind a moving clock line, a gauge
per resource (units in use against capacity, capacity taken by injects shaded), and
a caption for each inject as it hits (id, effect and description, shown for a few
frames). Pure: a :class:`~sim.results.RunResult` in, files out; nothing is simulated.

Speed comes from drawing the static parts once. Everything that does not change
(calendar shading, row labels, axes, the plan's ghost bars) is rendered into a
background image; each frame restores that image and draws only the artists that
change: the bars (complete from the start, revealed up to the clock by a clip box),
the clock line, the gauges and the captions. Frames are palette-reduced against one
shared palette, so the GIF stores only the pixels that change from frame to frame.

Frames (:func:`plan_frames`): a clock grid of round steps (15 min … 1 day) over
working time and any time work is running (idle nights and rest days are skipped),
chosen as fine as the frame budget allows, plus a frame at every inject hit (held
longer) and one at the end (held longest).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import io
import itertools
import os
import shutil
import subprocess
import tempfile
import textwrap
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.core.timefmt import format_clock, format_duration, format_time
from sim.plotting import style
from sim.plotting.rows import Layout, activity_layout, phase_extents, rect, shorten, union
from sim.plotting.timeline import Segment, activity_segments, chart_end, inject_hits
from sim.replay import inject_effect
from sim.results import RunResult, all_usage_steps

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from PIL import Image as PILImage

    from sim.scenario.model import Inject

GIF_NAME = "replay.gif"
MP4_NAME = "replay.mp4"
DEFAULT_FRAMES = 150  # frame budget: the clock grid is as fine as this allows
SIZE = (900, 600)  # pixels
DPI = 100
FRAME_S = 0.12  # seconds per ordinary frame (GIF delays are whole centiseconds)
INJECT_HOLD_S = 2.0  # seconds an inject's first frame is held
END_HOLD_S = 3.0  # seconds the last frame is held
CAPTION_SLOTS = 2  # captions shown at once (the newest first)
MAX_GAUGES = 7  # resource gauges shown; more are summarised in a line
MAX_ACTIVITY_ROWS = 90  # above this, one row per phase (the compact view)
MIN_ROWS = 8  # the schedule's rows are sized as if there were at least this many
IDLE_LINES = 6  # injects listed between captions
PANEL_CACHE = 256  # distinct panel pictures kept
MP4_FPS = 25  # the MP4 repeats frames to keep the GIF's timing
NICE_STEPS_H = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0)
GHOST_FILL, GHOST_EDGE = "#e4e4e4", "#c4c4c4"  # the plan's bars
LOST_FILL = "#f6d2bd"  # capacity taken by injects
MUTED, IDLE, OUTLINE = "#555555", "#777777", "#9a9a9a"
PANEL_FILL, PANEL_EDGE = "#fbfbfb", "#c8c8c8"
GREYS = (GHOST_FILL, GHOST_EDGE, LOST_FILL, MUTED, IDLE, OUTLINE, PANEL_FILL, PANEL_EDGE)
PILLOW_HELP = ("replay.gif needs Pillow (the Python imaging library), which cannot be "
               "imported; install it with: pip install 'pillow>=10'")


class AnimationUnavailable(RuntimeError):
    """What the animation needs is missing (Pillow); says what and how to get it."""


@dataclass(frozen=True, slots=True)
class FrameSpec:
    """One picture of the animation."""

    t: float  # hours from D1 00:00; the state after everything that happened at t
    hits: tuple[str, ...]  # injects that hit at this frame
    captions: tuple[str, ...]  # injects whose caption is shown, newest first
    seconds: float  # how long the frame is shown


@dataclass(slots=True)
class AnimationFiles:
    """What :func:`write_animation` wrote, and notes on what it did not (no ffmpeg...)."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    frames: int = 0


def _pillow_available() -> bool:
    """Whether Pillow can be imported (a function, so tests can pretend it cannot)."""
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def ffmpeg_path() -> str | None:
    """The ffmpeg executable matplotlib would use (``animation.ffmpeg_path``), if found."""
    from matplotlib import rcParams

    return shutil.which(str(rcParams["animation.ffmpeg_path"]))


# ---------------------------------------------------------------- frames


def active_spans(result: RunResult) -> list[tuple[float, float]]:
    """Times worth showing: working time, and any time work is running, to the end."""
    sc = result.scenario
    end = result.end_h
    cal = sc.calendar
    days = max(sc.days, int(end // 24) + 1)
    spans = [(24.0 * (d - 1) + cal.day_start, 24.0 * (d - 1) + cal.day_end)
             for d in range(1, days + 1) if d not in cal.rest_days]
    spans += [(s.start, s.end) for segs in activity_segments(result).values() for s in segs]
    return [(lo, min(hi, end)) for lo, hi in union(spans) if lo < end]


def _first_time(result: RunResult) -> float:
    starts = [e.t for e in result.events if e.kind == "start"]
    first = min(starts, default=0.0)
    spans = active_spans(result)
    if spans:
        first = min(first, spans[0][0])
    return max(0.0, float(int(first)))  # to the hour before


def _grid(spans: Sequence[tuple[float, float]], step: float, t0: float,
          end: float) -> list[float]:
    out: list[float] = []
    for lo, hi in spans:
        k = max(int(-(-max(lo, t0) // step)), 0)
        while k * step <= min(hi, end) + 1e-9:
            out.append(k * step)
            k += 1
    return out


def plan_frames(result: RunResult, frames: int = DEFAULT_FRAMES, *,
                caption_frames: int | None = None) -> list[FrameSpec]:
    """The frames of the animation, in time order: at most ``frames`` of them, unless the
    inject hits alone need more.

    The clock grid is the finest round step (15 min, 30 min, 1 h, … 1 day) for which
    grid, inject hits, start and end fit in ``frames``; every inject hit has a frame of
    its own, so a run with more hits than ``frames`` has more frames. A caption stays
    for ``caption_frames`` frames (default: 1/12 of the budget, at least 3).
    """
    frames = max(frames, 2)
    caption_frames = caption_frames or max(3, frames // 12)
    end = result.end_h
    t0 = min(_first_time(result), end)
    hits = [(h.t, h.id) for h in inject_hits(result)]
    # Times are keyed to the microhour, keeping the exact (largest) time of each key:
    # a frame at an event's time must not fall a rounding error before it.
    fixed: dict[float, float] = {}
    for t in (t0, end, *(t for t, _ in hits)):
        fixed[round(t, 6)] = max(t, fixed.get(round(t, 6), t))
    spans = active_spans(result)
    times = dict(fixed)
    steps = [*NICE_STEPS_H, *(24.0 * k for k in range(2, max(2, int(end // 24) + 2)))]
    for step in steps:
        times = {round(t, 6): t for t in _grid(spans, step, t0, end)} | fixed
        if len(times) <= frames:
            break
    ordered = [times[key] for key in sorted(times)]
    hits_at: dict[float, list[str]] = {}
    for t, ident in hits:
        hits_at.setdefault(round(t, 6), []).append(ident)
    out: list[FrameSpec] = []
    shown: list[tuple[int, str]] = []  # (frame index of the hit, inject id)
    for k, t in enumerate(ordered):
        now = hits_at.get(round(t, 6), [])
        shown = [(i, ident) for i, ident in shown if k - i < caption_frames]
        shown += [(k, ident) for ident in now]
        captions = tuple(ident for _i, ident in reversed(shown))[:CAPTION_SLOTS]
        seconds = END_HOLD_S if k == len(ordered) - 1 else INJECT_HOLD_S if now else FRAME_S
        out.append(FrameSpec(t=t, hits=tuple(now), captions=captions, seconds=seconds))
    return out


# ---------------------------------------------------------------- state at a time


@dataclass(frozen=True, slots=True)
class _Gauge:
    id: str
    label: str
    base: int
    always: bool
    times: list[float]
    steps: list[tuple[int, int]]  # (in use, capacity) from each time on
    down: list[tuple[float, tuple[str, ...]]]  # (t, injects holding units) from t on

    def at(self, t: float) -> tuple[int, int, tuple[str, ...]]:
        k = bisect.bisect_right(self.times, t + 1e-9) - 1
        used, cap = self.steps[max(k, 0)]
        j = bisect.bisect_right([d[0] for d in self.down], t + 1e-9) - 1
        return used, cap, self.down[j][1] if j >= 0 else ()


def _gauges(result: RunResult) -> list[_Gauge]:
    sc = result.scenario
    steps = all_usage_steps(sc, result.events)
    out = []
    for res in sc.resources:
        rows = steps[res.id]
        taken: dict[str, int] = {}
        down: list[tuple[float, tuple[str, ...]]] = []
        cap = res.capacity
        for ev in result.events:
            if ev.kind != "capacity" or ev.resource != res.id or ev.amount is None:
                continue
            new = int(ev.amount)
            key = ev.inject or "?"
            if new < cap:
                taken[key] = taken.get(key, 0) + cap - new
            else:
                taken.pop(key, None)
            cap = new
            down.append((ev.t, tuple(k for k, v in taken.items() if v > 0)))
        label = res.name if res.name and res.name != res.id else res.id
        out.append(_Gauge(res.id, shorten(label, 30), res.capacity, res.always,
                          [r[0] for r in rows],
                          [(r[1], r[2]) for r in rows], down))
    return out


def _clock_text(result: RunResult, t: float) -> str:
    sc = result.scenario
    if sc.start_date is None:
        return format_time(t)
    from sim.replay import date_of, day_of

    day = day_of(t)
    date = date_of(sc, day)
    assert date is not None
    return f"D{day} {date:%a} {date.day} {date:%b}  {format_clock(t - 24.0 * (day - 1))}"


def _clip(text: str, width: int) -> str:
    """At most ``width`` characters, cut at the end."""
    return text if len(text) <= width else text[: max(width - 1, 1)].rstrip() + "…"


def _wrap(text: str, width: int, lines: int) -> str:
    out = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(out)


# ---------------------------------------------------------------- the picture


class _Scene:
    """The figure, its static background and the artists that change per frame.

    The layout is worked out in inches for a 9 x 6 in picture and scaled to ``size``:
    a header (title; clock and progress), the schedule, and under it the resource
    gauges (left) and the inject captions (right).
    """

    def __init__(self, result: RunResult, plan: RunResult | None,
                 size: tuple[int, int]) -> None:
        from matplotlib.transforms import Bbox

        self.result = result
        width_px, height_px = size
        self.w, self.h = width_px / DPI, height_px / DPI
        self.fig = style.new_figure(self.w, self.h)
        self.k, self.v = self.w / 9.0, self.h / 6.0  # horizontal and vertical scale
        self.fs = min(self.k, self.v)  # font scale
        self.animated: list[Artist] = []
        self.background: Any = None
        # Panels whose pictures repeat (the same gauge readings, the same captions) are
        # drawn once per distinct state and then pasted: text is most of the cost.
        self.panels = {"gauges": _Panel(self._region(0.0, 0.0, 5.7, 1.72)),
                       "captions": _Panel(self._region(5.7, 0.0, 9.0, 1.95))}
        self.reveal = Bbox([[0.0, 0.0], [0.0, 1.0]])  # the schedule shown: x up to the clock
        self.colours: list[str] = ["white", style.INK, *style.OKABE_ITO.values(),
                                   style.NIGHT, style.REST_DAY, style.GRID, *GREYS]
        self._header()
        self._schedule(plan)
        self._gauge_panel()
        self._caption_panel()

    # ---------------------------------------------------------------- layout helpers

    def _axes(self, x0: float, y0: float, x1: float, y1: float) -> Any:
        """Axes over the rectangle (inches of the 9 x 6 layout) from (x0, y0) to (x1, y1)."""
        k, v, w, h = self.k, self.v, self.w, self.h
        return self.fig.add_axes((x0 * k / w, y0 * v / h, (x1 - x0) * k / w,
                                  (y1 - y0) * v / h))

    def _region(self, x0: float, y0: float, x1: float, y1: float) -> Any:
        """The same rectangle in display pixels."""
        from matplotlib.transforms import Bbox

        return Bbox.from_extents(x0 * self.k * DPI, y0 * self.v * DPI,
                                 min(x1 * self.k, self.w) * DPI, y1 * self.v * DPI)

    def _at(self, x: float, y_from_top: float) -> tuple[float, float]:
        """Figure coordinates of a point given in inches (from the left, from the top)."""
        return x * self.k / self.w, 1 - y_from_top * self.v / self.h

    def _live(self, artist: Any, panel: str = "") -> Any:
        """Register an artist drawn per frame (in ``panel``, if it belongs to one)."""
        self.animated.append(artist)
        if panel:
            self.panels[panel].artists.append(artist)
        return artist

    # ---------------------------------------------------------------- parts

    def _header(self) -> None:
        result, fig, fs = self.result, self.fig, self.fs
        fig.text(*self._at(0.16, 0.12), style.plain(shorten(result.scenario.name, 64)),
                 ha="left", va="top", fontsize=11.5 * fs, color=style.INK, fontweight="bold")
        fig.text(*self._at(0.16, 0.42), style.plain(
            f"Replay of the run · seed {result.seed} · planned end "
            f"{format_time(result.planned_end_h)} · "
            f"{len(result.activities)} activity instances"),
            ha="left", va="top", fontsize=8.0 * fs, color=MUTED)
        self.clock = self._live(fig.text(*self._at(8.84, 0.1), "", ha="right", va="top",
                                         fontsize=14.0 * fs, color=style.INK,
                                         fontweight="bold", family="DejaVu Sans Mono"))
        self.progress = self._live(fig.text(*self._at(8.84, 0.42), "", ha="right",
                                            va="top", fontsize=8.0 * fs, color=MUTED))
        self.finish_times = sorted(e.t for e in result.events if e.kind == "finish")

    def _schedule(self, plan: RunResult | None) -> None:
        """The Gantt chart: every bar drawn once, shown up to the clock by a clip box."""
        from matplotlib.collections import LineCollection, PolyCollection
        from matplotlib.transforms import TransformedBbox, blended_transform_factory

        result, fs, live = self.result, self.fs, self._live
        sc = result.scenario
        right = chart_end(result, plan)
        x0, x1, y0, y1 = 1.95, 8.82, 2.25, 5.22
        gx = self._axes(x0, y0, x1, y1)
        style.style_axes(gx)
        gx.spines["left"].set_visible(False)
        style.shade_calendar(gx, sc.calendar, round(right / 24))
        layout = activity_layout(result, max_rows=MAX_ACTIVITY_ROWS)
        rows = layout.rows
        n = max(len(rows), MIN_ROWS)  # a few rows stay row-sized, at the top
        gx.set_ylim(n - 0.5, -0.5)
        gx.set_yticks([])
        row_px = (y1 - y0) * self.v * DPI / n
        labels_all = row_px >= 10.5  # room to name every row; else name each phase's block
        label_size = max(5.5, min(7.5, row_px * 0.72)) * fs
        block_px = min((b - a + 1) * row_px for a, b in layout.blocks.values()) \
            if layout.blocks and not labels_all else row_px
        phase_size = max(6.5, min(8.0, block_px * 0.65)) * fs
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
        colours = {p.id: style.series_colour(i) for i, p in enumerate(sc.phases)}
        self.colours += colours.values()
        phase_of = {a.id: a.phase for a in result.activities}
        segments = activity_segments(result)
        bar_h = 0.62 if layout.compact or labels_all else 0.86
        if plan is not None:  # the plan's bars: static, behind
            ghosts = _bars(layout.row_of, activity_segments(plan), layout.compact, rows)
            verts = [rect(s.start, s.end, r, min(bar_h + 0.2, 0.95))
                     for r, s in ghosts if s.end > s.start]
            if verts:
                gx.add_collection(PolyCollection(verts, facecolors=GHOST_FILL,
                                                 edgecolors=GHOST_EDGE, linewidths=0.4,
                                                 zorder=1), autolim=False)
        clip = TransformedBbox(self.reveal, gx.get_xaxis_transform())

        def revealed(artist: Any) -> None:
            artist.set_clip_box(clip)
            live(artist)

        bars = _bars(layout.row_of, segments, layout.compact, rows)
        solid = [(r, s) for r, s in bars if s.end > s.start]
        if solid:
            faces = [colours.get(phase_of.get(s.activity, s.activity),
                                 colours.get(s.activity, style.INK)) for _r, s in solid]
            coll = PolyCollection(
                [rect(s.start, s.end, r, bar_h) for r, s in solid], facecolors=faces,
                edgecolors=[style.ALERT if s.open else c for (_r, s), c in zip(solid, faces,
                                                                               strict=True)],
                linewidths=[1.2 if s.open else 0.5 for _r, s in solid], zorder=3)
            revealed(gx.add_collection(coll, autolim=False))
        points = [(s.start, r) for r, s in bars if s.end <= s.start]
        if points:  # milestones
            revealed(gx.plot([p[0] for p in points], [p[1] for p in points],
                             linestyle="none", marker="D", markersize=4 * fs,
                             markerfacecolor=style.INK, markeredgecolor="white",
                             markeredgewidth=0.5, zorder=4)[0])
        pauses = _pause_lines(bars) if not layout.compact else []
        if pauses:
            revealed(gx.add_collection(LineCollection(
                pauses, colors=style.INK, linewidths=0.6, linestyles=(0, (1, 2)), alpha=0.6,
                zorder=2), autolim=False))
        if not layout.compact:
            spans = _phase_spans(result, layout, segments, colours)
            if spans:
                revealed(gx.add_collection(PolyCollection(
                    [s for s, _c in spans], facecolors=[c for _s, c in spans],
                    edgecolors="none", alpha=0.6, zorder=2), autolim=False))
            dues = [[(p.due_h, layout.blocks[p.id][0] - 0.45),
                     (p.due_h, layout.blocks[p.id][1] + 0.45)]
                    for p in result.phases.values()
                    if p.due_h is not None and p.id in layout.blocks]
            if dues:
                gx.add_collection(LineCollection(dues, colors=style.INK, linewidths=0.9,
                                                 linestyles=(0, (3, 2)), zorder=5),
                                  autolim=False)
        gx.axvline(result.planned_end_h, color=style.INK, linestyle="-.", linewidth=1.0,
                   zorder=5)
        self.hits = inject_hits(result)
        if self.hits:
            revealed(gx.add_collection(LineCollection(
                [[(hit.t, 0.0), (hit.t, 1.0)] for hit in self.hits],
                transform=gx.get_xaxis_transform(), colors=style.ALERT, linewidths=0.9,
                linestyles=(0, (1, 1.5)), zorder=4), autolim=False))
        self.inject_marks = live(gx.plot([], [], transform=gx.get_xaxis_transform(),
                                         linestyle="none", marker="v", markersize=6 * fs,
                                         color=style.ALERT, clip_on=False, zorder=7)[0])
        hours_per_char = 6.8 * fs * 0.62 / 72 * right / ((x1 - x0) * self.k)
        level_end: list[float] = []  # labels that would overlap go one level up
        self.inject_labels: list[Any] = []
        for hit in self.hits:
            half = (len(hit.id) + 1) * hours_per_char / 2
            level = next((i for i, x in enumerate(level_end) if hit.t - half >= x),
                         len(level_end))
            if level == len(level_end):
                level_end.append(0.0)
            level_end[level] = hit.t + half
            self.inject_labels.append(live(gx.annotate(
                style.plain(hit.id), (hit.t, 1.0), xycoords=("data", "axes fraction"),
                xytext=(0, 6 * fs + 8 * fs * min(level, 1)), textcoords="offset points",
                fontsize=6.8 * fs, ha="center", va="bottom", color=style.ALERT,
                annotation_clip=False)))
        self.now_line = live(gx.axvline(0.0, color=style.INK, linewidth=1.6, zorder=8))
        end_colour = style.OKABE_ITO["bluish_green"] if result.on_time else style.ALERT
        self.end_line = live(gx.axvline(result.end_h, color=end_colour, linewidth=1.6,
                                        zorder=6))
        style.time_axis(gx, sc, right, inches=(x1 - x0) * self.k)
        days = round(right / 24)
        if sc.start_date is not None and days <= 21:  # "D3 Wed": the weekday fits
            step = max(1, -(-days // 40))
            shown = [d for d in range(1, days + 1) if (d - 1) % step == 0]
            gx.set_xticks([24.0 * (d - 1) + 12.0 for d in shown],
                          [f"D{d} {sc.start_date + dt.timedelta(days=d - 1):%a}"
                           for d in shown])
        gx.tick_params(axis="x", labelsize=7.0 * fs, pad=2)

    def _gauge_panel(self) -> None:
        """A bar per resource: units in use (blue) of its capacity; units down hatched."""
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Rectangle

        result, fig, fs = self.result, self.fig, self.fs
        self.gauges = _gauges(result)[:MAX_GAUGES]
        more = len(result.scenario.resources) - len(self.gauges)
        gy = self._axes(1.95, 0.2, 4.55, 1.62)
        gy.set_axis_off()
        gy.set_xlim(0.0, 1.0)
        m = max(len(self.gauges), 5)
        gy.set_ylim(m - 0.5, -0.5)
        fig.text(*self._at(0.16, 6 - 1.86), "Resources: units in use / capacity",
                 ha="left", va="top", fontsize=8.5 * fs, color=style.INK, fontweight="bold")
        size = max(6.0, min(7.5, (1.42 * self.v * DPI / m) * 0.42)) * fs
        self.used_bars: list[Any] = []
        self.lost_bars: list[Any] = []
        self.gauge_texts: list[Any] = []
        dividers = []
        for i, g in enumerate(self.gauges):
            gy.text(-0.015, i, style.plain(g.label), ha="right", va="center", fontsize=size,
                    color=style.INK, clip_on=False)
            gy.add_patch(Rectangle((0.0, i - 0.32), 1.0, 0.64, facecolor="white",
                                   edgecolor=OUTLINE, linewidth=0.6, zorder=1))
            lost = Rectangle((1.0, i - 0.32), 0.0, 0.64, facecolor=LOST_FILL,
                             edgecolor=style.ALERT, hatch="////", linewidth=0.0, zorder=2)
            used = Rectangle((0.0, i - 0.32), 0.0, 0.64, facecolor=style.OKABE_ITO["blue"],
                             edgecolor="none", zorder=3)
            self.lost_bars.append(self._live(gy.add_patch(lost), "gauges"))
            self.used_bars.append(self._live(gy.add_patch(used), "gauges"))
            if 1 < g.base <= 16:  # unit dividers
                dividers += [[(u / g.base, i - 0.32), (u / g.base, i + 0.32)]
                             for u in range(1, g.base)]
            reading = gy.text(1.03, i, "", ha="left", va="center", fontsize=size,
                              color=style.INK, clip_on=False)
            self.gauge_texts.append(self._live(reading, "gauges"))
        if dividers:
            self._live(gy.add_collection(LineCollection(dividers, colors="white",
                                                        linewidths=1.0, zorder=4),
                                         autolim=False), "gauges")
        if not self.gauges:
            gy.text(0.0, 0.0, "This scenario has no resources.", fontsize=7.5 * fs,
                    color=MUTED, va="center")
        elif more > 0:
            fig.text(*self._at(0.16, 6 - 0.08), f"(+{more} more resources not shown)",
                     fontsize=6.5 * fs, color=MUTED, ha="left", va="bottom")

    def _caption_panel(self) -> None:
        """The newest injects' captions; between them, the injects that hit so far."""
        from matplotlib.patches import FancyBboxPatch, Rectangle

        result, fs, live = self.result, self.fs, self._live
        sc = result.scenario
        cx = self._axes(5.78, 0.14, 8.86, 1.9)
        cx.set_axis_off()
        cx.set_xlim(0.0, 1.0)
        cx.set_ylim(0.0, 1.0)
        cx.add_patch(FancyBboxPatch((0.0, 0.0), 1.0, 1.0,
                                    boxstyle="round,pad=0,rounding_size=0.03",
                                    facecolor=PANEL_FILL, edgecolor=PANEL_EDGE, linewidth=0.8,
                                    transform=cx.transAxes,
                                    mutation_aspect=(1.76 * self.v) / (3.08 * self.k)))
        cx.text(0.035, 0.94, f"Injects (MSEL: {len(sc.injects)})", fontsize=8.5 * fs,
                fontweight="bold", color=style.INK, va="top", ha="left")
        self.inject_count = live(cx.text(0.965, 0.94, "", fontsize=7.5 * fs, color=MUTED,
                                         va="top", ha="right"), "captions")
        self.caption_chars = max(24, int(3.0 * self.k * 72 / (7.2 * fs * 0.56)))
        self.caption_heads: list[Any] = []
        self.caption_bodies: list[Any] = []
        self.caption_marks: list[Any] = []
        for slot in range(CAPTION_SLOTS):
            top = 0.79 - slot * 0.40
            mark = Rectangle((0.018, top - 0.34), 0.008, 0.34, facecolor=style.ALERT,
                             edgecolor="none")
            self.caption_marks.append(live(cx.add_patch(mark), "captions"))
            head = cx.text(0.035, top, "", fontsize=8.0 * fs, fontweight="bold",
                           color=style.ALERT, va="top", ha="left")
            self.caption_heads.append(live(head, "captions"))
            body = cx.text(0.035, top - 0.105, "", fontsize=7.2 * fs, color=style.INK,
                           va="top", ha="left", linespacing=1.15)
            self.caption_bodies.append(live(body, "captions"))
        self.idle = live(cx.text(0.035, 0.79, "", fontsize=7.2 * fs, color=MUTED,
                                 va="top", ha="left", linespacing=1.3), "captions")
        self.injects_by_id: dict[str, Inject] = {i.id: i for i in sc.injects}
        self.delay_of = {ev.inject: ev.amount for ev in result.events
                         if ev.kind == "inject" and ev.inject}
        self.hit_time = {hit.id: hit.t for hit in self.hits}

    # ---------------------------------------------------------------- per frame

    def draw_background(self) -> None:
        for artist in self.animated:
            artist.set_visible(False)
        canvas = self.fig.canvas
        canvas.draw()
        self.background = canvas.copy_from_bbox(self.fig.bbox)  # type: ignore[attr-defined]

    def update(self, spec: FrameSpec, last: bool) -> None:
        t = spec.t
        result = self.result
        for artist in self.animated:
            artist.set_visible(True)
        self.reveal.x1 = t
        self.now_line.set_xdata([t, t])
        self.now_line.set_visible(not last)
        self.end_line.set_visible(last)
        self.clock.set_text(_clock_text(result, t))
        done = bisect.bisect_right(self.finish_times, t + 1e-9)
        total = len(result.activities)
        if last:
            verdict = ("INCOMPLETE" if result.stuck else "on time" if result.on_time
                       else f"LATE by {format_duration(result.end_h - result.planned_end_h)}")
            self.progress.set_text(f"{done} of {total} activities finished · {verdict}")
            self.progress.set_color(style.OKABE_ITO["bluish_green"] if result.on_time
                                    else style.ALERT)
        else:
            self.progress.set_text(f"{done} of {total} activities finished")
            self.progress.set_color(MUTED)
        hit = [h for h in self.hits if h.t <= t + 1e-9]
        self.inject_marks.set_data([h.t for h in hit], [1.0] * len(hit))
        for label, h in zip(self.inject_labels, self.hits, strict=True):
            label.set_visible(h.t <= t + 1e-9)
        readings = []
        for g, used_bar, lost_bar, text in zip(self.gauges, self.used_bars, self.lost_bars,
                                               self.gauge_texts, strict=True):
            used, cap, down = g.at(t)
            closed = used == 0 and not g.always and not self._working(t)
            readings.append((used, cap, down, closed))
            base = max(g.base, 1)
            used_bar.set_width(min(used, max(base, cap)) / base)
            lost = max(base - cap, 0) / base
            lost_bar.set_x(1.0 - lost)
            lost_bar.set_width(lost)
            words = f"{used} / {cap}"
            if cap < g.base:
                words += f"  (−{g.base - cap}: {_clip(', '.join(down) or 'inject', 16)})"
            elif closed:
                words += "  closed"
            text.set_text(style.plain(words))
            text.set_color(style.ALERT if cap < g.base or used > cap else
                           IDLE if used == 0 else style.INK)
            text.set_fontweight("bold" if cap < g.base else "normal")
        self.panels["gauges"].key = tuple(readings)
        self.panels["captions"].key = (spec.captions, len(hit), last)
        self.inject_count.set_text(f"{len(hit)} hit so far")
        self._captions(spec, [h.id for h in hit], last)

    def _working(self, t: float) -> bool:
        cal = self.result.scenario.calendar
        day = int(t // 24) + 1
        hour = t - 24.0 * (day - 1)
        return day not in cal.rest_days and cal.day_start <= hour < cal.day_end

    def _captions(self, spec: FrameSpec, hit_ids: list[str], last: bool) -> None:
        width = self.caption_chars
        for slot in range(CAPTION_SLOTS):
            head, body, mark = (self.caption_heads[slot], self.caption_bodies[slot],
                                self.caption_marks[slot])
            if slot >= len(spec.captions):
                head.set_visible(False)
                body.set_visible(False)
                mark.set_visible(False)
                continue
            ident = spec.captions[slot]
            inject = self.injects_by_id.get(ident)
            t_hit = self.hit_time.get(ident, spec.t)
            head.set_text(style.plain(shorten(f"INJECT {ident} · {format_time(t_hit)}",
                                              width)))
            lines = 4 if len(spec.captions) == 1 else 2
            text = ""
            if inject is not None:
                effect = inject_effect(inject, self.delay_of.get(ident))
                desc = inject.description or ""
                text = _wrap(effect, width, 1)
                if desc:
                    text += "\n" + _wrap(desc, width, lines - 1 if slot == 0 else 1)
            body.set_text(style.plain(text))
            alpha = 1.0 if slot == 0 else 0.55
            for artist in (head, body, mark):
                artist.set_alpha(alpha)
        if spec.captions:
            self.idle.set_visible(False)
        else:
            self.idle.set_text(self._idle_text(hit_ids, last))

    def _idle_text(self, hit_ids: list[str], last: bool) -> str:
        """Between captions: the injects that hit so far, one a line (the latest last)."""
        width = self.caption_chars
        lines = []
        for ident in hit_ids[-IDLE_LINES:]:
            inject = self.injects_by_id.get(ident)
            effect = inject_effect(inject, self.delay_of.get(ident)) if inject else ""
            lines.append(_clip(f"{ident}  {format_time(self.hit_time[ident])}  "
                               f"{effect.split(',')[0]}", width - 2))
        if len(hit_ids) > IDLE_LINES:
            lines.insert(0, f"… and {len(hit_ids) - IDLE_LINES} earlier")
        head = ("The run has ended. Injects that hit:" if last else
                "No inject just now. Hit so far:" if hit_ids else
                "No inject has hit yet.")
        return style.plain("\n".join([head, *lines]))

    def render(self, spec: FrameSpec, last: bool) -> Any:
        """The frame as an RGB numpy array (height x width x 3)."""
        import numpy as np

        self.update(spec, last)
        canvas: Any = self.fig.canvas
        canvas.restore_region(self.background)
        in_panels = {id(a) for p in self.panels.values() for a in p.artists}
        for artist in self.animated:
            if artist.get_visible() and id(artist) not in in_panels:
                self.fig.draw_artist(artist)
        for panel in self.panels.values():
            cached = panel.cache.get(panel.key)
            if cached is not None:
                canvas.restore_region(cached)
                continue
            for artist in panel.artists:
                if artist.get_visible():
                    self.fig.draw_artist(artist)
            if len(panel.cache) >= PANEL_CACHE:
                panel.cache.clear()
            panel.cache[panel.key] = canvas.copy_from_bbox(panel.bbox)
        rgba = np.asarray(canvas.buffer_rgba())
        return np.ascontiguousarray(rgba[:, :, :3])


@dataclass(slots=True)
class _Panel:
    """A region of the frame redrawn only when its state (``key``) is new."""

    bbox: Any  # display pixels
    artists: list[Any] = field(default_factory=list)
    key: Any = None
    cache: dict[Any, Any] = field(default_factory=dict)


def _phase_spans(result: RunResult, layout: Layout, segments: dict[str, list[Segment]],
                 colours: dict[str, str]) -> list[tuple[list[tuple[float, float]], str]]:
    """A thin bar on each phase's summary row, from its first start to its last end."""
    spans = []
    for phase_id, first, _last, _row, lo, hi in phase_extents(result, layout, segments):
        spans.append((rect(lo, hi, first, 0.34), colours.get(phase_id, style.INK)))
    return spans


def _pause_lines(bars: Sequence[tuple[int, Segment]]) -> list[list[tuple[float, float]]]:
    """A line across each gap where an activity's work was paused."""
    by_key: dict[tuple[int, str], list[Segment]] = {}
    for row, seg in bars:
        by_key.setdefault((row, seg.activity), []).append(seg)
    lines: list[list[tuple[float, float]]] = []
    for (row, _aid), segs in by_key.items():
        ordered = sorted(segs, key=lambda s: s.start)
        lines += [[(a.end, float(row)), (b.start, float(row))]
                  for a, b in itertools.pairwise(ordered) if b.start > a.end]
    return lines


def _bars(row_of: dict[str, int], segments: dict[str, list[Segment]], compact: bool,
          rows: Sequence[Any]) -> list[tuple[int, Segment]]:
    """``(row, segment)`` per work segment; in compact view, each phase's busy periods."""
    out = [(row_of[aid], seg) for aid, segs in segments.items() if aid in row_of
           for seg in segs]
    if not compact:
        return out
    merged: list[tuple[int, Segment]] = []
    for index, row in enumerate(rows):
        spans = union([(s.start, s.end) for r, s in out if r == index])
        merged.extend((index, Segment(row.phase or "", lo, hi)) for lo, hi in spans)
    return merged


# ---------------------------------------------------------------- files


class _Quantizer:
    """Frames to palette images, against one palette shared by every frame.

    The palette is the colours the scene is drawn with, then the commonest other exact
    colours of sample frames, 255 in all: charts are flat colours plus anti-aliased
    edges, so the flat colours stay exact (white stays white) and edges take the
    nearest entry. Pillow's own mapping to a given palette is
    approximate (it would turn white into a light grey), so the mapping is a lookup
    table here, filled in as new colours appear. Index 255 stays free, for the
    transparency of unchanged pixels in delta frames.
    """

    def __init__(self, samples: Sequence[Any], colours: Sequence[str] = ()) -> None:
        import numpy as np
        from matplotlib.colors import to_rgb

        fixed = np.array(sorted({(round(r * 255) << 16) | (round(g * 255) << 8) | round(b * 255)
                                 for r, g, b in map(to_rgb, colours)})[:255], dtype=np.uint32)
        codes = np.concatenate([self._codes(f).reshape(-1) for f in samples])
        values, counts = np.unique(codes, return_counts=True)
        common = values[np.argsort(-counts, kind="stable")]
        common = common[~np.isin(common, fixed)][: 255 - len(fixed)]
        top = np.concatenate([fixed, common])
        self.colours = np.stack([(top >> 16) & 255, (top >> 8) & 255, top & 255],
                                axis=1).astype(np.int32)
        flat = [int(c) for c in self.colours.reshape(-1)]
        self.palette = flat + flat[-3:] * (256 - len(top))  # padding adds no colour
        self.lut = np.full(1 << 24, 0xFFFF, dtype=np.uint16)
        self.lut[top] = np.arange(len(top), dtype=np.uint16)

    @staticmethod
    def _codes(frame: Any) -> Any:
        import numpy as np

        rgb = frame.astype(np.uint32)
        return (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]

    def __call__(self, frame: Any) -> PILImage.Image:
        import numpy as np
        from PIL import Image

        codes = self._codes(frame)
        index = self.lut[codes]
        missing = index == 0xFFFF
        if missing.any():
            new = np.unique(codes[missing])
            rgb = np.stack([(new >> 16) & 255, (new >> 8) & 255, new & 255],
                           axis=1).astype(np.int32)
            for lo in range(0, len(new), 4096):
                part = rgb[lo: lo + 4096]
                dist = ((part[:, None, :] - self.colours[None, :, :]) ** 2).sum(axis=2)
                self.lut[new[lo: lo + 4096]] = dist.argmin(axis=1).astype(np.uint16)
            index = self.lut[codes]
        height, width = index.shape
        image = Image.frombytes("P", (width, height), index.astype(np.uint8).tobytes())
        image.putpalette(self.palette)
        return image


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _Mp4:
    """Raw RGB frames piped into ffmpeg (H.264, yuv420p), frames repeated to keep timing."""

    def __init__(self, ffmpeg: str, path: Path, size: tuple[int, int]) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.mp4")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close() or abort())
        self.ticks = 0.0  # time written so far, in MP4 frames
        self.sent = 0
        width, height = size
        self.proc = subprocess.Popen(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo",
             "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", str(MP4_FPS),
             "-i", "-", "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
             "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
             "-movflags", "+faststart", str(self.tmp)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log)
        self.failed: str | None = None

    def add(self, frame: bytes, seconds: float) -> None:
        if self.failed:
            return
        self.ticks += seconds * MP4_FPS
        repeat = max(1, round(self.ticks) - self.sent)
        assert self.proc.stdin is not None
        try:
            for _ in range(repeat):
                self.proc.stdin.write(frame)
            self.sent += repeat
        except (BrokenPipeError, OSError) as exc:
            self.failed = str(exc)

    def close(self) -> str | None:
        """Finish the file; returns why it failed, or ``None``."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        code = self.proc.wait()
        self.log.seek(0)
        err = self.log.read().decode("utf-8", "replace").strip().splitlines()
        self.log.close()
        if code != 0 or self.failed or not self.tmp.is_file():
            self.tmp.unlink(missing_ok=True)
            return (err[-1] if err else self.failed) or f"ffmpeg exit status {code}"
        os.replace(self.tmp, self.path)
        return None

    def abort(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.tmp.unlink(missing_ok=True)


def write_animation(result: RunResult, out: Path, *, plan: RunResult | None = None,
                    frames: int = DEFAULT_FRAMES, size: tuple[int, int] = SIZE,
                    mp4: bool | None = None, caption_frames: int | None = None,
                    ) -> AnimationFiles:
    """Write ``replay.gif`` (and ``replay.mp4``) into ``out``; return what was written.

    ``frames`` is the frame budget (see :func:`plan_frames`), ``size`` the picture in
    pixels. ``mp4``: ``None`` writes the MP4 when an ffmpeg executable is found (else a
    note says it was skipped), ``True`` insists (a note says why not), ``False`` never.
    ``plan`` (a run made with ``plan=True``) adds the plan's ghost bars. Raises
    :class:`AnimationUnavailable` when Pillow cannot be imported. Files are written
    under temporary names and renamed: complete or absent.
    """
    if not _pillow_available():
        raise AnimationUnavailable(PILLOW_HELP)
    from matplotlib import rc_context

    specs = plan_frames(result, frames, caption_frames=caption_frames)
    files = AnimationFiles(frames=len(specs))
    ffmpeg = ffmpeg_path() if mp4 is not False else None
    if mp4 is not False and ffmpeg is None:
        files.notes.append("no ffmpeg executable found: replay.mp4 not written "
                           "(replay.gif has the same animation)")
    width, height = size
    with rc_context({"text.hinting": "no_hinting"}):
        scene = _Scene(result, plan, size)
        scene.draw_background()
        # One palette for all frames: the scene's colours, and the commonest others in
        # frames through the run and with captions.
        last = len(specs) - 1
        sample = [last, *(last * i // 4 for i in range(1, 4))]
        sample += [k for k, s in enumerate(specs) if len(s.captions) == CAPTION_SLOTS][:1]
        sample += [k for k, s in enumerate(specs) if s.captions][:1]
        quantize = _Quantizer([scene.render(specs[k], k == last) for k in dict.fromkeys(sample)],
                              scene.colours)
        encoder = _Mp4(ffmpeg, out / MP4_NAME, (width, height)) if ffmpeg else None
        images: list[PILImage.Image] = []
        try:
            for k, spec in enumerate(specs):
                rgb = scene.render(spec, k == len(specs) - 1)
                if encoder is not None:
                    encoder.add(rgb.tobytes(), spec.seconds)
                images.append(quantize(rgb))
        except BaseException:
            if encoder is not None:
                encoder.abort()
            raise
    durations = [round(s.seconds * 1000) for s in specs]

    def save_gif(path: Path) -> None:
        buffer = io.BytesIO()
        images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                       duration=durations, loop=0, optimize=True, disposal=1)
        path.write_bytes(buffer.getvalue())

    gif = out / GIF_NAME
    try:
        _write_atomic(gif, save_gif)
    except BaseException:
        if encoder is not None:
            encoder.abort()
        raise
    files.written.append(gif)
    if encoder is not None:
        why = encoder.close()
        if why is None:
            files.written.append(out / MP4_NAME)
        else:
            files.notes.append(f"ffmpeg failed ({why}): replay.mp4 not written")
    return files
