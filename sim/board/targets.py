"""What the board serves: a scenario file, or a run directory (its scenario copy and seed)."""

from __future__ import annotations

from pathlib import Path

from sim.board.errors import BoardError
from sim.board.whatif import Base
from sim.results.store import RunDirError, check_run_dir
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_source
from sim.scenario.source import read_source

COPIES = ("scenario.yaml", "scenario.toml", "scenario.json")


def load_target(path: Path) -> Base:
    """The base of a scenario file or run directory (:class:`ScenarioError` with file
    positions for a bad file, :class:`RunDirError` for a bad run directory)."""
    seed = None
    if path.is_dir():
        summary = check_run_dir(path)
        copy = next((path / c for c in COPIES if (path / c).is_file()), None)
        if copy is None:
            raise RunDirError(f"{path}: the run directory keeps no copy of its scenario "
                              f"({', '.join(COPIES)})")
        seed = summary.get("seed")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise RunDirError(f"{path / 'summary.json'}: no whole-number seed")
        path = copy
    source = read_source(path)
    scenario = load_source(source)
    return Base.of(source.tree, str(path), seed, scenario)


def open_target(path: Path) -> Base:
    """:func:`load_target` for a request: every problem a 400 naming the field ``path``."""
    try:
        return load_target(path)
    except ScenarioError as exc:
        errors = [p for p in exc.problems if p.severity == "error"] or list(exc.problems)
        raise BoardError(errors[0].format() if errors else str(exc),
                         code=errors[0].code if errors else "bad-scenario", field="path",
                         problems=[p.as_dict() for p in errors]) from None
    except RunDirError as exc:
        raise BoardError(str(exc), code="bad-run-dir", field="path") from None
