"""The indexed dispatcher looks at exactly the activities a scan of the whole queue would.

The oracle below is the dispatcher the engine had before its waiting activities were
indexed: at every dispatch it walks every waiting activity in dispatch order and skips
one only while the reason it was held still holds. Both must write the same event log,
record for record, on networks where activities really compete (around the clock and
on a working day), on the layered generator with injects, on every bundled scenario, and
under each dispatch rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.engine.dispatch
import sim.engine.simulation
from sim.engine import simulate
from sim.engine.dispatch import Dispatcher, Window, dispatch_key
from sim.scenario import load_scenario, load_tree
from sim.scenario.model import Scenario
from sim.scenario.synth import contention_tree, synth_tree
from tests.test_engine_properties import scenario_trees

ROOT = Path(__file__).resolve().parents[1]


class ScanDispatcher(Dispatcher):
    """The oracle: every waiting activity, every dispatch, in dispatch order."""

    def _walk(self, now: float, window: Window) -> None:
        self._look_at_changed(now, window)

    def _look_at_changed(self, now: float, window: Window) -> None:
        self.fresh = []
        for run in sorted(self.waiting, key=dispatch_key):
            on = run.blocked_on if run.blocked is not None else None
            held = run.blocked is not None and now < run.recheck_at and (
                on is None or on not in self.freed or on.free < run.blocked_need)
            if not held:
                self._evaluate(run, now, window)


def _both(scenario: Scenario, seed: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The run as the engine makes it, and by the oracle; and the index used at every
    dispatch (not only on long queues) gives the same run too."""
    indexed = simulate(scenario, seed)
    with monkeypatch.context() as patch:
        patch.setattr(sim.engine.dispatch, "WALK_BELOW", 0)
        always_indexed = simulate(scenario, seed)
    with monkeypatch.context() as patch:
        patch.setattr(sim.engine.simulation, "Dispatcher", ScanDispatcher)
        scanned = simulate(scenario, seed)
    assert always_indexed.events == scanned.events
    return indexed, scanned


def _with_rule(tree: dict[str, Any], rule: str) -> dict[str, Any]:
    return {**tree, "dispatch": rule}


CASES = {
    "contention": lambda s: contention_tree(600, seed=s),
    "contention-day": lambda s: contention_tree(400, seed=s, working_day=True),
    "contention-fifo": lambda s: _with_rule(contention_tree(400, seed=s), "fifo"),
    "layered": lambda s: synth_tree(500, seed=s, around_the_clock_share=0.3),
    "layered-priority": lambda s: _with_rule(synth_tree(300, seed=s), "priority"),
    "layered-fifo": lambda s: _with_rule(synth_tree(300, seed=s), "fifo"),
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_networks_give_the_scan_s_log(case: str, seed: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_tree(CASES[case](seed))
    indexed, scanned = _both(scenario, seed, monkeypatch)
    assert indexed.complete
    assert indexed.events == scanned.events
    assert sum(e.kind == "blocked" for e in indexed.events) > 0  # they did compete


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scenarios_give_the_scan_s_log(path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(path)
    for seed in range(4):
        indexed, scanned = _both(scenario, seed, monkeypatch)
        assert indexed.events == scanned.events


# Found by hypothesis (tests/test_engine_properties.py, an older hypothesis release): an
# activity held by a group was both due for a look and drawn when the group was freed;
# the dispatch started it as due, then put its stale entry back under the group, and a
# later dispatch "resumed" it after it had finished, while another never ran.
DUE_AND_FREED = {
    'format': 'tabletop/1',
     'name': 'random',
     'days': 6,
     'dispatch': 'critical_path',
     'calendar': {'day_start': '00:00', 'day_end': '24:00', 'rest_days': []},
     'resources': [{'id': 'r0', 'capacity': 1, 'hours': 'working', 'tags': []}],
     'groups': [{'id': 'g0', 'headcount': 5, 'teams': 1},
                {'id': 'g1', 'headcount': 5, 'teams': 1}],
     'phases': [{'id': 'p0',
                 'around_the_clock': False,
                 'activities': [{'id': 'a0',
                                 'duration': 0.0,
                                 'splittable': True,
                                 'priority': 0,
                                 'needs': {'r0': 1},
                                 'groups': ['g0'],
                                 'not_before': 'D1 05:00',
                                 'every_day': {'from': 1, 'to': 2}}]},
                {'id': 'p1',
                 'around_the_clock': False,
                 'activities': [{'id': 'a1',
                                 'duration': 0.0,
                                 'splittable': True,
                                 'priority': 0,
                                 'needs': {'r0': 1},
                                 'groups': ['g0'],
                                 'after': [],
                                 'every_day': {'from': 1, 'to': 2}}]},
                {'id': 'p2',
                 'around_the_clock': False,
                 'start': 'D1 05:00',
                 'activities': [{'id': 'a2',
                                 'duration': 20.0,
                                 'splittable': True,
                                 'priority': 0,
                                 'needs': {'r0': 1},
                                 'groups': ['g0'],
                                 'after': [{'id': 'a0', 'lag': 0}],
                                 'not_before': 'D1 05:00',
                                 'every_day': {'from': 1, 'to': 2}},
                                {'id': 'a3',
                                 'duration': 0.0,
                                 'splittable': True,
                                 'priority': 0,
                                 'needs': {'r0': 1},
                                 'groups': ['g0'],
                                 'after': [],
                                 'not_before': 'D1 05:00',
                                 'every_day': {'from': 1, 'to': 2}},
                                {'id': 'a4',
                                 'duration': 0.0,
                                 'splittable': True,
                                 'priority': 0,
                                 'needs': {'r0': 1},
                                 'groups': ['g0'],
                                 'after': [],
                                 'not_before': 'D1 05:00',
                                 'every_day': {'from': 1, 'to': 2}}]}],
     'injects': [{'id': 'M0',
                  'kind': 'delay',
                  'at': 'D1 06:00',
                  'probability': 1.0,
                  'target': 'a0',
                  'by': 4}]}


def test_an_activity_both_due_and_freed_starts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_tree(DUE_AND_FREED)
    indexed, scanned = _both(scenario, 0, monkeypatch)
    starts = [e.activity for e in indexed.events if e.kind in ("start", "resume")]
    finishes = [e.activity for e in indexed.events if e.kind == "finish"]
    assert sorted(finishes) == sorted(a.id for a in scenario.activities)
    assert len(starts) == len(set(starts)) == len(finishes)
    assert indexed.events == scanned.events


def test_the_oracle_is_really_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken oracle (it never starts anything) makes the comparison fail."""
    calls = []

    class Idle(ScanDispatcher):
        def _look_at_changed(self, now: float, window: Window) -> None:
            calls.append(now)

        def _walk(self, now: float, window: Window) -> None:
            calls.append(now)

    monkeypatch.setattr(sim.engine.simulation, "Dispatcher", Idle)
    result = simulate(load_tree(contention_tree(50, seed=1)), 1)
    assert calls and not result.complete


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_trees(dense=True), st.integers(0, 2**32 - 1))
def test_random_busy_scenarios_give_the_scan_s_log(tree: dict[str, Any], seed: int) -> None:
    """Hypothesis's scenarios with injects, every rule (the property tests' generator)."""
    scenario = load_tree(tree)
    with pytest.MonkeyPatch.context() as patch:  # hypothesis: no function-scoped fixture
        indexed, scanned = _both(scenario, seed, patch)
    assert indexed.events == scanned.events
