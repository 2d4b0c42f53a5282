"""A :class:`~sim.report.document.Table` as aligned plain text, for the console: the
same cells the reports show, in columns padded to their widest cell."""

from __future__ import annotations

from sim.report.document import Table


def text_table(table: Table, indent: str = "  ") -> list[str]:
    """The header and the rows of ``table``, one line each, columns two spaces apart."""
    lines = [table.headers, *[tuple(c.text for c in row) for row in table.rows]]
    widths = [max(len(line[k]) for line in lines) for k in range(len(table.headers))]
    return [(indent + "  ".join(text.ljust(w) for text, w in zip(line, widths, strict=True)))
            .rstrip() for line in lines]
