"""Frames to palette images, against one palette shared by every frame of the GIF.

The palette is the colours the scene is drawn with, then the commonest other exact
colours of sample frames, 255 in all: charts are flat colours plus anti-aliased
edges, so the flat colours stay exact (white stays white) and edges take the
nearest entry. Pillow's own mapping to a given palette is approximate (it would
turn white into a light grey), so the mapping is a lookup table here, filled in as
new colours appear. Index 255 stays free, for the transparency of unchanged pixels
in delta frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.colors import to_rgb
from numpy.typing import NDArray
from PIL import Image

Frame = NDArray[np.uint8]  # height x width x 3
UNMAPPED = 0xFFFF  # a colour not yet given a palette entry
CHUNK = 4096  # new colours matched to the palette at a time (bounds the memory used)


Codes = NDArray[np.integer[Any]]  # 24-bit colour numbers


def _codes(frame: Frame) -> Codes:
    """Each pixel's colour as one 24-bit number."""
    rgb = frame.astype(np.uint32)
    return (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]


def _rgb(codes: Codes) -> NDArray[np.int32]:
    return np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255],
                    axis=1).astype(np.int32)


class Quantizer:
    """Maps frames to ``P`` images on the palette of ``colours`` and of ``samples``."""

    def __init__(self, samples: Sequence[Frame], colours: Sequence[str] = ()) -> None:
        fixed = np.array(sorted({(round(r * 255) << 16) | (round(g * 255) << 8) | round(b * 255)
                                 for r, g, b in map(to_rgb, colours)})[:255], dtype=np.uint32)
        codes = np.concatenate([_codes(f).reshape(-1) for f in samples])
        values, counts = np.unique(codes, return_counts=True)
        common = values[np.argsort(-counts, kind="stable")]
        common = common[~np.isin(common, fixed)][: 255 - len(fixed)]
        top = np.concatenate([fixed, common])
        self.colours = _rgb(top)
        flat = [int(c) for c in self.colours.reshape(-1)]
        self.palette = flat + flat[-3:] * (256 - len(top))  # padding adds no colour
        self.lut = np.full(1 << 24, UNMAPPED, dtype=np.uint16)
        self.lut[top] = np.arange(len(top), dtype=np.uint16)

    def _learn(self, new: Codes) -> None:
        """Give colours not seen before their nearest palette entry."""
        rgb = _rgb(new)
        for lo in range(0, len(new), CHUNK):
            part = rgb[lo: lo + CHUNK]
            dist = ((part[:, None, :] - self.colours[None, :, :]) ** 2).sum(axis=2)
            self.lut[new[lo: lo + CHUNK]] = dist.argmin(axis=1).astype(np.uint16)

    def __call__(self, frame: Frame) -> Image.Image:
        codes = _codes(frame)
        index = self.lut[codes]
        missing = index == UNMAPPED
        if missing.any():
            self._learn(np.unique(codes[missing]))
            index = self.lut[codes]
        height, width = index.shape
        image = Image.frombytes("P", (width, height), index.astype(np.uint8).tobytes())
        image.putpalette(self.palette)
        return image
