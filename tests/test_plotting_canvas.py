"""The chart canvas: text drawn a line at a time looks like matplotlib's own."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from sim.plotting.canvas import GLYPH_BY_GLYPH, ChartCanvas, LineTextRenderer
from sim.plotting.style import figure_bytes, new_figure

needs_glyph_by_glyph = pytest.mark.skipif(
    not GLYPH_BY_GLYPH, reason="this matplotlib draws text a line at a time itself")


def words(fig: Figure) -> Figure:
    """Text of every kind a chart uses, and some it does not."""
    fig.suptitle("Schedule: Exercise $1 \\$2\nseed 7 · 61 activity instances", x=0.02,
                 ha="left", fontsize=12)
    fig.text(0.05, 0.70, "Учения «Қазақстан» — D5 Fri 3 Sep", fontsize=9)
    fig.text(0.05, 0.60, "Arrival and induction", fontsize=8.5, fontweight="bold")
    fig.text(0.05, 0.50, "AVAWAY fi ffl office", fontsize=8, color="#D55E00")
    fig.text(0.05, 0.40, r"math: $x^2 + \alpha$", fontsize=9)
    fig.text(0.05, 0.30, "not antialiased", fontsize=9, antialiased=False)
    fig.text(0.05, 0.20, "no kerning AVAWAY", fontsize=9).set_fontfeatures(["-kern"])
    fig.text(0.90, 0.20, "units in use", rotation=90, fontsize=9.5)
    fig.text(0.70, 0.50, "45 degrees", rotation=45, fontsize=9)
    return fig


def grey(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L")).astype(float)


def test_charts_are_drawn_on_the_chart_canvas() -> None:
    fig = new_figure(4, 3)
    assert isinstance(fig.canvas, ChartCanvas)
    renderer = fig.canvas.get_renderer()
    assert isinstance(renderer, LineTextRenderer) == GLYPH_BY_GLYPH


@needs_glyph_by_glyph
@pytest.mark.parametrize("dpi", [40, 110])
def test_text_looks_as_matplotlib_draws_it(dpi: int) -> None:
    ours = new_figure(6, 3)
    theirs = Figure(figsize=(6, 3), facecolor="white")
    FigureCanvasAgg(theirs)
    a, b = grey(figure_bytes(words(ours), "png", dpi)), grey(figure_bytes(words(theirs), "png",
                                                                             dpi))
    assert a.shape == b.shape
    ink_a, ink_b = (255 - a).sum(), (255 - b).sum()
    assert ink_a == pytest.approx(ink_b, rel=0.03)  # the same glyphs, just as dark
    assert np.abs(a - b).mean() < 3  # and in the same places, give or take a pixel
    for axis in (0, 1):  # the ink starts and ends where it does in matplotlib's drawing
        lines_a = np.nonzero((a < 128).any(axis=axis))[0]
        lines_b = np.nonzero((b < 128).any(axis=axis))[0]
        assert abs(lines_a[0] - lines_b[0]) <= 1 and abs(lines_a[-1] - lines_b[-1]) <= 1


def test_drawing_twice_gives_the_same_picture() -> None:
    fig = words(new_figure(6, 3))
    assert figure_bytes(fig, "png", 60) == figure_bytes(fig, "png", 60)


@needs_glyph_by_glyph
def test_a_line_the_renderer_has_forgotten_is_laid_out_again() -> None:
    fig = words(new_figure(6, 3))
    first = figure_bytes(fig, "png", 60)
    renderer = fig.canvas.renderer  # the one that drew at 60 dpi, and will again
    assert isinstance(renderer, LineTextRenderer)
    assert len(renderer._lines) > 5  # kept from measuring: the second draw reuses them
    renderer._lines.clear()  # matplotlib still remembers the sizes, so nothing is re-measured
    assert figure_bytes(fig, "png", 60) == first
