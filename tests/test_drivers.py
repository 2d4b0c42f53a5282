"""Drivers by effect on small scenarios whose answers are known by hand.

Working day 06:00-20:00. Every scenario has one random activity (``noise``, in a phase
of its own) so that replications differ while the effects under test stay exact.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.engine import simulate
from sim.ensemble.bottleneck import unit_effects
from sim.ensemble.drivers import drivers
from sim.ensemble.effects import END, DriverTable
from sim.ensemble.one_change import one_more, unit_variants
from sim.report.drivers import bottleneck_words
from sim.scenario.loader import load_source
from sim.scenario.source import Source, parse_text

HEAD = "format: tabletop/1\nname: test\ndays: 2\n"

# two 4 h activities need the only unit of `range` at the same time: one waits 4 h for the
# other, so a second unit ends phase p exactly 4 h earlier in every run; `hall` has two
# units and one user: a third changes nothing
BINDING = """
resources:
  - {id: range, capacity: 1}
  - {id: hall, capacity: 2}
phases:
  - id: p
    due: "D1 12:00"
    activities:
      - {id: a, duration: 4, needs: {range: 1}}
      - {id: b, duration: 4, needs: {range: 1}}
      - {id: c, duration: 1, needs: {hall: 1}}
  - id: q
    activities:
      - {id: noise, duration: {triangular: [1, 2, 4]}}
