"""The animation's resource gauges: units in use of capacity, units taken by injects hatched."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from sim.plotting import style
from sim.plotting.animation.frames import FrameSpec
from sim.plotting.animation.scene import DPI, IDLE, LOST_FILL, MUTED, OUTLINE, Scene
from sim.plotting.animation.words import clip
from sim.plotting.rows import shorten
from sim.results import RunResult, all_usage_steps
from sim.scenario.model import Calendar

MAX_GAUGES = 7  # resource gauges shown; more are summarised in a line

Reading = tuple[int, int, tuple[str, ...], bool]  # in use, capacity, injects holding, closed


@dataclass(frozen=True, slots=True)
class Gauge:
    """One resource's units in use and capacity over the run."""

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


def _held_by_injects(result: RunResult, resource: str,
                     capacity: int) -> list[tuple[float, tuple[str, ...]]]:
    """``(t, injects holding units of the resource)`` at each change of its capacity."""
    taken: dict[str, int] = {}
    down: list[tuple[float, tuple[str, ...]]] = []
    cap = capacity
    for ev in result.events:
        if ev.kind != "capacity" or ev.resource != resource or ev.amount is None:
            continue
        new = int(ev.amount)
        key = ev.inject or "?"
        if new < cap:
            taken[key] = taken.get(key, 0) + cap - new
        else:
            taken.pop(key, None)
        cap = new
        down.append((ev.t, tuple(k for k, v in taken.items() if v > 0)))
    return down


def gauges(result: RunResult) -> list[Gauge]:
    """A gauge per resource of the scenario, in its order."""
    sc = result.scenario
    steps = all_usage_steps(sc, result.events)
    out = []
    for res in sc.resources:
        rows = steps[res.id]
        label = res.name if res.name and res.name != res.id else res.id
        out.append(Gauge(res.id, shorten(label, 30), res.capacity, res.always,
                         [r[0] for r in rows], [(r[1], r[2]) for r in rows],
                         _held_by_injects(result, res.id, res.capacity)))
    return out


def working(calendar: Calendar, t: float) -> bool:
    """Whether ``t`` falls in the working day of a working day."""
    day = int(t // 24) + 1
    hour = t - 24.0 * (day - 1)
    return day not in calendar.rest_days and calendar.day_start <= hour < calendar.day_end


class GaugePanel:
    """A bar per resource: units in use (blue) of its capacity; units down hatched."""

    def __init__(self, scene: Scene, result: RunResult) -> None:
        self.calendar = result.scenario.calendar
        self.panel = scene.panel(0.0, 0.0, 5.7, 1.72)
        self.gauges = gauges(result)[:MAX_GAUGES]
        gy = scene.axes(1.95, 0.2, 4.55, 1.62)
        gy.set_axis_off()
        gy.set_xlim(0.0, 1.0)
        m = max(len(self.gauges), 5)
        gy.set_ylim(m - 0.5, -0.5)
        scene.fig.text(*scene.at(0.16, 6 - 1.86), "Resources: units in use / capacity",
                       ha="left", va="top", fontsize=8.5 * scene.fs, color=style.INK,
                       fontweight="bold")
        size = max(6.0, min(7.5, (1.42 * scene.v * DPI / m) * 0.42)) * scene.fs
        self._bars(scene, gy, size)
        more = len(result.scenario.resources) - len(self.gauges)
        if not self.gauges:
            gy.text(0.0, 0.0, "This scenario has no resources.", fontsize=7.5 * scene.fs,
                    color=MUTED, va="center")
        elif more > 0:
            scene.fig.text(*scene.at(0.16, 6 - 0.08), f"(+{more} more resources not shown)",
                           fontsize=6.5 * scene.fs, color=MUTED, ha="left", va="bottom")

    def _bars(self, scene: Scene, gy: Axes, size: float) -> None:
        """Per gauge: its name, frame and unit dividers (static), bars and reading (live)."""
        self.used_bars: list[Rectangle] = []
        self.lost_bars: list[Rectangle] = []
        self.texts: list[Text] = []
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
            for bar, bars in ((lost, self.lost_bars), (used, self.used_bars)):
                gy.add_patch(bar)
                bars.append(scene.live(bar, self.panel))
            if 1 < g.base <= 16:  # unit dividers
                dividers += [[(u / g.base, i - 0.32), (u / g.base, i + 0.32)]
                             for u in range(1, g.base)]
            reading = gy.text(1.03, i, "", ha="left", va="center", fontsize=size,
                              color=style.INK, clip_on=False)
            self.texts.append(scene.live(reading, self.panel))
        if dividers:
            scene.live(gy.add_collection(LineCollection(dividers, colors="white",
                                                        linewidths=1.0, zorder=4),
                                         autolim=False), self.panel)

    def update(self, spec: FrameSpec, last: bool) -> None:
        t = spec.t
        readings: list[Reading] = []
        for g, used_bar, lost_bar, text in zip(self.gauges, self.used_bars, self.lost_bars,
                                               self.texts, strict=True):
            used, cap, down = g.at(t)
            closed = used == 0 and not g.always and not working(self.calendar, t)
            readings.append((used, cap, down, closed))
            base = max(g.base, 1)
            used_bar.set_width(min(used, max(base, cap)) / base)
            lost = max(base - cap, 0) / base
            lost_bar.set_x(1.0 - lost)
            lost_bar.set_width(lost)
            words = f"{used} / {cap}"
            if cap < g.base:
                words += f"  (−{g.base - cap}: {clip(', '.join(down) or 'inject', 16)})"
            elif closed:
                words += "  closed"
            text.set_text(style.plain(words))
            text.set_color(style.ALERT if cap < g.base or used > cap else
                           IDLE if used == 0 else style.INK)
            text.set_fontweight("bold" if cap < g.base else "normal")
        self.panel.key = tuple(readings)
