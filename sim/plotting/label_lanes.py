"""Labels along a time axis put in lanes, so that no two overlap.

Each label is measured by the figure's renderer (its real width in the font drawn,
not an estimate by characters), then the labels are placed left to right, each in
the lowest lane whose last label ends before it starts: interval partitioning, which
uses as few lanes as any placement can.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.text import Text

GAP_IN = 3.0 / 72  # inches kept free between two labels in a lane


def assign_lanes(spans: Sequence[tuple[float, float]], gap: float = 0.0) -> list[int]:
    """The lane of each ``(start, end)`` span: no two spans in a lane overlap (with ``gap``
    between them). Spans are taken by start (ties in the order given)."""
    order = sorted(range(len(spans)), key=lambda k: (spans[k][0], k))
    lane_end: list[float] = []
    lanes = [0] * len(spans)
    for k in order:
        start, end = spans[k]
        lane = next((j for j, last in enumerate(lane_end) if start >= last + gap),
                    len(lane_end))
        if lane == len(lane_end):
            lane_end.append(end)
        lane_end[lane] = end
        lanes[k] = lane
    return lanes


def text_sizes(fig: Figure, texts: Sequence[Text]) -> list[tuple[float, float]]:
    """``(width, height)`` in inches of each text as the figure's renderer draws it."""
    out = []
    for text in texts:
        box = text.get_window_extent()  # with the figure's own renderer, whatever its canvas
        out.append((box.width / fig.dpi, box.height / fig.dpi))
    return out
