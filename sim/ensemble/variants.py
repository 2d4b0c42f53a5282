"""What a variant is called: its file name plus the changes made to it (``--set``, sweep
levels), so that two sides of a comparison never carry the same label."""

from __future__ import annotations

import re
from pathlib import Path

from sim.scenario.model import Scenario


def variant_label(scenario: Scenario) -> str:
    """``my-week`` or ``my-week [resources.range.capacity=2]``."""
    stem = Path(scenario.file).stem or scenario.name
    return f"{stem} [{', '.join(scenario.overrides)}]" if scenario.overrides else stem


def distinct_labels(a: Scenario, b: Scenario) -> tuple[str, str]:
    """The labels of two variants; when they would read the same, ``(A)`` and ``(B)``
    are added so the two sides can be told apart."""
    la, lb = variant_label(a), variant_label(b)
    return (f"{la} (A)", f"{lb} (B)") if la == lb else (la, lb)


def label_slug(label: str, most: int = 60) -> str:
    """A label as part of a directory name: ``my-week-resources.range.capacity-2``."""
    slug = re.sub(r"[^A-Za-z0-9._]+", "-", label).strip("-")
    return slug[:most].rstrip("-") or "variant"
