"""The Agg canvas every chart is drawn on: matplotlib's, with a faster way to draw text.

matplotlib 3.11 draws text one glyph at a time from Python (each glyph loaded,
rasterised and blended at its own subpixel position), which made the words of a
chart (row labels, legend, ticks) most of its drawing time. This canvas lays out
and rasterises each line of plain text in one FreeType call, as matplotlib itself
did up to 3.10, and does it once: the layout that measures a line (matplotlib
measures every line before drawing it) also yields its bitmap, which the renderer
keeps (a bounded number of them) for drawing the line, then and in later draws.
Same glyphs, same kerning and shaping; positions differ by under a pixel.

Mathtext and TeX keep matplotlib's own path, as does everything on a matplotlib
that still draws text the old way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import FontProperties

# Glyph-by-glyph text drawing arrived with this helper (matplotlib 3.11).
GLYPH_BY_GLYPH = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")
MAX_KEPT_LINES = 2048  # measured lines kept for drawing (a chart has a few hundred)


@dataclass(frozen=True, slots=True)
class _Line:
    """A line of text laid out and rasterised: metrics (pixels) and the bitmap."""

    width: float
    height: float
    descent: float
    bitmap: np.ndarray[Any, np.dtype[np.uint8]]
    offset: tuple[float, float]  # of the bitmap from the text origin, pixels


def _hinting() -> Any:
    """The FreeType load flags for :rc:`text.hinting`, as matplotlib reads them."""
    return get_hinting_flag()  # type: ignore[no-untyped-call]


class LineTextRenderer(RendererAgg):
    """Agg renderer drawing each line of plain text as one bitmap, laid out once."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)  # type: ignore[no-untyped-call]
        self._lines: dict[tuple[str, FontProperties, Any], _Line] = {}

    def _layout_line(self, s: str, prop: FontProperties, mtext: Any = None) -> _Line:
        font = self._prepare_font(prop)  # type: ignore[no-untyped-call]
        # Angle 0: the bitmap is rotated in raster space by draw_text_image.
        font.set_text(s, 0.0, flags=_hinting(),
                      features=mtext.get_fontfeatures() if mtext is not None else None,
                      language=mtext.get_language() if mtext is not None else None)
        font.draw_glyphs_to_bitmap(antialiased=True)
        width, height = font.get_width_height()
        xo, yo = font.get_bitmap_offset()
        return _Line(width / 64.0, height / 64.0, font.get_descent() / 64.0,
                     font.get_image().copy(),  # the font's buffer is reused by the next line
                     (xo / 64.0, yo / 64.0))

    def get_text_width_height_descent(self, s: str, prop: FontProperties,
                                      ismath: Any) -> tuple[float, float, float]:
        if ismath:
            return super().get_text_width_height_descent(  # type: ignore[no-any-return]
                s, prop, ismath)  # type: ignore[no-untyped-call]
        if len(self._lines) >= MAX_KEPT_LINES:
            self._lines.clear()
        line = self._layout_line(s, prop)
        self._lines[(s, prop.copy(), _hinting())] = line
        return line.width, line.height, line.descent

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: FontProperties,
                  angle: float, ismath: Any = False, mtext: Any = None) -> None:
        if ismath or not gc.get_antialiased():
            draw = super().draw_text
            draw(gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-untyped-call]
            return
        plain = mtext is None or (mtext.get_fontfeatures() is None
                                  and mtext.get_language() is None)
        line = self._lines.get((s, prop, _hinting())) if plain else None
        if line is None:  # measured without its features, or forgotten: lay it out now
            line = self._layout_line(s, prop, mtext)
        rad = math.radians(angle)
        self._renderer.draw_text_image(
            line.bitmap, round(x + line.offset[0] + line.descent * math.sin(rad)),
            round(y + line.offset[1] + line.descent * math.cos(rad)) + 1, angle, gc)


class ChartCanvas(FigureCanvasAgg):
    """``FigureCanvasAgg`` whose renderer is a :class:`LineTextRenderer` (where that helps)."""

    def get_renderer(self) -> RendererAgg:
        if not GLYPH_BY_GLYPH:
            return super().get_renderer()  # type: ignore[no-any-return,no-untyped-call]
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if self._lastKey != key:  # as FigureCanvasAgg: one renderer per size and dpi
            self.renderer = LineTextRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer  # type: ignore[no-any-return]
