"""A lean run (an ensemble's replication) has the tables of the full run, from a shorter log.

A lean run's engine writes no ``ready``, ``start``, ``resume`` or ``blocked`` records and
keeps the activity rows and resource step tables itself (:mod:`sim.engine.lean`); these
tests hold them to what :func:`sim.results.build_result` reads from the full log of the
same run, on the bundled scenarios, on runs that stop stuck, and on random scenarios
hit by every kind of inject (as before, a lean run leaves out what only the waiting
tables read: who waited for what).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import simulate
from sim.results import RunResult
from sim.scenario import Scenario, load_scenario, load_tree
from tests.test_engine_properties import scenario_trees
from tests.test_engine_stuck import STUCK

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = ("ready", "start", "resume", "blocked")


def assert_lean_is_full(scenario: Scenario, seed: int, replication: int = 0,
                        **options: Any) -> RunResult:
    full = simulate(scenario, seed, replication=replication, **options)
    lean = simulate(scenario, seed, replication=replication, lean=True, **options)
    # what each activity waited for longest, and for each resource, is read from blocked
    # records: a lean run has none
    assert lean.activities == tuple(r._replace(waited_for="") for r in full.activities)
    assert lean.phases == full.phases
    assert lean.resources == {k: replace(r, wait_h=0.0) for k, r in full.resources.items()}
    assert lean.usage == full.usage
    assert (lean.end_h, lean.on_time, lean.stuck, lean.capped) == \
        (full.end_h, full.on_time, full.stuck, full.capped)
    assert lean.extra == full.extra
    assert list(lean.events) == [e for e in full.events if e.kind not in LEFT_OUT]
    assert lean.groups == {} and lean.bottlenecks == () and lean.calendar_wait_h == 0.0
    return full


def test_the_bundled_scenarios_give_the_same_tables_lean() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        for replication in range(3):
            assert_lean_is_full(scenario, 11, replication)


def test_a_run_that_stops_stuck_gives_the_same_tables_lean() -> None:
    full = assert_lean_is_full(load_scenario(STUCK), 0)
    assert full.capped and full.stuck
    # stuck at a time cap while an activity is paused overnight: its pause ends there
    assert_lean_is_full(load_scenario(STUCK), 0, time_cap=30.0)


def test_the_lean_tables_count_pauses_and_the_paused_hours() -> None:
    tree = {"format": "tabletop/1", "name": "pauses", "days": 3,
            "calendar": {"day_start": "08:00", "day_end": "17:00"},
            "resources": [{"id": "hall", "capacity": 1}],
            "phases": [{"id": "p", "activities": [
                {"id": "long", "duration": 20, "splittable": True, "needs": {"hall": 1}},
                {"id": "short", "duration": 2, "needs": {"hall": 1}}]}],
            "injects": [{"id": "M-1", "at": "D1 10:00", "kind": "resource_down",
                         "target": "hall", "for": "1h", "on_hit": "pause"}]}
    full = assert_lean_is_full(load_tree(tree), 0)
    long = full.activity("long")
    assert long.interruptions >= 2 and long.paused_h > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_trees(dense=True), st.integers(0, 2**32 - 1))
def test_random_scenarios_hit_by_injects_give_the_same_tables_lean(tree: dict[str, Any],
                                                                    seed: int) -> None:
    assert_lean_is_full(load_tree(tree), seed)