"""


def source_of(body: str) -> Source:
    return parse_text(HEAD + textwrap.dedent(body), "test.yaml", ".yaml")


def measured(body: str, n: int = 30) -> DriverTable:
    src = source_of(body)
    scenario = load_source(src)
    return drivers(scenario, unit_variants(src, scenario), n, seed=3)


def by_label(table: DriverTable) -> dict[str, object]:
    return {d.label: d for d in table.drivers}


def test_a_binding_resource_moves_the_phase_end_by_exactly_its_wait() -> None:
    table = measured(BINDING)
    one_more = next(d for d in table.drivers if d.label == "range +1 unit")
    effect = one_more.effect("p", "end_h")
    assert effect is not None
    # the same 4 h in each of the 30 runs: the interval is the point
    assert (effect.mean, effect.low, effect.high, effect.n) == (-4.0, -4.0, -4.0, 30)
    assert effect.measurable
    assert table.ranked()[0].label == "range +1 unit"
    assert one_more.strongest is not None and one_more.strongest.target in ("p", END)
    # p ends at 14:00 against a due time of 12:00: 2 h late, and on time with a second unit
    late = one_more.effect("p", "late_h")
    assert late is not None and late.mean == pytest.approx(-2.0)


def test_a_resource_that_does_not_bind_has_no_measurable_effect() -> None:
    table = measured(BINDING)
    hall = [d for d in table.drivers if d.id == "hall"]
    assert {d.change for d in hall} == {"+1 unit", "-1 unit"}
    for d in hall:
        assert d.strongest is None
        assert all(e.mean == 0 and not e.measurable for e in d.effects)
        assert d in table.unmeasurable()
        assert d not in table.ranked()


def test_a_change_that_cannot_be_made_says_why_and_is_not_run() -> None:
    table = measured(BINDING, n=5)
    rng = next(d for d in table.drivers if d.label == "range -1 unit")
    assert rng.why_not and not rng.effects
    assert rng in table.impossible()


def test_removing_an_inject_has_its_known_effect() -> None:
    # a sure 2 h delay on a, which sets p's end: removing it ends p 2 h earlier; the note
    # changes nothing
    table = measured("""
        phases:
          - id: p
            activities:
              - {id: a, duration: 3}
              - {id: b, duration: 1, after: [a]}
          - id: q
            activities:
              - {id: noise, duration: {triangular: [1, 2, 4]}}
        injects:
          - {id: M1, at: "D1 06:30", kind: delay, target: a, by: 2h}
          - {id: M2, at: "D1 07:00", kind: note}
    """)
    m1 = next(d for d in table.drivers if d.label == "M1 removed")
    effect = m1.effect("p", "end_h")
    assert effect is not None and (effect.mean, effect.low, effect.high) == (-2.0, -2.0, -2.0)
    m2 = next(d for d in table.drivers if d.label == "M2 removed")
    assert m2.strongest is None and m2 in table.unmeasurable()
    assert table.risks == ()  # neither has a probability or a window


def test_a_risk_removed_moves_the_p80_of_the_phase_end() -> None:
    # M1 delays a by 3 h in about half of the runs: the P80 of p's end is the delayed
    # end, and without M1 it is the undelayed one, 3 h earlier
    table = measured("""
        phases:
          - id: p
            activities:
              - {id: a, duration: 3}
              - {id: b, duration: 1, after: [a]}
          - id: q
            activities:
              - {id: noise, duration: {triangular: [1, 2, 4]}}
        injects:
          - {id: M1, at: "D1 06:30", kind: delay, target: a, by: 3h, probability: 0.5}
    """, n=60)
    assert table.risks == ("M1",)
    impact = next(e for d, e in table.risk_impacts() if e.target == "p")
    assert (impact.mean, impact.low, impact.high) == (-3.0, -3.0, -3.0)
    assert impact.measurable


def test_a_group_unit_is_a_team() -> None:
    # `ind` has one team and two 2 h activities each take it: a second team ends p 2 h
    # earlier; a group listed whole takes all its teams, so one with a second team
    # changes nothing
    table = measured("""
        groups:
          - {id: ind, headcount: 20, teams: 1}
          - {id: kaz, headcount: 20, teams: 1}
        phases:
          - id: p
            activities:
              - {id: a, duration: 2, groups: {ind: 1}}
              - {id: b, duration: 2, groups: {ind: 1}}
              - {id: c, duration: 1, groups: [kaz]}
          - id: q
            activities:
              - {id: noise, duration: {triangular: [1, 2, 4]}}
    """, n=10)
    ind = next(d for d in table.drivers if d.label == "ind +1 team")
    effect = ind.effect("p", "end_h")
    assert effect is not None and effect.mean == -2.0 and effect.measurable
    kaz = next(d for d in table.drivers if d.label == "kaz +1 team")
    assert kaz.strongest is None
    assert "would fall below 1" in next(d for d in table.drivers
                                        if d.label == "ind -1 team").why_not


def test_the_run_bottleneck_is_named_by_what_one_more_unit_does() -> None:
    src = source_of(BINDING)
    result = simulate(load_source(src), 1)
    effects = unit_effects(result, src)
    assert [e.id for e in effects] == ["range"]  # only what was waited for is tried
    # p sets the programme end too (noise is over by 10:00): the end is named first
    assert effects[0].largest == (END, 4.0) and ("p", 4.0) in effects[0].phases
    assert bottleneck_words(effects) == ("range (resource): one more unit ends the programme "
                                         "4h earlier; activities waited 4h for it")


def test_a_run_whose_waits_move_nothing_says_so() -> None:
    # a and b wait for the one range, but the 10 h c sets p's end either way
    src = source_of("""
        resources: [{id: range, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 3, needs: {range: 1}}
              - {id: b, duration: 3, needs: {range: 1}}
              - {id: c, duration: 10}
    """)
    result = simulate(load_source(src), 1)
    effects = unit_effects(result, src)
    assert [e.id for e in effects] == ["range"] and effects[0].largest == ("", 0.0)
    assert bottleneck_words(effects) == ("none: one more unit of range moves neither the end "
                                         "nor any phase")


def test_one_more_made_in_place_is_the_scenario_loaded_again() -> None:
    # the run's fast variants against the loaded ones, on every bundled scenario: a group
    # listed whole (KAZIND-21 lists `ind` whole, and asks for one team of it elsewhere)
    for path in sorted(Path(__file__).parent.parent.glob("scenarios/*.yaml")):
        src = parse_text(path.read_text(encoding="utf-8"), str(path), ".yaml")
        scenario = load_source(src)
        loaded = [v for v in unit_variants(src, scenario, kinds=("resource", "group"))
                  if v.change.startswith("+")]
        assert loaded
        for v in loaded:
            assert one_more(src, scenario, v.kind, v.id).scenario == v.scenario, v.label


def test_drivers_command_prints_the_table_and_writes_a_new_directory(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "binding.yaml"
    scenario.write_text(HEAD + textwrap.dedent(BINDING), encoding="utf-8")
    args = ["drivers", str(scenario), "-n", "8", "--out", str(tmp_path / "out"), "--no-charts"]
    assert main(args) == 0
    assert main(args) == 0  # a second run never overwrites the first
    out = capsys.readouterr().out
    assert "range +1 unit" in out
    assert "no measurable effect (95% interval contains 0): hall +1 unit, hall -1 unit" in out
    dirs = sorted((tmp_path / "out").iterdir())
    assert len(dirs) == 2
    data = json.loads((dirs[0] / "drivers.json").read_text(encoding="utf-8"))
    assert data["ranked"][0] == "range +1 unit"
    assert "hall +1 unit" in data["no_measurable_effect"]
    header = (dirs[0] / "drivers.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("kind,id,change,possible,target,measure,mean_h,low_h,high_h")


def test_the_chart_draws_bars_whose_interval_contains_zero_hollow() -> None:
    from sim.plotting.drivers import drivers_chart  # matplotlib: only for this test

    table = measured(BINDING, n=6)
    fig = drivers_chart(table)
    bars = {p.get_gid(): p for ax in fig.axes for p in ax.patches if p.get_gid()}
    kinds = sorted(p.get_gid() for ax in fig.axes for p in ax.patches if p.get_gid())
    assert kinds.count("driver-bar") == len(table.ranked())
    assert kinds.count("driver-bar-noise") == len(table.unmeasurable())
    assert bars["driver-bar-noise"].get_facecolor()[3] == 0  # hollow
    assert bars["driver-bar"].get_facecolor()[3] == 1


def test_mc_drivers_adds_the_table_files_and_report_sections(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "binding.yaml"
    scenario.write_text(HEAD + textwrap.dedent(BINDING), encoding="utf-8")
    assert main(["mc", str(scenario), "-n", "12", "--drivers", "--dpi", "30",
                 "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Drivers by effect" in out and "criticality (share of runs" in out
    (run_dir,) = (tmp_path / "out").iterdir()
    names = {p.name for p in run_dir.iterdir()}
    assert {"drivers.csv", "drivers.json", "risk_indices.csv", "drivers.png", "risks.png",
            "cruciality.png"} <= names
    report = (run_dir / "report.md").read_text(encoding="utf-8")
    for title in ("## Drivers by effect", "## Schedule-risk indices",
                  "## Merge bias at phase ends"):
        assert title in report
    # a, b and c all end p (three paths merge); a and b take turns on the one range, so
    # p ends at 14:00 in every run and in the plan run, 10 h after the network's 4 h
    # from D1 00:00 (the network knows neither the working day nor capacity)
    assert "| p | 3 | D1 04:00 | D1 14:00 | D1 14:00 | +10h | 0min |" in report
