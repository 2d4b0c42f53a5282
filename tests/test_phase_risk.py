"""Risk per phase, holding as planned, and the precision of both, on a scenario whose
shares are known exactly.

``first`` (due D1 09:00) starts at 06:00 and takes 2 h (chance 3/4) or 4 h: on time with
probability 3/4. ``second`` follows it (due D1 12:00, limit 3 h) and takes 2 h or 4 h
(even chances): it ends by 12:00 unless both take 4 h, so P(on time) = 1 − 1/4 · 1/2 =
7/8 (ending at 12:00 exactly is on time); it stays within its 3 h limit when it takes
2 h, P = 1/2. The programme ends long before D2 20:00. Holding as planned needs all
three: ``first`` in 2 h and ``second`` in 2 h, P = 3/4 · 1/2 = 3/8 (the two durations are
drawn from streams of their own, independently).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.engine import simulate
from sim.ensemble import EnsembleResult, Layout, ensemble, pack, record_of
from sim.ensemble.holds import holds_as_planned, phase_on_time
from sim.ensemble.moments import Proportion
from sim.ensemble.phase_risk import most_at_risk
from sim.ensemble.precision import PrecisionTarget, runs_for, wilson_half_width
from sim.ensemble.risk import risk_summary
from sim.scenario import load_scenario
from sim.scenario.model import Scenario

KNOWN = """\
format: tabletop/1
name: Known shares
days: 2
groups:
  - {id: crew, headcount: 10}
phases:
  - id: first
    due: "D1 09:00"
    activities:
      - {id: setup, duration: {choice: {values: [2h, 4h], weights: [3, 1]}}, groups: [crew]}
  - id: second
    after: [first]
    due: "D1 12:00"
    limit: 3h
    around_the_clock: true
    activities:
      - {id: session, duration: {choice: {values: [2h, 4h]}}, groups: [crew]}
  - id: undated
    after: [second]
    activities:
      - {id: tidy, duration: 1h, groups: [crew]}
