"""``tabletop export mspdi RUN``: the run as Microsoft Project XML, read back two ways.

- our own reading with ``xml.etree`` (not the writer's data): the same tasks with WBS by
  phase, the same dates and durations, the ``after`` links with their lags, the resources
  and groups with their units, and the assignments, as the run directory and the scenario
  give them; the element order of Microsoft's published schema; Project's numbering;
- MPXJ's MSPDI reader (Java, through JPype): an independent reader, the one ProjectLibre
  is built on. Skipped, saying why, only where Java or the ``mpxj`` package is missing.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import icalendar
import pytest

from sim.cli import main
from sim.results import RunResult
from sim.results.index import index_of
from sim.results.store import load_run

NS = {"p": "http://schemas.microsoft.com/project"}
SCENARIO = """\
format: tabletop/1
name: Project file check
start_date: 2021-08-30
days: 4
calendar: {day_start: "07:00", day_end: "19:00", rest_days: [3]}
groups:
  - {id: blue, name: Blue group, headcount: 20}
  - {id: green, name: Green group, headcount: 12, teams: 2}
resources:
  - {id: hall, name: Main hall, capacity: 1}
  - {id: vans, name: Vans, capacity: 3, hours: always}
phases:
  - id: opening
    name: Opening
    activities:
      - {id: welcome, duration: 1, groups: [blue, green], needs: {hall: 1}}
      - {id: lecture, duration: {triangular: [2, 3, 4]}, groups: [blue], needs: {hall: 1},
         after: [welcome]}
      - {id: workshop, duration: 90min, groups: {green: 1}, needs: {vans: 2},
         after: [{id: welcome, lag: 45min}]}
  - id: practice
    name: Practice
    after: [opening]
    activities:
      - {id: drill, duration: 2, groups: {green: 1}, needs: {vans: 1},
         every_day: {from: 2, to: 4}}
      - {id: review, duration: 0, groups: [blue], after: [{id: drill, lag: 2h}]}
  - id: close
    name: Closing
    after: [practice]
    activities:
      - {id: debrief, duration: 1.5, groups: [blue, green], needs: {hall: 1},
         after: [{id: opening, lag: 1h}]}
injects:
  - {id: M-01, at: "D2 09:00", kind: add_activity, phase: practice,
     activity: {id: extra_briefing, duration: 1, groups: [blue], needs: {hall: 1}}}
  - {id: M-02, at: "D1 08:30", kind: delay, target: lecture, by: 1h}
