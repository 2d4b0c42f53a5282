"""``tabletop plot RUN_DIR``: redraw the charts and report of a run directory, without simulating.

The run is rebuilt from what the directory holds: the scenario copy, the event log
and the seed in ``summary.json`` (every table and KPI derives from the log).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from sim.cli.commands.run import write_charts
from sim.cli.errors import EXIT_OK, UsageError, report_problems
from sim.results import RunResult, build_result
from sim.results.eventlog import Event
from sim.results.store import RunDirError, check_run_dir
from sim.scenario import ScenarioError, load_scenario

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


def load_run(run_dir: Path) -> RunResult:
    """The :class:`RunResult` a run directory records, rebuilt from its event log.

    Raises :class:`sim.results.store.RunDirError` (or ``ValueError`` for a damaged log,
    :class:`sim.scenario.ScenarioError` for a scenario copy that no longer loads).
    """
    summary = check_run_dir(run_dir)
    copy = next((run_dir / name for name in SCENARIO_COPIES if (run_dir / name).is_file()), None)
    if copy is None:
        raise RunDirError(f"{run_dir}: no scenario copy ({' or '.join(SCENARIO_COPIES)}); "
                          "charts need the scenario the run was made from")
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


def _differs(summary: dict[str, Any], result: RunResult) -> bool:
    saved = summary.get("end_h")
    return isinstance(saved, int | float) and abs(float(saved) - result.end_h) > 1e-3


def main(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    try:
        result = load_run(run_dir)
    except RunDirError as exc:
        raise UsageError(str(exc)) from None
    except ScenarioError as exc:
        report_problems(exc.problems)
        raise UsageError(f"{run_dir}: the scenario copy no longer loads (see above)") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{run_dir}: cannot read the run: {exc}") from None
    if _differs(check_run_dir(run_dir), result):
        print(f"tabletop: warning: {run_dir}: the rebuilt end differs from summary.json "
              "(was the scenario copy or the log edited?)", file=sys.stderr)
    try:
        written = write_charts(result, run_dir, args)
    except OSError as exc:
        raise UsageError(f"cannot write into {run_dir}: {exc.strerror or exc}") from None
    print(f"{run_dir}: wrote {', '.join(p.name for p in written)}")
    return EXIT_OK
