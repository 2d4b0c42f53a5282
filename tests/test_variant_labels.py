"""Every variant says what it is: the ``--set`` changes (and sweep levels) are in
summary.json, the report header, csv-metadata.json beside the CSV files and on the
console of ``run``, ``mc``, ``compare`` and ``sweep``; two sides of a comparison never
carry the same label; probabilities are printed as percentages."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.core.csvmeta import CSVW, METADATA
from sim.ensemble.variants import distinct_labels, label_slug, variant_label
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEMINAR = ROOT / "scenarios" / "seminar.yaml"
CHANGE = "resources.interpreters.capacity=3"


def tabletop(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(argv))
    return status, out.getvalue()


def only_dir(parent: Path) -> Path:
    (out,) = [p for p in parent.iterdir() if p.is_dir()]
    return out


def check_metadata(folder: Path, overrides: list[str]) -> dict[str, object]:
    """csv-metadata.json names every CSV of ``folder`` with its real header, and the
    changes made to the file."""
    meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    assert meta["@context"] == CSVW
    (variant,) = meta["notes"]
    assert variant["overrides"] == overrides
    tables = {t["url"]: [c["name"] for c in t["tableSchema"]["columns"]]
              for t in meta["tables"]}
    on_disk = sorted(p.name for p in folder.glob("*.csv"))
    assert sorted(tables) == on_disk and on_disk
    for name, columns in tables.items():
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == columns
    return dict(variant)


def test_run_names_its_changes_everywhere(tmp_path: Path) -> None:
    status, text = tabletop("run", str(SEMINAR), "--set", CHANGE, "--out", str(tmp_path),
                            "--dpi", "30")
    assert status == 0, text
    assert f"  changes to the file: {CHANGE}" in text.splitlines()
    out = only_dir(tmp_path)
    assert json.loads((out / "summary.json").read_text())["overrides"] == [CHANGE]
    assert check_metadata(out, [CHANGE])["seed"] == 0
    assert f"Changed from the file (--set): {CHANGE}" in (out / "report.md").read_text()
    status, text = tabletop("plot", str(out), "--dpi", "30")  # redrawn, still says so
    assert status == 0, text
    assert f"Changed from the file (--set): {CHANGE}" in (out / "report.md").read_text()


def test_a_run_without_changes_says_so_in_its_files(tmp_path: Path) -> None:
    status, text = tabletop("run", str(SEMINAR), "--no-charts", "--out", str(tmp_path))
    assert status == 0 and "changes to the file" not in text
    out = only_dir(tmp_path)
    assert json.loads((out / "summary.json").read_text())["overrides"] == []
    check_metadata(out, [])


def test_mc_names_its_changes_everywhere(tmp_path: Path) -> None:
    status, text = tabletop("mc", str(SEMINAR), "-n", "20", "--set", CHANGE, "--keep", "1",
                            "--out", str(tmp_path), "--dpi", "30")
    assert status == 0, text
    assert f"  changes to the file: {CHANGE}" in text.splitlines()
    out = only_dir(tmp_path)
    assert json.loads((out / "summary.json").read_text())["overrides"] == [CHANGE]
    assert check_metadata(out, [CHANGE])["replications"] == 20
    check_metadata(out / "runs" / "replication-00000", [CHANGE])  # the kept run too
    assert f"Changed from the file (--set): {CHANGE}" in (out / "report.md").read_text()


def test_compare_labels_are_the_file_and_its_changes_and_differ(tmp_path: Path) -> None:
    status, text = tabletop("compare", str(SEMINAR), str(SEMINAR), "-n", "20", "--set-b",
                            CHANGE, "--out", str(tmp_path), "--dpi", "30")
    assert status == 0, text
    lines = text.splitlines()
    assert lines[0].startswith("A: seminar (") and lines[1].startswith(f"B: seminar [{CHANGE}] (")
    out = only_dir(tmp_path)
    assert out.name == "compare-seminar-seminar-resources.interpreters.capacity-3"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["labels"] == {"a": "seminar", "b": f"seminar [{CHANGE}]"}
    assert summary["a"]["overrides"] == [] and summary["b"]["overrides"] == [CHANGE]
    report = (out / "report.md").read_text()
    assert "A: seminar: Two-day seminar" in report
    assert f"B: seminar \\[{CHANGE}\\]: Two-day seminar" in report  # brackets escaped


def test_compare_of_a_file_with_itself_still_tells_the_sides_apart(tmp_path: Path) -> None:
    status, text = tabletop("compare", str(SEMINAR), str(SEMINAR), "-n", "10", "--no-charts",
                            "--out", str(tmp_path))
    assert status == 0, text
    out = only_dir(tmp_path)
    labels = json.loads((out / "summary.json").read_text())["labels"]
    assert labels == {"a": "seminar (A)", "b": "seminar (B)"}
    assert out.name == "compare-seminar-A-seminar-B"


def test_distinct_labels() -> None:
    base = load_scenario(SEMINAR)
    changed = dataclasses.replace(base, overrides=(CHANGE, "calendar.day_end=19:00"))
    assert variant_label(base) == "seminar"
    assert variant_label(changed) == f"seminar [{CHANGE}, calendar.day_end=19:00]"
    assert distinct_labels(base, changed) == ("seminar", variant_label(changed))
    a, b = distinct_labels(changed, changed)
    assert a != b and a.endswith("(A)") and b.endswith("(B)")
    assert label_slug("seminar [a.b=2, c=19:00]") == "seminar-a.b-2-c-19-00"


def test_sweep_names_the_changes_of_every_point(tmp_path: Path) -> None:
    status, text = tabletop("sweep", str(SEMINAR), "-n", "10", "--set", CHANGE, "--vary",
                            "resources.hall.capacity=1,2", "--out", str(tmp_path), "--dpi", "30")
    assert status == 0, text
    assert f"  changes to the file at every point: {CHANGE}" in text
    out = only_dir(tmp_path)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == [CHANGE]
    assert [p["overrides"] for p in summary["points"]] == [
        [CHANGE, "resources.hall.capacity=1"], [CHANGE, "resources.hall.capacity=2"]]
    assert check_metadata(out, [CHANGE])["vary"] == ["resources.hall.capacity"]
    assert f"Changed from the file at every point (--set): {CHANGE}" in (
        out / "report.md").read_text()


@pytest.mark.parametrize("kpi", ["p_on_time", "p_holds", "p_within_limit"])
def test_sweep_prints_shares_as_percentages(tmp_path: Path, kpi: str) -> None:
    status, text = tabletop("sweep", str(ROOT / "scenarios" / "kazind21.yaml"), "-n", "10",
                            "--vary", "resources.buses.capacity=2,3", "--kpi", kpi,
                            "--no-charts", "--out", str(tmp_path))
    assert status == 0, text
    out = only_dir(tmp_path)
    points = json.loads((out / "summary.json").read_text())["points"]
    for line, point in zip(text.splitlines()[1:3], points, strict=True):
        assert f"{kpi} = {100 * point[kpi]:.1f}%" in line
        assert f"{point[kpi]:.3f}" not in line