"""
EXPECTED = {"first": 0.75, "second": 0.875}
WITHIN = 0.5
HOLDS = 0.375


@pytest.fixture(scope="module")
def known_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("known") / "known.yaml"
    path.write_text(KNOWN, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenario(known_file: Path) -> Scenario:
    return load_scenario(known_file)


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> EnsembleResult:
    return ensemble(scenario, 400, seed=5)


def tabletop(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(argv))
    return status, out.getvalue()


def test_known_shares_lie_in_their_95_percent_intervals(result: EnsembleResult) -> None:
    st = result.stats
    assert st.layout.dated == ("first", "second")  # `undated` has no due time
    for pid, share in zip(st.layout.dated, st.phase_on_time, strict=True):
        lo, hi = share.ci()
        assert lo <= EXPECTED[pid] <= hi, (pid, share.p)
    (within,) = st.limit_ok
    assert within.ci()[0] <= WITHIN <= within.ci()[1]
    assert st.holds.ci()[0] <= HOLDS <= st.holds.ci()[1]
    assert st.holds.p < min(s.p for s in st.phase_on_time)  # the AND is rarer than each


def test_holds_is_the_and_of_every_flag_run_by_run(scenario: Scenario) -> None:
    layout = Layout.of(scenario)
    runs = [simulate(scenario, 5, replication=i) for i in range(60)]
    chunk = pack([record_of(r, layout) for r in runs], layout)
    got = holds_as_planned(chunk.values, layout)
    on_time = phase_on_time(chunk.values, layout)
    for k, run in enumerate(runs):  # from the run's own phase table, not the packed record
        phases = run.phases
        flags = [phases["first"].late_h == 0, phases["second"].late_h == 0,
                 not phases["second"].breach, run.on_time]
        assert list(on_time[k]) == flags[:2]
        assert bool(got[k]) == all(flags)
    assert 0 < got.sum() < len(runs)  # both answers occur in these runs


def test_summary_records_holds_and_each_phase_on_time(result: EnsembleResult) -> None:
    summary = risk_summary(result)
    holds = summary["holds_as_planned"]
    assert holds["p"] == round(result.stats.holds.p, 4)
    assert holds["ci"][0] <= HOLDS <= holds["ci"][1]
    assert holds["se"] == pytest.approx(np.sqrt(holds["p"] * (1 - holds["p"]) / 400), abs=1e-4)
    assert summary["phases"]["first"]["p_on_time"] == round(result.stats.phase_on_time[0].p, 4)
    assert "p_on_time" not in summary["phases"]["undated"]
    assert summary["most_at_risk"] == {"phase": "second", "what": "within its limit",
                                       "p": round(result.stats.limit_ok[0].p, 4)}
    assert summary["overrides"] == []


def test_most_at_risk_is_the_lowest_share(result: EnsembleResult) -> None:
    worst = most_at_risk(result)
    assert worst is not None
    shares = [*result.stats.phase_on_time, *result.stats.limit_ok]
    assert worst.share.p == min(s.p for s in shares)


def test_mc_prints_the_headline_and_the_phase_table_first(known_file: Path,
                                                           tmp_path: Path) -> None:
    status, text = tabletop("mc", str(known_file), "-n", "80", "--seed", "5", "--no-charts",
                            "--out", str(tmp_path))
    assert status == 0, text
    lines = text.splitlines()
    assert lines[1].split()[1:2] == ["engine:"]  # which engine ran, and why
    lines = [lines[0], *lines[2:]]
    assert lines[1].startswith("  holds as planned: ") and "; ends D1 " in lines[1]
    assert lines[3].startswith("  most at risk: second: within its limit in ")
    assert [c.strip() for c in lines[4].split("  ") if c] == [
        "Phase", "Due", "P(on time)", "95% CI", "P50 lateness", "P90 lateness",
        "Runs for ±1 point"]
    assert lines[5].split()[:3] == ["first", "D1", "09:00"]
    assert any(line.split()[:2] == ["second", "3h"] for line in lines)  # the limit table
    summary = json.loads(next(tmp_path.glob("*/summary.json")).read_text())
    share = summary["phases"]["first"]["p_on_time"]
    assert f"{100 * share:.1f}%" in lines[5]
    assert f"{share:.3f}" not in text and "1.000" not in text  # no fractions for people


@pytest.mark.parametrize("hits, n", [(0, 10), (3, 10), (200, 400), (399, 400), (400, 400)])
def test_wilson_half_width_is_the_intervals(hits: int, n: int) -> None:
    prop = Proportion(hits, n)
    assert wilson_half_width(hits / n, n) == pytest.approx(prop.half_width(), abs=1e-12)


@pytest.mark.parametrize("p, target", [(0.5, 0.01), (0.72, 0.01), (1.0, 0.01), (0.9, 0.05)])
def test_runs_for_is_the_fewest_that_reach_the_target(p: float, target: float) -> None:
    n = runs_for(p, target)
    assert wilson_half_width(p, n) <= target < wilson_half_width(p, n - 1)
    if 0 < p < 1:  # near the normal approximation z² p(1−p)/h²
        assert n == pytest.approx(1.959964**2 * p * (1 - p) / target**2, rel=0.02)


def _comparable(summary: dict[str, object]) -> dict[str, object]:
    """Every figure (not the rounds' own record, nor where the runs ran)."""
    return {k: v for k, v in summary.items() if k not in ("until_precision", "executor")}


@pytest.mark.parametrize("jobs", [1, 2])
def test_until_precision_stops_where_n_gives_the_same_numbers(scenario: Scenario,
                                                              jobs: int) -> None:
    target = PrecisionTarget(6.0, cap=5000, first=50)
    rounds = ensemble(scenario, 5000, seed=5, until=target, jobs=jobs)
    m = rounds.n
    assert 50 < m < 5000 and target.reached(rounds.stats)
    assert all(p.half_width() <= 0.06 for p in (rounds.stats.holds, *rounds.stats.limit_ok,
                                                 *rounds.stats.phase_on_time))
    straight = ensemble(scenario, m, seed=5)
    assert _comparable(risk_summary(rounds)) == _comparable(risk_summary(straight))
    again = ensemble(scenario, 5000, seed=5, until=target)
    assert again.n == m  # the same seed and target stop at the same count


def test_until_precision_on_the_command_line(known_file: Path, tmp_path: Path) -> None:
    status, text = tabletop("mc", str(known_file), "--until-precision", "5", "-n", "3000",
                            "--seed", "5", "--no-charts", "--out", str(tmp_path / "a"))
    assert status == 0, text
    summary = json.loads(next((tmp_path / "a").glob("*/summary.json")).read_text())
    m = summary["replications"]
    assert summary["until_precision"] == {"target_points": 5.0, "cap": 3000,
                                          "replications": m, "reached": True}
    assert f"--until-precision 5: ran {m:,} replications (cap 3,000); target reached" in text
    status, _ = tabletop("mc", str(known_file), "-n", str(m), "--seed", "5", "--no-charts",
                         "--out", str(tmp_path / "b"))
    plain = json.loads(next((tmp_path / "b").glob("*/summary.json")).read_text())
    assert _comparable(summary) == _comparable(plain)


def test_until_precision_says_when_the_cap_stops_it(known_file: Path, tmp_path: Path) -> None:
    status, text = tabletop("mc", str(known_file), "--until-precision", "1", "-n", "300",
                            "--seed", "5", "--no-charts", "--out", str(tmp_path))
    assert status == 0, text
    assert "ran 300 replications (cap 300); target NOT reached" in text
    summary = json.loads(next(tmp_path.glob("*/summary.json")).read_text())
    assert summary["until_precision"]["reached"] is False and summary["replications"] == 300


@pytest.mark.parametrize("value", ["0", "-1", "80"])
def test_a_bad_precision_target_is_a_usage_error(known_file: Path, tmp_path: Path,
                                                 value: str) -> None:
    status, text = tabletop("mc", str(known_file), "--until-precision", value, "-n", "10",
                            "--out", str(tmp_path))
    assert status == 2 and "--until-precision must be above 0" in text
    assert not list(tmp_path.iterdir())


def test_the_reports_lead_with_risk_per_phase(result: EnsembleResult) -> None:
    from sim.report import build_risk_report

    report = build_risk_report(result, risk_summary(result))
    first, second = report.tables[:2]
    assert (first.anchor, second.anchor) == ("phase-risk", "limit-risk")
    assert [row[0].text for row in first.rows] == ["first", "second"]
    for row, share in zip(first.rows, result.stats.phase_on_time, strict=True):
        assert row[2].text == f"{100 * share.p:.1f}%"
    assert report.kpis[0][1].text.startswith(f"{100 * result.stats.holds.p:.1f}% of runs")


def test_compare_pairs_holding_as_planned_and_each_phase(known_file: Path,
                                                         tmp_path: Path) -> None:
    """B moves `first`'s due time to D1 10:00: it is then always on time (+1/4), and B
    holds as planned whenever `session` takes 2 h (P 1/2 against 3/8: +1/8)."""
    status, text = tabletop("compare", str(known_file), str(known_file), "-n", "300",
                            "--seed", "5", "--set-b", "phases.first.due=D1 10:00",
                            "--no-charts", "--out", str(tmp_path))
    assert status == 0, text
    assert text.splitlines()[3].startswith("  holds as planned: A ")
    summary = json.loads(next(tmp_path.glob("*/summary.json")).read_text())
    paired = summary["paired"]
    lo, hi = paired["p_holds_difference"]["ci"]
    assert lo <= 0.125 <= hi and lo > 0
    lo, hi = paired["p_on_time_phase_difference"]["first"]["ci"]
    assert lo <= 0.25 <= hi
    assert paired["p_on_time_phase_difference"]["second"]["mean"] == 0.0  # same draws
    assert summary["b"]["phases"]["first"]["p_on_time"] == 1.0
    row = next(line for line in text.splitlines() if line.strip().startswith("first "))
    assert f"+{100 * paired['p_on_time_phase_difference']['first']['mean']:.1f} points" in row
