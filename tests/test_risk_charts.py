"""Risk charts: what each draws, checked against the statistics it is drawn from.

The scenario is small and has everything a risk chart shows: random durations,
a random inject, a resource used in working hours and one around the clock,
phases with due times, a time-limited phase and a rest day. Charts are pure
functions of the (streamed) statistics, so they are checked against those.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from PIL import Image

from sim.engine import simulate
from sim.ensemble import EnsembleResult, ensemble
from sim.ensemble.compare import CompareResult, compare
from sim.plotting.end_time import histogram_bins, time_ticks
from sim.plotting.risk import (
    SKY,
    criticality,
    criticality_rows,
    end_time_histogram,
    tornado,
    tornado_rows,
    utilisation_bands,
)
from sim.plotting.risk_schedule import risk_gantt
from sim.plotting.style import ALERT, figure_bytes, new_figure
from sim.plotting.whatif import compare_differences, compare_end_times, short_names, sweep_chart
from sim.results import RunResult
from sim.scenario import load_scenario
from sim.scenario.model import Scenario

RISKY = """
format: tabletop/1
name: Risky <b>week</b> $5
days: 3
seed: 5
calendar: {day_start: "08:00", day_end: "18:00", rest_days: [2]}
resources:
  - {id: hall, name: Hall, capacity: 1}
  - {id: van, name: Van, capacity: 2, hours: always}
phases:
  - id: prep
    name: Preparation
    due: "D1 16:00"
    activities:
      - {id: a, name: Set up, duration: {triangular: [2h, 3h, 6h]}, needs: {hall: 1}}
      - {id: b, name: Brief, duration: {uniform: [2h, 4h]}, needs: {van: 1}}
  - id: main
    name: Main event
    due: "D3 14:00"
    limit: 8h
    after: [prep]
    activities:
      - {id: c, name: Drive, duration: 2h, needs: {van: 1}}
      - {id: d, name: Exercise, duration: {pert: [2h, 3h, 7h]}, after: [c], needs: {hall: 1}}
      - {id: e, name: Wash-up, duration: 1h, after: [d]}
      - {id: f, name: Report, duration: {uniform: [1h, 2h]}, after: [c]}
injects:
  - {id: M-1, at: "D1 09:00", kind: delay, target: c, by: 4h, probability: 0.5}
