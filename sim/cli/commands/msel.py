"""``tabletop msel export|template|import``: MSEL spreadsheets (.xlsx, .csv) in and out.

``export RUN`` adds what each inject did in the run. What it delayed is measured against
the same run (same seed, same replication) without that inject, simulated here: the
interchange layer itself never runs the engine.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from sim.cli.errors import EXIT_OK, UsageError
from sim.core.files import write_bytes_atomic, write_file_new
from sim.engine import simulate
from sim.interchange.msel_columns import COLUMNS, SCENARIO_COLUMNS, normalise, resolve_key
from sim.interchange.msel_effects import Effect, effects
from sim.interchange.msel_import import import_msel
from sim.interchange.msel_rows import export_rows
from sim.interchange.msel_write import sheet_bytes
from sim.results import RunResult, inject_outcomes
from sim.results.store import RunDirError, load_run, scenario_copy
from sim.scenario import load_scenario, read_tree
from sim.scenario.model import Scenario

WRITABLE = (".yaml", ".yml", ".json")


def main(args: argparse.Namespace) -> int:
    if args.msel_command == "export":
        return _export(args)
    if args.msel_command == "template":
        out = Path(args.out)
        write_file_new(out, sheet_bytes(out, [], SCENARIO_COLUMNS, "MSEL template"))
        print(f"{out}: empty MSEL with {len(SCENARIO_COLUMNS)} columns")
        return EXIT_OK
    return _import(args)


def _without_each(run: RunResult) -> dict[str, RunResult]:
    """For each inject that hit: the same run without it."""
    hit = {row["id"] for row in inject_outcomes(run) if row["status"] == "hit"}
    scenario = run.scenario
    return {
        inject.id: simulate(dataclasses.replace(
            scenario, injects=tuple(i for i in scenario.injects if i.id != inject.id)),
            run.seed, replication=run.replication)
        for inject in scenario.injects if inject.id in hit}


def _export(args: argparse.Namespace) -> int:
    source, out = Path(args.source), Path(args.out)
    found: dict[str, Effect] | None = None
    hit_at: dict[str, float] | None = None
    if source.is_dir():
        try:
            run = load_run(source)
            tree = read_tree(scenario_copy(source))
        except RunDirError as exc:
            raise UsageError(str(exc)) from None
        except (ValueError, OSError) as exc:
            raise UsageError(f"{source}: cannot read the run: {exc}") from None
        scenario, phases = run.scenario, run.phases
        found = effects(run, _without_each(run))
        hit_at = {row["id"]: row["t"] for row in inject_outcomes(run) if row["status"] == "hit"}
        columns = COLUMNS
    else:
        scenario = load_scenario(source)
        tree = read_tree(source)
        phases = simulate(scenario, plan=True).phases  # the plan: when each phase runs
        columns = SCENARIO_COLUMNS
    rows = export_rows(_written_injects(tree), scenario, phases, hit_at, found)
    write_file_new(out, sheet_bytes(out, rows, columns, f"MSEL: {scenario.name}"))
    what = "with the run's effects" if found is not None else "from the scenario"
    print(f"{out}: {len(rows)} injects {what} ({len(columns)} columns)")
    return EXIT_OK


def _written_injects(tree: Any) -> list[dict[str, Any]]:
    injects = tree.get("injects", []) if isinstance(tree, dict) else []
    return [dict(i) for i in injects]


def parse_map(items: list[str]) -> dict[str, str]:
    """``--map`` values (``'Header=column,...'``, or a file of ``Header=column`` lines) as
    normalised header -> column key."""
    mapping: dict[str, str] = {}
    for item in items:
        path = Path(item)
        if "=" not in item and path.is_file():
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--map {item}: cannot read the mapping file ({exc})") from None
            pairs = [p for p in text.splitlines() if p.strip() and not p.lstrip().startswith("#")]
        else:
            pairs = item.split(",")
        for pair in pairs:
            header, sep, column = pair.partition("=")
            key = "ignore" if normalise(column) == "ignore" else resolve_key(column)
            if not sep or not header.strip() or key is None:
                raise UsageError(f"--map {pair.strip()!r}: expected 'Sheet header=column' with "
                                 "a column of `tabletop msel template` (a header or a key "
                                 "such as expected_action), or ignore")
            mapping[normalise(header)] = key
    return mapping


def _import(args: argparse.Namespace) -> int:
    into = Path(args.into)
    out = Path(args.out) if args.out else into
    if out.suffix.lower() not in WRITABLE:
        raise UsageError(f"{out}: tabletop writes scenarios as YAML or JSON, not "
                         f"{out.suffix or 'a file without suffix'}; give -o FILE.yaml")
    if args.out and out.exists():
        raise UsageError(f"{out} already exists; choose another name (nothing was written)")
    done = import_msel(Path(args.sheet), into, out.suffix.lower(), parse_map(args.map),
                       args.sheet_name)
    for problem in done.warnings:
        print(problem.format(), file=sys.stderr)
    if done.ignored:
        print(f"tabletop: {args.sheet}: columns not read: {', '.join(done.ignored)}",
              file=sys.stderr)
    data = done.text.encode("utf-8")
    if args.out:
        write_file_new(out, data)
    else:
        write_bytes_atomic(out, data)
    _report(args.sheet, done.scenario, out, replaced=not args.out)
    return EXIT_OK


def _report(sheet: str, scenario: Scenario, out: Path, *, replaced: bool) -> None:
    verb = "replaced the injects of" if replaced else "wrote"
    print(f"{sheet}: {len(scenario.injects)} injects; {verb} {out}")
