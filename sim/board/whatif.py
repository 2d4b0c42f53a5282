"""What-if: the served scenario with the room's edits, re-run with the same seed, and how the
variant differs from the baseline (end, each phase's lateness, which activities moved)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.board.edits import Edit, apply_edits, check_tree
from sim.core.timefmt import format_duration, format_time
from sim.engine import simulate
from sim.results import RunResult
from sim.scenario.model import Scenario

MOVED_SHOWN = 40  # activities listed in the difference (the largest moves first)
SAME = 1e-6  # hours: closer than this is "did not move"


@dataclass(frozen=True)
class Base:
    """What the board serves before any edit: the scenario tree, its seed and runs."""

    tree: Any
    name: str  # file the scenario came from (for messages and the saved variant)
    scenario: Scenario
    seed: int
    baseline: RunResult
    plan: RunResult  # expected durations, no injects: the plan the Gantt draws against

    @classmethod
    def of(cls, tree: Any, name: str, seed: int | None = None,
           scenario: Scenario | None = None) -> Base:
        """Check the tree (unless its ``scenario`` is given) and run baseline and plan."""
        scenario = scenario or check_tree(tree, name)
        run_seed = seed if seed is not None else (scenario.seed or 0)
        return cls(tree, name, scenario, run_seed, simulate(scenario, run_seed),
                   simulate(scenario, run_seed, plan=True))


_numbers = itertools.count(1)


@dataclass(frozen=True)
class Variant:
    """The base with a list of edits, run once with the base's seed."""

    edits: tuple[Edit, ...]
    tree: Any
    scenario: Scenario
    result: RunResult
    plan: RunResult
    number: int = field(default_factory=lambda: next(_numbers))  # tells the page it changed


def run_variant(base: Base, edits: Sequence[Edit]) -> Variant:
    """Apply ``edits`` (checked: :class:`BoardError` on the first problem) and re-run."""
    if not edits:
        return Variant((), base.tree, base.scenario, base.baseline, base.plan)
    tree = apply_edits(base.tree, edits)
    scenario = check_tree(tree, base.name, edits[-1])
    return Variant(tuple(edits), tree, scenario, simulate(scenario, base.seed),
                   simulate(scenario, base.seed, plan=True))


def difference(baseline: RunResult, variant: RunResult) -> dict[str, Any]:
    """The variant against the baseline: end, phase lateness, moved activities (JSON)."""
    end_delta = variant.end_h - baseline.end_h
    phases = []
    for pid, row in baseline.phases.items():
        other = variant.phases.get(pid)
        if other is None:
            continue
        late_a, late_b = row.late_h, other.late_h
        delta = None if late_a is None or late_b is None else late_b - late_a
        phases.append({"id": pid, "name": row.name, "base_late_h": late_a,
                       "late_h": late_b, "delta_h": delta, "base_end": _t(row.end_h),
                       "end": _t(other.end_h)})
    moved = _moved(baseline, variant)
    return {
        "end": {"base_h": baseline.end_h, "h": variant.end_h, "delta_h": end_delta,
                "base": format_time(baseline.end_h), "variant": format_time(variant.end_h),
                "delta": _signed(end_delta),
                "base_on_time": baseline.on_time, "on_time": variant.on_time},
        "phases": phases,
        "moved": moved[:MOVED_SHOWN],
        "moved_count": len(moved),
        "same": not moved and abs(end_delta) < SAME,
    }


def _moved(baseline: RunResult, variant: RunResult) -> list[dict[str, Any]]:
    before = {a.id: a for a in baseline.activities}
    out = []
    for act in variant.activities:
        old = before.get(act.id)
        start_d = _delta(old.start_h if old else None, act.start_h)
        end_d = _delta(old.end_h if old else None, act.end_h)
        if old is not None and abs(start_d or 0.0) < SAME and abs(end_d or 0.0) < SAME:
            continue
        out.append({"id": act.id, "name": act.name, "start_delta_h": start_d,
                    "end_delta_h": end_d, "start_delta": _signed(start_d),
                    "end_delta": _signed(end_d), "new": old is None})
    gone = [a for a in baseline.activities if a.id not in {v.id for v in variant.activities}]
    out += [{"id": a.id, "name": a.name, "start_delta_h": None, "end_delta_h": None,
             "start_delta": "", "end_delta": "", "new": False, "gone": True} for a in gone]
    return sorted(out, key=lambda m: (-abs(m["end_delta_h"] or 0.0), m["id"]))


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def _signed(hours: float | None) -> str:
    if hours is None:
        return ""
    if abs(hours) < SAME:
        return "0"
    return ("+" if hours > 0 else "-") + format_duration(abs(hours))


def _t(hours: float | None) -> str:
    return "" if hours is None else format_time(hours)
