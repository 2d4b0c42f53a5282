"""``tabletop run``: simulate once, print a summary, write a run directory."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.cli.commands.common import check_seed, load_scenario_arg, scenario_copy_name, write_run_dir
from sim.cli.errors import EXIT_INPUT, EXIT_OK
from sim.core.timefmt import format_duration, format_time
from sim.engine import simulate
from sim.ensemble.bottleneck import unit_effects
from sim.ensemble.effects import UnitEffect
from sim.report.drivers import bottleneck_words
from sim.results import RunResult
from sim.results.store import write_run_tables


def summary_text(result: RunResult, effects: Sequence[UnitEffect] | None = None) -> str:
    """A compact, plain-text summary of one run."""
    sc = result.scenario
    lines = [f"{sc.name}: seed {result.seed}"]
    if sc.overrides:
        lines.append(f"  changes to the file: {', '.join(sc.overrides)}")
    if result.stuck:
        lines.append(f"  INCOMPLETE: {len(result.stuck)} activities could not finish")
        for item in result.stuck[:10]:
            lines.append(f"    {item['activity']}: {item['reason']}")
        if len(result.stuck) > 10:
            lines.append(f"    ... and {len(result.stuck) - 10} more (see summary.json)")
    else:
        verdict = "on time" if result.on_time else (
            f"LATE by {format_duration(result.end_h - result.planned_end_h)}")
        lines.append(f"  finished {format_time(result.end_h)}, {verdict} "
                     f"(planned end {format_time(result.planned_end_h)})")
    for phase in result.phases.values():
        parts = [f"  phase {phase.id:<22}"]
        if phase.start_h is not None:
            parts.append(f"{format_time(phase.start_h)} -> "
                         + (format_time(phase.end_h) if phase.end_h is not None else "unfinished"))
        if phase.due_h is not None and phase.late_h is not None:
            parts.append("on time" if phase.late_h <= 0 else
                         f"late {format_duration(phase.late_h)}")
        if phase.limit_h is not None and phase.duration_h is not None:
            state = "BREACH" if phase.breach else "within"
            parts.append(f"{format_duration(phase.duration_h)} of {format_duration(phase.limit_h)}"
                         f" limit: {state}")
        lines.append("  ".join(parts))
    if result.bottlenecks:
        top = ", ".join(f"{b.id} ({b.kind}) {format_duration(b.wait_h)}"
                        for b in result.bottlenecks[:3])
        lines.append(f"  top bottlenecks (hours waited): {top}")
    if effects:
        lines.append(f"  bottleneck (one more unit, same seed): {bottleneck_words(effects)}")
    hit = sum(1 for e in result.events if e.kind == "inject")
    if sc.injects:
        lines.append(f"  injects: {hit} of {len(sc.injects)} hit")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    scenario, text, source = load_scenario_arg(args.file, args.set)
    check_seed(args.seed)
    result = simulate(scenario, args.seed)
    effects = unit_effects(result, source)
    print(summary_text(result, effects))
    stem = f"{Path(scenario.file).stem}-seed{result.seed}"
    if result.stuck:
        stem += "-INCOMPLETE"

    def write(out: Path) -> None:
        write_run_tables(result, out, text, scenario_copy_name(scenario, args.set))
        if not args.no_charts:
            write_charts(result, out, args, effects)
        if args.animate:
            write_animation_or_warn(result, out)

    write_run_dir(args.out, stem, write, args.name, "run")
    return EXIT_INPUT if result.stuck else EXIT_OK


def plan_of(result: RunResult) -> RunResult:
    """The plan the charts draw a run against: expected durations, no injects."""
    return result if result.plan else simulate(result.scenario, result.seed, plan=True)


def write_charts(result: RunResult, out: Path, args: argparse.Namespace,
                 effects: Sequence[UnitEffect] | None = None) -> list[Path]:
    """Charts, report.html and report.md of one run into ``out``; the paths written."""
    from sim.report import write_charts_and_report  # matplotlib: only when charts are asked for

    return write_charts_and_report(result, out, plan=plan_of(result), formats=args.format,
                                   dpi=args.dpi, by=args.by, effects=effects)


def write_animation_or_warn(result: RunResult, out: Path) -> None:
    """``replay.gif`` (and ``replay.mp4``) into ``out``; if Pillow or matplotlib cannot be
    loaded, a warning on stderr says what is missing and the run goes on without them."""
    try:  # matplotlib and Pillow: optional here, so a failure to load them is a warning
        from sim.plotting.animate import AnimationUnavailable, write_animation
    except ImportError as exc:  # matplotlib itself needs Pillow: it fails to load first
        what = ("Pillow (pip install 'pillow>=10')" if (exc.name or "").startswith("PIL")
                else f"{exc.name or exc}")
        print(f"tabletop: warning: --animate: cannot load {what} ({exc}); "
              "replay.gif not written, everything else was", file=sys.stderr)
        return
    try:
        done = write_animation(result, out, plan=plan_of(result))
    except AnimationUnavailable as exc:
        print(f"tabletop: warning: --animate: {exc}; everything else was written",
              file=sys.stderr)
        return
    for note in done.notes:
        print(f"tabletop: note: {note}", file=sys.stderr)
