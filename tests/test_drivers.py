"""Drivers by effect on small scenarios whose answers are known by hand.

Working day 06:00-20:00. Every scenario has one random activity (``noise``, in a phase
of its own) so that replications differ while the effects under test stay exact.
"""

from __future__ import annotations

import csv
import json
import math
import textwrap
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.engine import simulate
from sim.ensemble.bottleneck import unit_effects
from sim.ensemble.drivers import drivers
from sim.ensemble.effects import END, ON_TIME, Driver, DriverTable
from sim.ensemble.moments import Z95
from sim.ensemble.one_change import one_more, unit_variants
from sim.ensemble.paired_shares import PairedShares
from sim.report.drivers import bottleneck_words, effect_words, holds_words, trade_off_words
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


def by_label(table: DriverTable) -> dict[str, Driver]:
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
    # the second panel: the effect on holding as planned, one bar per row of the first
    # (range +1 unit puts p on time: every run holds, none did)
    assert len(fig.axes) == 2
    moving = sum(1 for d in table.ranked() + table.unmeasurable() if d.moves_holds)
    assert moving >= 1 and kinds.count("holds-bar") == moving
    assert kinds.count("holds-bar") + kinds.count("holds-bar-noise") == \
        kinds.count("driver-bar") + kinds.count("driver-bar-noise")


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
    # range +1 unit: p on time in every run instead of none, so every run holds
    assert "| 1 | range +1 unit | +100.0 pts (" in report
    # a, b and c all end p (three paths merge); a and b take turns on the one range, so
    # p ends at 14:00 in every run and in the plan run, 10 h after the network's 4 h
    # from D1 00:00 (the network knows neither the working day nor capacity)
    assert "| p | 3 | D1 04:00 | D1 14:00 | D1 14:00 | +10h | 0min |" in report


# `field` (no due time) and `range` (due D1 12:00) share the two `staff`: with one `site`,
# f1 and f2 take turns on it (06-10, 10-14), leaving a staff member for r1 (08-12, after
# the 2 h brief), and range practice ends on time; with a second site, f1 and f2 both run
# 06-10 on both staff, field ends 4 h earlier, and r1 waits until 10:00: range practice
# ends 2 h late in every run, so no run holds as planned any more
TRADE = """
resources:
  - {id: site, capacity: 1}
  - {id: staff, capacity: 2}
phases:
  - id: field
    activities:
      - {id: f1, duration: 4, needs: {site: 1, staff: 1}}
      - {id: f2, duration: 4, needs: {site: 1, staff: 1}}
  - id: range
    due: "D1 12:00"
    activities:
      - {id: brief, duration: 2}
      - {id: r1, duration: 4, needs: {staff: 1}, after: [brief]}
  - id: q
    activities:
      - {id: noise, duration: {triangular: [1, 2, 4]}}
"""
# and `hall`, with two 6 h activities of a phase without a due time taking turns on its
# one unit: a second unit ends that phase 6 h earlier (more than the site's 4 h) and
# changes nothing about holding as planned
HALL = """
  - id: t
    activities:
      - {id: h1, duration: 6, needs: {hall: 1}}
      - {id: h2, duration: 6, needs: {hall: 1}}
"""
RANKING = TRADE.replace("  - {id: staff, capacity: 2}\n",
                        "  - {id: staff, capacity: 2}\n  - {id: hall, capacity: 1}\n") + HALL
Z2 = Z95 ** 2


def test_newcombe_interval_matches_published_examples() -> None:
    # Fagerland, Lydersen and Laake (Stat. Med. 2014), Bentur et al. data: −0.507 to
    # −0.026; Newcombe (Stat. Med. 1998), method 10 on 20/12/2/16: 0.0562 to 0.3292
    bentur = PairedShares(1, 1, 7, 12)
    assert bentur.difference == pytest.approx(-6 / 21)
    assert [round(x, 3) for x in bentur.interval()] == [-0.507, -0.026]
    assert [round(x, 4) for x in PairedShares(20, 12, 2, 16).interval()] == [0.0562, 0.3292]


