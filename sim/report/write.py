"""A document into a directory: its charts, then report.html and report.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.core.files import write_bytes_atomic
from sim.report.charts import Builders, chart_formats, render_charts
from sim.report.document import Report
from sim.report.html import RUN_FOOTER, render_html
from sim.report.markdown import render_markdown


def write_document(report: Report, builders: Builders, out: Path, *,
                   formats: Sequence[str] | None = None, dpi: float = 110,
                   footer: str = RUN_FOOTER) -> list[Path]:
    """The charts ``builders`` draw, then report.html (images embedded, ``footer`` last)
    and report.md (images linked), each written atomically. Returns the paths written;
    ``ValueError`` for an unknown format, before anything is written."""
    rendered = render_charts(builders, out, chart_formats(formats), dpi)
    written = list(rendered.paths)
    for path, text in ((out / "report.html",
                        render_html(report, rendered.images, rendered.files, footer=footer)),
                       (out / "report.md", render_markdown(report, rendered.files))):
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