"""
RUNS = 120


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(RISKY)


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> EnsembleResult:
    return ensemble(scenario, RUNS, seed=3)


@pytest.fixture(scope="module")
def plan(scenario: Scenario, result: EnsembleResult) -> RunResult:
    return simulate(scenario, result.seed, plan=True)


@pytest.fixture(scope="module")
def paired(scenario: Scenario) -> CompareResult:
    longer = RISKY.replace("{pert: [2h, 3h, 7h]}", "{pert: [3h, 4h, 8h]}")
    return compare(scenario, load_scenario(longer), 60, seed=3)


def by_gid(fig: Figure, gid: str, axes: int | None = None) -> list[Any]:
    where = fig.axes if axes is None else [fig.axes[axes]]
    return [a for ax in where for a in ax.get_children() if a.get_gid() == gid]


def vline_x(fig: Figure, gid: str) -> float:
    (line,) = by_gid(fig, gid)
    return float(np.asarray(line.get_xdata())[0])


def shows_something(fig: Figure) -> None:
    """A PNG that decodes, is not one flat colour, and has ink in several places."""
    image = np.asarray(Image.open(io.BytesIO(figure_bytes(fig, "png", 40))).convert("L"))
    assert image.shape[0] > 50 and image.shape[1] > 50
    assert image.std() > 5
    dark = image < 128
    rows, cols = np.nonzero(dark)
    assert len(rows) > 150  # the smallest chart here (sweep, 322 x 116 px) has about 200
    assert rows.max() - rows.min() > image.shape[0] / 3
    assert cols.max() - cols.min() > image.shape[1] / 3


# ---------------------------------------------------------------- end time


def test_histogram_has_one_bar_per_bin_holding_every_run(result: EnsembleResult) -> None:
    fig = end_time_histogram(result)
    bars = by_gid(fig, "end-bar", axes=0)
    assert len(bars) == histogram_bins(RUNS) == 11
    assert sum(b.get_height() for b in bars) == RUNS
    late = [b.get_x() + b.get_width() / 2 > result.scenario.planned_end for b in bars]
    assert any(late) and not all(late)
    for bar, is_late in zip(bars, late, strict=True):  # late runs in vermillion
        assert to_hex(bar.get_facecolor()) == (ALERT if is_late else SKY).lower()


def test_histogram_marks_quantiles_and_the_planned_end(result: EnsembleResult) -> None:
    fig = end_time_histogram(result)
    q = result.stats.end_q
    for p in (10, 50, 90):
        assert vline_x(fig, f"p{p}") == pytest.approx(q.quantile(p / 100))
    assert vline_x(fig, "planned-end") == result.scenario.planned_end
    labels = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
    assert labels["p50-label"].startswith("P50 D")
    assert labels["planned-end-label"] == "planned end D3 18:00"
    (cumulative,) = by_gid(fig, "cumulative")
    ys = np.asarray(cumulative.get_ydata())
    assert ys[0] == 0 and ys[-1] == pytest.approx(1.0) and np.all(np.diff(ys) >= 0)
    assert fig.axes[0].get_xlabel().startswith("End time")
    assert "per bin of" in fig.axes[0].get_ylabel()
    assert "P(on time by D3 18:00)" in fig.texts[0].get_text()  # the figure title
    shows_something(fig)


def test_far_deadline_is_pointed_at_not_drawn() -> None:
    far = load_scenario(RISKY.replace("days: 3", "days: 40"))
    fig = end_time_histogram(ensemble(far, 30, seed=3))
    assert not by_gid(fig, "planned-end")
    (arrow,) = by_gid(fig, "off-view")
    assert arrow.get_text().startswith("planned end D40 18:00")


def test_time_ticks_are_round_hours_on_a_day_clock() -> None:
    assert time_ticks(10.2, 13.4) == [10.5, 11.0, 11.5, 12.0, 12.5, 13.0]
    assert time_ticks(10.2, 13.9) == [11.0, 12.0, 13.0]
    assert time_ticks(0.0, 100.0) == [0.0, 24.0, 48.0, 72.0, 96.0]
    assert all(t % 6 == 0 for t in time_ticks(30.0, 60.0))


# ---------------------------------------------------------------- tornado, criticality


def test_tornado_bars_are_the_inputs_by_absolute_rank_correlation(
        result: EnsembleResult) -> None:
    rows = tornado_rows(result)
    assert {name for name, _k, _r in rows} <= {"a", "b", "d", "f", "M-1 happens"}
    assert len(rows) >= 3
    fig = tornado(result)
    bars = by_gid(fig, "tornado-bar")
    assert len(bars) == len(rows)
    widths = [b.get_width() for b in sorted(bars, key=lambda b: b.get_y())]
    assert widths == pytest.approx([rho for _n, _k, rho in rows])
    assert [abs(w) for w in widths] == sorted((abs(w) for w in widths), reverse=True)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].endswith(("duration", "whether it happens"))
    assert any("M-1" in t for t in labels)
    shows_something(fig)


def test_tornado_keeps_the_top_n(result: EnsembleResult) -> None:
    assert len(by_gid(tornado(result, top=2), "tornado-bar")) == 2


def test_criticality_bars_are_shares_of_runs_largest_first(result: EnsembleResult) -> None:
    rows = criticality_rows(result)
    fig = criticality(result)
    bars = sorted(by_gid(fig, "criticality-bar"), key=lambda b: b.get_y())
    assert [b.get_width() for b in bars] == pytest.approx([c for _a, c in rows])
    assert [c for _a, c in rows] == sorted((c for _a, c in rows), reverse=True)
    crit = result.stats.criticality()
    assert crit["e"] == 1.0 and ("e", 1.0) in rows  # the last activity always is
    assert crit["f"] == 0.0 and "f" not in dict(rows)  # never critical: not drawn
    assert len(bars) == sum(1 for c in crit.values() if c > 0)
    shows_something(fig)


# ---------------------------------------------------------------- utilisation, schedule


def test_utilisation_bands_one_panel_per_resource_against_capacity(
        result: EnsembleResult) -> None:
    fig = utilisation_bands(result)
    assert len(fig.axes) == 2
    for k, ax in enumerate(fig.axes):
        (p50,) = [line for line in ax.get_lines() if line.get_gid() == "p50"]
        expected = [result.stats.util[k][d].quantile(0.5) for d in range(3)]
        assert np.asarray(p50.get_ydata()).tolist() == pytest.approx(expected)
        (cap,) = [line for line in ax.get_lines() if line.get_gid() == "capacity"]
        assert np.asarray(cap.get_ydata()).tolist() == [1.0, 1.0]
        assert [c for c in ax.collections if c.get_gid() == "band"]
    assert "Hall (hall): 1 unit, working hours" in fig.axes[0].get_title(loc="left")
    assert "Van (van): 2 units, 24 h a day" in fig.axes[1].get_title(loc="left")
    shows_something(fig)


def test_risk_gantt_bars_from_plan_start_to_p50_with_whiskers(
        result: EnsembleResult, plan: RunResult) -> None:
    fig = risk_gantt(result, plan)
    (bars,) = by_gid(fig, "bars")
    starts = sorted(round(float(p.vertices[0][0]), 6) for p in bars.get_paths())
    ends = sorted(round(float(p.vertices[2][0]), 6) for p in bars.get_paths())
    acts = result.stats.layout.activities
    assert len(bars.get_paths()) == len(acts)
    assert starts == sorted(round(float(a.start_h or 0), 6) for a in plan.activities)
    assert ends == sorted(round(result.stats.finish_q[i].quantile(0.5), 6)
                          for i in range(len(acts)))
    (whiskers,) = by_gid(fig, "whiskers")
    assert len(whiskers.get_segments()) == 3 * len(acts)  # line and two caps each
    faces = {tuple(np.round(f, 3)) for f in bars.get_facecolors()}
    assert len(faces) > 1  # coloured by criticality
    assert by_gid(fig, "planned-end") and by_gid(fig, "due")
    assert any(ax.get_gid() == "criticality-colourbar" for ax in fig.axes)
    shows_something(fig)


def test_charts_draw_into_a_given_axes(result: EnsembleResult, plan: RunResult,
                                       paired: CompareResult) -> None:
    for draw in (end_time_histogram, tornado, criticality,
                 lambda r, ax: risk_gantt(r, plan, ax)):
        fig = new_figure(8, 5)
        ax = fig.add_subplot()
        assert draw(result, ax) is fig
        assert ax.get_title(loc="left")
    for draw_pair in (compare_end_times, compare_differences):
        fig = new_figure(8, 5)
        ax = fig.add_subplot()
        assert draw_pair(paired, ax) is fig


# ---------------------------------------------------------------- comparison


def test_compare_overlays_both_distributions_on_common_bins(paired: CompareResult) -> None:
    fig = compare_end_times(paired, labels=("as written", "longer exercise"))
    (a,) = by_gid(fig, "hist-a")
    (b,) = by_gid(fig, "hist-b")
    assert np.asarray(a.get_data().values).sum() == paired.a.stats.n
    assert np.asarray(b.get_data().values).sum() == paired.b.stats.n
    assert np.array_equal(a.get_data().edges, b.get_data().edges)
    assert vline_x(fig, "p50-a") == pytest.approx(paired.a.stats.end_q.quantile(0.5))
    assert vline_x(fig, "p50-b") == pytest.approx(paired.b.stats.end_q.quantile(0.5))
    assert "B: longer exercise" in fig.texts[0].get_text()
    shows_something(fig)


def test_compare_differences_dot_and_ci_per_kpi(paired: CompareResult) -> None:
    fig = compare_differences(paired)
    (dots,) = by_gid(fig, "dots-hours")
    xs = dots.get_offsets()[:, 0].tolist()
    p = paired.paired
    assert xs[0] == pytest.approx(p.end.mean)
    assert len(xs) == 1 + len(p.phase_late)
    (ci,) = by_gid(fig, "ci-hours")
    lo, hi = p.end.ci()
    assert ci.get_segments()[0][:, 0].tolist() == pytest.approx([lo, hi])
    (points,) = by_gid(fig, "dots-points")
    assert points.get_offsets()[0, 0] == pytest.approx(100 * p.on_time.mean)
    assert p.end.mean > 0  # a longer exercise can only make it later
    shows_something(fig)


# ---------------------------------------------------------------- sweep

HEADER = ("resources.hall.capacity", "groups.cell.teams", "p_on_time", "p_on_time_lo",
          "p_on_time_hi", "end_mean_h", "end_p50_h", "end_p90_h", "p_within_limit")


def rows_of(keys: int) -> tuple[list[str], list[tuple[Any, ...]], tuple[str, ...]]:
    names = list(HEADER[:keys])
    header = (*names, *HEADER[2:])
    rows = []
    for k, values in enumerate([(1, 1), (1, 2), (2, 1), (2, 2)][: 4 if keys == 2 else 3]):
        p = 0.2 + 0.25 * k
        rows.append((*values[:keys], p, p - 0.1, p + 0.1, 40.0 - k, 39.5 - k, 42.0 - k,
                     math.nan))
    return names, rows, header


def test_sweep_one_key_is_a_line_with_its_ci_band() -> None:
    names, rows, header = rows_of(1)
    fig = sweep_chart(names, rows, header, "p_on_time")
    (line,) = by_gid(fig, "kpi-line")
    assert np.asarray(line.get_ydata()).tolist() == pytest.approx([0.2, 0.45, 0.7])
    assert by_gid(fig, "ci-band")
    shows_something(fig)
    fig = sweep_chart(names, rows, header, "end_p90_h")
    assert not by_gid(fig, "ci-band")  # no end_p90_h_lo column here
    assert fig.axes[0].get_yticklabels()[0].get_text().startswith("D2 ")


def test_sweep_two_keys_is_an_annotated_heatmap() -> None:
    names, rows, header = rows_of(2)
    fig = sweep_chart(names, rows, header, "p_on_time")
    (image,) = by_gid(fig, "heatmap")
    data = np.ma.getdata(image.get_array())
    assert data.ravel().tolist() == pytest.approx([0.2, 0.7, 0.45, 0.95])  # y: teams, x: hall
    texts = sorted(t.get_text() for t in by_gid(fig, "cell-label"))
    assert texts == ["20%", "45%", "70%", "95%"]
    shows_something(fig)


def test_sweep_more_keys_is_a_sorted_dot_chart() -> None:
    names = ["a.x", "b.x", "c"]
    header = (*names, "p_on_time", "p_on_time_lo", "p_on_time_hi")
    rows = [(1, 2, 3, 0.5, 0.4, 0.6), (1, 3, 3, 0.9, 0.8, 1.0), (2, 2, 4, 0.1, 0.0, 0.2)]
    fig = sweep_chart(names, rows, header, "p_on_time")
    (dots,) = by_gid(fig, "dots")
    assert dots.get_offsets()[:, 0].tolist() == [0.9, 0.5, 0.1]  # best first
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "a.x=1, b.x=3, c=3"
    assert short_names(["resources.a.capacity", "resources.b.capacity"]) == [
        "a.capacity", "b.capacity"]
    shows_something(fig)


def test_sweep_rejects_an_unknown_kpi() -> None:
    names, rows, header = rows_of(1)
    with pytest.raises(ValueError, match="no column"):
        sweep_chart(names, rows, header, "p_miracle")
