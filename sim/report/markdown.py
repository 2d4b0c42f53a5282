"""A :class:`Report` as Markdown: the same tables, charts linked as image files."""

from __future__ import annotations

from sim.report.document import Cell, Chart, Report, Table

_MD_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "*": "\\*", "`": "\\`", "[": "\\[",
                             "]": "\\]", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "})


def _m(text: str) -> str:
    return text.translate(_MD_ESCAPES)


def _mcell(cell: Cell) -> str:
    return f"**{_m(cell.text)}**" if cell.flag == "bad" else _m(cell.text)


def render_markdown(report: Report, files: dict[str, list[str]]) -> str:
    """The report as Markdown; ``files`` maps chart name to its file names."""
    lines = [f"# {_m(report.title)}", ""]
    lines += [f"{_m(line)}  " for line in report.meta] + [""]
    lines += [f"> **{_m(note)}**" for note in report.notes]
    lines += ["## Key figures", "", "| Figure | Value |", "|---|---|"]
    lines += [f"| {_m(label)} | {_mcell(cell)} |" for label, cell in report.kpis]
    for table in report.tables:
        lines += _md_table(table)
    if report.charts:
        lines += ["", "## Charts"]
    for chart in report.charts:
        lines += _md_chart(chart, files.get(chart.name, []))
    return "\n".join(lines) + "\n"


def _md_table(table: Table) -> list[str]:
    lines = ["", f"## {_m(table.title)}", ""]
    if table.rows:
        lines.append("| " + " | ".join(_m(h) for h in table.headers) + " |")
        lines.append("|" + "---|" * len(table.headers))
        lines += ["| " + " | ".join(_mcell(c) for c in row) + " |" for row in table.rows]
    if table.note:
        lines += ["", _m(table.note)]
    return lines


def _md_chart(chart: Chart, names: list[str]) -> list[str]:
    """The chart's PNG (else SVG) shown, its other files linked; nothing if none written."""
    if not names:
        return []
    lines = ["", f"### {_m(chart.title)}", ""]
    image = next((n for ext in (".png", ".svg") for n in names if n.endswith(ext)), None)
    if image:
        lines.append(f"![{_m(chart.title)}]({image})")
    others = [n for n in names if n != image]
    lines += ["", _m(chart.caption) + (" Also: " + ", ".join(f"[{n}]({n})" for n in others)
                                      if others else "")]
    return lines
