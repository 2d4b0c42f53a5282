"""The scenario generator: valid at every size, deterministic, runs to completion."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.cli import main
from sim.engine import simulate
from sim.scenario import load_scenario, load_tree
from sim.scenario.source import MAX_BYTES
from sim.scenario.synth import DAY_HOURS, MAX_DAYS, scenario_yaml, synth_tree


def _activities(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for phase in tree["phases"] for a in phase["activities"]]


def _max_waiting(events: Any) -> int:
    """Most activities ready (or paused) and not running at any one time, from the log."""
    waiting: set[str] = set()
    most = 0
    for ev in events:
        if ev.kind in ("ready", "pause"):
            waiting.add(ev.activity)
        elif ev.kind in ("start", "resume"):
            waiting.discard(ev.activity)
        most = max(most, len(waiting))
    return most


@pytest.mark.parametrize("size", [1, 10, 57, 400, 2000])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_generated_scenarios_validate_without_warnings(size: int, seed: int) -> None:
    tree = synth_tree(size, seed=seed)
    scenario = load_tree(tree)
    assert len(scenario.activities) == size
    assert scenario.warnings == ()
    assert [a.id for a in scenario.activities] == [f"a{k:05d}" for k in range(1, size + 1)]


def test_structure_phases_chains_resources_injects() -> None:
    tree = synth_tree(3000, seed=4)
    phases = tree["phases"]
    assert len(phases) == 12  # about one per 250 activities
    assert all(p["after"] == [phases[k]["id"]] for k, p in enumerate(phases[1:]))
    around = [p for p in phases if p.get("around_the_clock")]
    assert len(around) == 1 and around[0]["limit"].endswith("h")
    always = {r["id"] for r in tree["resources"] if r.get("hours") == "always"}
    for act in around[0]["activities"]:  # no working-hours facility in the block
        assert set(act.get("needs", {})) <= always
    acts = _activities(tree)
    assert all(1 <= len(a.get("after", [None])) <= 3 for a in acts)  # bounded fan-in
    random_share = sum(isinstance(a["duration"], dict) for a in acts) / len(acts)
    assert 0.25 < random_share < 0.35
    assert 0.3 < sum("needs" in a for a in acts) / len(acts) < 0.7
    assert {g["teams"] for g in tree["groups"]} <= {2, 3, 4}
    assert len(tree["injects"]) == 12
    assert {i["kind"] for i in tree["injects"]} == {
        "resource_down",
        "delay",
        "group_unavailable",
        "note",
    }
    assert tree["days"] <= MAX_DAYS


def test_durations_fit_the_working_day_unless_splittable() -> None:
    scenario = load_tree(synth_tree(2000, seed=5))
    for act in scenario.activities:
        assert act.duration.high <= DAY_HOURS or act.splittable


def test_same_seed_same_tree_other_seed_other_tree() -> None:
    assert synth_tree(500, seed=3) == synth_tree(500, seed=3)
    assert synth_tree(500, seed=3) != synth_tree(500, seed=4)
    assert scenario_yaml(synth_tree(50, seed=2)) == scenario_yaml(synth_tree(50, seed=2))


def test_options_are_honoured() -> None:
    tree = synth_tree(
        100,
        seed=1,
        phases=5,
        resources=2,
        groups=3,
        random_share=0.0,
        injects=0,
        around_the_clock_share=0.0,
    )
    assert len(tree["phases"]) == 5
    assert len(tree["resources"]) == 2 and len(tree["groups"]) == 3
    assert tree["injects"] == []
    assert not any(p.get("around_the_clock") for p in tree["phases"])
    assert not any(isinstance(a["duration"], dict) for a in _activities(tree))
    load_tree(tree)


@pytest.mark.parametrize(
    "bad",
    [
        {"activities": 0},
        {"activities": 10, "phases": 0},
        {"activities": 10, "random_share": 1.5},
        {"activities": 10, "groups": 0},
        {"activities": 10, "injects": -1},
    ],
)
def test_bad_arguments_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        synth_tree(**bad)


def test_yaml_text_round_trips_and_validates() -> None:
    tree = synth_tree(300, seed=9)
    text = scenario_yaml(tree, "a header\nover two lines")
    assert text.startswith("# a header\n# over two lines\n")
    assert yaml.safe_load(text) == tree
    assert len(load_scenario(text).activities) == 300


def test_fifty_thousand_activities_fit_the_file_limits() -> None:
    tree = synth_tree(50_000, seed=0)
    acts = _activities(tree)
    assert len(acts) == len({a["id"] for a in acts}) == 50_000
    assert acts[-1]["id"] == "a50000"
    assert tree["days"] <= MAX_DAYS
    assert len(scenario_yaml(tree).encode()) < MAX_BYTES  # `tabletop synth` output loads


@pytest.mark.parametrize("size,seed", [(10, 0), (200, 1), (1000, 2), (1000, 3)])
def test_simulates_to_completion_on_time_with_moderate_queues(size: int, seed: int) -> None:
    scenario = load_tree(synth_tree(size, seed=seed))
    result = simulate(scenario)
    assert result.complete and not result.capped
    assert all(row.end_h is not None for row in result.activities)
    assert result.end_h <= result.planned_end_h  # `days` is long enough
    assert _max_waiting(result.events) <= 24  # at most one phase's chains wait at once
    if size >= 200:  # contention: some activities wait for groups or facilities
        assert sum(row.waited_h > 0 for row in result.activities) > size // 10


# ---------------------------------------------------------------- the command


def test_cli_writes_a_file_that_validates_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "synth.yaml"
    assert main(["synth", "--activities", "120", "--seed", "3", "--out", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert first.startswith("# Generated by `tabletop synth --activities 120 --seed 3`")
    assert len(load_scenario(out).activities) == 120
    assert main(["validate", str(out)]) == 0
    capsys.readouterr()
    assert main(["synth", "--activities", "50", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == first


def test_cli_writes_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--activities", "30", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^\s+- \{id: a00030, ", text, re.MULTILINE)
    assert len(load_scenario(text).activities) == 30


@pytest.mark.parametrize(
    "argv",
    [
        ["--activities", "0"],
        ["--activities", "5", "--seed", "-1"],
        ["--activities", "5", "--phases", "0"],
    ],
)
def test_cli_refuses_bad_numbers(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", *argv]) == 2
    assert "tabletop:" in capsys.readouterr().err
