"""The ``tabletop`` command line: every subcommand and its options, in one place.

Building the parser imports nothing heavy: each subcommand's module (``sim.cli.commands.
<name>``) is loaded only when that subcommand runs, so ``tabletop validate`` starts fast.
"""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from sim.cli.options import (
    add_chart_options,
    add_ensemble_options,
    add_file_argument,
    add_set_option,
)
from sim.core.version import __version__

# sim.ensemble.kpis.KPIS names them (tests/test_cli_validate.py keeps the two equal); the
# parser does not import the ensemble layer, so that `validate` loads no numpy
SWEEP_KPIS = ("p_on_time", "end_mean_h", "end_p50_h", "end_p90_h", "p_within_limit", "p_holds")
REPLAY_SPEED = 12.0  # simulated hours per real second: a 14-hour day in a little over 1 s



class Subparsers(Protocol):
    """What ``ArgumentParser.add_subparsers()`` returns (argparse names no public type)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tabletop",
        description="Replay training-exercise programmes as a discrete-event simulation.",
        epilog="Without FILE, commands use the bundled KAZIND-21 scenario. "
        "Documentation: `tabletop docs` lists the pages, `tabletop docs format` prints "
        "the scenario format.",
    )
    parser.add_argument("--version", action="version", version=f"tabletop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_scenario_files, _run, _synth, _ensembles, _drivers, _replay, _serve, _plot,
                _timetable, _export, _msel, _docs):
        add(sub)
    return parser


def _command(sub: Subparsers, name: str, **kwargs: str) -> argparse.ArgumentParser:
    """A subcommand run by ``main(args)`` of the module ``sim.cli.commands.<name>``."""
    p = sub.add_parser(name, **kwargs)
    p.set_defaults(module=name)
    return p


def _scenario_files(sub: Subparsers) -> None:
    p = _command(sub, "validate", help="check scenario files and print their outline")
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario files (default: bundled)")
    p.add_argument("--outline", action="store_true", help="also print phases and injects")
    _command(sub, "schema", help="print the JSON Schema of the scenario format")
    p = _command(sub, "new", help="write a commented starter scenario")
    p.add_argument("path", metavar="PATH", help="file to create (never overwritten)")


def _run(sub: Subparsers) -> None:
    p = _command(sub, "run", help="simulate once; write summary, tables, charts and report")
    add_file_argument(p)
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


def _synth(sub: Subparsers) -> None:
    p = _command(sub, "synth", help="write a generated scenario of any size (benchmarks, tests)")
    p.add_argument("--activities", type=int, required=True, metavar="N",
                   help="number of activities (ids a00001 ...)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument("--phases", type=int, metavar="P",
                   help="number of phases (default: about one per 250 activities, at least 3)")
    p.add_argument("--out", metavar="FILE",
                   help="file to create, never overwritten (default: standard output)")


def _ensembles(sub: Subparsers) -> None:
    p = _command(sub, "mc", help="Monte Carlo schedule risk: N replications")
    add_file_argument(p)
    add_ensemble_options(p)
    p.add_argument("--keep", type=int, default=0, metavar="K",
                   help="also keep the full results of the first K runs")
    p.add_argument("--precision", type=float, default=1.0, metavar="HOURS",
                   help="target 95%% CI half-width of the mean end time (default 1 h)")
    add_until_precision_option(p)
    p.add_argument("--index-runs", type=int, default=None, metavar="N",
                   help="schedule-risk indices from the first N replications only "
                   "(default: all of them; fewer: a little faster)")
    p.add_argument("--drivers", action="store_true",
                   help="also measure drivers: one unit more or less of each resource and "
                   "group, each inject removed (paired runs; see `tabletop drivers`)")
    _routine_option(p)
    p.add_argument("--engine", choices=("auto", "event", "batch"), default="auto",
                   help="auto (default): the batch engine where the model proves that no "
                   "resource or group can bind, else the event engine; the numbers are "
                   "the same")
    p = _command(sub, "compare", help="what-if: two variants with common random numbers")
    p.add_argument("a", metavar="A", help="first scenario file")
    p.add_argument("b", metavar="B", help="second scenario file (may be the same file "
                   "with --set-b)")
    add_ensemble_options(p, executors=False)
    p.add_argument("--set-b", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="change a value in B only")
    p = _command(sub, "sweep", help="run an ensemble at every point of a grid of values")
    add_file_argument(p)
    add_ensemble_options(p, n_default=200, n_help="replications per grid point (default 200)",
                         executors=False)
    p.add_argument("--vary", action="append", default=[], metavar="KEY.PATH=V1,V2,...",
                   help="values to try for one key (repeat for a full factorial)")
    p.add_argument("--kpi", choices=SWEEP_KPIS, default="p_holds",
                   help="figure to print and chart across the grid (default p_holds: "
                   "the share of runs that hold as planned)")


def add_until_precision_option(p: argparse.ArgumentParser) -> None:
    """``mc --until-precision POINTS``: replications in rounds until the shares are precise."""
    p.add_argument("--until-precision", type=float, metavar="POINTS",
                   help="run in rounds until the 95%% CI of every share mc reports (each "
                   "phase on time, each limit kept, the programme holding as planned) is "
                   "within ± POINTS percentage points (e.g. 1), at most -n replications "
                   "(default: off: run -n)")


def _drivers(sub: Subparsers) -> None:
    p = _command(sub, "drivers", help="what moves the schedule: the effect of one unit more "
                 "or less of each resource and group, and of removing each inject",
                 description="Run the scenario and every one-change variant (a resource or "
                 "group with one unit more or less, an inject removed) with the same seed "
                 "and replications, and rank the changes by their paired effect on the "
                 "share of runs holding as planned, then on each phase's end and lateness "
                 "and on the programme end, with 95% intervals (trade-offs marked); "
                 "changes whose interval contains zero are listed as having no measurable "
                 "effect. Also prints the schedule-risk indices of the scenario's own runs. "
                 "Writes drivers.csv, drivers.json and risk_indices.csv in a new directory.")
    add_file_argument(p)
    add_ensemble_options(p, n_default=200, n_help="paired replications per variant "
                         "(default 200)", executors=False)
    _routine_option(p)


def _routine_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--include-routine", action="store_true",
                   help="also rank activities marked `routine: true` (left out by default)")


def _replay(sub: Subparsers) -> None:
    p = _command(
        sub, "replay", help="play one run back: live display on a terminal, narrative otherwise",
        description="Replay one run of a scenario for a facilitator. On a terminal: a live "
        "view of the clock, groups, resources, next starts and each inject with its MSEL "
        "columns. Otherwise: a plain timestamped narrative, one line per event.")
    add_file_argument(p)
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's, else 0)")
    p.add_argument("--speed", type=float, default=REPLAY_SPEED, metavar="X",
                   help=f"simulated hours per real second (default {REPLAY_SPEED:g}; "
                   "0: as fast as possible); ignored when output is not a terminal")
    p.add_argument("--step", action="store_true",
                   help="pause at each inject and each new day until Enter is pressed "
                   "(only when stdin is a terminal)")
    add_set_option(p)


BOARD_PORT = 8765


def _serve(sub: Subparsers) -> None:
    p = _command(
        sub, "serve", help="the facilitator's board in a browser: live run and what-if",
        description="Start the facilitator's board: a local web page with the schedule, "
        "resources, MSEL and a clock to step or scrub, what-if edits re-run with the same "
        "seed, and a background risk comparison. Reads and writes only inside the working "
        "directory. Ctrl-C stops it.")
    p.add_argument("target", nargs="?", metavar="SCENARIO|RUN",
                   help="scenario file or run directory inside the working directory "
                   "(default: bundled)")
    p.add_argument("--port", type=int, default=BOARD_PORT, metavar="P",
                   help=f"TCP port (default {BOARD_PORT}; 0: any free port)")
    p.add_argument("--host", default="127.0.0.1", metavar="H",
                   help="address to listen on (default 127.0.0.1, this computer only); any "
                   "other address needs the token printed at start")
    p.add_argument("--no-browser", action="store_true",
                   help="do not open a browser window")


def _plot(sub: Subparsers) -> None:
    p = _command(sub, "plot", help="redraw the charts and report of a run directory "
                 "(no simulation)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a directory written by `tabletop run`")
    add_chart_options(p, by=True)


def _export(sub: Subparsers) -> None:
    p = _command(sub, "export", help="write a run's schedule as calendars (.ics) or a "
                 "project file (Microsoft Project XML)",
                 description="Export a run directory written by `tabletop run`: `ics` "
                 "writes one iCalendar file per group and per resource, `mspdi` one "
                 "Microsoft Project XML file (opens in Project and ProjectLibre). Both need "
                 "the scenario's start_date.")
    formats = p.add_subparsers(dest="export_format", metavar="FORMAT", required=True)
    ics = formats.add_parser("ics", help="one .ics calendar per group and per resource")
    ics.add_argument("run_dir", metavar="RUN_DIR", help="a directory written by `tabletop run`")
    ics.add_argument("-o", "--output", metavar="DIR", help="new directory for the files, "
                     "never overwritten (default: RUN_DIR/calendars, numbered if taken)")
    mspdi = formats.add_parser("mspdi", help="the schedule as Microsoft Project XML")
    mspdi.add_argument("run_dir", metavar="RUN_DIR",
                       help="a directory written by `tabletop run`")
    mspdi.add_argument("-o", "--output", metavar="FILE.xml", help="new file, never "
                       "overwritten (default: RUN_DIR/project.xml, numbered if taken)")
def _timetable(sub: Subparsers) -> None:
    p = _command(sub, "timetable", help="print a run's timetable per day and group; write it "
                 "as CSV", description="Print who does what, where and when, one table per "
                 "day and group, with what the injects changed against the plan (expected "
                 "durations, no injects). -o writes the same rows as CSV.")
    p.add_argument("run_dir", metavar="RUN", help="a directory written by `tabletop run`")
    p.add_argument("--group", metavar="G", help="only this group (its id)")
    p.add_argument("--day", metavar="D", help="only this day (6 or D6)")
    p.add_argument("-o", "--output", metavar="FILE.csv",
                   help="also write the rows to this new CSV file (never overwritten, never "
                   "inside the run directory)")


def _docs(sub: Subparsers) -> None:
    p = _command(sub, "docs", help="print a documentation page (format, cli, outputs, ...)",
                 description="Print a page of the documentation that ships with "
                 "tabletop. Without PAGE, list the pages.")
    p.add_argument("page", nargs="?", metavar="PAGE",
                   help="page name, e.g. format, tutorial, outputs, errors, cli")
    p.add_argument("--raw", action="store_true",
                   help="print the Markdown source even on a terminal")


def _msel(sub: Subparsers) -> None:
    """``msel export|template|import``: MSEL spreadsheets (.xlsx or .csv) in and out."""
    p = _command(sub, "msel", help="MSEL spreadsheets (.xlsx, .csv): export, template, import",
                 description="The injects as a master scenario events list (MSEL) that "
                 "exercise staff read and edit in a spreadsheet, and back. The columns "
                 "and how they are read: tabletop docs msel-spreadsheets")
    verbs = p.add_subparsers(dest="msel_command", metavar="ACTION", required=True)
    e = verbs.add_parser("export", help="write a scenario's (or a run's) injects as an MSEL")
    e.add_argument("source", metavar="SCENARIO|RUN",
                   help="a scenario file, or a run directory (adds what each inject did)")
    e.add_argument("-o", "--out", required=True, metavar="FILE",
                   help="the sheet to create, .xlsx or .csv (never overwritten)")
    t = verbs.add_parser("template", help="write an empty MSEL with the columns and "
                         "(in .xlsx) a sheet explaining them")
    t.add_argument("-o", "--out", required=True, metavar="FILE",
                   help="the sheet to create, .xlsx or .csv (never overwritten)")
    i = verbs.add_parser("import", help="replace a scenario's injects with an MSEL's rows")
    i.add_argument("sheet", metavar="SHEET", help="an .xlsx or .csv MSEL")
    i.add_argument("--into", required=True, metavar="SCENARIO",
                   help="the scenario whose injects the sheet replaces")
    i.add_argument("-o", "--out", metavar="OUT",
                   help="write the new scenario to OUT, a new .yaml or .json file; without "
                   "it, SCENARIO itself is replaced (atomically, only if all is well)")
    i.add_argument("--map", action="append", default=[], metavar="'HEADER=COLUMN,...'",
                   help="read the sheet's column HEADER as COLUMN (a header or key of "
                   "`msel template`, or ignore); or a file of HEADER=COLUMN lines; repeatable")
    i.add_argument("--sheet", dest="sheet_name", metavar="NAME",
                   help="the workbook sheet to read (default: MSEL, else the first)")
