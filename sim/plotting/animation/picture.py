"""The picture of the run at each frame: header, schedule, resource gauges, inject captions.

A header across the top (title; clock and progress), the schedule under it, and under
that the resource gauges (left) and the inject captions (right), on one
:class:`~sim.plotting.animation.scene.Scene`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from sim.plotting.animation.captions import CaptionPanel
from sim.plotting.animation.frames import FrameSpec
from sim.plotting.animation.gauges import GaugePanel
from sim.plotting.animation.header import Header
from sim.plotting.animation.scene import Scene
from sim.plotting.animation.schedule import Schedule
from sim.results import RunResult


class Part(Protocol):
    """A part of the picture: it sets its live artists for each frame."""

    def update(self, spec: FrameSpec, last: bool) -> None: ...


class Picture:
    """The scene of a run (and its plan's ghost bars), ready to render any frame."""

    def __init__(self, result: RunResult, plan: RunResult | None,
                 size: tuple[int, int]) -> None:
        scene = self.scene = Scene(size)
        # Built in drawing order: live artists are drawn in the order they were made.
        header = Header(scene, result)
        schedule = Schedule(scene, result, plan)
        gauges = GaugePanel(scene, result)
        captions = CaptionPanel(scene, result, schedule.hits)
        self.parts: tuple[Part, ...] = (header, schedule, gauges, captions)

    @property
    def colours(self) -> list[str]:
        """The colours the picture is drawn with."""
        return self.scene.colours

    def draw_background(self) -> None:
        self.scene.draw_background()

    def render(self, spec: FrameSpec, last: bool) -> NDArray[np.uint8]:
        """The frame of ``spec`` (``last``: the end of the run) as an RGB array."""
        self.scene.show_all()
        for part in self.parts:
            part.update(spec, last)
        return self.scene.render()
