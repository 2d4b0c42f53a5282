"""``tabletop export ics RUN``: one calendar per group and per resource, parsed back with
icalendar and checked against the run directory (its activity rows and the scenario)."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path

import icalendar
import pytest

from sim.cli import main
from sim.core.timefmt import format_duration
from sim.engine import simulate
from sim.results import RunResult
from sim.results.index import index_of
from sim.results.store import load_run

# D3 is a rest day and Europe/Paris leaves summer time on 31 Oct 2021 (D3) at 03:00:
# D1-D2 are at +02:00, D4 at +01:00, with the same clock times.
SCENARIO = """\
format: tabletop/1
name: Export check
start_date: 2021-10-29
time_zone: Europe/Paris
days: 4
calendar: {day_start: "08:00", day_end: "18:00", rest_days: [3]}
groups:
  - {id: blue, name: Blue group, headcount: 20}
  - {id: green, name: Green group, headcount: 12, teams: 2}
resources:
  - {id: hall, name: Main hall, capacity: 1}
  - {id: vans, name: Vans, capacity: 2, hours: always}
phases:
  - id: opening
    activities:
      - {id: welcome, duration: 1, groups: [blue, green], needs: {hall: 1}}
      - {id: lecture, duration: {triangular: [2, 3, 4]}, groups: [blue], needs: {hall: 1},
         after: [welcome]}
      - {id: workshop, duration: 90min, groups: {green: 1}, after: [{id: welcome, lag: 30min}]}
  - id: practice
    after: [opening]
    activities:
      - {id: drill, duration: 2, groups: {green: 1}, needs: {vans: 1},
         every_day: {from: 2, to: 4}}
      - {id: review, duration: 0, groups: [blue]}
  - id: close
    after: [practice]
    activities:
      - {id: debrief, duration: 1.5, groups: [blue, green], needs: {hall: 1}}
injects:
  - {id: M-01, at: "D2 09:00", kind: add_activity, phase: practice,
     activity: {id: extra_briefing, duration: 1, groups: [blue], needs: {hall: 1}}}
  - {id: M-02, at: "D1 08:30", kind: delay, target: lecture, by: 1h}
"""
ZONE = zoneinfo.ZoneInfo("Europe/Paris")
START = dt.date(2021, 10, 29)


def _run(tmp: Path, text: str, name: str, seed: int = 1) -> Path:
    scenario = tmp / f"{name}.yaml"
    scenario.write_text(text, encoding="utf-8")
    assert main(["run", str(scenario), "--no-charts", "--seed", str(seed), "--out",
                 str(tmp / "runs"), "--name", name]) == 0
    return tmp / "runs" / name


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A run, and two exports of it: one to a named directory, one to the default."""
    tmp = tmp_path_factory.mktemp("ics")
    run = _run(tmp, SCENARIO, "check")
    assert main(["export", "ics", str(run), "-o", str(tmp / "first")]) == 0
    assert main(["export", "ics", str(run)]) == 0
    return run, tmp / "first", run / "calendars"


def _events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT"))


def _ran(result: RunResult) -> dict[str, tuple[float, float]]:
    return {r.id: (r.start_h, r.end_h) for r in result.activities
            if r.start_h is not None and r.end_h is not None}


def _expected(hours: float) -> dt.datetime:
    wall = dt.datetime.combine(START, dt.time()) + dt.timedelta(minutes=round(hours * 60))
    return wall.replace(tzinfo=ZONE)


def test_one_calendar_per_group_and_per_resource(exported: tuple[Path, Path, Path]) -> None:
    _run_dir, first, _second = exported
    assert sorted(p.name for p in first.iterdir()) == [
        "group-blue.ics", "group-green.ics", "resource-hall.ics", "resource-vans.ics"]


