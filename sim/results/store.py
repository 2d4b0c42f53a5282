"""Run directories: the tables and event log of a run, and reading a directory back."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.core.csvmeta import write_csv_metadata
from sim.core.errors import TabletopError
from sim.core.files import write_csv, write_json
from sim.results.build import build_result
from sim.results.csvtimes import clock_cells, clock_columns
from sim.results.eventlog import Event
from sim.results.result import RunResult
from sim.scenario import load_scenario

RUN_MARKER = "summary.json"
REQUIRED = ("summary.json", "activities.csv", "events.jsonl")

class RunDirError(TabletopError):
    """A run directory that cannot be written or read."""


ACTIVITY_COLUMNS = ("id", "base_id", "name", "phase", "ready_h", "start_h", "end_h", "work_h",
                    "waited_h", "paused_h", "interruptions", "waited_for", "added_by")
ACTIVITY_TIMES = ("ready_h", "start_h", "end_h")
PHASE_COLUMNS = ("id", "name", "start_h", "end_h", "due_h", "late_h", "limit_h", "duration_h",
                 "breach")
PHASE_TIMES = ("start_h", "end_h", "due_h")


def write_run_tables(result: RunResult, out: Path, source_text: str | None,
                     copy_name: str | None = None) -> None:
    """The minimum output contract: summary.json, activities.csv, events.jsonl (and more)."""
    write_json(out / "summary.json", result.summary())
    start_date = result.scenario.start_date
    write_csv(out / "activities.csv", ACTIVITY_COLUMNS + clock_columns(ACTIVITY_TIMES),
              ([*(getattr(a, c) for c in ACTIVITY_COLUMNS),
                *clock_cells([getattr(a, c) for c in ACTIVITY_TIMES], start_date)]
               for a in result.activities))
    with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
        for event in result.events:
            handle.write(json.dumps(_event_dict(event)) + "\n")
    write_csv(out / "phases.csv", PHASE_COLUMNS + clock_columns(PHASE_TIMES),
              ([*(getattr(p, c) for c in PHASE_COLUMNS),
                *clock_cells([getattr(p, c) for c in PHASE_TIMES], start_date)]
               for p in result.phases.values()))
    write_csv(out / "resources.csv",
              ("id", "name", "capacity", "available_h", "busy_unit_h", "lost_unit_h",
               "utilisation", "wait_h"),
              ([r.id, r.name, r.capacity, r.available_h, r.busy_unit_h, r.lost_unit_h,
                r.utilisation, r.wait_h] for r in result.resources.values()))
    write_csv(out / "groups.csv", ("id", "name", "teams", "busy_team_h", "wait_h",
                                   "unavailable_h"),
              ([g.id, g.name, g.teams, g.busy_team_h, g.wait_h, g.unavailable_h]
               for g in result.groups.values()))
    sc = result.scenario
    write_csv_metadata(out, {"scenario": sc.name, "file": sc.file,
                             "overrides": list(sc.overrides), "seed": result.seed,
                             "replication": result.replication})
    if source_text:
        if copy_name is None:
            suffix = Path(result.scenario.file).suffix.lower()
            copy_name = f"scenario{suffix}" if suffix in (".toml", ".json") else "scenario.yaml"
        (out / copy_name).write_text(source_text, encoding="utf-8")


def _event_dict(event: Event) -> Mapping[str, Any]:
    return event.as_dict()  # full float precision: a saved log rebuilds the exact run


def check_run_dir(path: Path) -> dict[str, Any]:
    """The summary of a complete run directory, or :class:`RunDirError` saying what is wrong."""
    if not path.is_dir():
        raise RunDirError(f"{path}: not a directory")
    missing = [f for f in REQUIRED if not (path / f).is_file()]
    if missing:
        raise RunDirError(f"{path}: not a complete run directory (missing {', '.join(missing)})")
    try:
        summary = json.loads((path / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirError(f"{path / RUN_MARKER}: unreadable ({exc})") from None
    if not isinstance(summary, dict) or "end_h" not in summary:
        raise RunDirError(f"{path / RUN_MARKER}: not a tabletop run summary")
    return summary


SCENARIO_COPIES = ("scenario.yaml", "scenario.yml", "scenario.toml", "scenario.json")


def read_events(path: Path) -> list[Event]:
    """The event log of ``events.jsonl``; ``ValueError`` naming the first bad line."""
    fields = set(Event._fields)
    events: list[Event] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict) or not {"t", "kind"} <= record.keys():
                raise ValueError(f"{path}:{number}: not an event (needs `t` and `kind`)")
            unknown = sorted(set(record) - fields)
            if unknown:
                raise ValueError(f"{path}:{number}: unknown event field(s) {', '.join(unknown)}")
            try:
                record["t"] = float(record["t"])
                if record.get("amount") is not None:
                    record["amount"] = float(record["amount"])
            except (TypeError, ValueError):
                raise ValueError(f"{path}:{number}: `t` and `amount` must be numbers") from None
            events.append(Event(**record))
    return events


def scenario_copy(run_dir: Path) -> Path:
    """The scenario copy a run directory holds, or :class:`RunDirError`."""
    copy = next((run_dir / name for name in SCENARIO_COPIES if (run_dir / name).is_file()), None)
    if copy is None:
        raise RunDirError(f"{run_dir}: no scenario copy ({' or '.join(SCENARIO_COPIES)}); "
                          "rebuilding the run needs the scenario it was made from")
    return copy


def load_run(run_dir: Path) -> RunResult:
    """The :class:`RunResult` a run directory records, rebuilt from its event log.

    Raises :class:`sim.results.store.RunDirError` (or ``ValueError`` for a damaged log,
    :class:`sim.scenario.ScenarioError` for a scenario copy that no longer loads).
    """
    summary = check_run_dir(run_dir)
    copy = scenario_copy(run_dir)
    seed = summary.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RunDirError(f"{run_dir / 'summary.json'}: no integer `seed`")
    replication = summary.get("replication", 0)
    scenario = load_scenario(copy)
    if isinstance(summary.get("file"), str):  # name the original file, not the copy
        scenario = dataclasses.replace(scenario, file=summary["file"])
    overrides = summary.get("overrides", [])
    if isinstance(overrides, list) and all(isinstance(o, str) for o in overrides):
        scenario = dataclasses.replace(scenario, overrides=tuple(overrides))  # for the report
    events = read_events(run_dir / "events.jsonl")
    return build_result(scenario, seed, replication if isinstance(replication, int) else 0,
                        events, capped=bool(summary.get("time_capped", False)))
