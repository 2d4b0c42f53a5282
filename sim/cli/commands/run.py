"""``tabletop run``: simulate once, print a summary, write a run directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.commands.common import (
    add_chart_options,
    add_set_option,
    check_seed,
    load_scenario_arg,
    scenario_copy_name,
    write_run_dir,
)
from sim.core.timefmt import format_duration, format_time

if TYPE_CHECKING:
    from sim.results import RunResult


def summary_text(result: RunResult) -> str:
    """A compact, plain-text summary of one run."""
    sc = result.scenario
    lines = [f"{sc.name}: seed {result.seed}"]
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
    hit = sum(1 for e in result.events if e.kind == "inject")
    if sc.injects:
        lines.append(f"  injects: {hit} of {len(sc.injects)} hit")
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.cli import EXIT_INPUT, EXIT_OK
    from sim.engine import simulate
    from sim.results.store import write_run_tables

    scenario, text, _source = load_scenario_arg(args.file, args.set)
    check_seed(args.seed)
    result = simulate(scenario, args.seed)
    print(summary_text(result))
    stem = f"{Path(scenario.file).stem}-seed{result.seed}"
    if result.stuck:
        stem += "-INCOMPLETE"

    def write(out: Path) -> None:
        write_run_tables(result, out, text, scenario_copy_name(scenario, args.set))
        if not args.no_charts:
            from sim.report import write_charts_and_report

            write_charts_and_report(result, out, formats=args.format, dpi=args.dpi,
                                    by=getattr(args, "by", "activity"))
        if getattr(args, "animate", False):
            write_animation_or_warn(result, out)

    write_run_dir(args.out, stem, write, args.name, "run")
    return EXIT_INPUT if result.stuck else EXIT_OK


def write_animation_or_warn(result: RunResult, out: Path) -> None:
    """``replay.gif`` (and ``replay.mp4``) into ``out``; if Pillow or matplotlib cannot be
    loaded, a warning on stderr says what is missing and the run goes on without them."""
    from sim.engine import simulate

    try:
        from sim.plotting.animate import AnimationUnavailable, write_animation
    except ImportError as exc:  # matplotlib itself needs Pillow: it fails to load first
        what = ("Pillow (pip install 'pillow>=10')" if (exc.name or "").startswith("PIL")
                else f"{exc.name or exc}")
        print(f"tabletop: warning: --animate: cannot load {what} ({exc}); "
              "replay.gif not written, everything else was", file=sys.stderr)
        return
    try:
        done = write_animation(result, out, plan=simulate(result.scenario, result.seed,
                                                          plan=True))
    except AnimationUnavailable as exc:
        print(f"tabletop: warning: --animate: {exc}; everything else was written",
              file=sys.stderr)
        return
    for note in done.notes:
        print(f"tabletop: note: {note}", file=sys.stderr)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="simulate once; write summary, tables, charts and report")
    p.add_argument("file", nargs="?", metavar="FILE", help="scenario file (default: bundled)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's, else 0)")
    add_set_option(p)
    p.add_argument("--out", default="runs", metavar="DIR",
                   help="parent directory of run directories (default: runs)")
    p.add_argument("--name", metavar="NAME", help="name of the new run directory "
                   "(default: <scenario>-seed<N>, numbered if taken)")
    add_chart_options(p, by=True)
    p.add_argument("--no-charts", action="store_true", help="write tables only (faster)")
    p.add_argument("--animate", action="store_true",
                   help="also write replay.gif: the schedule filling in over time, resource "
                   "gauges and inject captions (and replay.mp4 if ffmpeg is installed)")
    p.set_defaults(func=cmd_run)
