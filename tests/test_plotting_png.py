"""Chart PNGs: exactly what the canvas drew, opaque, with the chart's dpi and our name."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib import rc_context
from matplotlib.figure import Figure
from PIL import Image

from sim.plotting.style import figure_bytes, new_figure, pixel_size


def drawing() -> Figure:
    fig = new_figure(3, 2)
    ax = fig.add_axes((0.15, 0.2, 0.8, 0.7))
    ax.plot([0, 1, 2], [0, 1, 0.5], color="#D55E00")
    ax.fill_between([0, 1, 2], [0, 0.5, 0.2], color="#56B4E9", alpha=0.5)
    ax.set_title("Units in use", fontsize=9)
    return fig


def test_a_chart_png_holds_exactly_what_was_drawn() -> None:
    fig = drawing()
    image = Image.open(io.BytesIO(figure_bytes(fig, "png", 50)))
    fig.set_dpi(50)
    with rc_context({"text.hinting": "no_hinting"}):  # as figure_bytes draws text
        fig.canvas.draw()
    drawn = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
    assert image.size == pixel_size(fig, 50) == (150, 100)
    assert np.array_equal(np.asarray(image.convert("RGBA")), drawn)


def test_a_chart_png_is_opaque() -> None:
    image = Image.open(io.BytesIO(figure_bytes(drawing(), "png", 40))).convert("RGBA")
    assert np.asarray(image)[:, :, 3].min() == 255


def test_says_its_dpi_and_who_wrote_it() -> None:
    image = Image.open(io.BytesIO(figure_bytes(drawing(), "png", 96)))
    assert image.info["dpi"] == pytest.approx((96, 96), abs=0.05)  # stored per metre
    assert image.info["Software"] == "tabletop"


def test_drawing_twice_gives_the_same_picture() -> None:
    fig = drawing()
    assert figure_bytes(fig, "png", 60) == figure_bytes(fig, "png", 60)
