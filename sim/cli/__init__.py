"""The ``tabletop`` command. It only wires the arrows together; heavy modules load lazily."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim import __version__

if TYPE_CHECKING:
    from sim.scenario.errors import Problem

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad input on the command line or in a file: message, exit status 2."""


def _default_file() -> Path:
    from sim.scenario.bundled import default_scenario

    return default_scenario()


def _report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


# ------------------------------------------------------------------ validate


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario import ScenarioError, load_scenario

    files = args.files or [_default_file()]
    status = EXIT_OK
    for file in files:
        try:
            scenario = load_scenario(Path(file))
        except ScenarioError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            _report_problems(exc.problems)
            print(f"{file}: {len(errors)} error{'s' * (len(errors) != 1)}", file=sys.stderr)
            status = EXIT_INPUT
            continue
        for warning in scenario.warnings:
            print(warning, file=sys.stderr)
        print(f"{file}: ok: {scenario.name}: {scenario.outline()}")
        if args.outline:
            print(_outline(scenario))
    return status


def _outline(scenario: object) -> str:
    from sim.core.timefmt import format_duration, format_time
    from sim.scenario.model import Scenario

    assert isinstance(scenario, Scenario)
    lines = [f"  {scenario.days} days"
             + (f" from {scenario.start_date.isoformat()}" if scenario.start_date else "")
             + f", planned end {format_time(scenario.planned_end)}, dispatch {scenario.dispatch}"]
    by_phase: dict[str, list[str]] = {}
    for act in scenario.activities:
        by_phase.setdefault(act.phase, []).append(act.id)
    for phase in scenario.phases:
        flags = []
        if phase.start is not None:
            flags.append(f"start {format_time(phase.start)}")
        if phase.due is not None:
            flags.append(f"due {format_time(phase.due)}")
        if phase.around_the_clock:
            flags.append("around the clock")
        if phase.limit is not None:
            flags.append(f"limit {format_duration(phase.limit)}")
        extra = f" ({', '.join(flags)})" if flags else ""
        lines.append(f"  phase {phase.id}: {phase.name}{extra}: "
                     f"{len(by_phase.get(phase.id, []))} activities")
    for inject in scenario.injects:
        lines.append(f"  inject {inject.id} at {format_time(inject.at)}: {inject.kind}"
                     + (f" {inject.target}" if inject.target else "")
                     + (f" - {inject.description}" if inject.description else ""))
    return "\n".join(lines)


# ------------------------------------------------------------------ schema / new


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from sim.core.files import write_file_new
    from sim.scenario.bundled import starter_text

    path = Path(args.path)
    write_file_new(path, starter_text())
    print(f"wrote {path}; check it with: tabletop validate {path}\n"
          "the format, key by key: tabletop docs format")
    return EXIT_OK


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tabletop",
        description="Replay training-exercise programmes as a discrete-event simulation.",
        epilog="Without FILE, commands use the bundled KAZIND-21 scenario. "
        "Documentation: `tabletop docs` lists the pages, `tabletop docs format` prints "
        "the scenario format.",
    )
    parser.add_argument("--version", action="version",
                        version=f"tabletop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files and print their outline")
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario files (default: bundled)")
    p.add_argument("--outline", action="store_true", help="also print phases and injects")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("new", help="write a commented starter scenario")
    p.add_argument("path", metavar="PATH", help="file to create (never overwritten)")
    p.set_defaults(func=cmd_new)

    for register in _extra_commands():
        register(sub)
    return parser


Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def _extra_commands() -> list[Registrar]:
    from sim.cli.commands import docs, mc, plot, replay, run, synth

    return [run.add_parser, synth.add_parser, mc.add_parsers, replay.add_parser, plot.add_parser,
            docs.add_parser]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"tabletop: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("tabletop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `tabletop run | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, traceback only on request
        if args.debug or os.environ.get("TABLETOP_DEBUG"):
            raise
        print(f"tabletop: internal error: {type(exc).__name__}: {exc}\n"
              "  (run with --debug for the traceback, and please report it)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
