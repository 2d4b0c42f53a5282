"""``tabletop validate``: check scenario files, every problem with file:line:column."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.errors import EXIT_INPUT, EXIT_OK, report_problems
from sim.core.timefmt import format_duration, format_time
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.bundled import default_scenario
from sim.scenario.model import Inject, Phase, Scenario


def main(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for file in args.files or [default_scenario()]:
        try:
            scenario = load_scenario(Path(file))
        except ScenarioError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            report_problems(exc.problems)
            print(f"{file}: {len(errors)} error{'s' * (len(errors) != 1)}", file=sys.stderr)
            status = EXIT_INPUT
            continue
        for warning in scenario.warnings:
            print(warning, file=sys.stderr)
        print(f"{file}: ok: {scenario.name}: {scenario.outline()}")
        if args.outline:
            print(outline(scenario))
    return status


def outline(scenario: Scenario) -> str:
    """The phases (with their times and counts) and injects, one line each."""
    head = (f"  {scenario.days} days"
            + (f" from {scenario.start_date.isoformat()}" if scenario.start_date else "")
            + f", planned end {format_time(scenario.planned_end)}, "
            f"dispatch {scenario.dispatch}")
    counts: dict[str, int] = {}
    for act in scenario.activities:
        counts[act.phase] = counts.get(act.phase, 0) + 1
    lines = [head]
    lines += [f"  phase {p.id}: {p.name}{_phase_flags(p)}: {counts.get(p.id, 0)} activities"
              for p in scenario.phases]
    lines += [_inject_line(i) for i in scenario.injects]
    return "\n".join(lines)


def _phase_flags(phase: Phase) -> str:
    flags = []
    if phase.start is not None:
        flags.append(f"start {format_time(phase.start)}")
    if phase.due is not None:
        flags.append(f"due {format_time(phase.due)}")
    if phase.around_the_clock:
        flags.append("around the clock")
    if phase.limit is not None:
        flags.append(f"limit {format_duration(phase.limit)}")
    return f" ({', '.join(flags)})" if flags else ""


def _inject_line(inject: Inject) -> str:
    """``inject M-03 between D4 09:00 and D4 15:00 (probability 0.5): resource_down range``:
    when (its window, for a random time), how likely, what kind, which target."""
    when = (f"at {format_time(inject.at)}" if inject.at_latest <= inject.at
            else f"between {format_time(inject.at)} and {format_time(inject.at_latest)}")
    return (f"  inject {inject.id} {when} (probability {inject.probability:g}): {inject.kind}"
            + (f" {inject.target}" if inject.target else "")
            + (f" - {inject.description}" if inject.description else ""))