"""
# The order of the children we write, as the sequences of mspdi_pj12.xsd list them
# (Microsoft's "XML Schema for the Project / Tasks / Resources / Assignments Element").
SCHEMA_ORDER = {
    "Project": ["SaveVersion", "UID", "Name", "Title", "Subject", "Category", "Company",
                "Manager", "Author", "CreationDate", "Revision", "LastSaved",
                "ScheduleFromStart", "StartDate", "FinishDate", "FYStartDate",
                "CriticalSlackLimit", "CurrencyDigits", "CurrencySymbol", "CurrencyCode",
                "CurrencySymbolPosition", "CalendarUID", "DefaultStartTime",
                "DefaultFinishTime", "MinutesPerDay", "MinutesPerWeek", "DaysPerMonth",
                "DefaultTaskType", "DefaultFixedCostAccrual", "DefaultStandardRate",
                "DefaultOvertimeRate", "DurationFormat", "WorkFormat", "EditableActualCosts",
                "HonorConstraints", "EarnedValueMethod", "InsertedProjectsLikeSummary",
                "MultipleCriticalPaths", "NewTasksEffortDriven", "NewTasksEstimated",
                "SplitsInProgressTasks", "SpreadActualCost", "SpreadPercentComplete",
                "TaskUpdatesResource", "FiscalYearStart", "WeekStartDay", "OutlineCodes",
                "WBSMasks", "ExtendedAttributes", "Calendars", "Tasks", "Resources",
                "Assignments"],
    "Task": ["UID", "ID", "Name", "Type", "IsNull", "CreateDate", "Contact", "WBS",
             "WBSLevel", "OutlineNumber", "OutlineLevel", "Priority", "Start", "Finish",
             "Duration", "DurationFormat", "Work", "Stop", "Resume", "ResumeValid",
             "EffortDriven", "Recurring", "OverAllocated", "Estimated", "Milestone",
             "Summary", "Critical", "ConstraintType", "CalendarUID", "ConstraintDate",
             "Deadline", "Notes", "PredecessorLink", "ExtendedAttribute", "Baseline"],
    "PredecessorLink": ["PredecessorUID", "Type", "CrossProject", "CrossProjectName",
                        "LinkLag", "LagFormat"],
    "Baseline": ["TimephasedData", "Number", "Interim", "Start", "Finish", "Duration",
                 "DurationFormat"],
    "Resource": ["UID", "ID", "Name", "Type", "IsNull", "Initials", "Phonetics", "NTAccount",
                 "MaterialLabel", "Code", "Group", "WorkGroup", "EmailAddress", "MaxUnits",
                 "CalendarUID", "Notes"],
    "Assignment": ["UID", "TaskUID", "ResourceUID", "Finish", "Milestone", "Notes", "Start",
                   "Units", "Work"],
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    tmp = tmp_path_factory.mktemp("mspdi")
    scenario = tmp / "check.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    assert main(["run", str(scenario), "--no-charts", "--seed", "3", "--out", str(tmp),
                 "--name", "run"]) == 0
    assert main(["export", "mspdi", str(tmp / "run")]) == 0
    return load_run(tmp / "run"), tmp / "run" / "project.xml"


def _date(hours: float) -> dt.datetime:
    return dt.datetime(2021, 8, 30) + dt.timedelta(minutes=round(hours * 60))


def _minutes(duration: str) -> int:
    match = re.fullmatch(r"PT(\d+)H(\d+)M(\d+)S", duration)
    assert match, duration
    return int(match[1]) * 60 + int(match[2]) + round(int(match[3]) / 60)


def _expected(result: RunResult) -> dict[str, tuple[str, str, float, float]]:
    """WBS -> (activity or phase id, name, start, end) as the run and the scenario give it."""
    found: dict[str, tuple[str, str, float, float]] = {}
    for p, phase in enumerate(result.scenario.phases, start=1):
        rows = [r for r in result.activities if r.phase == phase.id]
        rows = [r for r in rows if r.start_h is not None and r.end_h is not None]
        found[str(p)] = (phase.id, phase.name, min(r.start_h for r in rows),  # type: ignore
                         max(r.end_h for r in rows))  # type: ignore[type-var]
        for a, row in enumerate(rows, start=1):  # instances (drill@D2) named with their day
            name = row.name + (f" ({row.id.split('@')[1]})" if "@" in row.id else "")
            found[f"{p}.{a}"] = (row.id, name, row.start_h, row.end_h)  # type: ignore
    return found


def _tasks(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("p:Tasks/p:Task", NS)


def _text(element: ET.Element, tag: str) -> str:
    found = element.findtext(f"p:{tag}", namespaces=NS)
    assert found is not None, tag
    return found


def test_tasks_have_wbs_by_phase_and_the_runs_dates(
        exported: tuple[RunResult, Path]) -> None:
    result, path = exported
    expected = _expected(result)
    tasks = _tasks(path)
    assert _text(tasks[0], "UID") == "0" and _text(tasks[0], "OutlineLevel") == "0"
    assert _text(tasks[0], "Summary") == "1" and _text(tasks[0], "Name") == "Project file check"
    got = {_text(t, "WBS"): t for t in tasks[1:]}
    assert sorted(got) == sorted(expected) and len(got) == len(tasks) - 1
    assert "3.1" in expected and any(e[0] == "extra_briefing" for e in expected.values())
    assert {"drill (D2)", "drill (D4)"} <= {e[1] for e in expected.values()}
    for wbs, (_ident, name, start, end) in expected.items():
        task = got[wbs]
        assert _text(task, "Name") == name
        assert _text(task, "OutlineLevel") == str(wbs.count(".") + 1)
        assert _text(task, "Summary") == ("0" if "." in wbs else "1")
        assert dt.datetime.fromisoformat(_text(task, "Start")) == _date(start)
        assert dt.datetime.fromisoformat(_text(task, "Finish")) == _date(end)
        assert _minutes(_text(task, "Duration")) == round(end * 60) - round(start * 60)
        assert _text(task, "Milestone") == ("1" if "." in wbs and end == start else "0")


def test_links_are_the_after_entries_with_their_lags(exported: tuple[RunResult, Path]) -> None:
    result, path = exported
    by_wbs = {w: e[0] for w, e in _expected(result).items()}
    ids = {_text(t, "UID"): by_wbs[_text(t, "WBS")] for t in _tasks(path)[1:]}
    acts = index_of(result.scenario).acts
    phases = {p.id: p for p in result.scenario.phases}
    for task in _tasks(path)[1:]:
        ident = ids[_text(task, "UID")]
        got = sorted((ids[_text(link, "PredecessorUID")], _text(link, "Type"),
                      int(_text(link, "LinkLag")), _text(link, "LagFormat"))
                     for link in task.findall("p:PredecessorLink", NS))
        if ident in phases:
            want = sorted((p, "1", 0, "6") for p in phases[ident].after)
        else:  # LinkLag counts tenths of a minute; LagFormat 6: elapsed hours, as lags are
            want = sorted((d.target, "1", round(d.lag * 600), "6") for d in acts[ident].after)
        assert got == want, ident
    review = next(t for t in _tasks(path) if _text(t, "Name") == "review")
    assert len(review.findall("p:PredecessorLink", NS)) == 2  # drill@D2 and drill@D4, +2h


def test_resources_groups_and_assignments(exported: tuple[RunResult, Path]) -> None:
    result, path = exported
    root = ET.parse(path).getroot()
    resources = root.findall("p:Resources/p:Resource", NS)
    units = {_text(r, "Name"): float(_text(r, "MaxUnits")) for r in resources}
    assert units == {"Main hall": 1, "Vans": 3, "Blue group": 1, "Green group": 2}
    assert [_text(r, "UID") for r in resources] == [str(k) for k in range(1, 5)]
    assert all(_text(r, "Type") == "1" for r in resources)  # work resources
    names = {_text(r, "UID"): _text(r, "Name") for r in resources}
    tasks = {_text(t, "UID"): _text(t, "WBS") for t in _tasks(path)}
    by_wbs = {w: e[0] for w, e in _expected(result).items()}
    got = sorted((by_wbs[tasks[_text(a, "TaskUID")]], names[_text(a, "ResourceUID")],
                  float(_text(a, "Units")))
                 for a in root.findall("p:Assignments/p:Assignment", NS))
    acts = index_of(result.scenario).acts
    long_names = {"hall": "Main hall", "vans": "Vans", "blue": "Blue group",
                  "green": "Green group"}
    want = sorted((i, long_names[m], float(n)) for i in by_wbs.values() if i in acts
                  for m, n in (*acts[i].needs, *acts[i].groups))
    assert got == want


def test_element_order_and_numbering_follow_project(exported: tuple[RunResult, Path]) -> None:
    _result, path = exported
    root = ET.parse(path).getroot()
    assert root.tag == "{http://schemas.microsoft.com/project}Project"

    def check(element: ET.Element, kind: str) -> None:
        names = [child.tag.split("}")[1] for child in element]
        assert set(names) <= set(SCHEMA_ORDER[kind]), (kind, set(names) - set(SCHEMA_ORDER[kind]))
        positions = [SCHEMA_ORDER[kind].index(n) for n in names]
        assert positions == sorted(positions), (kind, names)

    check(root, "Project")
    assert next(iter(root)).tag.endswith("SaveVersion")
    for kind in ("Task", "PredecessorLink", "Baseline", "Resource", "Assignment"):
        found = list(root.iter(f"{{{NS['p']}}}{kind}"))
        assert found, kind
        for element in found:
            check(element, kind)
    tasks = _tasks(path)
    assert [_text(t, "UID") for t in tasks] == [str(k) for k in range(len(tasks))]
    assert [_text(t, "ID") for t in tasks] == [str(k) for k in range(len(tasks))]
    assignments = root.findall("p:Assignments/p:Assignment", NS)
    assert [_text(a, "UID") for a in assignments] == [str(k) for k in
                                                      range(1, len(assignments) + 1)]


def test_a_second_export_is_numbered_and_identical(exported: tuple[RunResult, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _result, path = exported
    assert main(["export", "mspdi", str(path.parent)]) == 0
    second = path.with_name("project-2.xml")
    assert second.read_bytes() == path.read_bytes()
    second.unlink()
    capsys.readouterr()
    assert main(["export", "mspdi", str(path.parent), "-o", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_without_a_start_date_the_export_says_to_add_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "undated.yaml"
    scenario.write_text(SCENARIO.replace("start_date: 2021-08-30\n", ""), encoding="utf-8")
    assert main(["run", str(scenario), "--no-charts", "--out", str(tmp_path), "--name",
                 "run"]) == 0
    capsys.readouterr()
    assert main(["export", "mspdi", str(tmp_path / "run")]) == 2
    assert "no start_date" in capsys.readouterr().err
    assert not (tmp_path / "run" / "project.xml").exists()


def _mpxj_project(path: Path) -> Any:
    """The file as MPXJ reads it, or a skip that says what is missing."""
    jpype = pytest.importorskip("jpype", reason="JPype1 is not installed: MPXJ cannot run")
    pytest.importorskip("mpxj", reason="the mpxj package is not installed")
    if not jpype.isJVMStarted():
        try:
            jpype.startJVM()
        except jpype.JVMNotFoundException as exc:
            pytest.skip(f"no Java runtime for MPXJ ({exc}); the etree checks still ran")
    reader = jpype.JClass("org.mpxj.mspdi.MSPDIReader")()
    return reader.read(str(path))


def _java_date(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value))


def test_mpxj_reads_the_same_tasks_links_dates_and_resources(
        exported: tuple[RunResult, Path]) -> None:
    result, path = exported
    project = _mpxj_project(path)
    expected = _expected(result)
    tasks = list(project.getTasks())
    assert len(tasks) == len(expected) + 1 and int(tasks[0].getUniqueID()) == 0
    by_wbs = {str(t.getWBS()): t for t in tasks[1:]}
    assert sorted(by_wbs) == sorted(expected)
    for wbs, (ident, name, start, end) in expected.items():
        task = by_wbs[wbs]
        assert str(task.getName()) == name and bool(task.getSummary()) == ("." not in wbs)
        assert _java_date(task.getStart()) == _date(start), ident
        assert _java_date(task.getFinish()) == _date(end), ident
        parent = task.getParentTask()
        assert str(parent.getWBS()) == (wbs.split(".")[0] if "." in wbs else "0"), ident
    ids = {int(t.getUniqueID()): expected[str(t.getWBS())][0] for t in tasks[1:]}
    acts = index_of(result.scenario).acts
    for task in tasks[1:]:
        ident = ids[int(task.getUniqueID())]
        if ident not in acts:
            continue
        got = sorted((ids[int(r.getPredecessorTask().getUniqueID())], str(r.getType()),
                      round(float(r.getLag().getDuration()) * 60), str(r.getLag().getUnits()))
                     for r in task.getPredecessors())
        assert got == sorted((d.target, "FS", round(d.lag * 60), "eh")
                             for d in acts[ident].after), ident
    units = {str(r.getName()): float(r.getMaxUnits().doubleValue())
             for r in project.getResources()}
    assert units == {"Main hall": 100, "Vans": 300, "Blue group": 100, "Green group": 200}
    assignments = list(project.getResourceAssignments())
    assert len(assignments) == sum(len(acts[i].needs) + len(acts[i].groups)
                                   for i, *_ in expected.values() if i in acts)


ODD = r"""
format: tabletop/1
name: "Odd <names> & \x01 control"
start_date: 2021-08-30
days: 2
groups:
  - {id: "g/1", name: "Grüne <Gruppe> & \x02", headcount: 3}
  - {id: "g-1", headcount: 2}