def test_event_count_per_member_equals_the_runs_activity_rows(
        exported: tuple[Path, Path, Path]) -> None:
    run_dir, first, _second = exported
    result = load_run(run_dir)
    acts = index_of(result.scenario).acts
    ran = _ran(result)
    assert "extra_briefing" in ran and "drill@D4" in ran  # the inject's and the repeat's rows
    for kind, ident in [("group", "blue"), ("group", "green"), ("resource", "hall"),
                        ("resource", "vans")]:
        uses = [a for a in ran if ident in {m for m, _ in (
            acts[a].groups if kind == "group" else acts[a].needs)}]
        events = _events(first / f"{kind}-{ident}.ics")
        assert sorted(str(e["X-TABLETOP-ACTIVITY"]) for e in events) == sorted(uses), ident
        assert len(events) == len(uses) > 0


def test_times_are_the_start_date_plus_the_runs_hours_in_the_zone(
        exported: tuple[Path, Path, Path]) -> None:
    run_dir, first, _second = exported
    ran = _ran(load_run(run_dir))
    offsets, milestones = set(), 0
    for path in first.iterdir():
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
        for event in cal.walk("VEVENT"):
            start_h, end_h = ran[str(event["X-TABLETOP-ACTIVITY"])]
            assert event["DTSTART"].params["TZID"] == "Europe/Paris"
            start = event.decoded("DTSTART")
            if "DTEND" in event:
                assert event["DTEND"].params["TZID"] == "Europe/Paris"
                end = event.decoded("DTEND")
                assert end > start
            else:  # a milestone: RFC 5545 lets it end at its start, and DTEND must be later
                end = start
                milestones += 1
            assert start == _expected(start_h) and end == _expected(end_h)
            assert start.replace(tzinfo=None) == _expected(start_h).replace(tzinfo=None)
            offsets.add(start.utcoffset())
    assert offsets == {dt.timedelta(hours=2), dt.timedelta(hours=1)}  # both sides of the change
    assert milestones == 1  # review (duration 0), in the blue group's calendar


def test_events_say_what_where_and_planned_against_actual(
        exported: tuple[Path, Path, Path]) -> None:
    run_dir, first, _second = exported
    by_id = {str(e["X-TABLETOP-ACTIVITY"]): e for e in _events(first / "group-blue.ics")}
    lecture = by_id["lecture"]
    assert str(lecture["SUMMARY"]) == "lecture" and str(lecture["LOCATION"]) == "Main hall"
    text = str(lecture["DESCRIPTION"])
    assert "Phase: opening" in text and "Groups: Blue group" in text
    assert "Actual: D1 " in text and "Planned: D1 " in text
    row = load_run(run_dir).activity("lecture")
    planned = simulate(load_run(run_dir).scenario, 1, plan=True).activity("lecture")
    assert row.end_h is not None and planned.end_h is not None
    late = format_duration(row.end_h - planned.end_h)  # the delay inject's hour and the draw
    assert row.end_h - planned.end_h > 1 and f"finished {late} late" in text
    assert "added by inject M-01" in str(by_id["extra_briefing"]["DESCRIPTION"])
    green = {str(e["X-TABLETOP-ACTIVITY"]): e for e in _events(first / "group-green.ics")}
    assert "Green group (1 of 2 teams)" in str(green["workshop"]["DESCRIPTION"])


