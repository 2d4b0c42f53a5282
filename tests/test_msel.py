"""``tabletop msel``: export -> import gives the same injects on every bundled scenario (xlsx
and csv), the template's headers, and a run's effect columns on a scenario whose delay is
worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sim.cli import main
from sim.engine import simulate
from sim.interchange.msel_columns import COLUMNS, SCENARIO_COLUMNS
from sim.scenario import load_scenario, read_tree

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
KAZIND = ROOT / "scenarios" / "kazind21.yaml"

# One group; `prepare` runs D1 08:00-12:00, `brief` after it for 2 h. The delay adds 1 h of
# work to `prepare` while it runs: it ends 13:00, `brief` 15:00 instead of 14:00.
DELAYED = """\
format: tabletop/1
name: One known delay
days: 1
calendar: {day_start: "08:00", day_end: "18:00"}
groups: [{id: staff, headcount: 5}]
resources: [{id: room, capacity: 1}]
phases:
  - id: day
    activities:
      - {id: prepare, duration: 4h, groups: [staff], needs: {room: 1}}
      - {id: brief, duration: 2h, groups: [staff], after: [prepare]}
      - {id: tidy, duration: 1h, needs: {room: 1}, after: [prepare]}
injects:
  - {id: M-01, at: "D1 09:00", kind: delay, target: prepare, by: 1h, notes: checked by hand}
  - {id: M-02, at: "D1 14:30", kind: note, mode: email, description: Day report sent}
