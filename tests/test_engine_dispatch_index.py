"""The indexed dispatcher looks at exactly the activities a scan of the whole queue would.

The oracle is the dispatcher the engine had before its waiting activities were indexed,
which it still uses on short queues (``Dispatcher._walk``): at every dispatch it walks
every waiting activity in dispatch order and skips one only while the reason it was held
still holds. Walking at every dispatch, using the index at every dispatch, and the
engine's own choice between them must write the same event log,
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
from sim.engine import simulate
from sim.engine.dispatch import Dispatcher, Window
from sim.scenario import load_scenario, load_tree
from sim.scenario.model import Scenario
from sim.scenario.synth import contention_tree, synth_tree
from tests.test_engine_properties import scenario_trees

ROOT = Path(__file__).resolve().parents[1]


def _run(scenario: Scenario, seed: int, walk_below: float,
         monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(sim.engine.dispatch, "WALK_BELOW", walk_below)
        return simulate(scenario, seed)


def _both(scenario: Scenario, seed: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The run as the engine makes it, and by the oracle; and the index used at every
    dispatch (not only on long queues) gives the same run too."""
    indexed = simulate(scenario, seed)
    always_indexed = _run(scenario, seed, 0, monkeypatch)
    scanned = _run(scenario, seed, float("inf"), monkeypatch)
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


def _act(ident: str, duration: float = 0.0, **more: Any) -> dict[str, Any]:
    """An activity of the example: one hall, one team, splittable, on days 1 and 2."""
    return {"id": ident, "duration": duration, "splittable": True, "needs": {"r0": 1},
            "groups": ["g0"], "every_day": {"from": 1, "to": 2}, **more}


DUE_AND_FREED = {
    "format": "tabletop/1", "name": "random", "days": 6, "dispatch": "critical_path",
    "calendar": {"day_start": "00:00", "day_end": "24:00", "rest_days": []},
    "resources": [{"id": "r0", "capacity": 1, "hours": "working"}],
    "groups": [{"id": "g0", "headcount": 5, "teams": 1},
               {"id": "g1", "headcount": 5, "teams": 1}],
    "phases": [
        {"id": "p0", "activities": [_act("a0", not_before="D1 05:00")]},
        {"id": "p1", "activities": [_act("a1")]},
        {"id": "p2", "start": "D1 05:00", "activities": [
            _act("a2", 20.0, after=[{"id": "a0", "lag": 0}], not_before="D1 05:00"),
            _act("a3", not_before="D1 05:00"),
            _act("a4", not_before="D1 05:00")]},
    ],
    "injects": [{"id": "M0", "kind": "delay", "at": "D1 06:00", "probability": 1.0,
                 "target": "a0", "by": 4}],
}


def test_an_activity_both_due_and_freed_starts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_tree(DUE_AND_FREED)
    indexed, scanned = _both(scenario, 0, monkeypatch)
    starts = [e.activity for e in indexed.events if e.kind in ("start", "resume")]
    finishes = [e.activity for e in indexed.events if e.kind == "finish"]
    assert sorted(finishes) == sorted(a.id for a in scenario.activities)
    assert len(starts) == len(set(starts)) == len(finishes)
    assert indexed.events == scanned.events


def test_each_way_is_really_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison compares something: the index is used when asked for, walking
    otherwise, and a dispatcher that walks without starting anything leaves work undone."""
    calls: dict[str, int] = {"walk": 0, "index": 0}
    walk, index = Dispatcher._walk, Dispatcher._look_at_changed

    def counted(name: str, method: Any) -> Any:
        def call(self: Dispatcher, now: float, window: Window) -> None:
            calls[name] += 1
            method(self, now, window)
        return call

    monkeypatch.setattr(Dispatcher, "_walk", counted("walk", walk))
    monkeypatch.setattr(Dispatcher, "_look_at_changed", counted("index", index))
    scenario = load_tree(contention_tree(200, seed=1))
    _run(scenario, 1, 0, monkeypatch)
    assert calls == {"walk": 0, "index": calls["index"]} and calls["index"] > 0
    _run(scenario, 1, float("inf"), monkeypatch)
    assert calls["walk"] > 0 and calls["index"] > 0
    monkeypatch.setattr(Dispatcher, "_walk", lambda self, now, window: None)
    assert not _run(scenario, 1, float("inf"), monkeypatch).complete


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_trees(dense=True), st.integers(0, 2**32 - 1))
def test_random_busy_scenarios_give_the_scan_s_log(tree: dict[str, Any], seed: int) -> None:
    """Hypothesis's scenarios with injects, every rule (the property tests' generator)."""
    scenario = load_tree(tree)
    with pytest.MonkeyPatch.context() as patch:  # hypothesis: no function-scoped fixture
        indexed, scanned = _both(scenario, seed, patch)
    assert indexed.events == scanned.events
