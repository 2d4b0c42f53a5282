"""The scenario files shipped with the package (the default is KAZIND-21)."""

from __future__ import annotations

from pathlib import Path

DEFAULT = "kazind21.yaml"


def scenarios_dir() -> Path:
    """``sim/scenarios`` in an installed wheel, ``scenarios/`` in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"


def default_scenario() -> Path:
    return scenarios_dir() / DEFAULT


def starter_text() -> str:
    """The commented starter scenario written by ``tabletop new``."""
    return (Path(__file__).resolve().parent / "starter.yaml").read_text(encoding="utf-8")
