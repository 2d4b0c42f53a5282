"""The batch engine gives the event engine's numbers, replication by replication.

Generated networks (layered programmes with working days, rest days, splittable work,
around-the-clock phases, delay injects; contention networks made free of contention)
and the bundled scenarios made eligible are run both ways: every number the statistics
take (end, phase ends, activity ends, daily utilisation, inputs, critical activities)
and each activity's ready, start and finish must be equal, not close. The eligibility
proofs refuse what can bind, and ``mc --engine`` says which engine ran and why.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from numpy.random import Philox

from sim import load_scenario
from sim.core.distributions import Choice, Triangular, Uniform
from sim.core.streams import ReplicationKey, Streams, entity_key
from sim.engine import default_time_cap, simulate
from sim.engine.batch import Graph, batch_schedule, batch_verdict
from sim.engine.batch.draws import from_unit
from sim.engine.batch.philox import first_block, replication_keys, unit
from sim.ensemble import Layout, ensemble, run_chunk
from sim.ensemble.batch_chain import chain_masks
from sim.ensemble.engines import EngineError, choose_engine
from sim.ensemble.indexed import ensemble_with_indices
from sim.scenario.model import Scenario
from sim.scenario.synth import contention_tree, scenario_yaml, synth_tree

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
CHANGES_CAPACITY = ("resource_down", "group_unavailable", "add_activity")


def unbound(tree: dict[str, Any], rest_days: tuple[int, ...] = ()) -> dict[str, Any]:
    """The tree with nothing that can bind: capacity-changing injects dropped, groups and
    resources far larger than all requests together, each activity asking one team."""
    tree = dict(tree)
    tree["injects"] = [i for i in tree.get("injects", []) if i["kind"] not in CHANGES_CAPACITY]
    tree["groups"] = [dict(g, teams=10_000) for g in tree.get("groups", [])]
    tree["resources"] = [dict(r, capacity=10_000) for r in tree.get("resources", [])]
    for phase in tree["phases"]:
        phase["activities"] = [
            dict(a, groups={g: 1 for g in a["groups"]}) if "groups" in a else a
            for a in phase["activities"]]
    if rest_days:
        tree["calendar"] = dict(tree.get("calendar", {}), rest_days=list(rest_days))
    return tree


def from_tree(tree: dict[str, Any]) -> Scenario:
    return load_scenario(scenario_yaml(tree))


def assert_same_replications(scenario: Scenario, n: int, seed: int) -> None:
    """Both engines, replication by replication: the packed numbers and the schedule."""
    assert batch_verdict(scenario).eligible, batch_verdict(scenario).reason
    layout = Layout.of(scenario)
    event = run_chunk(scenario, seed, 0, n, 0, layout, indexed=n)
    batch = run_chunk(scenario, seed, 0, n, 0, layout, engine="batch", indexed=n)
    np.testing.assert_array_equal(batch.values, event.values)  # NaN == NaN here
    assert batch.critical == event.critical
    assert event.phase_critical is not None and event.phase_critical.shape[0] == n
    np.testing.assert_array_equal(batch.phase_critical, event.phase_critical)
    graph = Graph.of(scenario)
    assert graph is not None
    sched = batch_schedule(scenario, graph, seed, 0, n, default_time_cap(scenario))
    assert not sched.uncertain.any()
    # the walk on arrays itself, not the event engine's reruns, gives the phase chains
    critical, masks, unsure = chain_masks(scenario, layout, sched, n)
    assert [c for c, u in zip(critical, unsure, strict=True) if not u] == [
        c for c, u in zip(event.critical, unsure, strict=True) if not u]
    assert unsure.sum() <= n // 5
    np.testing.assert_array_equal(masks[~unsure], event.phase_critical[~unsure])
    for i in range(n):
        result = simulate(scenario, seed, replication=i)
        for k, row in enumerate(result.activities[:len(scenario.activities)]):
            arrays = sched.activities[k]
            got = (arrays.ready[i], arrays.start[i], arrays.finish[i])
            assert got == (row.ready_h, row.start_h, row.end_h), (row.id, i)


# ------------------------------------------------------------ the random numbers


@pytest.mark.parametrize(("seed", "entity"), [(0, "a00001"), (7, "inject:M-1"),
                                              (2**40 + 3, "x")])
def test_philox_first_block_is_numpys_word_for_word(seed: int, entity: str) -> None:
    keys = replication_keys(seed, 5, 12)
    words = first_block(keys, entity)
    h0, h1 = entity_key(entity)
    for k, rep in enumerate(range(5, 12)):
        counter = np.array([0, 0, h0, h1], dtype=np.uint64)
        raw = Philox(ReplicationKey(seed, rep), counter=counter).random_raw(4)  # type: ignore[arg-type]
        assert [int(w[k]) for w in words] == [int(x) for x in raw]


@pytest.mark.parametrize("dist", [Triangular(1, 2, 9), Triangular(2, 2, 5), Triangular(1, 6, 6),
                                  Uniform(0.5, 3.25), Choice((1.0, 2.0, 4.0), (0.2, 0.5, 0.3))])
def test_draws_from_one_uniform_number_equal_the_generators(dist: Any) -> None:
    keys = replication_keys(3, 0, 200)
    batch = from_unit(dist, unit(first_block(keys, "act")[0]))
    one_by_one = [dist.sample(Streams(3, i)("act")) for i in range(200)]
    assert batch.tolist() == one_by_one


# ------------------------------------------------------------ replication by replication


@pytest.mark.parametrize("seed", range(8))
def test_layered_networks_with_calendars_and_delays(seed: int) -> None:
    tree = unbound(synth_tree(70, seed=seed), rest_days=(3,) if seed % 2 else ())
    scenario = from_tree(tree)
    assert any(i.kind == "delay" for i in scenario.injects)
    assert_same_replications(scenario, 25, seed)


@pytest.mark.parametrize(("seed", "working_day"), [(0, False), (1, True), (2, True)])
def test_contention_networks_made_free(seed: int, working_day: bool) -> None:
    scenario = from_tree(unbound(contention_tree(60, seed=seed, working_day=working_day)))
    assert_same_replications(scenario, 25, seed)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenarios_refused_then_equal_once_made_eligible(path: Path) -> None:
    scenario = load_scenario(path)
    verdict = batch_verdict(scenario)
    assert not verdict.eligible  # each has an inject that changes capacity or availability
    assert "changes" in verdict.reason or "can bind" in verdict.reason
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert_same_replications(from_tree(unbound(tree)), 12, 4)


MILESTONES_AND_SPLITS = """
format: tabletop/1
name: Splits, lags, milestones
days: 6
calendar: {day_start: "08:00", day_end: "17:00", rest_days: [3]}
phases:
  - id: one
    start: D1
    activities:
      - {id: long, duration: {triangular: [6, 14, 30]}, splittable: true}
      - {id: fits, duration: {uniform: [4, 9]}, after: [{id: long, lag: 90min}]}
      - {id: gate, duration: 0, after: [fits]}
      - {id: longer_than_a_day, duration: {triangular: [8, 12, 20]}, after: [gate]}
  - id: two
    after: [one]
    around_the_clock: true
    activities:
      - {id: night, duration: {choice: {values: [3, 7], weights: [1, 1]}}}
      - {id: after_night, duration: 2, after: [night], not_before: "D4 10:00"}
