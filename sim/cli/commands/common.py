"""Shared pieces of the commands: loading with ``--set``, progress bars, seeds."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.model import Scenario
    from sim.scenario.source import Source


def scenario_copy_name(scenario: Scenario, sets: Sequence[str]) -> str:
    """File name of the scenario copy kept beside a run: YAML whenever ``--set`` rewrote it."""
    suffix = Path(scenario.file).suffix.lower()
    return "scenario.yaml" if sets or suffix not in (".toml", ".json") else f"scenario{suffix}"


def load_scenario_arg(file: str | None, sets: Sequence[str] = ()) -> tuple[Scenario, str, Source]:
    """The scenario named on the command line (default: bundled), with ``--set`` applied.

    Returns the scenario, the text to save beside a run (YAML when ``--set`` changed it:
    see :func:`scenario_copy_name`), and the parsed source.
    Problems go to stderr and end the command with exit status 2.
    """
    import yaml

    from sim.cli import UsageError, _default_file, _report_problems
    from sim.scenario import ScenarioError
    from sim.scenario.loader import load_source
    from sim.scenario.overrides import OverrideError, override_source
    from sim.scenario.source import read_source

    path = Path(file) if file else _default_file()
    try:
        source = read_source(path)
        text = source.text
        if sets:
            source = override_source(source, sets)
            header = "".join(f"# --set {s}\n" for s in sets)
            text = header + yaml.safe_dump(source.tree, sort_keys=False, allow_unicode=True)
        scenario = load_source(source)
    except ScenarioError as exc:
        _report_problems(exc.problems)
        raise UsageError(f"{path}: not a valid scenario (see the problems above)") from None
    except OverrideError as exc:
        raise UsageError(str(exc)) from None
    for warning in scenario.warnings:
        print(warning, file=sys.stderr)
    return scenario, text, source


def add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="change one existing value, keeping its type, e.g. "
                        "resources.range.capacity=2 (repeatable)")


def check_seed(seed: int | None) -> None:
    from sim.cli import UsageError

    if seed is not None and seed < 0:
        raise UsageError("--seed must be a whole number >= 0")


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar (rate, time left) on a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    import time

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
               TimeRemainingColumn())
    started = time.perf_counter()
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, rate="")

        def update(done: int, _total: int) -> None:
            elapsed = time.perf_counter() - started
            rate = f"{done / elapsed:,.0f} runs/s" if elapsed > 0 else ""
            bar.update(task, completed=done, rate=rate)

        yield update


def add_chart_options(p: argparse.ArgumentParser, *, by: bool = False) -> None:
    """``--format``, ``--dpi`` (and ``--by`` for schedules)."""
    p.add_argument("--format", action="append", choices=("png", "svg", "pdf"),
                   help="chart format; repeat for several (default: png)")
    p.add_argument("--dpi", type=dpi_value, default=110,
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


def jobs_value(jobs: int) -> int:
    """``--jobs``: 0 means every core; negative is refused."""
    from sim.cli import UsageError
    from sim.ensemble.executors import default_jobs

    if jobs < 0:
        raise UsageError(f"--jobs must be 0 (all cores) or more (got {jobs})")
    return jobs if jobs > 0 else default_jobs()


def write_run_dir(out: str, stem: str, write: Callable[[Path], None], name: str | None,
                  what: str) -> Path:
    """A new directory under ``out`` (named from ``stem``, or ``name``) filled by ``write``,
    completely or not at all; says where it went (``what`` directory: ...).

    A directory that exists already or cannot be written is a usage error (exit 2).
    """
    from sim.cli import UsageError
    from sim.results.store import RunDirError, new_run_dir

    try:
        path = new_run_dir(Path(out), stem, write, name=name)
    except RunDirError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write under {out}: {exc.strerror or exc}") from None
    print(f"  {what} directory: {path}")
    return path
