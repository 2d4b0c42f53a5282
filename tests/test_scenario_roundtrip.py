"""The same tree written as YAML, TOML or JSON loads to the same Scenario, and problems
in TOML and JSON files point at the right line."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import yaml

from sim.scenario import Problem, ScenarioError, load_scenario

SUFFIXES = (".json", ".toml")


def dump(tree: dict[str, Any], suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(tree, indent=2, default=str) + "\n"  # dates as ISO text
    if suffix == ".toml":
        return tomli_w.dumps(tree)
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)


def write(tmp_path: Path, tree: dict[str, Any], suffix: str) -> tuple[Path, str]:
    text = dump(tree, suffix)
    path = tmp_path / f"scenario{suffix}"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("suffix", [*SUFFIXES, ".yml"])
def test_bundled_scenario_loads_the_same_from_every_syntax(
    bundled_scenario: Path, tmp_path: Path, suffix: str
) -> None:
    original = load_scenario(bundled_scenario)
    tree = yaml.safe_load(bundled_scenario.read_text(encoding="utf-8"))
    path, _ = write(tmp_path, tree, suffix)
    again = load_scenario(path)
    assert again.file == str(path)
    assert dataclasses.replace(again, file=original.file) == original
    assert len(again.warnings) == len(original.warnings)
    assert [w.split(": ", 1)[1] for w in again.warnings] == [
        w.split(": ", 1)[1] for w in original.warnings
    ]  # same problems, other positions


def _seminar(repo_root: Path) -> dict[str, Any]:
    tree: dict[str, Any] = yaml.safe_load((repo_root / "scenarios" / "seminar.yaml").read_text())
    return tree


def _only_error(path: Path) -> Problem:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    return problem


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_reference_problem_points_at_its_line(repo_root: Path, tmp_path: Path, suffix: str) -> None:
    tree = _seminar(repo_root)
    tree["phases"][0]["activities"][1]["groups"] = ["bleu"]
    path, text = write(tmp_path, tree, suffix)
    problem = _only_error(path)
    assert problem.code == "unknown-reference"
    assert problem.path == ("phases", 0, "activities", 1, "groups", 0)
    assert problem.hint == "did you mean 'blue'?"
    (line,) = [n for n, t in enumerate(text.splitlines(), start=1) if '"bleu"' in t]
    assert problem.line == line


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_unknown_key_problem_points_at_its_line(
    repo_root: Path, tmp_path: Path, suffix: str
) -> None:
    tree = _seminar(repo_root)
    tree["resources"][1]["capasity"] = 3
    path, text = write(tmp_path, tree, suffix)
    problem = _only_error(path)
    assert (problem.code, problem.hint) == ("unknown-key", "did you mean `capacity`?")
    (line,) = [n for n, t in enumerate(text.splitlines(), start=1) if "capasity" in t]
    assert problem.line == line


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_check_problem_points_at_its_line(repo_root: Path, tmp_path: Path, suffix: str) -> None:
    tree = copy.deepcopy(_seminar(repo_root))
    tree["injects"][0]["at"] = "D9 11:00"
    path, text = write(tmp_path, tree, suffix)
    problem = _only_error(path)
    assert problem.code == "time-outside"
    (line,) = [n for n, t in enumerate(text.splitlines(), start=1) if "D9 11:00" in t]
    assert problem.line == line


@pytest.mark.parametrize(
    ("suffix", "text", "line"),
    [
        (".json", '{\n  "format": "tabletop/1",\n  "name": "x"\n  "days": 2\n}\n', 4),
        (".toml", 'format = "tabletop/1"\nname = "x"\ndays = = 2\n', 3),
        (".yaml", "format: tabletop/1\nname: x\ndays: [2\nphases: []\n", 4),
    ],
)
def test_syntax_errors_point_at_their_line(
    tmp_path: Path, suffix: str, text: str, line: int
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text, encoding="utf-8")
    problem = _only_error(path)
    assert problem.code == f"{suffix[1:]}-syntax"
    assert problem.line == line


def test_json_text_without_suffix_is_read_as_json() -> None:
    text = json.dumps(
        {
            "format": "tabletop/1",
            "name": "x",
            "days": 1,
            "phases": [{"id": "p", "activities": [{"id": "a", "duration": 1}]}],
        }
    )
    assert load_scenario(text).activities[0].id == "a"
