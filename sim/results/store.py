"""Run directories: the tables and event log of a run, and reading a directory back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.core.csvmeta import write_csv_metadata
from sim.core.errors import TabletopError
from sim.core.files import write_csv, write_json
from sim.results.eventlog import Event
from sim.results.result import RunResult

RUN_MARKER = "summary.json"
REQUIRED = ("summary.json", "activities.csv", "events.jsonl")

class RunDirError(TabletopError):
    """A run directory that cannot be written or read."""


ACTIVITY_COLUMNS = ("id", "base_id", "name", "phase", "ready_h", "start_h", "end_h", "work_h",
                    "waited_h", "paused_h", "interruptions", "waited_for", "added_by")


def write_run_tables(result: RunResult, out: Path, source_text: str | None,
                     copy_name: str | None = None) -> None:
    """The minimum output contract: summary.json, activities.csv, events.jsonl (and more)."""
    write_json(out / "summary.json", result.summary())
    write_csv(out / "activities.csv", ACTIVITY_COLUMNS,
              ([getattr(a, c) for c in ACTIVITY_COLUMNS] for a in result.activities))
    with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
        for event in result.events:
            handle.write(json.dumps(_event_dict(event)) + "\n")
    write_csv(out / "phases.csv",
              ("id", "name", "start_h", "end_h", "due_h", "late_h", "limit_h", "duration_h",
               "breach"),
              ([p.id, p.name, p.start_h, p.end_h, p.due_h, p.late_h, p.limit_h, p.duration_h,
                p.breach] for p in result.phases.values()))
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