def test_uids_are_unique_and_the_same_in_every_export(exported: tuple[Path, Path, Path],
                                                      tmp_path: Path) -> None:
    _run_dir, first, second = exported
    uids = [str(e["UID"]) for p in sorted(first.iterdir()) for e in _events(p)]
    assert len(uids) == len(set(uids))
    assert uids == [str(e["UID"]) for p in sorted(second.iterdir()) for e in _events(p)]
    # another seed moves the times, not the UIDs of the activities that ran in both
    other = _run(tmp_path, SCENARIO, "other", seed=7)
    assert main(["export", "ics", str(other), "-o", str(tmp_path / "other-cal")]) == 0
    again = {(p.name, str(e["X-TABLETOP-ACTIVITY"])): str(e["UID"])
             for p in (tmp_path / "other-cal").iterdir() for e in _events(p)}
    before = {(p.name, str(e["X-TABLETOP-ACTIVITY"])): str(e["UID"])
              for p in first.iterdir() for e in _events(p)}
    shared = before.keys() & again.keys()
    assert shared == before.keys() and all(before[k] == again[k] for k in shared)
    starts = {(p.name, str(e["X-TABLETOP-ACTIVITY"])): e.decoded("DTSTART")
              for p in first.iterdir() for e in _events(p)}
    moved = {(p.name, str(e["X-TABLETOP-ACTIVITY"])) for p in (tmp_path / "other-cal").iterdir()
             for e in _events(p) if e.decoded("DTSTART") != starts.get(
                 (p.name, str(e["X-TABLETOP-ACTIVITY"])))}
    assert moved  # the other seed did move some events: the UIDs did not follow the times


def test_a_second_export_is_byte_identical(exported: tuple[Path, Path, Path]) -> None:
    run_dir, first, second = exported
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # DTSTAMP is when the run was written (its summary.json), not when it was exported
    made = dt.datetime.fromtimestamp(int((run_dir / "summary.json").stat().st_mtime), dt.UTC)
    stamps = {e.decoded("DTSTAMP") for p in first.iterdir() for e in _events(p)}
    assert stamps == {made}


def test_exports_never_overwrite(exported: tuple[Path, Path, Path],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, first, _second = exported
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    capsys.readouterr()
    assert main(["export", "ics", str(run_dir), "-o", str(first)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert main(["export", "ics", str(run_dir)]) == 0  # the default is numbered instead
    assert (run_dir / "calendars-2").is_dir() and (run_dir / "calendars").is_dir()
    shutil.rmtree(run_dir / "calendars-2")


def test_without_a_time_zone_times_are_floating(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(tmp_path, SCENARIO.replace("time_zone: Europe/Paris\n", ""), "floating")
    capsys.readouterr()
    assert main(["export", "ics", str(run), "-o", str(tmp_path / "cal")]) == 0
    assert "floating local times" in capsys.readouterr().out
    ran = _ran(load_run(run))
    cal = icalendar.Calendar.from_ical((tmp_path / "cal" / "group-blue.ics").read_bytes())
    assert not list(cal.walk("VTIMEZONE"))
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        assert start.tzinfo is None and "TZID" not in event["DTSTART"].params
        assert start == _expected(ran[str(event["X-TABLETOP-ACTIVITY"])][0]).replace(tzinfo=None)


def test_without_a_start_date_the_export_says_to_add_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(tmp_path, SCENARIO.replace("start_date: 2021-10-29\n", ""), "undated")
    capsys.readouterr()
    assert main(["export", "ics", str(run), "-o", str(tmp_path / "cal")]) == 2
    err = capsys.readouterr().err
    assert "no start_date" in err and "start_date: 2021-08-30" in err
    assert "Traceback" not in err and not (tmp_path / "cal").exists()
    assert not (run / "calendars").exists()


def test_a_bad_start_date_or_time_zone_is_an_error_with_its_code(
        exported: tuple[Path, Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _first, _second = exported
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    scenario = copy / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    for bad, code in [("start_date: 2021-02-30", "bad-date"),
                      ("time_zone: Europe/Atlantis", "bad-time-zone")]:
        key = bad.split(":")[0]
        line = next(t for t in text.splitlines() if t.startswith(key + ":"))
        scenario.write_text(text.replace(line, bad), encoding="utf-8")
        capsys.readouterr()
        assert main(["export", "ics", str(copy), "-o", str(tmp_path / "cal")]) == 2
        err = capsys.readouterr().err
        assert f"scenario.yaml:{text.splitlines().index(line) + 1}:" in err
        assert f"error[{code}] {key}:" in err and not (tmp_path / "cal").exists()
