"""``tabletop run`` draws charts and the report; ``tabletop plot RUN_DIR`` redraws them
from the run directory alone, and refuses a directory that is not a complete run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine import simulate
from sim.results.store import load_run
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
WEEK = ROOT / "scenarios" / "training_week.yaml"
SEMINAR = ROOT / "scenarios" / "seminar.yaml"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("runs")
    assert main(["run", str(WEEK), "--out", str(parent), "--name", "week", "--dpi", "40"]) == 0
    return parent / "week"


def test_run_writes_charts_and_report(run_dir: Path) -> None:
    for name in ("gantt.png", "resources.png", "heatmap.png", "workload.png", "report.html",
                 "report.md", "summary.json", "events.jsonl"):
        assert (run_dir / name).is_file(), name


def test_saved_run_rebuilds_without_simulating(run_dir: Path) -> None:
    rebuilt = load_run(run_dir)
    original = simulate(load_scenario(WEEK))
    assert rebuilt.schedule() == original.schedule()
    assert rebuilt.end_h == original.end_h and rebuilt.seed == original.seed
    assert rebuilt.scenario.file == str(WEEK) or rebuilt.scenario.file.endswith(
        "training_week.yaml")


def test_plot_rerenders_into_the_run_directory(run_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = (run_dir / "report.html").stat().st_mtime_ns
    assert main(["plot", str(run_dir), "--by", "group", "--format", "svg", "--dpi", "40"]) == 0
    out = capsys.readouterr().out
    assert "gantt-by-group.svg" in out and "report.html" in out
    assert (run_dir / "gantt-by-group.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert (run_dir / "report.html").stat().st_mtime_ns >= before
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in html
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]


def broken_copy(run_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    return copy


@pytest.mark.parametrize(("damage", "message"), [
    ("missing-dir", "not a directory"),
    ("no-events", "not a complete run directory (missing events.jsonl)"),
    ("no-scenario", "no scenario copy"),
    ("bad-event", "events.jsonl:3: not JSON"),
    ("bad-summary", "not a tabletop run summary"),
    ("bad-scenario", "the scenario copy no longer loads"),
])
def test_plot_refuses_a_broken_run_directory(run_dir: Path, tmp_path: Path, damage: str,
                                             message: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = broken_copy(run_dir, tmp_path)
    if damage == "missing-dir":
        target = tmp_path / "nowhere"
    elif damage == "no-events":
        (target / "events.jsonl").unlink()
    elif damage == "no-scenario":
        (target / "scenario.yaml").unlink()
    elif damage == "bad-event":
        lines = (target / "events.jsonl").read_text(encoding="utf-8").splitlines()
        lines[2] = "{not json"
        (target / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif damage == "bad-summary":
        (target / "summary.json").write_text(json.dumps({"seed": 1}), encoding="utf-8")
    elif damage == "bad-scenario":
        (target / "scenario.yaml").write_text("format: tabletop/1\nname: x\n", encoding="utf-8")
    assert main(["plot", str(target)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_plot_of_a_seminar_run_in_pdf(tmp_path: Path) -> None:
    assert main(["run", str(SEMINAR), "--out", str(tmp_path), "--name", "s", "--no-charts"]) == 0
    assert not (tmp_path / "s" / "gantt.png").exists()
    assert main(["plot", str(tmp_path / "s"), "--format", "pdf", "--dpi", "40"]) == 0
    assert (tmp_path / "s" / "gantt.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(SystemExit) as stop:
        main(["plot", str(tmp_path / "s"), "--dpi", "0"])
    assert stop.value.code == 2
