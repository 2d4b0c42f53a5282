"""``tabletop export ics|mspdi RUN_DIR``: a run's schedule as calendars or a project file.

The run is rebuilt from its directory as ``tabletop plot`` does (the scenario copy and
the event log); the plan (expected durations, no injects) is simulated again to give each
event and task its planned times beside the run's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from sim.cli.commands.common import load_run_arg
from sim.cli.commands.run import plan_of
from sim.cli.errors import EXIT_OK
from sim.core.errors import OutputError
from sim.core.files import MAX_NUMBERED, new_output_dir, write_file_new
from sim.interchange.ics import CalendarSet, calendar_set
from sim.interchange.mspdi import NS, project_xml
from sim.results import RunResult
from sim.results.store import RUN_MARKER


def main(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    result = load_run_arg(run_dir)
    if args.export_format == "ics":
        return _ics(result, run_dir, args.output)
    return _mspdi(result, run_dir, args.output)


def _ics(result: RunResult, run_dir: Path, output: str | None) -> int:
    # the run's own time, not the export's: re-exports stay byte-identical, a newer run of
    # the same scenario has a newer DTSTAMP (so calendars can tell its events are newer)
    made = (run_dir / RUN_MARKER).stat().st_mtime
    found = calendar_set(result, plan_of(result), dt.datetime.fromtimestamp(int(made), dt.UTC))

    def write(out: Path) -> None:
        for name, data in found.files.items():
            (out / name).write_bytes(data)  # inside the new directory, renamed when complete

    if output is None:
        where = new_output_dir(run_dir, "calendars", write)
    else:
        target = Path(output)
        where = new_output_dir(target.parent, target.name, write, name=target.name)
    print(f"{run_dir}: {len(found.files)} calendars, {sum(found.events.values())} events "
          f"-> {where}")
    for name, count in found.events.items():
        print(f"  {name:<32} {count:>4} events  {found.titles[name]}")
    print(_ics_notes(result, found))
    return EXIT_OK


def _ics_notes(result: RunResult, found: CalendarSet) -> str:
    sc = result.scenario
    lines = []
    if found.floating:
        lines.append("  times: floating local times (the scenario has no time_zone; add one, "
                     "e.g. `time_zone: Asia/Almaty`, to pin them to a zone)")
    else:
        lines.append(f"  times: {sc.time_zone} (each file carries its VTIMEZONE; events a TZID)")
    lines.append("  UIDs are stable: importing a file again, or the export of a later run, "
                 "does not add copies of its events")
    if found.left_out:
        more = " ..." if len(found.left_out) > 5 else ""
        lines.append(f"  left out: {len(found.left_out)} activities that never finished "
                     f"({', '.join(found.left_out[:5])}{more})")
    return "\n".join(lines)


def _mspdi(result: RunResult, run_dir: Path, output: str | None) -> int:
    data = project_xml(result, plan_of(result))
    target = Path(output) if output is not None else _free_file(run_dir / "project.xml")
    write_file_new(target, data.decode("utf-8"))
    root = ET.fromstring(data)
    ns = {"p": NS}
    tasks = root.findall("p:Tasks/p:Task", ns)
    summaries = sum(1 for t in tasks if t.findtext("p:Summary", namespaces=ns) == "1")
    print(f"{run_dir}: wrote {target}")
    phases = summaries - 1
    print(f"  {len(tasks)} tasks (project summary, {phases} phase{'s' * (phases != 1)}, "
          f"{len(tasks) - summaries} activities), "
          f"{len(root.findall('p:Tasks/p:Task/p:PredecessorLink', ns))} links, "
          f"{len(root.findall('p:Resources/p:Resource', ns))} resources "
          f"({len(result.scenario.groups)} of them groups), "
          f"{len(root.findall('p:Assignments/p:Assignment', ns))} assignments")
    print(f"  dates: the run's clock times from D1 = {result.scenario.start_date}; "
          "durations elapsed; baseline 0 = the plan (expected durations, no injects)")
    left_out = [r.id for r in result.activities if r.start_h is None or r.end_h is None]
    if left_out:
        more = " ..." if len(left_out) > 5 else ""
        print(f"  left out: {len(left_out)} activities that never finished "
              f"({', '.join(left_out[:5])}{more}), and their links")
    return EXIT_OK


def _free_file(path: Path) -> Path:
    """``path``, or ``stem-2.xml``, ``stem-3.xml``... when it exists: never overwritten."""
    for k in range(1, MAX_NUMBERED):
        candidate = path if k == 1 else path.with_name(f"{path.stem}-{k}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise OutputError(f"no free file name for {path.name} in {path.parent}")
