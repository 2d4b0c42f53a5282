"""A corpus of bad MSEL sheets, built here with openpyxl: each gets its own code at its exact
cell, exit status 2, and the scenario it was to go into is left as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from sim.cli import main
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
KAZIND = ROOT / "scenarios" / "kazind21.yaml"  # start_date 2021-08-30; resources range, buses
SEMINAR = ROOT / "scenarios" / "seminar.yaml"  # no start_date
HEAD = ["Inject ID", "Scenario time", "Kind", "Target", "For", "Message"]
GOOD = ["M-01", "D3 08:00", "resource_down", "range", "2h", "Range closed"]
NOTE = ["M-02", "D4 10:00", "note", None, None, "Visitors"]


def _book(path: Path, rows: list[list[object]], merge: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "MSEL"
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def _with(row: list[object], **cells: object) -> list[object]:
    changed = list(row)
    for column, value in cells.items():
        changed[HEAD.index(column.replace("_", " "))] = value
    return changed


CASES = {
    "missing column": ([[h for h in HEAD if h != "Scenario time"], GOOD[:1] + GOOD[2:]],
                       None, "A1: missing-column: no column for Scenario time (required)"),
    "bad time": ([HEAD, GOOD, _with(NOTE, Scenario_time="D4 25:00")], None,
                 "B3: bad-time: no such clock time: '25:00'"),
    "unknown resource": ([HEAD, _with(GOOD, Target="rnage")], None,
                         "D2: unknown-reference: "),
    "merged cells": ([HEAD, GOOD, NOTE], "B2:B3",
                     "B2: merged-cells: cells B2:B3 are merged"),
    "formula": ([HEAD, _with(GOOD, Scenario_time='="D3 08:00"'), NOTE], None,
                "B2: formula-cell: Scenario time holds the formula"),
    "empty rows then a bad row": ([HEAD, GOOD, [None] * 6, [], _with(NOTE, Kind="notte")],
                                  None, "C5: bad-value: unknown inject kind 'notte'"),
    "missing value": ([HEAD, _with(GOOD, For=None)], None,
                      "E2: missing-key: required key `for` is missing"),
    "bad duration": ([HEAD, _with(GOOD, For="two hours")], None, "E2: bad-duration: "),
    "duplicate id": ([HEAD, GOOD, _with(NOTE, Inject_ID="M-01")], None,
                     "A3: duplicate-id: inject id 'M-01' is used twice"),
    "time after the last day": ([HEAD, _with(GOOD, Scenario_time="D14 08:00")], None,
                                "B2: time-outside: "),
    "amount above capacity": ([[*HEAD, "Amount"], [*_with(GOOD, Target="buses"), 9]], None,
                              "G2: amount-above-capacity: takes 9 units of 'buses'"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_sheet_is_refused_at_its_cell(case: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rows, merge, expected = CASES[case]
    sheet = _book(tmp_path / "msel.xlsx", rows, merge)
    scenario = tmp_path / "kazind.yaml"
    scenario.write_bytes(KAZIND.read_bytes())
    out = tmp_path / "out.yaml"
    assert main(["msel", "import", str(sheet), "--into", str(scenario), "-o", str(out)]) == 2
    assert main(["msel", "import", str(sheet), "--into", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert f"{sheet}:MSEL!{expected}" in err, err
    assert "nothing was written" in err
    assert scenario.read_bytes() == KAZIND.read_bytes()
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kazind.yaml", "msel.xlsx"]


def test_unknown_resource_gets_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [HEAD, _with(GOOD, Target="rnage")])
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o",
                 str(tmp_path / "o.yaml")]) == 2
    assert "did you mean 'range'?" in capsys.readouterr().err


def test_every_bad_cell_is_reported_at_once(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [
        HEAD, _with(GOOD, Target="rnage"), _with(NOTE, Scenario_time="D4 25:00"),
        _with(GOOD, Inject_ID="M-03", For="soon")])
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o",
                 str(tmp_path / "o.yaml")]) == 2
    err = capsys.readouterr().err
    for line in ("MSEL!D2: unknown-reference", "MSEL!B3: bad-time", "MSEL!E4: bad-duration"):
        assert line in err
    assert "3 problems in" in err


def test_empty_rows_are_skipped(tmp_path: Path) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [HEAD, [None] * 6, GOOD, [], [None, "  "], NOTE])
    out = tmp_path / "out.yaml"
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o", str(out)]) == 0
    assert [i.id for i in load_scenario(out).injects] == ["M-01", "M-02"]


def test_merged_cells_in_columns_not_read_are_fine(tmp_path: Path) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [[*HEAD, "Phase"], [*GOOD, "range"], [*NOTE, None]],
                  merge="G2:G3")
    out = tmp_path / "out.yaml"
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o", str(out)]) == 0


def test_a_calendar_date_needs_a_start_date(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [HEAD, _with(NOTE, Scenario_time=dt.datetime(
        2026, 3, 2, 10, 0))])
    assert main(["msel", "import", str(sheet), "--into", str(SEMINAR), "-o",
                 str(tmp_path / "o.yaml")]) == 2
    assert (f"{sheet}:MSEL!B2: bad-time: a calendar date (2026-03-02) needs the scenario's "
            "start_date") in capsys.readouterr().err


def test_csv_cells_are_named_file_bang_cell(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "msel.csv"
    sheet.write_text("Inject ID,Scenario time,Kind\nM-01,D3 08:00,note\n\nM-02,D3 8h,note\n",
                     encoding="utf-8")
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o",
                 str(tmp_path / "o.yaml")]) == 2
    assert f"{sheet}!B4: bad-time: " in capsys.readouterr().err


def test_a_bad_map_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [HEAD, GOOD])
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o",
                 str(tmp_path / "o.yaml"), "--map", "When=colour"]) == 2
    assert "--map 'When=colour'" in capsys.readouterr().err


def test_not_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "msel.xlsx"
    sheet.write_text("not a zip", encoding="utf-8")
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o",
                 str(tmp_path / "o.yaml")]) == 2
    assert "not-a-sheet: not a readable .xlsx workbook" in capsys.readouterr().err


def test_formulas_in_columns_not_read_are_fine(tmp_path: Path) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [[*HEAD, "Date/time"], [*GOOD, "=TODAY()"]])
    out = tmp_path / "out.yaml"
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o", str(out)]) == 0
    assert [i.id for i in load_scenario(out).injects] == ["M-01"]


def test_map_from_a_file(tmp_path: Path) -> None:
    sheet = _book(tmp_path / "msel.xlsx", [["Ref", "When, D-day", "Text"],
                                           ["X-1", "D3 08:00", "Range closed"]])
    mapping = tmp_path / "map.txt"
    mapping.write_text("# headers with commas need a file\nWhen, D-day = at\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o", str(out),
                 "--map", str(mapping)]) == 0
    (inject,) = load_scenario(out).injects
    assert (inject.id, inject.at, inject.description) == ("X-1", 56.0, "Range closed")
