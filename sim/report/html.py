"""A :class:`Report` as one self-contained HTML page: styles inline, images embedded,
no network, every text escaped."""

from __future__ import annotations

import base64
import html

from sim.report.document import Cell, Chart, Report, Section, Table, contents

RUN_FOOTER = "Made by tabletop from the run's event log."

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:2rem auto;max-width:1500px;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:2px solid #0072B2;padding-bottom:.2rem}
.meta{color:#555;margin:.1rem 0;font-size:.92rem}
.notice{background:#fbe3d6;border-left:4px solid #D55E00;padding:.5rem .8rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef4fa}tr:nth-child(even) td{background:#fafafa}
td.bad{color:#B84A00;font-weight:700}td.good{color:#00704F}
table.kpis td:first-child{font-weight:600}
.note{color:#555;font-size:.85rem;margin:.2rem 0 .8rem}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{color:#555;font-size:.85rem}
nav.toc{background:#f5f8fb;border:1px solid #dde6ee;padding:.4rem 1rem;margin:1rem 0;
font-size:.92rem}nav.toc h2{margin:.4rem 0;border:0;font-size:1.05rem}
nav.toc ol{margin:.2rem 0;padding-left:1.4rem}nav.toc ol ol{padding-left:0}
nav.toc ol ol li{display:inline-block;margin-right:1rem}
h3{font-size:1.1rem;margin:1.4rem 0 .3rem}h4{font-size:.98rem;margin:1rem 0 .2rem}
@page{size:A4;margin:14mm 12mm 16mm}
td.nw{white-space:nowrap}
@media print{body{margin:0;max-width:none;font-size:10pt;line-height:1.3}
a{color:inherit;text-decoration:none}
h2,h3,h4{break-after:avoid;page-break-after:avoid}
table{max-width:100%;font-size:8pt}th,td{padding:.12rem .3rem;overflow-wrap:break-word}
section.pages table{width:100%}thead{display:table-header-group}
tr,figure,p.note,table.kpis,section.pages table{break-inside:avoid;page-break-inside:avoid}
p.note{break-before:avoid}
table.kpis{width:auto}h2#charts,section.pages{break-before:page;page-break-before:always}
figure img{max-width:100%;max-height:240mm;object-fit:contain}
section.pages .day+.day{break-before:page;page-break-before:always}
tr:nth-child(even) td{background:#f4f4f4;-webkit-print-color-adjust:exact;
print-color-adjust:exact}}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(report: Report, images: dict[str, tuple[str, bytes]],
                files: dict[str, list[str]] | None = None, *,
                footer: str = RUN_FOOTER) -> str:
    """One self-contained HTML page; ``images`` maps chart name to (MIME type, bytes),
    ``files`` to the chart's file names; ``footer`` says what the figures come from."""
    files = files or {}
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_h(report.title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{_h(report.title)}</h1>"]
    parts += [f'<p class="meta">{_h(line)}</p>' for line in report.meta]
    parts += [f'<p class="notice">{_h(note)}</p>' for note in report.notes]
    if report.contents:
        parts.append(_toc(report))
    parts.append('<h2 id="kpis">Key figures</h2><table class="kpis"><tbody>')
    parts += [f"<tr><td>{_h(label)}</td>{_td(cell)}</tr>" for label, cell in report.kpis]
    parts.append("</tbody></table>")
    parts += [_html_table(table) for table in report.tables]
    if report.charts:
        parts.append('<h2 id="charts">Charts</h2>')
    parts += [_figure(chart, images[chart.name], files.get(chart.name, []))
              for chart in report.charts if chart.name in images]
    parts += [_section(section) for section in report.sections]
    parts.append(f'<p class="meta">{html.escape(footer, quote=False)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _td(cell: Cell, nowrap: bool = False) -> str:
    classes = " ".join(c for c in (cell.flag, "nw" if nowrap else "") if c)
    cls = f' class="{classes}"' if classes else ""
    return f"<td{cls}>{_h(cell.text)}</td>"


def _toc(report: Report) -> str:
    """The table of contents: a numbered list of the parts, their pages inline below."""
    out = ['<nav class="toc"><h2 id="contents">Contents</h2><ol>']
    entries = contents(report)
    for k, (level, title, anchor) in enumerate(entries):
        link = f'<li><a href="#{_h(anchor)}">{_h(title)}</a>'
        following = entries[k + 1][0] if k + 1 < len(entries) else 1
        if level == 1:
            out.append(link + ("<ol>" if following == 2 else "</li>"))
        else:
            out.append(link + "</li>" + ("" if following == 2 else "</ol></li>"))
    out.append("</ol></nav>")
    return "".join(out)


def _section(section: Section) -> str:
    """A section, each page in a ``div.day`` that starts a new printed page."""
    out = [f'<section class="pages" id="{_h(section.anchor)}"><h2>{_h(section.title)}</h2>',
           f'<p class="note">{_h(section.note)}</p>']
    for page in section.pages:
        out.append(f'<div class="day" id="{_h(page.anchor)}"><h3>{_h(page.title)}</h3>')
        out += [_html_table(table, level=4) for table in page.tables]
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


def _html_table(table: Table, level: int = 2) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(_td(c, k in table.nowrap) for k, c in enumerate(row))
                   + "</tr>" for row in table.rows)
    anchor = f' id="{_h(table.anchor)}"' if table.anchor else ""
    out = f"<h{level}{anchor}>{_h(table.title)}</h{level}>"
    if table.rows:
        out += f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if table.note:
        out += f'<p class="note">{_h(table.note)}</p>'
    return out


def _figure(chart: Chart, image: tuple[str, bytes], names: list[str]) -> str:
    mime, data = image
    listed = ", ".join(names)
    return (f'<figure id="{_h(chart.name)}"><img alt="{_h(chart.title)}" '
            f'src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}">'
            f"<figcaption><strong>{_h(chart.title)}.</strong> {_h(chart.caption)}"
            + (f" Files: {_h(listed)}." if listed else "") + "</figcaption></figure>")
