"""The figure an animation is drawn on: its layout, its background and its changing artists.

The layout is worked out in inches for a 9 x 6 in picture and scaled to the size
asked for. Speed comes from drawing the static parts once: everything that does not
change is rendered into a background image; each frame restores that image and draws
only the artists registered as live. Panels whose pictures repeat (the same gauge
readings, the same captions) are drawn once per distinct state and then pasted:
text is most of the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox
from numpy.typing import NDArray

from sim.plotting import style

DPI = 100
PANEL_CACHE = 256  # distinct panel pictures kept
GHOST_FILL, GHOST_EDGE = "#e4e4e4", "#c4c4c4"  # the plan's bars
LOST_FILL = "#f6d2bd"  # capacity taken by injects
MUTED, IDLE, OUTLINE = "#555555", "#777777", "#9a9a9a"
PANEL_FILL, PANEL_EDGE = "#fbfbfb", "#c8c8c8"
GREYS = (GHOST_FILL, GHOST_EDGE, LOST_FILL, MUTED, IDLE, OUTLINE, PANEL_FILL, PANEL_EDGE)

A = TypeVar("A", bound=Artist)


@dataclass(slots=True)
class Panel:
    """A region of the frame redrawn only when its state (``key``) is new."""

    bbox: Bbox  # display pixels
    artists: list[Artist] = field(default_factory=list)
    key: Any = None
    cache: dict[Any, Any] = field(default_factory=dict)


class Scene:
    """A figure of ``size`` pixels laid out in inches of a 9 x 6 in picture."""

    def __init__(self, size: tuple[int, int]) -> None:
        width_px, height_px = size
        self.w, self.h = width_px / DPI, height_px / DPI
        self.fig = style.new_figure(self.w, self.h)
        canvas = self.fig.canvas
        assert isinstance(canvas, FigureCanvasAgg)
        self.canvas: Any = canvas  # Agg's blitting methods carry no type hints
        self.k, self.v = self.w / 9.0, self.h / 6.0  # horizontal and vertical scale
        self.fs = min(self.k, self.v)  # font scale
        self.animated: list[Artist] = []
        self.panels: list[Panel] = []
        self.background: Any = None
        # The colours the scene is drawn with, which the GIF's palette keeps exact.
        self.colours: list[str] = ["white", style.INK, *style.OKABE_ITO.values(),
                                   style.NIGHT, style.REST_DAY, style.GRID, *GREYS]

    def axes(self, x0: float, y0: float, x1: float, y1: float) -> Axes:
        """Axes over the rectangle (inches of the 9 x 6 layout) from (x0, y0) to (x1, y1)."""
        k, v, w, h = self.k, self.v, self.w, self.h
        return self.fig.add_axes((x0 * k / w, y0 * v / h, (x1 - x0) * k / w,
                                  (y1 - y0) * v / h))

    def panel(self, x0: float, y0: float, x1: float, y1: float) -> Panel:
        """A new panel over the rectangle (inches of the 9 x 6 layout)."""
        bbox = Bbox.from_extents(x0 * self.k * DPI, y0 * self.v * DPI,
                                 min(x1 * self.k, self.w) * DPI, y1 * self.v * DPI)
        self.panels.append(Panel(bbox))
        return self.panels[-1]

    def at(self, x: float, y_from_top: float) -> tuple[float, float]:
        """Figure coordinates of a point given in inches (from the left, from the top)."""
        return x * self.k / self.w, 1 - y_from_top * self.v / self.h

    def live(self, artist: A, panel: Panel | None = None) -> A:
        """Register an artist drawn per frame (in ``panel``, if it belongs to one)."""
        self.animated.append(artist)
        if panel is not None:
            panel.artists.append(artist)
        return artist

    def draw_background(self) -> None:
        """Render everything but the live artists, once."""
        for artist in self.animated:
            artist.set_visible(False)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def show_all(self) -> None:
        """Make every live artist visible again (a frame then hides what it does not show)."""
        for artist in self.animated:
            artist.set_visible(True)

    def render(self) -> NDArray[np.uint8]:
        """The frame as it now stands, as an RGB array (height x width x 3)."""
        canvas = self.canvas
        canvas.restore_region(self.background)
        in_panels = {id(a) for p in self.panels for a in p.artists}
        for artist in self.animated:
            if artist.get_visible() and id(artist) not in in_panels:
                self.fig.draw_artist(artist)
        for panel in self.panels:
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
