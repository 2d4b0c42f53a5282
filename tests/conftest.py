"""Shared test fixtures: where the repository, its bundled scenarios and test data are.

Also a guard: the suite must be whole in its own repository. A test (or a module it
imports) that opens or lists a path beside the clone, such as ``../shared``, gets a
``PermissionError`` naming the path, so it fails here and not for the next newcomer
whose clone has nothing beside it (``tests/test_fresh_clone.py`` checks the same from a
copy of the repository with nothing beside it). A clone in the temporary folder is not
guarded: there is nothing of ours beside it, only other programs' temporary files.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
GUARDED_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})
TEMP = Path(tempfile.gettempdir()).resolve()


def _allowed_roots() -> tuple[str, ...]:
    places = {ROOT, TEMP, Path.home()}
    places |= {Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    places |= {Path(p) for p in sys.path if p}
    resolved = {p.resolve() for p in places}
    # a place holding the repository (a clone in /tmp, or in $HOME) would allow everything
    kept = [p for p in resolved if p == ROOT or not ROOT.is_relative_to(p)]
    return tuple(str(p) + os.sep for p in kept)


def _guarded_parent() -> str | None:
    """The folder beside the clone to keep out of, or ``None`` when the clone sits in the
    temporary folder (or at the top of the disk): every test's temporary files live
    beside it there, and nothing of ours can be."""
    parent = ROOT.parent
    if parent == Path(parent.anchor) or parent.is_relative_to(TEMP):
        return None
    return str(parent) + os.sep


def _beside_the_repo(path: str) -> bool:
    """True for a path in the repository's parent folder that belongs to no allowed place."""
    parent = GUARDED
    full = os.path.realpath(path) + os.sep
    if parent is None or not full.startswith(parent):
        return False
    first = full[len(parent):].split(os.sep, 1)[0]
    if first.startswith("."):  # dot folders beside the clone: caches and tool settings
        return False
    return not any(full.startswith(place) or place.startswith(full) for place in ALLOWED)


def _guard(event: str, args: tuple[Any, ...]) -> None:
    if event not in GUARDED_EVENTS or not args:
        return
    path = args[0]
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if isinstance(path, str) and _beside_the_repo(path):
        raise PermissionError(f"tests must not read outside the repository: {path} "
                              "(put the data under tests/data/)")


ALLOWED = _allowed_roots()
GUARDED = _guarded_parent()
sys.addaudithook(_guard)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(params=BUNDLED, ids=[p.name for p in BUNDLED])
def bundled_scenario(request: pytest.FixtureRequest) -> Path:
    """Each scenario file shipped in ``scenarios/``, in turn."""
    path: Path = request.param
    return path
