"""A :class:`Report` as Markdown: the same tables, charts linked as image files."""

from __future__ import annotations

import re

from sim.report.document import Cell, Chart, Report, Section, Table, contents

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
    body = ["## Key figures", "", "| Figure | Value |", "|---|---|"]
    body += [f"| {_m(label)} | {_mcell(cell)} |" for label, cell in report.kpis]
    for table in report.tables:
        body += _md_table(table)
    if report.charts:
        body += ["", "## Charts"]
    for chart in report.charts:
        body += _md_chart(chart, files.get(chart.name, []))
    for section in report.sections:
        body += _md_section(section)
    if report.contents:
        lines += _md_toc(report, body)
    return "\n".join(lines + body) + "\n"


def _md_section(section: Section) -> list[str]:
    lines = ["", f"## {_m(section.title)}", "", _m(section.note)]
    for page in section.pages:
        lines += ["", f"### {_m(page.title)}"]
        for table in page.tables:
            lines += _md_table(table, level=4)
    return lines


def heading_slugs(lines: list[str]) -> list[str]:
    """The anchor each Markdown heading of ``lines`` gets, in order, as GitHub (and most
    renderers) make them: lower case, punctuation dropped, spaces as hyphens, ``-1``,
    ``-2`` ... after a repeated one."""
    seen: dict[str, int] = {}
    slugs = []
    for line in lines:
        if not line.startswith("#"):
            continue
        text = line.lstrip("#").strip().replace("\\", "").lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.append(slug if count == 0 else f"{slug}-{count}")
    return slugs


def _md_toc(report: Report, body: list[str]) -> list[str]:
    """A list of links to the parts of ``body``, by the anchors their headings get."""
    headings = [line.lstrip("#").strip() for line in body if line.startswith("#")]
    anchors = dict(zip(headings, heading_slugs(body), strict=True))  # first of each title
    lines = ["## Contents", ""]
    for level, title, _anchor in contents(report):
        title = _m(title)
        lines.append(("  " if level == 2 else "") + f"- [{title}](#{anchors.get(title, '')})")
    return [*lines, ""]


def _md_table(table: Table, level: int = 2) -> list[str]:
    lines = ["", f"{'#' * level} {_m(table.title)}", ""]
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
