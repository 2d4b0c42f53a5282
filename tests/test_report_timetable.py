"""The run report's table of contents, its timetable section (one printed page per day)
and its print styles, in report.html and report.md (documents only: no chart drawn)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.engine import simulate
from sim.report import build_report, render_html, render_markdown
from sim.report.document import Report
from sim.report.markdown import heading_slugs
from sim.scenario import load_scenario
from tests.test_timetable import SMALL


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = tmp_path_factory.mktemp("report") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    scenario = load_scenario(path)
    return build_report(simulate(scenario, 0), simulate(scenario, 0, plan=True))


def test_html_contents_link_every_part(report: Report) -> None:
    page = render_html(report, {})
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', toc)
    assert links == ["kpis", "phases", "bottlenecks", "resources", "groups", "injects",
                     "charts", "timetable", "day-1", "day-2"]
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert set(links) <= ids  # every link lands somewhere
    assert ">D1, Monday 2 March 2026</a>" in toc
    assert page.index('<nav class="toc">') < page.index('id="kpis"')


def test_html_timetable_has_a_page_per_day_with_a_table_per_group(report: Report) -> None:
    page = render_html(report, {})
    section = page[page.index('<section class="pages" id="timetable">'):
                   page.index("</section>")]
    days = re.findall(r'<div class="day" id="(day-\d+)"><h3>([^<]+)</h3>', section)
    assert days == [("day-1", "D1, Monday 2 March 2026"), ("day-2", "D2, Tuesday 3 March 2026")]
    tables = re.findall(r'<h4 id="([^"]+)">([^<]+)</h4>', section)
    assert tables == [("day-1-blue", "D1 · blue: Blue course"), ("day-1-green", "D1 · green"),
                      ("day-2-blue", "D2 · blue: Blue course"), ("day-2-green", "D2 · green"),
                      ("day-2-none", "D2 · No group (facilities only)")]
    assert ("<th>Time</th><th>Activity</th><th>Place</th><th>Planned</th><th>Changes</th>"
            in section)
    assert ('<td class="nw">09:00–14:00</td><td>lecture</td><td>Lecture hall</td>'
            '<td class="nw">09:00–12:00</td>'
            '<td class="bad">ends 2h later than planned; paused 10:00–12:00 by M-01</td>'
            ) in section
    assert "M-01: Power cut." in section  # the inject the table names, with its text


def test_html_prints_to_a4_one_day_per_page(report: Report) -> None:
    page = render_html(report, {})
    style = page[page.index("<style>"):page.index("</style>")]
    assert "@page{size:A4;margin:" in style
    assert "@media print{" in style
    assert "section.pages .day+.day{break-before:page;page-break-before:always}" in style
    assert "thead{display:table-header-group}" in style  # headers repeat on a new page
    assert "tr,figure" in style and "break-inside:avoid" in style  # rows are never cut
    assert "max-height:240mm" in style  # a chart fits the page


def test_markdown_contents_and_timetable(report: Report) -> None:
    text = render_markdown(report, {})
    lines = text.splitlines()
    start = lines.index("## Contents")
    toc = lines[start + 2:lines.index("", start + 2)]
    assert toc[0] == "- [Key figures](#key-figures)"
    assert "- [Injects (MSEL)](#injects-msel)" in toc
    assert toc[-2:] == ["  - [D1, Monday 2 March 2026](#d1-monday-2-march-2026)",
                        "  - [D2, Tuesday 3 March 2026](#d2-tuesday-3-march-2026)"]
    body = lines[lines.index("## Key figures"):]
    slugs = set(heading_slugs(body))
    assert {re.search(r"\(#([^)]+)\)", line)[1] for line in toc} <= slugs  # type: ignore[index]
    assert "## Timetable" in lines and "### D2, Tuesday 3 March 2026" in lines
    assert "#### D2 · blue: Blue course" in lines
    assert "| 09:00–10:00 | visit | Lecture hall | — | **added by M-03** |" in lines
    assert "M-02 (delay)." in lines  # an inject without a description: its kind


def test_heading_slugs_follow_githubs_rules() -> None:
    assert heading_slugs(["# Injects (MSEL)", "text", "## D1, Monday", "### D1, Monday",
                          "#### D1 · blue: Blue"]) == [
        "injects-msel", "d1-monday", "d1-monday-1", "d1--blue-blue"]


def test_the_report_files_hold_the_timetable(tmp_path: Path) -> None:
    """report.html and report.md as `tabletop run` writes them (charts included)."""
    from sim.cli import main

    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path), "--name", "run", "--dpi", "30"]) == 0
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    md = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert '<nav class="toc">' in html and 'id="day-2"' in html
    assert "## Contents" in md and "### D1, Monday 2 March 2026" in md