"""


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _log_digest(path: Path, seed: int = 7) -> str:
    events = simulate(load_scenario(path), seed).events
    return hashlib.sha256(json.dumps([e.as_dict() for e in events]).encode()).hexdigest()


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("scenario", BUNDLED, ids=lambda p: p.stem)
def test_export_then_import_gives_the_same_injects(scenario: Path, suffix: str,
                                                   tmp_path: Path) -> None:
    sheet, out = tmp_path / f"msel.{suffix}", tmp_path / "back.yaml"
    assert main(["msel", "export", str(scenario), "-o", str(sheet)]) == 0
    assert main(["msel", "import", str(sheet), "--into", str(scenario), "-o", str(out)]) == 0
    original, back = load_scenario(scenario), load_scenario(out)
    assert back.injects == original.injects
    assert len(back.injects) == len(read_tree(scenario)["injects"])
    # everything else in the file is untouched, and the runs are the same
    assert {k: v for k, v in read_tree(out).items() if k != "injects"} == {
        k: v for k, v in read_tree(scenario).items() if k != "injects"}
    assert _log_digest(out) == _log_digest(scenario)


def test_import_without_out_replaces_the_scenario_file(tmp_path: Path) -> None:
    scenario = tmp_path / "kazind.yaml"
    scenario.write_text(KAZIND.read_text(encoding="utf-8"), encoding="utf-8")
    sheet = tmp_path / "msel.xlsx"
    assert main(["msel", "export", str(scenario), "-o", str(sheet)]) == 0
    book = load_workbook(sheet)
    book["MSEL"]["K2"] = "The opening ceremony moves to the town hall."  # Message of M-01
    book.save(sheet)
    assert main(["msel", "import", str(sheet), "--into", str(scenario)]) == 0
    changed = load_scenario(scenario)
    assert changed.injects[0].description == "The opening ceremony moves to the town hall."
    assert changed.injects[1:] == load_scenario(KAZIND).injects[1:]
    assert "# Injects: the master scenario events list" in scenario.read_text(encoding="utf-8")


def test_export_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    for name in ("a.xlsx", "b.xlsx"):
        assert main(["msel", "export", str(KAZIND), "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_export_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "msel.csv"
    sheet.write_text("mine", encoding="utf-8")
    assert main(["msel", "export", str(KAZIND), "-o", str(sheet)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert sheet.read_text(encoding="utf-8") == "mine"


def test_exported_columns_hold_clock_calendar_and_phase(tmp_path: Path) -> None:
    sheet = tmp_path / "msel.xlsx"
    assert main(["msel", "export", str(KAZIND), "-o", str(sheet)]) == 0
    cells = list(load_workbook(sheet)["MSEL"].iter_rows(values_only=True))
    rows = [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]
    m02, m04 = rows[1], rows[3]
    assert m02["Scenario time"] == "D3 08:00"
    # start_date 2021-08-30 is day 1: day 3 is 1 September, as a real spreadsheet date
    assert m02["Date/time"] == dt.datetime(2021, 9, 1, 8, 0)
    assert m02["Kind"] == "resource_down" and m02["Amount"] == 2 and m02["For"] == "6h"
    assert m04["Phase"] == "field_training"  # the delay's target fm_urban_3 is in it
    assert m04["By"] == "{triangular: [1h, 2h, 3h]}"
    assert rows[2]["Window end"] == "D4 15:00"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_template_has_the_headers(suffix: str, tmp_path: Path) -> None:
    out = tmp_path / f"template.{suffix}"
    assert main(["msel", "template", "-o", str(out)]) == 0
    headers = [c.header for c in SCENARIO_COLUMNS]
    if suffix == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
        assert out.read_text(encoding="utf-8-sig").splitlines() == [",".join(headers)]
        return
    book = load_workbook(out)
    assert book.sheetnames == ["MSEL", "Columns"]
    assert [c.value for c in book["MSEL"][1]] == headers and book["MSEL"].max_row == 1
    explained = {row[0]: row for row in book["Columns"].iter_rows(min_row=2, values_only=True)}
    assert list(explained) == headers
    assert explained["Inject ID"][1] == "yes" and explained["Event No."][1].startswith("no")


def test_run_export_says_what_was_delayed_and_by_how_much(tmp_path: Path) -> None:
    scenario = tmp_path / "delayed.yaml"
    scenario.write_text(DELAYED, encoding="utf-8")
    assert main(["run", str(scenario), "--no-charts", "--out", str(tmp_path), "--name",
                 "run"]) == 0
    sheet = tmp_path / "run.csv"
    assert main(["msel", "export", str(tmp_path / "run"), "-o", str(sheet)]) == 0
    m01, m02 = _csv_rows(sheet)
    assert list(m01) == [c.header for c in COLUMNS]
    assert m01["Outcome"] == "hit D1 09:00"
    assert m01["Logged effect"] == "1h of work added to prepare"
    # prepare 12:00 -> 13:00, and what waits for it an hour later too
    assert m01["Delayed activities"] == "prepare +1h; brief +1h; tidy +1h"
    assert float(m01["End later by (h)"]) == 1.0
    assert m01["Notes"] == "checked by hand" and m01["Phase"] == "day"
    assert m02["Outcome"] == "hit D1 14:30" and m02["Delayed activities"] == ""
    assert m02["Mode"] == "email" and float(m02["End later by (h)"]) == 0.0


def test_run_export_reads_back_as_the_same_injects(tmp_path: Path) -> None:
    scenario = tmp_path / "delayed.yaml"
    scenario.write_text(DELAYED, encoding="utf-8")
    assert main(["run", str(scenario), "--no-charts", "--out", str(tmp_path), "--name",
                 "run"]) == 0
    sheet, out = tmp_path / "run.xlsx", tmp_path / "back.yaml"
    assert main(["msel", "export", str(tmp_path / "run"), "-o", str(sheet)]) == 0
    assert main(["msel", "import", str(sheet), "--into", str(scenario), "-o", str(out)]) == 0
    assert load_scenario(out).injects == load_scenario(scenario).injects


def _book(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_sheet_from_another_tool_reads_by_synonyms_and_map(tmp_path: Path) -> None:
    sheet = _book(tmp_path / "hseep.xlsx", [
        ["KAZIND-21 MSEL (draft)"],  # a title row above the headers
        ["Serial", "Time", "Synopsis", "Expected Response", "Remarks", "Controller"],
        [101, dt.datetime(2021, 9, 1, 8, 30), "Visitors arrive", "Greet them", "x", "EXCON"],
        [None, None, None, None, None, None],  # an empty row
        ["M-9", "D4", 3.5, None, None, None],
    ])
    out = tmp_path / "new.yaml"
    assert main(["msel", "import", str(sheet), "--into", str(KAZIND), "-o", str(out),
                 "--map", "Controller=from"]) == 0
    first, second = load_scenario(out).injects
    assert (first.id, first.kind, first.description, first.expected_action) == (
        "101", "note", "Visitors arrive", "Greet them")
    assert first.at == 2 * 24 + 8.5  # 1 Sep 2021 08:30 is D3 08:30 (start_date 30 Aug)
    assert first.from_ == "EXCON" and first.notes == "x"
    assert second.description == "3.5" and second.at == 3 * 24 + 6  # D4: day start 06:00


def test_json_scenario_is_written_as_json_and_toml_is_refused(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    tree = read_tree(ROOT / "scenarios" / "training_week.yaml")
    scenario = tmp_path / "week.json"
    scenario.write_text(json.dumps(tree, default=str), encoding="utf-8")
    sheet = tmp_path / "msel.csv"
    assert main(["msel", "export", str(scenario), "-o", str(sheet)]) == 0
    assert main(["msel", "import", str(sheet), "--into", str(scenario)]) == 0
    assert json.loads(scenario.read_text(encoding="utf-8"))["injects"] == tree["injects"]
    toml = tmp_path / "week.toml"
    toml.write_text('format = "tabletop/1"\n', encoding="utf-8")
    assert main(["msel", "import", str(sheet), "--into", str(toml)]) == 2
    assert "give -o FILE.yaml" in capsys.readouterr().err
    assert toml.read_text(encoding="utf-8") == 'format = "tabletop/1"\n'


def test_a_scenario_without_injects_gets_them_and_an_empty_sheet_clears_them(
        tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "seminar.yaml").read_text(encoding="utf-8")
    bare = tmp_path / "bare.yaml"
    bare.write_text(text[: text.index("injects:")], encoding="utf-8")
    sheet, template = tmp_path / "msel.xlsx", tmp_path / "template.csv"
    assert main(["msel", "export", str(ROOT / "scenarios" / "seminar.yaml"), "-o",
                 str(sheet)]) == 0
    assert main(["msel", "import", str(sheet), "--into", str(bare)]) == 0
    assert load_scenario(bare).injects == load_scenario(ROOT / "scenarios" / "seminar.yaml").injects
    assert main(["msel", "template", "-o", str(template)]) == 0
    assert main(["msel", "import", str(template), "--into", str(bare)]) == 0
    assert load_scenario(bare).injects == ()
