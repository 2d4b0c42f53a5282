"""Ensemble, comparison and sweep reports: every headline figure, every phase, escaping, files."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from sim.engine import simulate
from sim.ensemble import EnsembleResult, ensemble
from sim.ensemble.compare import CompareResult, compare
from sim.ensemble.risk import risk_summary
from sim.report import (
    CRN,
    build_compare_report,
    build_risk_report,
    diff_cell,
    quantile_cell,
    share_ci,
    span,
    sweep_cell,
    when,
    write_compare_report,
    write_risk_report,
    write_sweep_chart,
    write_sweep_report,
)
from sim.results import RunResult
from sim.scenario import load_scenario
from tests.test_risk_charts import RISKY, rows_of

CHARTS = ["criticality", "end-time", "gantt", "tornado", "utilisation"]


@pytest.fixture(scope="module")
def result() -> EnsembleResult:
    return ensemble(load_scenario(RISKY), 80, seed=3)


@pytest.fixture(scope="module")
def plan(result: EnsembleResult) -> RunResult:
    return simulate(result.scenario, result.seed, plan=True)


@pytest.fixture(scope="module")
def written(result: EnsembleResult, plan: RunResult,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("mc")
    return out, write_risk_report(result, out, risk_summary(result), plan=plan, dpi=40)


@pytest.fixture(scope="module")
def paired() -> CompareResult:
    longer = RISKY.replace("{pert: [2h, 3h, 7h]}", "{pert: [3h, 4h, 8h]}")
    return compare(load_scenario(RISKY), load_scenario(longer), 50, seed=3)


def headline(result: EnsembleResult) -> list[str]:
    """Every headline figure as the report must print it."""
    st = result.stats
    lo, hi = st.end.ci()
    figures = [share_ci(st.on_time), when(st.end.mean), when(lo), when(hi), span(st.end.std),
               "local, 1 worker"]
    figures += [quantile_cell(st.end_q, p).text for p in (0.1, 0.5, 0.9)]
    figures += [share_ci(ok) for ok in st.limit_ok]
    return figures


def test_writes_five_charts_and_both_reports(written: tuple[Path, list[Path]]) -> None:
    out, paths = written
    assert sorted(p.name for p in paths) == sorted(
        [f"{c}.png" for c in CHARTS] + ["report.html", "report.md"])
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_report_holds_every_headline_figure_and_phase(result: EnsembleResult,
                                                      written: tuple[Path, list[Path]],
                                                      name: str) -> None:
    text = (written[0] / name).read_text(encoding="utf-8")
    for figure in headline(result):
        assert figure in text, figure
    for label in ("P(on time", "End time P10", "End time P50", "End time P90",
                  "Mean end time", "P(within its 8h limit)", "Phase lateness",
                  "Critical activities", "What drives the end time",
                  "Is the number of runs enough?"):
        assert label in text, label
    for phase in result.scenario.phases:
        assert f"{phase.name} ({phase.id})" in text
    for i, late in enumerate(result.stats.phase_p_late):
        assert share_ci(late) in text
        assert span(result.stats.phase_late_m[i].mean) in text
    for activity, share in result.stats.criticality().items():
        if share > 0:
            assert f"{share:.1%}" in text and activity in text
    assert "n is enough" in text or "more runs needed" in text


def test_sensitivity_table_is_ordered_by_absolute_rank_correlation(
        result: EnsembleResult) -> None:
    report = build_risk_report(result, risk_summary(result))
    (table,) = [t for t in report.tables if t.anchor == "sensitivity"]
    rhos = [float(row[2].text.replace("−", "-")) for row in table.rows]
    assert [abs(r) for r in rhos] == sorted((abs(r) for r in rhos), reverse=True)
    assert table.rows[0][1].text == "inject M-1: whether it happens"


def test_missing_replications_are_flagged_incomplete(result: EnsembleResult) -> None:
    broken = dataclasses.replace(result, n=90, missing=tuple(range(80, 90)))
    report = build_risk_report(broken, risk_summary(broken))
    (note,) = report.notes
    assert note.startswith("INCOMPLETE: 10 of 90 replications are missing (ids 80-89)")
    assert ("Replications", "80 of 90 — INCOMPLETE") in [(k, c.text) for k, c in report.kpis]
    assert not build_risk_report(result, risk_summary(result)).notes


def test_html_is_self_contained_and_escaped(written: tuple[Path, list[Path]]) -> None:
    html = (written[0] / "report.html").read_text(encoding="utf-8")
    assert "Risky &lt;b&gt;week&lt;/b&gt; $5" in html and "<b>week" not in html
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) == len(CHARTS)
    assert not re.search(r"https?://|<script|<link|<iframe", html)
    assert "Made by tabletop from 80 replications (seed 3, local, 1 worker)." in html
    md = (written[0] / "report.md").read_text(encoding="utf-8")
    assert "Risky &lt;b&gt;week&lt;/b&gt; $5" in md
    assert all(f"({c}.png)" in md for c in CHARTS)


def test_chart_formats_and_the_plan_given(result: EnsembleResult, plan: RunResult,
                                         tmp_path: Path) -> None:
    paths = write_risk_report(result, tmp_path, risk_summary(result),
                              formats=["svg", "png", "svg"], dpi=30, plan=plan)
    assert {p.suffix for p in paths} == {".svg", ".png", ".html", ".md"}
    assert len(paths) == 2 * len(CHARTS) + 2
    assert f"Plan end (expected durations, no injects) | {when(plan.end_h)}" in (
        tmp_path / "report.md").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="unknown chart format"):
        write_risk_report(result, tmp_path, risk_summary(result), formats=["gif"], plan=plan)


# ---------------------------------------------------------------- comparison


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_compare_report_shows_both_variants_and_the_differences(
        paired: CompareResult, tmp_path: Path, name: str) -> None:
    paths = write_compare_report(paired, tmp_path, set_b=["phases.main.x=1"], dpi=30)
    assert sorted(p.name for p in paths) == ["differences.png", "end-times.png",
                                             "report.html", "report.md"]
    text = (tmp_path / name).read_text(encoding="utf-8")
    if name == "report.html":
        text = text.replace("&#x27;", "'")
    for st in (paired.a.stats, paired.b.stats):
        assert share_ci(st.on_time) in text
        assert quantile_cell(st.end_q, 0.5).text in text
        assert quantile_cell(st.end_q, 0.9).text in text
        assert when(st.end.mean) in text
    p = paired.paired
    assert diff_cell(p.end).text in text
    assert diff_cell(p.on_time, in_points=True, worse_if_positive=False).text in text
    for pid, m in p.phase_late.items():
        assert pid in text and diff_cell(m).text in text
    assert "with phases.main.x=1" in text
    assert CRN in text


def test_compare_flags_a_worse_b(paired: CompareResult) -> None:
    report = build_compare_report(paired)
    kpis = dict(report.kpis)
    assert kpis["B − A mean end time (paired)"].flag == "bad"  # longer exercise, later end
    assert kpis["B − A mean end time (paired)"].text.startswith("+")
    assert kpis["Pairs compared"].text == "50 of 50"


# ---------------------------------------------------------------- sweep


@pytest.mark.parametrize("keys", [1, 2])
def test_sweep_chart_and_report(keys: int, tmp_path: Path) -> None:
    names, rows, header = rows_of(keys)
    (chart,) = write_sweep_chart(names, rows, header, "p_on_time", tmp_path, dpi=30)
    assert chart.name == "sweep-p_on_time.png" and chart.stat().st_size > 1000
    paths = write_sweep_report(names, rows, header, "end_mean_h", tmp_path, scenario="Week",
                               n=20, seed=4, dpi=30)
    assert sorted(p.name for p in paths) == ["report.html", "report.md",
                                             "sweep-end_mean_h.png"]
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert md.count("\n| ") == 1 + 3 + 1 + len(rows)  # two tables: headers, 3 figures, points
    earliest = min(r[header.index("end_mean_h")] for r in rows)
    assert f"Best point | {when(earliest)} at" in md  # the earliest mean end
    assert f"{len(rows)} points × 20 replications, seed 4" in md
    for row in rows:
        assert f"| {row[0]} |" in md


def test_sweep_report_cells_say_what_they_are() -> None:
    cells: list[tuple[str, Any, str]] = [("p_on_time", 0.5, "50.0%"),
                                         ("end_p90_h", 37.5, "D2 13:30"),
                                         ("end_mean_h_lo", 24.0, "D2 00:00"),
                                         ("p_within_limit", float("nan"), "n/a"),
                                         ("resources.hall.capacity", 2, "2")]
    for column, value, text in cells:
        assert sweep_cell(column, value).text == text


def test_an_ensemble_with_no_finished_run_still_reports_and_says_so(tmp_path: Path) -> None:
    from sim.ensemble import EnsembleStats, Layout

    scenario = load_scenario(RISKY)
    empty = EnsembleResult(scenario, 1, 20, EnsembleStats(Layout.of(scenario),
                                                          scenario.planned_end),
                           missing=tuple(range(20)))
    paths = write_risk_report(empty, tmp_path, {"advice": {}}, dpi=30,
                              plan=simulate(scenario, 1, plan=True))
    assert len(paths) == len(CHARTS) + 2
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "INCOMPLETE: 20 of 20 replications are missing (ids 0-19)" in md
    assert "| Replications | **0 of 20 — INCOMPLETE** |" in md
