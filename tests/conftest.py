"""Shared test fixtures: where the repository, its bundled scenarios and test data are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(params=BUNDLED, ids=[p.name for p in BUNDLED])
def bundled_scenario(request: pytest.FixtureRequest) -> Path:
    """Each scenario file shipped in ``scenarios/``, in turn."""
    path: Path = request.param
    return path
