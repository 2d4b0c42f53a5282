"""Options several commands share, and the checks of their values."""

from __future__ import annotations

import argparse

DEFAULT_DPI = 110


def add_file_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE", help="scenario file (default: bundled)")


def add_set_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="change one existing value, keeping its type, e.g. "
                   "resources.range.capacity=2 (repeatable)")


def add_chart_options(p: argparse.ArgumentParser, *, by: bool = False) -> None:
    """``--format``, ``--dpi`` (and ``--by`` for schedules)."""
    p.add_argument("--format", action="append", choices=("png", "svg", "pdf"),
                   help="chart format; repeat for several (default: png)")
    p.add_argument("--dpi", type=dpi_value, default=DEFAULT_DPI,
                   help="chart resolution for PNG, 20 to 1200 (default 110)")
    if by:
        p.add_argument("--by", choices=("activity", "group"), default="activity",
                       help="schedule rows: one per activity (default) or one per group team")


def dpi_value(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 20 <= value <= 1200:
        raise argparse.ArgumentTypeError("choose a resolution between 20 and 1200 dpi")
    return value


def add_ensemble_options(p: argparse.ArgumentParser, *, n_default: int = 1000,
                         n_help: str = "replications (default 1000)",
                         executors: bool = True) -> None:
    """What ``mc``, ``compare`` and ``sweep`` share: size, seed, workers, output, charts."""
    p.add_argument("-n", type=int, default=n_default, help=n_help)
    p.add_argument("--seed", type=int, help="base seed (default: the scenario's, else 0)")
    p.add_argument("--jobs", "-j", type=int, default=1,
                   help="worker processes (0: all cores; default 1)")
    p.add_argument("--out", default="runs", metavar="DIR", help="parent directory (default runs)")
    p.add_argument("--name", metavar="NAME", help="name of the new directory")
    add_set_option(p)
    add_chart_options(p)
    p.add_argument("--no-charts", action="store_true",
                   help="write tables and summary.json only (no charts, no report)")
    if executors:
        p.add_argument("--executor", choices=("local", "dask"), default="local",
                       help="local process pool (default) or an existing Dask cluster")
        p.add_argument("--address", metavar="tcp://HOST:PORT", help="Dask scheduler address")
        p.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                       help="how long to try to reach the Dask scheduler (default 10)")