injects:
  - {id: M-1, at: {between: ["D1 09:00", "D2 16:00"]}, kind: delay, target: fits,
     by: {triangular: [1, 3, 8]}, probability: 0.7}
  - {id: M-2, at: "D2 12:00", kind: delay, target: one, by: 2}
"""


def test_splits_lags_milestones_rest_days_and_delays() -> None:
    assert_same_replications(load_scenario(MILESTONES_AND_SPLITS), 40, 9)


# ------------------------------------------------------------ what can bind


CHAIN_OF_THREE = """
format: tabletop/1
name: One room, used in turn
days: 2
resources: [{id: room, capacity: 1}]
phases:
  - id: p
    activities:
      - {id: a, duration: {triangular: [1, 2, 3]}, needs: {room: 1}}
      - {id: b, duration: 1, needs: {room: 1}, after: [a]}
      - {id: c, duration: {uniform: [1, 2]}, needs: {room: 1}, after: [b]}
"""


def test_work_in_sequence_never_binds_a_room_of_one() -> None:
    scenario = load_scenario(CHAIN_OF_THREE)
    assert batch_verdict(scenario).eligible  # needed by 3, never 2 at once
    assert_same_replications(scenario, 20, 1)


def test_a_room_two_activities_may_share_can_bind() -> None:
    scenario = load_scenario(CHAIN_OF_THREE.replace(", after: [b]", ""))
    verdict = batch_verdict(scenario)
    assert not verdict.eligible
    assert verdict.reason == "resource room can bind (capacity 1, needed by 3 activities, " \
                             "up to 2 at once)"


def test_an_inject_that_changes_capacity_refuses() -> None:
    text = CHAIN_OF_THREE + ('injects:\n  - {id: M-9, at: "D1 10:00", kind: resource_down, '
                             'target: room, for: 1h}\n')
    verdict = batch_verdict(load_scenario(text))
    assert (verdict.eligible, verdict.reason) == (
        False, "inject M-9 (resource_down) changes capacity")
    with pytest.raises(EngineError, match="not exact for this scenario: inject M-9"):
        ensemble(load_scenario(text), 5, engine="batch")


def test_auto_and_the_workers_give_the_same_statistics() -> None:
    scenario = load_scenario(MILESTONES_AND_SPLITS)
    assert choose_engine(scenario).name == "batch"
    event = ensemble(scenario, 60, seed=2, engine="event")
    one = ensemble(scenario, 60, seed=2)
    two = ensemble(scenario, 60, seed=2, jobs=2, chunk=7)
    assert (event.engine, one.engine, two.engine) == ("event", "batch", "batch")
    for result in (one, two):
        assert result.stats.end.mean == event.stats.end.mean
        assert result.stats.criticality() == event.stats.criticality()
        assert result.stats.tornado() == event.stats.tornado()


def test_kept_runs_come_from_the_event_engine() -> None:
    result = ensemble(load_scenario(MILESTONES_AND_SPLITS), 10, seed=1, keep=2)
    assert result.engine == "batch"
    assert [r.replication for r in result.stats.kept] == [0, 1]


# ------------------------------------------------------------ mc --engine


def _mc(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", "mc", *args, "-n", "20", "--no-charts",
                           "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                          check=False)


def test_mc_auto_says_batch_and_why_and_summary_records_it(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(MILESTONES_AND_SPLITS, encoding="utf-8")
    done = _mc(tmp_path, str(tmp_path / "s.yaml"))
    assert done.returncode == 0, done.stderr
    assert ("  batch engine: no resource or group can bind and no inject changes capacity"
            in done.stdout.splitlines())
    (summary,) = tmp_path.glob("s-mc20-seed0/summary.json")
    assert json.loads(summary.read_text())["engine"] == "batch"


def test_mc_auto_says_event_and_why(tmp_path: Path) -> None:
    done = _mc(tmp_path, str(ROOT / "scenarios" / "seminar.yaml"), "--engine", "auto")
    assert done.returncode == 0, done.stderr
    assert "  event engine: inject M-01 (resource_down) changes capacity" in done.stdout
    (summary,) = tmp_path.glob("*/summary.json")
    assert json.loads(summary.read_text())["engine"] == "event"


def test_mc_batch_on_an_ineligible_scenario_is_a_usage_error(tmp_path: Path) -> None:
    done = _mc(tmp_path, str(ROOT / "scenarios" / "seminar.yaml"), "--engine", "batch")
    assert done.returncode == 2
    assert done.stderr.strip() == ("tabletop: --engine batch: the batch engine is not exact "
                                   "for this scenario: inject M-01 (resource_down) changes "
                                   "capacity")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_mc_event_and_an_unknown_engine(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(CHAIN_OF_THREE, encoding="utf-8")
    done = _mc(tmp_path, str(tmp_path / "s.yaml"), "--engine", "event")
    assert done.returncode == 0, done.stderr
    assert "  event engine: asked for with --engine event" in done.stdout
    bad = _mc(tmp_path, str(tmp_path / "s.yaml"), "--engine", "fast")
    assert bad.returncode == 2
    assert "invalid choice: 'fast'" in bad.stderr


def test_a_dask_cluster_runs_the_batch_engine_with_the_same_numbers() -> None:
    from distributed import LocalCluster

    from sim.ensemble.executors import DaskExecutor

    scenario = load_scenario(MILESTONES_AND_SPLITS)
    event, event_ix = ensemble_with_indices(scenario, 30, seed=5, engine="event")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cluster:
        executor = DaskExecutor(cluster.scheduler_address)
        try:
            remote, remote_ix = ensemble_with_indices(scenario, 30, seed=5,
                                                      executor=executor, chunk=8)
        finally:
            executor.close()
    assert (remote.engine, remote.executor[:4]) == ("batch", "dask")
    assert remote.stats.end.mean == event.stats.end.mean
    assert remote.stats.criticality() == event.stats.criticality()
    assert remote_ix.n == event_ix.n == 30  # the risk indices too, walked on the arrays
    assert remote_ix.critical.tolist() == event_ix.critical.tolist()
    assert remote_ix.criticality() == event_ix.criticality()
