"""``tabletop mc``, ``compare`` and ``sweep`` write their charts and reports (run as commands)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "scenarios" / "training_week.yaml"
MC_FILES = {"summary.json", "activities.csv", "sensitivity.csv", "utilisation_by_day.csv",
            "end_histogram.csv", "end-time.png", "gantt.png", "criticality.png", "tornado.png",
            "utilisation.png", "report.html", "report.md"}


def tabletop(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def only_dir(parent: Path) -> Path:
    (out,) = [p for p in parent.iterdir() if p.is_dir()]
    return out


def test_mc_writes_charts_and_report(tmp_path: Path) -> None:
    done = tabletop("mc", str(WEEK), "-n", "40", "--seed", "2", "--dpi", "40", "--out",
                    str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = only_dir(tmp_path)
    assert {p.name for p in out.iterdir()} >= MC_FILES
    summary = json.loads((out / "summary.json").read_text())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"{100 * summary['p_on_time']:.1f}%" in html
    assert "executor: local, 1 worker" in html
    assert html.count('src="data:image/png;base64,') == 6  # with the cruciality chart


def test_compare_writes_both_charts_and_a_side_by_side_report(tmp_path: Path) -> None:
    done = tabletop("compare", str(WEEK), str(WEEK), "--set-b",
                    "resources.workstations.capacity=2", "-n", "40", "--dpi", "40", "--out",
                    str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = only_dir(tmp_path)
    assert {p.name for p in out.iterdir()} == {"summary.json", "end-times.png",
                                               "differences.png", "report.html", "report.md",
                                               "scenario-a.yaml", "scenario-b.yaml"}
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "with resources.workstations.capacity=2" in md
    assert "A and B side by side" in md and "common random numbers" in md


@pytest.mark.parametrize("varies", [
    ["resources.workstations.capacity=2,3"],
    ["resources.workstations.capacity=2,3", "resources.interpreters.capacity=2,4"],
], ids=["one-key", "two-keys"])
def test_sweep_writes_its_chart_and_report(tmp_path: Path, varies: list[str]) -> None:
    vary = [arg for v in varies for arg in ("--vary", v)]
    done = tabletop("sweep", str(WEEK), "-n", "12", *vary, "--kpi", "end_p90_h", "--dpi", "40",
                    "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = only_dir(tmp_path)
    assert {"sweep.csv", "summary.json", "sweep-end_p90_h.png", "report.html",
            "report.md"} <= {p.name for p in out.iterdir()}
    rows = list(csv.DictReader((out / "sweep.csv").read_text().splitlines()))
    assert len(rows) == 2 ** len(varies)
    for row in rows:  # the CI of the charted figure brackets it
        assert float(row["end_p90_h_lo"]) <= float(row["end_p90_h"]) <= float(
            row["end_p90_h_hi"])
        assert float(row["planned_end_h"]) == 138.0


def test_formats_and_no_charts(tmp_path: Path) -> None:
    assert main(["mc", str(WEEK), "-n", "10", "--format", "svg", "--format", "png", "--dpi",
                 "30", "--out", str(tmp_path), "--name", "both"]) == 0
    names = {p.name for p in (tmp_path / "both").iterdir()}
    assert {"gantt.svg", "gantt.png", "tornado.svg", "report.html"} <= names
    assert main(["mc", str(WEEK), "-n", "10", "--no-charts", "--out", str(tmp_path),
                 "--name", "bare"]) == 0
    names = {p.name for p in (tmp_path / "bare").iterdir()}
    assert "summary.json" in names and not {n for n in names if n.endswith((".png", ".html"))}


@pytest.mark.parametrize("command", ["mc", "run", "sweep"])
def test_bad_dpi_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  command: str) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, str(WEEK), "--dpi", "0", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert "choose a resolution between 20 and 1200 dpi" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("command", [
    ["run", str(WEEK), "--no-charts"],
    ["mc", str(WEEK), "-n", "3", "--no-charts"],
    ["compare", str(WEEK), str(WEEK), "-n", "3", "--no-charts"],
    ["sweep", str(WEEK), "--vary", "resources.conference_room.capacity=1,2", "-n", "2"],
])
def test_an_output_path_that_cannot_be_written_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    blocker = tmp_path / "a-file"  # --out names a file: nothing can be written under it
    blocker.write_text("not a directory\n")
    assert main([*command, "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write under {blocker}" in err
    assert "internal error" not in err
    assert blocker.read_text() == "not a directory\n"
