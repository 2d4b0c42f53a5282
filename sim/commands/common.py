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


def load_scenario_arg(file: str | None, sets: Sequence[str] = ()) -> tuple[Scenario, str, Source]:
    """The scenario named on the command line (default: bundled), with ``--set`` applied.

    Returns the scenario, the text to save beside a run, and the parsed source.
    Problems go to stderr and end the command with exit status 2.
    """
    import yaml

    from sim.cli import UsageError, _default_file, _report_problems
    from sim.overrides import OverrideError, override_source
    from sim.scenario import ScenarioError
    from sim.scenario.loader import load_source
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
