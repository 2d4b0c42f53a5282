"""Monte Carlo ensembles: determinism across executors, streaming statistics, CRN, errors."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario
from sim.ensemble import EnsembleStats, Layout, ensemble, record_of, run_chunk
from sim.ensemble.compare import compare
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.stats import Moments, Proportion, Quantiles, QuantileTable, RankCorrelation

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "scenarios" / "training_week.yaml"

RISKY = """
format: tabletop/1
name: Risky week
days: 3
seed: 5
resources:
  - {id: hall, capacity: 1, hours: always}
phases:
  - id: main
    around_the_clock: true
    activities:
      - {id: a, duration: {triangular: [2, 4, 10]}, needs: {hall: 1}}
      - {id: b, duration: {uniform: [1, 3]}, needs: {hall: 1}}
      - {id: c, duration: 1, after: [a, b]}
      - {id: d, duration: {pert: [1, 2, 3]}}
injects:
  - {id: M-1, at: "D1 01:00", kind: delay, target: c, by: 5, probability: 0.5}
"""


def _same(a: object, b: object) -> None:
    from sim.ensemble.risk import risk_summary

    left, right = risk_summary(a), risk_summary(b)  # type: ignore[arg-type]
    left.pop("executor")
    right.pop("executor")
    assert left == right


def test_results_identical_whatever_the_worker_count() -> None:
    scenario = load_scenario(WEEK)
    one = ensemble(scenario, 60, seed=3, jobs=1)
    two = ensemble(scenario, 60, seed=3, jobs=2)
    assert one.stats.end.mean == two.stats.end.mean
    assert one.stats.end.m2 == two.stats.end.m2
    _same(one, two)


def test_chunking_does_not_change_results() -> None:
    scenario = load_scenario(RISKY)
    _same(ensemble(scenario, 40, seed=1, chunk=1), ensemble(scenario, 40, seed=1, chunk=7))


def test_replications_differ_and_seeds_differ() -> None:
    scenario = load_scenario(RISKY)
    recs = run_chunk(scenario, 1, 0, 20).records(Layout.of(scenario))
    assert [r.index for r in recs] == list(range(20))
    assert len({r.end_h for r in recs}) > 5
    other = ensemble(scenario, 20, seed=2)
    assert ensemble(scenario, 20, seed=1).stats.end.mean != other.stats.end.mean


def test_mean_end_matches_a_plain_loop() -> None:
    from sim.engine import simulate

    scenario = load_scenario(RISKY)
    ends = [simulate(scenario, 9, replication=i).end_h for i in range(50)]
    result = ensemble(scenario, 50, seed=9)
    assert result.stats.end.mean == pytest.approx(float(np.mean(ends)), rel=1e-12)
    assert result.stats.end_q.quantile(0.5) == pytest.approx(float(np.quantile(ends, 0.5)))


def test_criticality_of_a_serial_resource_chain() -> None:
    scenario = load_scenario(RISKY)
    result = ensemble(scenario, 100, seed=1)
    crit = result.stats.criticality()
    # c always ends last and waits for a and b, which share the hall: both are on the chain
    assert crit["c"] == 1.0
    assert crit["a"] == 1.0 and crit["b"] == 1.0
    assert crit["d"] == 0.0


def test_sensitivity_ranks_the_dominant_input_first() -> None:
    scenario = load_scenario(RISKY)
    result = ensemble(scenario, 400, seed=4)
    ranking = dict(result.stats.tornado())
    assert set(ranking) == {"a", "b", "d", "M-1 happens"}
    top = result.stats.tornado()[0][0]
    assert top in ("a", "M-1 happens")
    assert ranking["a"] > 0.3 and ranking["M-1 happens"] > 0.3
    assert abs(ranking["d"]) < 0.2


def test_keep_returns_full_results_of_the_first_runs_only() -> None:
    scenario = load_scenario(RISKY)
    result = ensemble(scenario, 10, seed=1, keep=3)
    assert [r.replication for r in result.stats.kept] == [0, 1, 2]


def test_zero_replications_is_refused() -> None:
    with pytest.raises(ValueError):
        ensemble(load_scenario(RISKY), 0)


def test_record_layout_matches_scenario() -> None:
    from sim.engine import simulate

    scenario = load_scenario(WEEK)
    layout = Layout.of(scenario)
    rec = record_of(simulate(scenario, 1), layout)
    assert len(rec.activity_end) == len(scenario.activities)
    assert len(rec.util_by_day) == len(scenario.resources)
    assert all(len(row) == scenario.days for row in rec.util_by_day)
    assert all(0.0 <= u <= 1.0 + 1e-9 for row in rec.util_by_day for u in row)
    assert len(rec.inputs) == len(layout.inputs)


# ------------------------------------------------------------ streaming statistics


def test_quantiles_exact_during_warmup_and_close_after() -> None:
    rng = np.random.default_rng(0)
    values = rng.lognormal(3, 0.4, 20_000)
    q = Quantiles(warmup=500, bins=4000)
    for v in values:
        q.add(float(v))
    for p in (0.1, 0.5, 0.9):
        exact = float(np.quantile(values, p))
        assert q.quantile(p) == pytest.approx(exact, rel=0.01)
        lo, hi = q.quantile_ci(p)
        assert lo <= exact <= hi
    small = Quantiles()
    for v in values[:100]:
        small.add(float(v))
    assert small.quantile(0.5) == pytest.approx(float(np.quantile(values[:100], 0.5)))


@pytest.mark.parametrize("size", [1, 7, 50, 333])
def test_batched_statistics_count_as_one_value_at_a_time(size: int) -> None:
    """add_many / add_rows in batches (across the warm-up) give exactly the counts and
    sums of adding one value or row at a time, NaN and infinities included."""
    rng = np.random.default_rng(size)
    values = rng.normal(10, 3, 1500)
    values[[400, 900, 1200]] = [math.inf, -math.inf, 1e9]  # after the warm-up, beyond the bins
    table_rows = rng.uniform(0, 1, (700, 4))
    table_rows[rng.uniform(size=table_rows.shape) < 0.1] = math.nan  # unfinished cells
    ys = rng.normal(0, 1, 700)
    one_q, many_q = Quantiles(warmup=300, bins=100), Quantiles(warmup=300, bins=100)
    one_t, many_t = QuantileTable(4, warmup=100, bins=40), QuantileTable(4, warmup=100, bins=40)
    one_r, many_r = RankCorrelation(4, warmup=100), RankCorrelation(4, warmup=100)
    for v in values:
        one_q.add(float(v))
    for row, y in zip(table_rows, ys, strict=True):
        one_t.add(row)
        one_r.add(list(np.nan_to_num(row)), float(y))
    for k in range(0, len(values), size):
        many_q.add_many(values[k:k + size].tolist())
    for k in range(0, len(ys), size):
        many_t.add_rows(table_rows[k:k + size])
        many_r.add_rows(np.nan_to_num(table_rows[k:k + size]), ys[k:k + size].tolist())
    assert (one_q.n, one_q.low, one_q.high, one_q.under, one_q.over) == (
        many_q.n, many_q.low, many_q.high, many_q.under, many_q.over)
    assert one_q.counts is not None and many_q.counts is not None
    assert one_q.counts.tolist() == many_q.counts.tolist()
    assert one_t.counts is not None and many_t.counts is not None
    assert one_t.counts.tolist() == many_t.counts.tolist()
    assert [one_t[i].quantile(0.5) for i in range(4)] == [many_t[i].quantile(0.5)
                                                          for i in range(4)]
    assert one_r.coefficients() == many_r.coefficients()


def test_rank_correlation_exact_and_binned_agree_with_numpy() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5000, 2))
    y = 2 * x[:, 0] + rng.normal(size=5000) * 0.5
    exact_rc = RankCorrelation(2, warmup=10_000)
    binned_rc = RankCorrelation(2, warmup=1000, bins=50)
    for xs, yy in zip(x, y, strict=True):
        exact_rc.add(list(xs), float(yy))
        binned_rc.add(list(xs), float(yy))

    def spearman(a: np.ndarray, b: np.ndarray) -> float:
        ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
        return float(np.corrcoef(ra, rb)[0, 1])

    want = [spearman(x[:, 0], y), spearman(x[:, 1], y)]
    assert exact_rc.coefficients() == pytest.approx(want, abs=1e-9)
    assert binned_rc.coefficients() == pytest.approx(want, abs=0.02)


def test_moments_and_proportion_intervals() -> None:
    m = Moments()
    for v in [1.0, 2.0, 3.0, 4.0]:
        m.add(v)
    assert m.mean == 2.5 and m.std == pytest.approx(float(np.std([1, 2, 3, 4], ddof=1)))
    lo, hi = m.ci()
    assert lo < 2.5 < hi
    p = Proportion()
    for i in range(100):
        p.add(i < 30)
    lo, hi = p.ci()
    assert p.p == 0.3 and lo < 0.3 < hi and lo >= 0 and hi <= 1
    assert math.isclose(hi - lo, 0.18, abs_tol=0.02)


# ------------------------------------------------------------ what-if with CRN


def test_identical_variants_differ_by_exactly_zero() -> None:
    scenario = load_scenario(RISKY)
    result = compare(scenario, scenario, 50, seed=2)
    assert result.paired.end.mean == 0.0 and result.paired.end.std == 0.0


def test_common_random_numbers_tighten_the_difference() -> None:
    scenario = load_scenario(RISKY)
    faster = load_scenario(RISKY.replace("{triangular: [2, 4, 10]}", "{triangular: [1, 3, 9]}"))
    result = compare(scenario, faster, 200, seed=2)
    diff = result.paired.end
    assert diff.mean < 0  # B is faster in every replication that a drives
    unpaired = math.sqrt(result.a.stats.end.std**2 + result.b.stats.end.std**2)
    assert diff.std < 0.5 * unpaired


# ------------------------------------------------------------ executors


def _crash_on_chunk_ten(scenario, seed, start, stop, keep=0, layout=None, engine="event",  # type: ignore[no-untyped-def]
                        indexed=0):
    if start == 10:
        os._exit(3)  # a worker dies
    return run_chunk(scenario, seed, start, stop, keep, layout, engine, indexed)


def test_a_dead_worker_is_retried_and_the_missing_replications_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.ensemble.executors

    monkeypatch.setattr(sim.ensemble.executors, "run_chunk", _crash_on_chunk_ten)
    scenario = load_scenario(RISKY)
    result = ensemble(scenario, 40, seed=1, executor=LocalExecutor(2), chunk=5)
    assert result.missing == tuple(range(10, 15))
    assert result.stats.n == 35
    assert not result.complete


def test_dask_local_cluster_gives_the_same_numbers_as_the_local_pool() -> None:
    from distributed import LocalCluster

    from sim.ensemble.executors import DaskExecutor

    scenario = load_scenario(RISKY)
    local = ensemble(scenario, 40, seed=6, jobs=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=":0") as cluster:
        executor = DaskExecutor(cluster.scheduler_address)
        try:
            remote = ensemble(scenario, 40, seed=6, executor=executor)
        finally:
            executor.close()
    assert remote.executor.startswith("dask")
    _same(local, remote)


# ------------------------------------------------------------ the commands


def _tabletop(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_mc_command_writes_a_complete_ensemble_directory(tmp_path: Path) -> None:
    import json

    done = _tabletop("mc", str(WEEK), "-n", "30", "--seed", "1", "--keep", "2", "--out",
                     str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "P(on time" in done.stdout
    (out,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    summary = json.loads((out / "summary.json").read_text())
    for key in ("p_on_time", "p_on_time_ci", "end_h", "phases", "limits", "criticality",
                "utilisation_by_day", "sensitivity", "advice"):
        assert key in summary
    assert summary["replications"] == 30 and summary["complete"] is True
    assert len(list((out / "runs").iterdir())) == 2


@pytest.mark.parametrize("args, message", [
    (["mc", "-n", "0"], "-n must be at least 1"),
    (["mc", "--set", "resources.rnage.capacity=2"], "did you mean 'range'"),
    (["mc", "--set", "resources.range.capacity=[2]"], "would change its type"),
    (["mc", "--set", "days=banana"], "error"),
    (["mc", "--executor", "dask", "--address", "tcp://127.0.0.1:1", "--connect-timeout", "1",
      "-n", "5"], "cannot reach a Dask scheduler"),
    (["sweep", "--vary", "resources.range.capacity"], "expected KEY.PATH=V1,V2"),
])
def test_bad_ensemble_input_exits_2_with_a_clear_message(tmp_path: Path, args: list[str],
                                                         message: str) -> None:
    done = _tabletop(*args, "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())


def test_sweep_writes_one_row_per_grid_point(tmp_path: Path) -> None:
    import csv

    done = _tabletop("sweep", str(WEEK), "-n", "10", "--vary",
                     "resources.workstations.capacity=2,3", "--vary",
                     "resources.interpreters.capacity=2,4", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (out,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    rows = list(csv.DictReader((out / "sweep.csv").read_text().splitlines()))
    assert len(rows) == 4
    assert {(r["resources.workstations.capacity"], r["resources.interpreters.capacity"])
            for r in rows} == {("2", "2"), ("2", "4"), ("3", "2"), ("3", "4")}


def test_quantile_table_matches_numpy_per_cell_with_gaps() -> None:
    from sim.ensemble.stats import QuantileTable

    rng = np.random.default_rng(3)
    data = rng.lognormal(2, 0.5, (4000, 3))
    data[::7, 1] = np.nan  # a cell with no value in some records
    exact = QuantileTable(3, warmup=10_000)
    binned = QuantileTable(3, warmup=500, bins=400)
    for row in data:
        exact.add(row)
        binned.add(row)
    for i in range(3):
        column = data[:, i][~np.isnan(data[:, i])]
        assert binned[i].n == exact[i].n == len(column)
        for p in (0.1, 0.5, 0.9):
            want = float(np.quantile(column, p))
            assert exact[i].quantile(p) == pytest.approx(want)
            assert binned[i].quantile(p) == pytest.approx(want, rel=0.01)
            lo, hi = binned[i].quantile_ci(p)
            assert lo <= want <= hi
        assert binned[i].low == column.min() and binned[i].high == column.max()


# ------------------------------------------------------------ the package


def test_reading_ensemble_results_loads_no_engine() -> None:
    """Documents and charts import these: none may bring in the engine or SimPy."""
    code = (
        "import sys\n"
        "import sim.ensemble.aggregate, sim.ensemble.kpis, sim.ensemble.labels\n"
        "import sim.ensemble.result, sim.ensemble.risk, sim.ensemble.stats, sim.results\n"
        "from sim.ensemble import CompareResult, EnsembleResult, EnsembleStats, Layout\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sim.engine', 'simpy'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_the_package_names_its_parts_for_users() -> None:
    import sim.ensemble
    from sim.ensemble import chunks, records, runs
    from sim.ensemble.compare import CompareResult
    from sim.ensemble.paired import PairedStats as paired
    from sim.ensemble.result import CompareResult as defined
    from sim.ensemble.risk import PairedStats

    assert sim.ensemble.ensemble is runs.ensemble and sim.ensemble.run_chunk is chunks.run_chunk
    assert sim.ensemble.record_of is records.record_of and CompareResult is defined
    assert PairedStats is paired
    assert all(getattr(sim.ensemble, name) is not None for name in sim.ensemble.__all__)
    assert set(sim.ensemble.__all__) <= set(dir(sim.ensemble))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = sim.ensemble.nothing  # type: ignore[attr-defined]


def test_the_ranking_follows_runs_added_after_it_was_read() -> None:
    scenario = load_scenario(RISKY)
    layout = Layout.of(scenario)
    stats = EnsembleStats(layout, scenario.planned_end)
    stats.add_all(run_chunk(scenario, 4, 0, 50, layout=layout))
    first = stats.tornado()
    first.clear()  # a caller's copy: the next reader gets the whole ranking
    assert stats.tornado() != []
    stats.add_all(run_chunk(scenario, 4, 50, 400, layout=layout))
    # read again after more runs: the same as a ranking read once at the end
    assert stats.tornado() == ensemble(scenario, 400, seed=4).stats.tornado()
    assert stats.tornado() != ensemble(scenario, 50, seed=4).stats.tornado()
