"""Charts into files: each chart drawn once, written in every format asked for, and kept
as an image for the HTML page to embed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sim.core.files import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Builders = Mapping[str, "Callable[[], Figure]"]
FORMATS = ("png", "svg", "pdf")


class RenderedCharts(NamedTuple):
    paths: list[Path]  # every file written
    images: dict[str, tuple[str, bytes]]  # chart name -> (MIME type, bytes) to embed
    files: dict[str, list[str]]  # chart name -> its file names


def chart_formats(formats: Iterable[str] | None) -> list[str]:
    """The formats asked for, lower case, each once (png if none); ``ValueError`` for
    one that is not png, svg or pdf."""
    chosen: list[str] = []
    for fmt in formats or ("png",):
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValueError(f"unknown chart format {fmt!r} (choose from png, svg, pdf)")
        if fmt not in chosen:
            chosen.append(fmt)
    return chosen


def render_charts(builders: Builders, out: Path, formats: Sequence[str],
                  dpi: float) -> RenderedCharts:
    """Draw and write each chart (atomically) as ``out/<name>.<format>``.

    The image to embed is the PNG if written, else the SVG, else a PNG made for it.
    """
    # matplotlib is heavy: loaded only when a chart is drawn, not with the documents
    from sim.plotting.style import figure_bytes

    rendered = RenderedCharts([], {}, {})
    for name, build in builders.items():
        fig = build()
        data = {fmt: figure_bytes(fig, fmt, dpi) for fmt in formats}
        for fmt, content in data.items():
            path = out / f"{name}.{fmt}"
            write_bytes_atomic(path, content)
            rendered.paths.append(path)
            rendered.files.setdefault(name, []).append(path.name)
        if "png" in data:
            rendered.images[name] = ("image/png", data["png"])
        elif "svg" in data:
            rendered.images[name] = ("image/svg+xml", data["svg"])
        else:
            rendered.images[name] = ("image/png", figure_bytes(fig, "png", dpi))
    return rendered
