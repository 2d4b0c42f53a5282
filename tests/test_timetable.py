"""The timetable of a run (sim.results.timetable) and ``tabletop timetable RUN``.

The small scenario below has fixed durations, so every time can be worked out by hand
(the comments say how); the plan is the same scenario with no injects.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.cli import main
from sim.core.timefmt import format_time
from sim.engine import simulate
from sim.results import RunResult
from sim.results.timetable import NO_GROUP, Timetable, TimetableRow, timetable
from sim.results.timetable_csv import COLUMNS
from sim.scenario import load_scenario

SMALL = """\
format: tabletop/1
name: Timetable check
start_date: 2026-03-02
days: 3
calendar: {day_start: "08:00", day_end: "18:00"}
groups:
  - {id: blue, name: Blue course, headcount: 10}
  - {id: green, headcount: 10}
resources:
  - {id: hall, name: Lecture hall, capacity: 1}
  - {id: yard, capacity: 1}
phases:
  - id: one
    activities:
      - {id: welcome, duration: 1, groups: [blue, green], needs: {hall: 1}}
      - {id: lecture, duration: 3, groups: [blue], needs: {hall: 1}, after: [welcome]}
      - {id: drill, duration: 2, groups: [green], needs: {yard: 1}, after: [welcome]}
      - {id: quiz, duration: 1, groups: [green], needs: {hall: 1}, after: [drill]}
      - {id: project, duration: 12, groups: [green], splittable: true, after: [quiz]}
      - {id: setup, duration: 1, needs: {yard: 1}, not_before: "D2 08:00"}
injects:
  - {id: M-01, at: "D1 10:00", kind: resource_down, target: hall, for: 2h, description: Power cut}
  - {id: M-02, at: "D1 10:00", kind: delay, target: drill, by: 1h}
  - id: M-03
    at: "D2 09:00"
    kind: add_activity
    phase: one
    activity: {id: visit, duration: 1, groups: [blue], needs: {hall: 1}}
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult, Path]:
    """The run, its plan, and a run directory written by ``tabletop run``."""
    folder = tmp_path_factory.mktemp("timetable")
    path = folder / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    scenario = load_scenario(path)
    assert main(["run", str(path), "--no-charts", "--out", str(folder), "--name", "run"]) == 0
    return simulate(scenario, 0), simulate(scenario, 0, plan=True), folder / "run"


def _brief(row: TimetableRow) -> tuple[object, ...]:
    return (row.day, row.group, row.activity, row.start_clock, row.end_clock, row.planned,
            row.changes, row.injects)


def test_rows_of_a_small_run_with_known_times(small: tuple[RunResult, RunResult, Path]) -> None:
    """By hand: welcome 08-09 for both groups. lecture 09-12 in the plan; M-01 takes the hall
    10-12, so it pauses and resumes at 12, ending at 14. drill 09-11 plus M-02's hour: 09-12.
    quiz waits for drill, then for the hall (lecture has it until 14): 14-15; in the plan it
    waits for the hall until lecture ends at 12, so 12-13. project (12 h of
    work, splittable) follows: plan D1 13-18 and D2 08-15; run D1 15-18 and D2 08-17.
    setup (no group) D2 08-09; visit, added by M-03 at D2 09:00, runs 09-10."""
    result, plan, _ = small
    rows = [_brief(r) for r in timetable(result, plan).rows]
    assert rows == [
        (1, "blue", "welcome", "08:00", "09:00", "08:00–09:00", (), ()),
        (1, "blue", "lecture", "09:00", "14:00", "09:00–12:00", ("paused", "moved"),
         ("M-01",)),
        (1, "green", "welcome", "08:00", "09:00", "08:00–09:00", (), ()),
        (1, "green", "drill", "09:00", "12:00", "09:00–11:00", ("delayed", "moved"),
         ("M-02",)),
        (1, "green", "quiz", "14:00", "15:00", "12:00–13:00", ("moved",), ()),
        (1, "green", "project", "15:00", "18:00", "13:00–D2 15:00", ("moved",), ()),
        (2, "blue", "visit", "09:00", "10:00", "", ("added",), ("M-03",)),
        (2, "green", "project", "08:00", "17:00", "D1 13:00–D2 15:00", ("moved",), ()),
        (2, NO_GROUP, "setup", "08:00", "09:00", "08:00–09:00", (), ()),
    ]


def test_an_injects_change_is_marked_with_its_id(
        small: tuple[RunResult, RunResult, Path]) -> None:
    result, plan, _ = small
    table = timetable(result, plan)
    notes = {(r.day, r.group, r.activity): r.note for r in table.rows}
    # the outage paused it: the pause names M-01, the later end needs no second mention
    assert notes[(1, "blue", "lecture")] == ("ends 2h later than planned; "
                                             "paused 10:00–12:00 by M-01")
    assert notes[(1, "green", "drill")] == ("delayed +1h by M-02; ends 1h later than planned")
    assert notes[(2, "blue", "visit")] == "added by M-03"
    assert notes[(2, "green", "project")] == "continued from D1"
    # quiz waited for the lecture (knock-on), not for the outage: the log names no inject
    assert notes[(1, "green", "quiz")] == "starts 2h later than planned"


