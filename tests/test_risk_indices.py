"""Schedule-risk indices on small scenarios with known answers."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from sim.cli.commands.drivers_view import index_lines
from sim.engine import simulate
from sim.ensemble import ensemble
from sim.ensemble.criticality import ChainContext, both_chains, critical_chain, phase_chains
from sim.ensemble.indexed import ensemble_with_indices
from sim.ensemble.indices import Index, IndexStats
from sim.ensemble.risk import risk_summary
from sim.scenario import Scenario, load_scenario
from sim.scenario.synth import synth_tree

HEAD = "format: tabletop/1\nname: test\ndays: 2\n"

# path a draws 6 h with weight 3 in 10 (else 2 h), path b is 4 h: a sets the end of p
# exactly when it draws 6 h, with probability 0.3
PARALLEL = """
phases:
  - id: p
    activities:
      - {id: a, duration: {choice: {values: [2, 6], weights: [7, 3]}}}
      - {id: b, duration: 4}
"""


def load(body: str) -> Scenario:
    return load_scenario(HEAD + textwrap.dedent(body))


def pair(items: list[Index], activity: str, phase: str = "p") -> Index:
    return next(i for i in items if i.activity == activity and i.phase == phase)


def test_criticality_on_two_parallel_paths_is_the_known_probability() -> None:
    scenario = load(PARALLEL)
    result, ix = ensemble_with_indices(scenario, 400, seed=5)
    a, b = pair(ix.criticality(), "a"), pair(ix.criticality(), "b")
    assert a.low <= 0.3 <= a.high and b.low <= 0.7 <= b.high
    # exactly one path sets the end of each run: the two shares add up to one, and a's
    # is the share of runs in which it drew 6 h
    assert a.value + b.value == 1.0
    sixes = sum(simulate(scenario, 5, replication=i).extra["draws"]["a"] == 6
                for i in range(400))
    assert a.value == sixes / 400
    assert result.stats.n == 400


def test_cruciality_and_ssi_follow_their_formulas() -> None:
    # a below 4 h leaves the end of p at b's 4 h (tied ranks): 0 < rho < 1
    ix = ensemble_with_indices(load("""
        phases:
          - id: p
            activities:
              - {id: a, duration: {triangular: [2, 3, 7]}}
              - {id: b, duration: 4}
    """), 300, seed=2)[1]
    cru = pair(ix.cruciality(), "a")
    assert cru.value > 0 and cru.above_noise and cru.low < cru.value < cru.high
    assert not [i for i in ix.cruciality() if i.activity == "b"]  # a fixed duration: none
    # Fisher z: atanh of the bounds is symmetric about atanh(r), 1.96 sqrt(1.06/(n-3)) wide
    half = 1.959963984540054 * math.sqrt(1.06 / (300 - 3))
    assert math.isclose(math.atanh(cru.high) - math.atanh(cru.value), half, rel_tol=1e-6)
    ssi = pair(ix.ssi(), "a")
    crit = pair(ix.criticality(), "a")
    sigma_a = ix.duration[ix.random.index("a")].std
    sigma_p = ix.phase_end[ix.phases.index("p")].std
    assert math.isclose(ssi.value, crit.value * sigma_a / sigma_p)


def test_criticality_counts_resource_waits_from_the_event_log() -> None:
    # x and y share the one unit of hall and have no dependency: y waits for x, so x is
    # on the chain that sets p's end in every run (the planned network would say no)
    scenario = load("""
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: x, duration: {triangular: [2, 3, 4]}, needs: {hall: 1}}
              - {id: y, duration: 1, needs: {hall: 1}}
    """)
    run = simulate(scenario, 1)
    assert phase_chains(run)["p"] == ["y", "x"]
    ix = ensemble_with_indices(scenario, 50, seed=1)[1]
    assert pair(ix.criticality(), "x").value == 1.0


def test_a_routine_activity_is_never_ranked() -> None:
    # the routine `ceremony` sets the end of p in every run and is the only random
    # duration: every index names it, and no ranking does unless asked
    ix = ensemble_with_indices(load("""
        phases:
          - id: p
            activities:
              - {id: work, duration: 2}
              - {id: ceremony, duration: {triangular: [1, 2, 3]}, after: [work],
                 routine: true}
    """), 60, seed=4)[1]
    for items in (ix.criticality(), ix.cruciality(), ix.ssi()):
        assert any(i.activity == "ceremony" for i in items)
        assert all(i.activity != "ceremony" for i in ix.ranked(items))
        assert any(i.activity == "ceremony" for i in ix.ranked(items, include_routine=True))
    text = "\n".join(index_lines(ix))
    assert "ceremony" not in text
    assert "ceremony" in "\n".join(index_lines(ix, include_routine=True))


def test_the_ensemble_with_indices_gives_the_same_answers_as_the_ensemble() -> None:
    scenario = load(PARALLEL)
    plain = ensemble(scenario, 40, seed=9, keep=2)
    both, ix = ensemble_with_indices(scenario, 40, seed=9, keep=2)
    assert risk_summary(plain) == risk_summary(both)
    assert [r.replication for r in both.stats.kept] == [0, 1]
    assert ix.n == 40


def test_perfectly_ordered_ranks_have_a_point_interval() -> None:
    # phase end = start + max(a, 4) with a in {2, 6}: always in a's order
    cru = pair(ensemble_with_indices(load(PARALLEL), 50, seed=2)[1].cruciality(), "a")
    assert (cru.value, cru.low, cru.high) == (1.0, 1.0, 1.0)


def test_memory_does_not_grow_with_runs_after_the_warm_up() -> None:
    stats = IndexStats.of(load(PARALLEL))
    for rank in stats.ranks:
        rank.warmup = 20  # the exact rows give way to binned counts after 20 runs
    scenario = load(PARALLEL)
    stats.add_runs(simulate(scenario, 1, replication=i) for i in range(60))
    assert all(not rank.rows for rank in stats.ranks)  # only the joint counts are kept
    assert pair(stats.cruciality(), "a").value > 0



def test_the_indices_come_from_the_first_runs_and_leave_the_rest_to_any_engine() -> None:
    # a network where nothing can bind: the batch engine runs what the indices do not read
    from test_batch_engine import from_tree, unbound

    scenario = from_tree(unbound(synth_tree(40, seed=4)))
    alone = ensemble(scenario, 60, seed=2)
    assert alone.engine == "batch"
    result, indices = ensemble_with_indices(scenario, 60, seed=2, index_runs=25)
    assert indices.n == 25
    assert result.engine == "batch"
    assert risk_summary(result) == risk_summary(alone)


@pytest.mark.parametrize("jobs", [1, 2])
def test_indices_from_the_workers_equal_those_of_whole_runs(jobs: int) -> None:
    # KAZIND-21 (event engine: groups, resources, injects, working days): the chains
    # walked where the runs are give the same sums as the whole runs walked here
    scenario = load_scenario(Path(__file__).parents[1] / "scenarios" / "kazind21.yaml")
    ix = ensemble_with_indices(scenario, 24, seed=3, jobs=jobs, chunk=5)[1]
    whole = IndexStats.of(scenario)
    whole.add_runs(simulate(scenario, 3, replication=i) for i in range(24))
    assert ix.n == whole.n == 24
    assert ix.critical.tolist() == whole.critical.tolist()
    assert ix.critical.sum() > 0
    assert ix.phase_end == whole.phase_end and ix.duration == whole.duration
    assert ix.cruciality() == whole.cruciality() and ix.ssi() == whole.ssi()


def test_one_walk_per_phase_gives_the_critical_chain_too() -> None:
    scenario = load_scenario(Path(__file__).parents[1] / "scenarios" / "kazind21.yaml")
    ctx = ChainContext.of(scenario)
    differ = 0
    for i in range(12):
        result = simulate(scenario, 4, replication=i)
        chain, found = both_chains(result, ctx)
        assert chain == critical_chain(result, ctx) and chain
        assert found == phase_chains(result, ctx)
        differ += any(c != chain for c in found.values())
    assert differ  # the phases' chains are not all the programme's


def test_mc_says_when_the_indices_rest_on_fewer_runs(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli import main

    assert main(["mc", "-n", "30", "--index-runs", "10", "--no-charts", "--out",
                 str(tmp_path)]) == 0
    assert "schedule-risk indices from the first 10 of 30 replications" in capsys.readouterr().out
    assert main(["mc", "-n", "30", "--index-runs", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--index-runs must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