resources: [{id: hall, capacity: 1}]
phases:
  - id: only
    activities:
      - {id: a, name: "Ankunft & <Begrüßung>", duration: 1, groups: ["g/1", "g-1"]}
      - {id: b, duration: 2, needs: {hall: 1}, after: [a]}
      - {id: c, duration: 1, after: [b]}
injects:
  - {id: M-01, at: "D1 06:00", kind: resource_down, target: hall, for: 3000h}
"""


def test_an_incomplete_run_with_odd_names_exports_what_ran(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "odd.yaml"
    scenario.write_text(ODD.lstrip(), encoding="utf-8")
    assert main(["run", str(scenario), "--no-charts", "--out", str(tmp_path), "--name",
                 "odd"]) == 2  # b never gets the hall back before the time cap: stuck
    capsys.readouterr()
    assert main(["export", "mspdi", str(tmp_path / "odd")]) == 0
    assert "left out: 2 activities that never finished (b, c)" in capsys.readouterr().out
    tasks = _tasks(tmp_path / "odd" / "project.xml")  # parses: no control characters left
    assert [_text(t, "Name") for t in tasks] == ["Odd <names> &  control", "only",
                                                 "Ankunft & <Begrüßung>"]
    assert not any(t.findall("p:PredecessorLink", NS) for t in tasks)
    assert main(["export", "ics", str(tmp_path / "odd"), "-o", str(tmp_path / "cal")]) == 0
    assert "left out: 2 activities" in capsys.readouterr().out
    # "g/1" and "g-1" both make the file name group-g-1: the second one is numbered
    files = sorted(p.name for p in (tmp_path / "cal").iterdir())
    assert files == ["group-g-1-2.ics", "group-g-1.ics", "resource-hall.ics"]
    for name in files:
        cal = icalendar.Calendar.from_ical((tmp_path / "cal" / name).read_bytes())
        events = list(cal.walk("VEVENT"))
        assert [str(e["SUMMARY"]) for e in events] == (
            [] if name.startswith("resource") else ["Ankunft & <Begrüßung>"])
    first = icalendar.Calendar.from_ical((tmp_path / "cal" / "group-g-1.ics").read_bytes())
    assert str(first["X-WR-CALNAME"]) == "Odd <names> &  control: Grüne <Gruppe> & "
