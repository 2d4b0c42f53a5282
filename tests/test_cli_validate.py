"""``tabletop validate``, ``tabletop schema`` and ``tabletop new``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sim.cli import main
from sim.scenario import load_scenario
from sim.scenario.bundled import default_scenario, starter_text

BROKEN = Path(__file__).resolve().parent / "broken"
OK_LINE = re.compile(
    r"^(?P<file>.+): ok: (?P<name>.+): (?P<groups>\d+) groups, (?P<resources>\d+) resources, "
    r"(?P<phases>\d+) phases, (?P<activities>\d+) activity instances, (?P<injects>\d+) injects$"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_prints_one_line_per_file_with_counts(
    capsys: pytest.CaptureFixture[str], repo_root: Path
) -> None:
    files = [
        repo_root / "scenarios" / "seminar.yaml",
        repo_root / "scenarios" / "training_week.yaml",
    ]
    status, out, err = run(capsys, "validate", *map(str, files))
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 2
    for line, path in zip(lines, files, strict=True):
        match = OK_LINE.match(line)
        assert match, line
        scenario = load_scenario(path)
        assert match["file"] == str(path) and match["name"] == scenario.name
        assert int(match["groups"]) == len(scenario.groups)
        assert int(match["resources"]) == len(scenario.resources)
        assert int(match["phases"]) == len(scenario.phases)
        assert int(match["activities"]) == len(scenario.activities)
        assert int(match["injects"]) == len(scenario.injects)
    assert "error" not in err


def test_validate_every_bundled_file(
    capsys: pytest.CaptureFixture[str], bundled_scenario: Path
) -> None:
    status, out, err = run(capsys, "validate", str(bundled_scenario))
    assert status == 0, err
    assert OK_LINE.match(out.strip())


def test_validate_without_argument_checks_the_bundled_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "validate")
    assert status == 0, err
    (line,) = out.splitlines()
    match = OK_LINE.match(line)
    assert match and match["file"] == str(default_scenario())
    assert Path(match["file"]).name == "kazind21.yaml"


def test_validate_outline(capsys: pytest.CaptureFixture[str], repo_root: Path) -> None:
    status, out, _ = run(
        capsys, "validate", "--outline", str(repo_root / "scenarios" / "seminar.yaml")
    )
    assert status == 0
    assert "  phase day_one: day_one: 3 activities" in out
    assert ("  inject M-01 at D1 11:00 (probability 1): resource_down hall - Power cut in the "
            "hall") in out


def test_validate_outline_shows_inject_windows_and_probabilities(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A random inject's window (its `between` times) and its probability, as written."""
    path = tmp_path / "windows.yaml"
    path.write_text(SEMINAR_WITH_WINDOWS, encoding="utf-8")
    status, out, err = run(capsys, "validate", "--outline", str(path))
    assert status == 0, err
    lines = [line for line in out.splitlines() if line.startswith("  inject ")]
    assert lines == [
        "  inject M-01 at D1 11:00 (probability 1): resource_down hall - Power cut in the hall",
        "  inject M-02 between D1 09:00 and D1 15:30 (probability 0.25): group_unavailable green",
        "  inject M-03 between D2 08:00 and D2 12:00 (probability 0.5): note - A visit",
    ]


SEMINAR_WITH_WINDOWS = """\
format: tabletop/1
name: Seminar with random injects
days: 2
groups:
  - {id: blue, headcount: 30}
  - {id: green, headcount: 25, teams: 2}
resources:
  - {id: hall, capacity: 1}
phases:
  - id: day_one
    activities:
      - {id: welcome, duration: 1, groups: [blue, green], needs: {hall: 1}}
injects:
  - {id: M-01, at: "D1 11:00", kind: resource_down, target: hall, for: 2h,
     description: Power cut in the hall}
  - {id: M-02, at: {between: ["D1 09:00", "D1 15:30"]}, probability: 0.25,
     kind: group_unavailable, target: green, for: 1h}
  - {id: M-03, at: {between: ["D2 08:00", "D2 12:00"]}, probability: 0.5, kind: note,
     description: A visit}
"""


def test_validate_reports_problems_on_stderr(
    capsys: pytest.CaptureFixture[str], repo_root: Path
) -> None:
    bad = BROKEN / "many-problems.yaml"
    good = repo_root / "scenarios" / "seminar.yaml"
    status, out, err = run(capsys, "validate", str(bad), str(good))
    assert status == 2  # one bad file is enough
    assert out.splitlines() == [line for line in out.splitlines() if OK_LINE.match(line)]
    assert len(out.splitlines()) == 1  # the good file is still checked
    lines = err.splitlines()
    assert lines[-1] == f"{bad}: 8 errors"
    problem_lines = [line for line in lines if line.startswith(f"{bad}:") and "[" in line]
    assert len(problem_lines) == 8
    assert problem_lines[0].startswith(f"{bad}:13:1: error[unknown-key] seeds: ")
    assert "(did you mean `seed`?)" in problem_lines[0]


