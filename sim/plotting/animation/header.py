"""The animation's header: the programme's name and, per frame, the clock and progress."""

from __future__ import annotations

import bisect

from sim.core.timefmt import format_clock, format_duration, format_time
from sim.plotting import style
from sim.plotting.animation.frames import FrameSpec
from sim.plotting.animation.scene import MUTED, Scene
from sim.plotting.rows import shorten
from sim.replay import date_of, day_of
from sim.results import RunResult


def clock_text(result: RunResult, t: float) -> str:
    """The time ``t`` as the clock shows it: with the weekday and date when the programme
    has a start date."""
    sc = result.scenario
    if sc.start_date is None:
        return format_time(t)
    day = day_of(t)
    date = date_of(sc, day)
    assert date is not None
    return f"D{day} {date:%a} {date.day} {date:%b}  {format_clock(t - 24.0 * (day - 1))}"


class Header:
    """Title and subtitle (static); the clock and the activities finished (per frame)."""

    def __init__(self, scene: Scene, result: RunResult) -> None:
        self.result = result
        fig, fs = scene.fig, scene.fs
        fig.text(*scene.at(0.16, 0.12), style.plain(shorten(result.scenario.name, 64)),
                 ha="left", va="top", fontsize=11.5 * fs, color=style.INK, fontweight="bold")
        fig.text(*scene.at(0.16, 0.42), style.plain(
            f"Replay of the run · seed {result.seed} · planned end "
            f"{format_time(result.planned_end_h)} · "
            f"{len(result.activities)} activity instances"),
            ha="left", va="top", fontsize=8.0 * fs, color=MUTED)
        self.clock = scene.live(fig.text(*scene.at(8.84, 0.1), "", ha="right", va="top",
                                         fontsize=14.0 * fs, color=style.INK,
                                         fontweight="bold", family="DejaVu Sans Mono"))
        self.progress = scene.live(fig.text(*scene.at(8.84, 0.42), "", ha="right",
                                            va="top", fontsize=8.0 * fs, color=MUTED))
        self.finish_times = sorted(e.t for e in result.events if e.kind == "finish")

    def update(self, spec: FrameSpec, last: bool) -> None:
        result = self.result
        self.clock.set_text(clock_text(result, spec.t))
        done = bisect.bisect_right(self.finish_times, spec.t + 1e-9)
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
