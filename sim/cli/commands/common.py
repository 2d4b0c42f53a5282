"""What the commands share: the scenario named on the command line (with ``--set``),
seeds, progress bars, and writing a new output directory."""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from sim.cli.errors import UsageError, report_problems
from sim.core.files import new_output_dir
from sim.results import RunResult
from sim.results.store import RunDirError, load_run
from sim.scenario import ScenarioError
from sim.scenario.bundled import default_scenario
from sim.scenario.loader import load_source
from sim.scenario.model import Scenario
from sim.scenario.overrides import OverrideError, override_source
from sim.scenario.source import Source, read_source

Tick = Callable[[int, int], None]


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
    path = Path(file) if file else default_scenario()
    try:
        source = read_source(path)
        text = source.text
        if sets:
            source = override_source(source, sets)
            header = "".join(f"# --set {s}\n" for s in sets)
            text = header + yaml.safe_dump(source.tree, sort_keys=False, allow_unicode=True)
        scenario = load_source(source)
        if sets:
            scenario = dataclasses.replace(scenario, overrides=tuple(sets))
    except ScenarioError as exc:
        report_problems(exc.problems)
        raise UsageError(f"{path}: not a valid scenario (see the problems above)") from None
    except OverrideError as exc:
        raise UsageError(str(exc)) from None
    for warning in scenario.warnings:
        print(warning, file=sys.stderr)
    return scenario, text, source


def check_seed(seed: int | None) -> None:
    if seed is not None and seed < 0:
        raise UsageError("--seed must be a whole number >= 0")


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Tick]:
    """A rich progress bar (rate, time left) on a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    # rich takes ~25 ms to import: only a terminal, which shows the bar, pays for it
    from rich.console import Console
    from rich.progress import (  # (the same)
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


def write_run_dir(out: str, stem: str, write: Callable[[Path], None], name: str | None,
                  what: str) -> Path:
    """A new directory under ``out`` (named from ``stem``, or ``name``) filled by ``write``,
    completely or not at all; says where it went (``what`` directory: ...).

    A directory that exists already or cannot be written is an :class:`OutputError`.
    """
    path = new_output_dir(Path(out), stem, write, name=name)
    print(f"  {what} directory: {path}")
    return path


def load_run_arg(run_dir: Path) -> RunResult:
    """The run a directory named on the command line holds; :class:`UsageError` saying
    what is wrong with it otherwise."""
    try:
        return load_run(run_dir)
    except RunDirError as exc:
        raise UsageError(str(exc)) from None
    except ScenarioError as exc:
        report_problems(exc.problems)
        raise UsageError(f"{run_dir}: the scenario copy no longer loads (see above)") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{run_dir}: cannot read the run: {exc}") from None