def test_validate_prints_warnings_but_succeeds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(starter_text().replace("probability: 0.5", "probability: 0"), encoding="utf-8")
    status, out, err = run(capsys, "validate", str(path))
    assert status == 0 and OK_LINE.match(out.strip())
    assert "warning[never-happens]" in err


def test_validate_as_a_subprocess(repo_root: Path) -> None:
    seminar = repo_root / "scenarios" / "seminar.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(seminar)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert OK_LINE.match(done.stdout.strip())


# ------------------------------------------------------------------ schema


def _schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    status, out, _ = run(capsys, "schema")
    assert status == 0
    loaded: dict[str, Any] = json.loads(out)
    return loaded


def _tree(path: Path) -> Any:
    """A file's tree as JSON would hold it (dates as text)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def test_schema_is_valid_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    found = _schema(capsys)
    jsonschema.Draft202012Validator.check_schema(found)
    assert found["$schema"].endswith("2020-12/schema")
    assert found["title"] == "tabletop/1 scenario"
    assert set(found["required"]) == {"format", "name", "days", "phases"}
    assert {
        "format",
        "name",
        "days",
        "calendar",
        "groups",
        "resources",
        "phases",
        "injects",
    } <= set(found["properties"])


def test_schema_accepts_the_bundled_and_starter_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bundled_scenario: Path
) -> None:
    validator = jsonschema.Draft202012Validator(_schema(capsys))
    errors = list(validator.iter_errors(_tree(bundled_scenario)))
    assert not errors, [e.message for e in errors][:3]
    starter = tmp_path / "starter.yaml"
    starter.write_text(starter_text(), encoding="utf-8")
    assert not list(validator.iter_errors(_tree(starter)))


STRUCTURAL = [
    "wrong-type.yaml",
    "unknown-key-top.yaml",
    "unknown-key-activity.yaml",
    "unknown-key-inject.yaml",
    "missing-key.yaml",
    "missing-kind.yaml",
    "bad-value-kind.yaml",
    "bad-value-hours.yaml",
    "bad-value-dispatch.yaml",
    "out-of-range-capacity.yaml",
    "out-of-range-probability.yaml",
    "bad-duration-words.yaml",
    "bad-duration-negative.yaml",
    "bad-time-day.yaml",
    "bad-id.yaml",
    "bad-distribution-arity.yaml",
    "bad-distribution-key.yaml",
    "unknown-format.yaml",
    "not-a-scenario.yaml",
    "json-wrong-type.json",
    "toml-unknown-key.toml",
]


@pytest.mark.parametrize("name", STRUCTURAL)
def test_schema_rejects_structurally_broken_files(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    import tomllib

    path = BROKEN / name
    tree = tomllib.loads(path.read_text()) if path.suffix == ".toml" else _tree(path)
    validator = jsonschema.Draft202012Validator(_schema(capsys))
    assert list(validator.iter_errors(tree)), f"the schema accepts {name}"


# ------------------------------------------------------------------ new


def test_new_writes_a_starter_that_validates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mine.yaml"
    status, out, _ = run(capsys, "new", str(path))
    assert status == 0
    assert path.read_text(encoding="utf-8") == starter_text()
    assert str(path) in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # no temporary left
    status, out, err = run(capsys, "validate", str(path))
    assert status == 0, err
    assert OK_LINE.match(out.strip())
    scenario = load_scenario(path)
    assert {i.kind for i in scenario.injects} == {"resource_down", "delay"}
    assert any(a.id.startswith("lectures@D") for a in scenario.activities)


def test_new_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("precious\n", encoding="utf-8")
    status, out, err = run(capsys, "new", str(path))
    assert status == 2
    assert "already exists" in err and out == ""
    assert path.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_new_into_a_missing_folder_fails_cleanly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "new", str(tmp_path / "no" / "such" / "mine.yaml"))
    assert status == 2
    assert "not a directory" in err
    assert list(tmp_path.iterdir()) == []


def test_the_sweep_kpi_choices_are_the_kpis_a_sweep_computes() -> None:
    from sim.cli.parser import SWEEP_KPIS
    from sim.ensemble.kpis import KPIS

    assert tuple(KPIS) == SWEEP_KPIS


HEAVY = ("numpy", "simpy", "matplotlib")


@pytest.mark.parametrize(
    "code",
    [
        "from sim.cli import main\nstatus = main(['validate'])",
        "from sim.scenario import load_scenario\n"
        "from sim.scenario.bundled import default_scenario\n"
        "status = 0 if load_scenario(default_scenario()).activities else 1",
    ],
    ids=["tabletop-validate", "load_scenario"],
)
def test_validating_imports_no_engine_numbers_or_charts(code: str) -> None:
    report = f"\nimport sys\nprint(status, [m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code + report], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"
