"""The run report: every KPI, the phase table against the plan, the MSEL, escaping, files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.core.timefmt import format_duration, format_time
from sim.engine import simulate
from sim.report import build_report, render_markdown, scripted_time, write_charts_and_report
from sim.results import RunResult
from sim.scenario import load_scenario
from tests.test_plotting_gantt import BLOCK, SPEC

ROOT = Path(__file__).resolve().parent.parent
WEEK = ROOT / "scenarios" / "training_week.yaml"


@pytest.fixture(scope="module")
def week() -> tuple[RunResult, RunResult]:
    scenario = load_scenario(WEEK)
    return simulate(scenario), simulate(scenario, plan=True)


@pytest.fixture(scope="module")
def written(week: tuple[RunResult, RunResult],
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("week")
    result, plan = week
    return out, write_charts_and_report(result, out, plan=plan, dpi=50)


def test_writes_the_charts_and_both_reports(written: tuple[Path, list[Path]]) -> None:
    out, paths = written
    assert sorted(p.name for p in paths) == ["gantt.png", "heatmap.png", "report.html",
                                             "report.md", "resources.png", "workload.png"]
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def kpi_values(result: RunResult, plan: RunResult) -> list[str]:
    late = result.end_h - result.planned_end_h
    values = [format_time(result.end_h), format_time(result.planned_end_h),
              format_time(plan.end_h), "yes" if result.on_time else "no",
              format_duration(late) if late > 0 else "none"]
    for phase in result.phases.values():
        if phase.limit_h is not None and phase.duration_h is not None:
            values.append(f"{format_duration(phase.duration_h)} of "
                          f"{format_duration(phase.limit_h)} limit")
    return values


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_report_holds_every_kpi_and_every_inject(week: tuple[RunResult, RunResult],
                                                 written: tuple[Path, list[Path]],
                                                 name: str) -> None:
    result, plan = week
    text = (written[0] / name).read_text(encoding="utf-8")
    for label in ("End (last activity finished)", "Planned end", "On time", "Lateness",
                  "Plan end", "Slip against the plan", "Top bottleneck"):
        assert label in text
    for value in kpi_values(result, plan):
        assert value in text
    for inject in result.scenario.injects:
        assert inject.id in text
        assert inject.description and inject.description in text
        assert inject.expected_action and inject.expected_action in text
        assert scripted_time(inject) in text
    for bottleneck in result.bottlenecks:
        assert bottleneck.id in text


def test_phase_table_compares_plan_and_actual(week: tuple[RunResult, RunResult]) -> None:
    result, plan = week
    report = build_report(result, plan)
    (table,) = [t for t in report.tables if t.title == "Phases"]
    assert table.headers[:6] == ("Phase", "Planned start", "Planned end", "Actual start",
                                 "Actual end", "Due")
    for row, phase in zip(table.rows, result.phases.values(), strict=True):
        planned = plan.phases[phase.id]
        assert [c.text for c in row[1:6]] == [
            format_time(planned.start_h or 0), format_time(planned.end_h or 0),
            format_time(phase.start_h or 0), format_time(phase.end_h or 0),
            format_time(phase.due_h) if phase.due_h is not None else "—"]


def test_html_is_self_contained(written: tuple[Path, list[Path]]) -> None:
    html = (written[0] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"https?:", html)
    assert "<script" not in html and "<link" not in html
    sources = re.findall(r'src="([^"]*)"', html)
    assert len(sources) == 4 and all(s.startswith("data:image/png;base64,") for s in sources)


def test_markdown_links_the_chart_files(written: tuple[Path, list[Path]]) -> None:
    md = (written[0] / "report.md").read_text(encoding="utf-8")
    for name in ("gantt", "resources", "heatmap", "workload"):
        assert f"]({name}.png)" in md


def test_user_text_is_escaped(tmp_path: Path) -> None:
    spec = SPEC.replace('"A <b>visitor</b> & friends"',
                        '"<script>alert(1)</script> | pipe & *stars*"')
    result = simulate(load_scenario(spec))
    write_charts_and_report(result, tmp_path, formats=["svg"], dpi=40)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | pipe &amp; *stars*" in html
    assert 'src="data:image/svg+xml;base64,' in html  # svg only: embedded as svg
    assert not re.search(r"https?:", html)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert r"&lt;script&gt;alert(1)&lt;/script&gt; \| pipe & \*stars\*" in md
    assert "![Schedule](gantt.svg)" in md
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".md"] + [".svg"] * 4


def test_limit_kpi_and_breach_in_the_report() -> None:
    result = simulate(load_scenario(BLOCK))
    report = build_report(result, simulate(load_scenario(BLOCK), plan=True))
    kpis = dict(report.kpis)
    cell = kpis["24-hour block: duration vs limit"]
    assert cell.text == "14h of 10h limit: BREACH by 4h" and cell.flag == "bad"
    md = render_markdown(report, {})
    assert "**14h of 10h limit: BREACH by 4h**" in md


def test_inject_outcomes_in_msel_form() -> None:
    result = simulate(load_scenario(SPEC))
    report = build_report(result)
    (msel,) = [t for t in report.tables if t.anchor == "injects"]
    assert msel.headers == ("Id", "Time", "Kind", "Target", "Description", "From", "To",
                            "Expected action", "Objective", "In this run")
    outcome = {row[0].text: (row[1].text, row[-1].text) for row in msel.rows}
    assert outcome == {"N-1": ("D1 09:00", "hit at D1 09:00"),
                       "N-2": ("D2 09:00", "hit at D2 09:00"),
                       "N-3": ("D3 10:00", "did not happen (after the end of the run)")}


def test_formats_are_checked_and_pdf_only_embeds_a_png(tmp_path: Path) -> None:
    result = simulate(load_scenario(ROOT / "scenarios" / "seminar.yaml"))
    plan = simulate(result.scenario, result.seed, plan=True)
    paths = write_charts_and_report(result, tmp_path, formats=["pdf"], dpi=40, by="group",
                                    plan=plan)
    names = sorted(p.name for p in paths)
    assert "gantt-by-group.pdf" in names and (tmp_path / "gantt-by-group.pdf").read_bytes()[:4] \
        == b"%PDF"
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"Plan end (expected durations, no injects)</td><td>{format_time(plan.end_h)}" in html
    assert html.count('src="data:image/png;base64,') == 4  # pdf only: png made to embed
    with pytest.raises(ValueError, match="unknown chart format"):
        write_charts_and_report(result, tmp_path, formats=["gif"], plan=plan)


def test_without_a_plan_nothing_is_simulated_and_the_plan_is_left_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.engine

    result = simulate(load_scenario(ROOT / "scenarios" / "seminar.yaml"))

    def no_engine(*_args: object, **_kwargs: object) -> RunResult:
        raise AssertionError("the report ran the engine")

    monkeypatch.setattr(sim.engine, "simulate", no_engine)
    paths = write_charts_and_report(result, tmp_path, dpi=30)
    assert len(paths) == 6
    for name in ("report.html", "report.md"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "Plan end" not in text and "Slip against the plan" not in text
        assert "End (last activity finished)" in text
    (phases,) = [t for t in build_report(result).tables if t.anchor == "phases"]
    assert all(row[1].text == row[2].text == "—" for row in phases.rows)


def test_a_plan_run_is_its_own_plan(tmp_path: Path) -> None:
    plan = simulate(load_scenario(ROOT / "scenarios" / "seminar.yaml"), plan=True)
    write_charts_and_report(plan, tmp_path, formats=["svg"], dpi=30)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"| Plan end (expected durations, no injects) | {format_time(plan.end_h)} |" in md
    assert "| Slip against the plan | 0min |" in md


def test_importing_the_documents_loads_neither_the_engine_nor_matplotlib() -> None:
    code = ("import sys, sim.report; "
            "print(sorted(m for m in ('matplotlib', 'simpy', 'sim.engine', 'sim.plotting') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


STUCK = """
format: tabletop/1
name: Stuck
days: 2
resources: [{id: range, capacity: 2}]
groups: [{id: blue, headcount: 5}]
phases:
  - id: p
    due: "D1 12:00"
    activities:
      - {id: shoot, duration: 2, needs: {range: 2}, not_before: "D1 08:00"}
      - {id: free, duration: 3, groups: [blue]}
injects:
  - {id: M-04, at: "D1 07:00", kind: resource_down, target: range, for: 1000d}
"""


def test_an_incomplete_run_is_drawn_and_reported_as_such(tmp_path: Path) -> None:
    from sim.plotting import activity_segments

    result = simulate(load_scenario(STUCK), time_cap=7.5)  # free runs 06:00-09:00
    assert not result.complete
    (segment,) = activity_segments(result)["free"]
    assert segment.open and (segment.start, segment.end) == (6.0, 7.5)
    write_charts_and_report(result, tmp_path, dpi=40)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "INCOMPLETE RUN" in html and "Unfinished activities" in html
    assert "no: INCOMPLETE" in html
    for item in result.stuck:
        assert item["activity"] in html
