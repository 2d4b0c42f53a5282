"""Every CSV with times in hours also says them for people: ``X_at`` (``D6 10:00``, as
format_time prints the hours) and ``X_datetime`` (the calendar date and time from the
scenario's start_date, empty without one), after the columns that were there before."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.core.timefmt import format_datetime, format_time
from sim.results.csvtimes import clock_cells, clock_columns
from sim.results.store import ACTIVITY_COLUMNS, PHASE_COLUMNS
from tests.test_timetable import SMALL

START = dt.date(2026, 3, 2)  # SMALL's start_date


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def _datetime_from_at(at: str) -> str:
    """``D2 07:30`` -> ``2026-03-03 07:30``: the other column's day counted from START."""
    day, clock = at.split()
    return f"{START + dt.timedelta(days=int(day[1:]) - 1):%Y-%m-%d} {clock}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csvtimes")
    (out / "small.yaml").write_text(SMALL, encoding="utf-8")
    return out


def test_names_and_cells_of_the_added_columns() -> None:
    assert clock_columns(("start_h", "end_mean_h_lo", "from_h")) == (
        "start_at", "start_datetime", "end_mean_lo_at", "end_mean_lo_datetime", "from_at",
        "from_datetime")
    assert clock_cells([31.5, None, float("nan")], START) == [
        "D2 07:30", "2026-03-03 07:30", "", "", "", ""]
    assert clock_cells([23.9999], None) == ["D2 00:00", ""]
    assert format_datetime(23.9999, START) == "2026-03-03 00:00"  # rounded as format_time


def test_run_tables_carry_clock_and_date_columns(folder: Path) -> None:
    assert main(["run", str(folder / "small.yaml"), "--no-charts", "--out", str(folder),
                 "--name", "run"]) == 0
    run = folder / "run"
    assert _header(run / "activities.csv") == [
        *ACTIVITY_COLUMNS, "ready_at", "ready_datetime", "start_at", "start_datetime",
        "end_at", "end_datetime"]
    assert _header(run / "phases.csv") == [
        *PHASE_COLUMNS, "start_at", "start_datetime", "end_at", "end_datetime", "due_at",
        "due_datetime"]
    rows = _read(run / "activities.csv")
    assert {r["id"]: (r["start_at"], r["end_datetime"]) for r in rows}["lecture"] == (
        "D1 09:00", "2026-03-02 14:00")  # by hand: see tests/test_timetable.py
    for table in ("activities.csv", "phases.csv"):
        for row in _read(run / table):
            for name in ("start", "end", "ready", "due"):
                if f"{name}_h" not in row:
                    continue
                hours = row[f"{name}_h"]
                assert row[f"{name}_at"] == (format_time(float(hours)) if hours else "")
                assert row[f"{name}_datetime"] == (_datetime_from_at(row[f"{name}_at"])
                                                   if hours else "")


def test_without_a_start_date_the_date_columns_are_empty(tmp_path: Path,
                                                         repo_root: Path) -> None:
    assert main(["run", str(repo_root / "scenarios" / "seminar.yaml"), "--no-charts",
                 "--out", str(tmp_path), "--name", "run"]) == 0
    rows = _read(tmp_path / "run" / "activities.csv")
    assert rows and all(r["start_datetime"] == "" and r["end_datetime"] == "" for r in rows)
    assert all(r["start_at"] == format_time(float(r["start_h"])) for r in rows)


def test_ensemble_tables_carry_clock_and_date_columns(folder: Path) -> None:
    assert main(["mc", str(folder / "small.yaml"), "-n", "4", "--no-charts", "--out",
                 str(folder), "--name", "mc"]) == 0
    mc = folder / "mc"
    assert _header(mc / "activities.csv") == [
        "id", "criticality", "finish_p10_h", "finish_p50_h", "finish_p90_h",
        "finish_p10_at", "finish_p10_datetime", "finish_p50_at", "finish_p50_datetime",
        "finish_p90_at", "finish_p90_datetime"]
    for row in _read(mc / "activities.csv"):
        for p in ("p10", "p50", "p90"):
            assert row[f"finish_{p}_at"] == format_time(float(row[f"finish_{p}_h"]))
            assert row[f"finish_{p}_datetime"] == _datetime_from_at(row[f"finish_{p}_at"])
    for row in _read(mc / "end_histogram.csv"):
        assert row["from_at"] == format_time(float(row["from_h"]))
        assert row["to_datetime"] == _datetime_from_at(row["to_at"])
    days = _read(mc / "utilisation_by_day.csv")
    assert _header(mc / "utilisation_by_day.csv") == ["resource", "day", "p10", "p50", "p90",
                                                      "date"]
    assert {(r["day"], r["date"]) for r in days} == {("1", "2026-03-02"), ("2", "2026-03-03"),
                                                     ("3", "2026-03-04")}


def test_sweep_csv_carries_clock_columns_but_summary_keeps_hours(folder: Path) -> None:
    assert main(["sweep", str(folder / "small.yaml"), "-n", "3", "--no-charts", "--out",
                 str(folder), "--name", "sweep", "--vary", "resources.yard.capacity=1,2"]) == 0
    header = _header(folder / "sweep" / "sweep.csv")
    old = header[:header.index("p_holds_hi") + 1]  # the holds share ends the hours part
    assert header[len(old):] == [
        "end_mean_at", "end_mean_datetime", "end_p50_at", "end_p50_datetime", "end_p90_at",
        "end_p90_datetime", "end_mean_lo_at", "end_mean_lo_datetime", "end_mean_hi_at",
        "end_mean_hi_datetime", "end_p50_lo_at", "end_p50_lo_datetime", "end_p50_hi_at",
        "end_p50_hi_datetime", "end_p90_lo_at", "end_p90_lo_datetime", "end_p90_hi_at",
        "end_p90_hi_datetime", "planned_end_at", "planned_end_datetime"]
    for row in _read(folder / "sweep" / "sweep.csv"):
        assert row["end_p50_at"] == format_time(float(row["end_p50_h"]))
        assert row["planned_end_datetime"] == "2026-03-04 18:00"
    points = json.loads((folder / "sweep" / "summary.json").read_text())["points"]
    assert list(points[0]) == [*old, "overrides"]
