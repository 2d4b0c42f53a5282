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

import sim.engine.simulation
from sim.engine import simulate
from sim.engine.dispatch import Dispatcher, Window, dispatch_key
from sim.scenario import load_scenario, load_tree
from sim.scenario.model import Scenario
from sim.scenario.synth import contention_tree, synth_tree

ROOT = Path(__file__).resolve().parents[1]


class ScanDispatcher(Dispatcher):
    """The oracle: every waiting activity, every dispatch, in dispatch order."""

    def _look_at_changed(self, now: float, window: Window) -> None:
        self.fresh = []
        for run in sorted(self.waiting, key=dispatch_key):
            on = run.blocked_on if run.blocked is not None else None
            held = run.blocked is not None and now < run.recheck_at and (
                on is None or on not in self.freed or on.free < run.blocked_need)
            if not held:
                self._evaluate(run, now, window)


def _both(scenario: Scenario, seed: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    indexed = simulate(scenario, seed)
    with monkeypatch.context() as patch:
        patch.setattr(sim.engine.simulation, "Dispatcher", ScanDispatcher)
        scanned = simulate(scenario, seed)
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


def test_the_oracle_is_really_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken oracle (it never starts anything) makes the comparison fail."""
    calls = []

    class Idle(ScanDispatcher):
        def _look_at_changed(self, now: float, window: Window) -> None:
            calls.append(now)

    monkeypatch.setattr(sim.engine.simulation, "Dispatcher", Idle)
    result = simulate(load_tree(contention_tree(50, seed=1)), 1)
    assert calls and not result.complete
