"""The PNG writer: lossless, readable by Pillow, with the chart's dpi and our name."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from sim.plotting.png import png_bytes
from sim.plotting.style import figure_bytes, new_figure


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (37, 61)])
def test_pixels_come_back_exactly(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    rgb[1:, :, 0] = rgb[:-1, :, 0]  # repeated bytes, as in charts, and wrap-around below
    rgb[-1, :, 1] = 0
    image = Image.open(io.BytesIO(png_bytes(rgb, 110)))
    assert image.mode == "RGB" and image.size == (shape[1], shape[0])
    assert np.array_equal(np.asarray(image), rgb)


def test_says_its_dpi_and_who_wrote_it() -> None:
    image = Image.open(io.BytesIO(png_bytes(np.zeros((4, 5, 3), np.uint8), 96)))
    assert image.info["dpi"] == pytest.approx((96, 96), abs=0.05)  # stored per metre
    assert image.info["Software"] == "tabletop"


def test_rejects_anything_but_rgb_bytes() -> None:
    with pytest.raises(ValueError, match="height x width x 3"):
        png_bytes(np.zeros((4, 5, 4), np.uint8), 96)
    with pytest.raises(ValueError, match="height x width x 3"):
        png_bytes(np.zeros((4, 5, 3), np.float64), 96)  # type: ignore[arg-type]


def test_a_chart_png_holds_exactly_what_was_drawn() -> None:
    fig = new_figure(3, 2)  # no text: figure_bytes draws text with its own hinting
    ax = fig.add_axes((0.15, 0.2, 0.8, 0.7))
    ax.plot([0, 1, 2], [0, 1, 0.5], color="#D55E00")
    ax.fill_between([0, 1, 2], [0, 0.5, 0.2], color="#56B4E9", alpha=0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    canvas = io.BytesIO()
    fig.savefig(canvas, format="rgba", dpi=50, facecolor="white")
    drawn = np.frombuffer(canvas.getvalue(), np.uint8).reshape(100, 150, 4)[:, :, :3]
    image = Image.open(io.BytesIO(figure_bytes(fig, "png", 50)))
    assert image.mode == "RGB"
    assert np.array_equal(np.asarray(image), drawn)