def test_a_unit_that_shortens_one_phase_and_makes_another_late_is_a_trade_off() -> None:
    table = measured(TRADE, n=20)
    site = by_label(table)["site +1 unit"]
    field = site.effect("field", "end_h")
    assert field is not None and (field.mean, field.low, field.high) == (-4.0, -4.0, -4.0)
    late = site.effect("range", "late_h")
    assert late is not None and late.mean == pytest.approx(2.0)
    # every run held as planned without the site, none with it: −100 points; Newcombe's
    # upper end is then −1 + √2 · z² / (n + z²) (the Wilson ends of 0/n and n/n)
    holds = site.holds
    assert holds is not None and holds.measurable
    assert holds.mean == -1.0 and holds.low == -1.0
    assert holds.high == pytest.approx(-1 + math.sqrt(2) * Z2 / (20 + Z2))
    on_time = site.effect("range", ON_TIME)
    assert on_time is not None and on_time.mean == -1.0
    assert site.trade_off == (on_time,)
    words = trade_off_words(table)
    assert words == [f"⚠ trade-off: site +1 unit: field end −4h, but it makes other phases "
                     f"later: range P(on time) {effect_words(on_time)}; holds as planned "
                     f"{effect_words(holds)}"]
    assert holds_words(site).endswith("⚠ trade-off")
    # a staff member fewer makes range practice late too, but shortens nothing
    staff = by_label(table)["staff -1 unit"]
    assert staff.holds is not None and staff.holds.mean == -1.0 and not staff.trade_off


def test_a_change_that_leaves_holding_as_planned_alone_says_so() -> None:
    table = measured(RANKING, n=20)
    hall = by_label(table)["hall +1 unit"]
    assert hall.strongest is not None and hall.strongest.mean == -6.0
    holds = hall.holds
    # every run holds either way: no discordant pair, an interval around 0 of half-width
    # z² / (n + z²)
    assert holds is not None and holds.mean == 0 and not holds.measurable
    assert (holds.low, holds.high) == pytest.approx((-Z2 / (20 + Z2), Z2 / (20 + Z2)))
    assert holds_words(hall) == "no measurable effect" and not hall.trade_off


def test_drivers_that_move_holding_as_planned_are_ranked_first() -> None:
    table = measured(RANKING, n=20)
    ranked = [d.label for d in table.ranked()]
    # hall +1 has the largest effect in hours (6 h against the site's 4 h), but only the
    # site and one staff member fewer change whether the programme holds as planned
    assert ranked == ["site +1 unit", "staff -1 unit", "hall +1 unit"]
    moves = [d.moves_holds for d in table.ranked()]
    assert moves == sorted(moves, reverse=True)


def test_the_run_bottleneck_names_what_the_unit_makes_later() -> None:
    src = source_of(TRADE)
    result = simulate(load_source(src), 1)
    effects = unit_effects(result, src)
    site = next(e for e in effects if e.id == "site")
    assert ("field", 4.0) in site.phases and site.later == (("range", 2.0, True),)
    assert bottleneck_words(effects) == (
        "site (resource): one more unit ends phase field 4h earlier; activities waited 4h "
        "for it; ⚠ trade-off: it ends range 2h later (now late)")


def test_drivers_files_and_table_carry_holding_as_planned(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "trade.yaml"
    scenario.write_text(HEAD + textwrap.dedent(RANKING), encoding="utf-8")
    assert main(["drivers", str(scenario), "-n", "6", "--out", str(tmp_path / "out"),
                 "--no-charts"]) == 0
    out = capsys.readouterr().out
    assert "holds as planned" in out and "⚠ trade-off: site +1 unit: field end −4h" in out
    hall_row = next(line for line in out.splitlines() if "hall +1 unit" in line)
    assert "no measurable effect" in hall_row
    (run_dir,) = (tmp_path / "out").iterdir()
    data = json.loads((run_dir / "drivers.json").read_text(encoding="utf-8"))
    assert data["ranked"][:2] == ["site +1 unit", "staff -1 unit"]
    site = next(d for d in data["drivers"] if d["id"] == "site" and d["change"] == "+1 unit")
    assert site["trade_off"] == [{"target": "range", "measure": "on_time_share"}]
    holds = next(e for e in site["effects"] if e["measure"] == "holds_share")
    assert (holds["target"], holds["mean"], holds["measurable"]) == ("programme", -1.0, True)
    with (run_dir / "drivers.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    row = next(r for r in rows if r["id"] == "site" and r["measure"] == "holds_share")
    assert (row["mean_share"], row["mean_h"], row["n"]) == ("-1.0", "", "6")