def test_without_a_plan_nothing_is_moved_and_the_plan_is_its_own(
        small: tuple[RunResult, RunResult, Path]) -> None:
    result, plan, _ = small
    alone = timetable(result)
    assert not alone.against_plan
    assert all("moved" not in r.changes and r.planned == "" for r in alone.rows)
    assert {r.activity for r in alone.rows if r.injects} == {"lecture", "drill", "visit"}
    assert all(r.changes == () for r in timetable(plan).rows)


def test_group_and_day_filters(small: tuple[RunResult, RunResult, Path]) -> None:
    result, plan, _ = small
    table = timetable(result, plan)
    assert table.days() == [1, 2]
    assert table.groups() == ["blue", "green", NO_GROUP]
    green_d2 = table.select(group="green", day=2)
    assert [r.activity for r in green_d2.rows] == ["project"]
    assert [(s.day, s.group) for s in table.sheets()] == [
        (1, "blue"), (1, "green"), (2, "blue"), (2, "green"), (2, NO_GROUP)]
    assert table.day_title(2) == "D2, Tuesday 3 March 2026"
    assert table.group_title("blue") == "blue: Blue course"
    assert table.group_title("green") == "green"


def test_work_through_midnight_is_cut_at_midnight(tmp_path: Path) -> None:
    """An around-the-clock phase from D1 18:00 with 20 hours of work: D1 18:00-24:00 (6 h),
    D2 00:00-14:00 (14 h)."""
    path = tmp_path / "night.yaml"
    path.write_text(
        "format: tabletop/1\nname: Night\ndays: 2\ngroups: [{id: crew, headcount: 4}]\n"
        "phases:\n  - id: block\n    start: \"D1 18:00\"\n    around_the_clock: true\n"
        "    activities:\n      - {id: watch, duration: 20, groups: [crew]}\n",
        encoding="utf-8")
    result = simulate(load_scenario(path), 0)
    rows = timetable(result, result).rows
    assert [(r.day, r.start_clock, r.end_clock, r.start_h, r.end_h) for r in rows] == [
        (1, "18:00", "24:00", 18.0, 24.0), (2, "00:00", "14:00", 24.0, 38.0)]
    assert rows[0].planned == "18:00–D2 14:00"
    assert rows[1].planned == "D1 18:00–D2 14:00"
    assert Timetable(result.scenario, rows).day_title(1) == "D1"  # no start_date


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_prints_one_table_per_day_and_group(
        small: tuple[RunResult, RunResult, Path], capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = small[2]
    status, out, err = _cli(capsys, "timetable", str(run_dir), "--group", "blue")
    assert status == 0, err
    assert "D1, Monday 2 March 2026: blue: Blue course" in out
    assert "D2, Tuesday 3 March 2026: blue: Blue course" in out
    assert "green" not in out
    assert "paused 10:00–12:00 by M-01" in " ".join(out.split())
    assert "M-01: Power cut" in out  # the inject named, with its description
    tables = [line for line in out.splitlines() if str(run_dir) not in line]
    assert max(len(line) for line in tables) <= 80  # the run's path may be longer
    status, out, _ = _cli(capsys, "timetable", str(run_dir), "--day", "D2")
    assert status == 0 and "D1," not in out and "D2, Tuesday 3 March 2026: green" in out
    status, out, _ = _cli(capsys, "timetable", str(run_dir), "--day", "3")
    assert status == 0 and "nothing is scheduled for D3, Wednesday 4 March 2026" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--group", "blu"], "--group blu: no such group in this run; choose from blue, green, "
     "(none); did you mean 'blue'?"),
    (["--group", "red"], "--group red: no such group in this run; choose from blue, green, "
     "(none)"),
    (["--day", "D4"], "--day D4: choose a day from D1 to D3 (as 6 or D6)"),
    (["--day", "monday"], "--day monday: choose a day from D1 to D3 (as 6 or D6)"),
])
def test_bad_group_or_day_exits_2_naming_the_valid_values(
        small: tuple[RunResult, RunResult, Path], capsys: pytest.CaptureFixture[str],
        argv: list[str], message: str) -> None:
    status, _out, err = _cli(capsys, "timetable", str(small[2]), *argv)
    assert status == 2
    assert err.strip() == f"tabletop: {message}"
    assert "Traceback" not in err


