"""The uncertain inputs of an ensemble, in words (for tables and charts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.ensemble.result import EnsembleResult

INJECT_WORDS = {"inject_hit": "whether it happens", "inject_delay": "delay",
                "inject_time": "when it happens"}


def input_label(result: EnsembleResult, label: str, kind: str) -> str:
    """``"Final report (final_report): duration"``: an uncertain input in words."""
    if kind == "duration":
        names = {a.id: a.name for a in result.scenario.activities}
        name = names.get(label, label)
        return f"{name} ({label}): duration" if name != label else f"{label}: duration"
    return f"inject {label.rsplit(' ', 1)[0]}: {INJECT_WORDS.get(kind, kind)}"