def test_bad_run_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(capsys, "timetable", str(tmp_path / "nothing"))
    assert status == 2 and err.strip() == f"tabletop: {tmp_path / 'nothing'}: not a directory"
    status, _, err = _cli(capsys, "timetable", str(tmp_path))
    assert status == 2 and "not a complete run directory (missing summary.json" in err


def test_csv_is_written_with_o_and_refused_when_it_exists(
        small: tuple[RunResult, RunResult, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = small[2]
    target = tmp_path / "blue.csv"
    status, out, err = _cli(capsys, "timetable", str(run_dir), "--group", "blue", "-o",
                            str(target))
    assert status == 0, err
    assert f"wrote {target} (3 rows)" in out
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["day"], r["date"], r["activity"], r["start"], r["end"]) for r in rows] == [
        ("D1", "2026-03-02", "welcome", "08:00", "09:00"),
        ("D1", "2026-03-02", "lecture", "09:00", "14:00"),
        ("D2", "2026-03-03", "visit", "09:00", "10:00")]
    lecture = rows[1]
    assert (lecture["change"], lecture["injects"], lecture["place"]) == ("paused moved", "M-01",
                                                                         "Lecture hall")
    assert float(lecture["end_h"]) == 14.0 and lecture["end_at"] == format_time(14.0)
    assert lecture["end_datetime"] == "2026-03-02 14:00"
    assert lecture["planned_end_at"] == "D1 12:00" and rows[2]["planned_start_h"] == ""
    before = target.read_bytes()
    status, _, err = _cli(capsys, "timetable", str(run_dir), "-o", str(target))
    assert status == 2 and "already exists" in err and target.read_bytes() == before
    inside = run_dir / "timetable.csv"
    status, _, err = _cli(capsys, "timetable", str(run_dir), "-o", str(inside))
    assert status == 2 and "inside the run directory" in err and not inside.exists()
    status, _, err = _cli(capsys, "timetable", str(run_dir), "-o", str(tmp_path / "t.xlsx"))
    assert status == 2 and "name the file *.csv" in err


HELD = """\
format: tabletop/1
name: Held up
days: 1
calendar: {day_start: "08:00", day_end: "18:00"}
groups: [{id: a, headcount: 5}, {id: b, headcount: 5}]
resources: [{id: hall, capacity: 1}]
phases:
  - id: p
    activities:
      - {id: talk, duration: 1, groups: [a], needs: {hall: 1}, not_before: "D1 10:00"}
      - {id: walk, duration: 1, groups: [b], not_before: "D1 10:00"}
injects:
  - {id: X-1, at: "D1 09:00", kind: resource_down, target: hall, for: 2h}
  - {id: X-2, at: "D1 09:30", kind: group_unavailable, target: b, for: 90min}
"""


def test_a_start_held_up_by_an_outage_names_the_inject(tmp_path: Path) -> None:
    """talk and walk may start at 10:00 (the plan), but X-1 has the hall until 11:00 and X-2
    keeps group b away until 11:00: both start an hour late, and the log says why."""
    path = tmp_path / "held.yaml"
    path.write_text(HELD, encoding="utf-8")
    scenario = load_scenario(path)
    table = timetable(simulate(scenario, 0), simulate(scenario, 0, plan=True))
    assert [(r.activity, r.start_clock, r.planned, r.changes, r.injects, r.note)
            for r in table.rows] == [
        ("talk", "11:00", "10:00–11:00", ("moved",), ("X-1",),
         "starts 1h later than planned (held up by X-1)"),
        ("walk", "11:00", "10:00–11:00", ("moved",), ("X-2",),
         "starts 1h later than planned (held up by X-2)"),
    ]


def test_an_unfinished_activity_is_marked(tmp_path: Path) -> None:
    """The hall goes for longer than the run may last (the time cap): the talk that had it
    from 08:00 pauses at 09:00 and never resumes."""
    path = tmp_path / "stuck.yaml"
    path.write_text(
        "format: tabletop/1\nname: Stuck\ndays: 1\ncalendar: {day_start: \"08:00\"}\n"
        "groups: [{id: a, headcount: 5}]\nresources: [{id: hall, capacity: 1}]\n"
        "phases:\n  - id: p\n    activities:\n"
        "      - {id: talk, duration: 2, groups: [a], needs: {hall: 1}}\n"
        "injects:\n  - {id: X-1, at: \"D1 09:00\", kind: resource_down, target: hall, "
        "for: 3000h}\n", encoding="utf-8")
    scenario = load_scenario(path)
    result = simulate(scenario, 0)
    assert result.stuck
    (row,) = timetable(result, simulate(scenario, 0, plan=True)).rows
    assert (row.start_clock, row.end_clock, row.changes, row.injects) == (
        "08:00", "09:00", ("paused", "unfinished"), ("X-1",))
    assert row.note == "unfinished when the run ended; paused 09:00–end of run by X-1"
