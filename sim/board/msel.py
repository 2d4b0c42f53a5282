"""The MSEL on the board: each inject with its time, effect, status in the variant run, and
what each view may show of it (a participant sees an inject only once it has come)."""

from __future__ import annotations

from typing import Any, Literal

from sim.core.timefmt import format_time
from sim.replay import inject_effect
from sim.results import RunResult, inject_outcomes
from sim.scenario.model import Inject

View = Literal["controller", "participant"]
NEXT_SHOWN = 2  # next injects the controller sees beside the clock


def inject_times(result: RunResult) -> dict[str, float]:
    """When each inject hit (or missed its target) in the run."""
    return {o["id"]: o["t"] for o in inject_outcomes(result)
            if o["status"] in ("hit", "missed") and o["t"] is not None}


def _written_time(inject: Inject) -> str:
    if inject.at_latest > inject.at:
        return f"{format_time(inject.at)} to {format_time(inject.at_latest)}"
    return format_time(inject.at)


def msel_rows(result: RunResult, skipped: set[str], held: set[str]) -> list[dict[str, Any]]:
    """Every inject of the variant, and the skipped ones of the base (controller's table)."""
    outcomes = {o["id"]: o for o in inject_outcomes(result)}
    rows = []
    for inj in result.scenario.injects:
        out = outcomes.get(inj.id, {})
        rows.append({
            "id": inj.id, "kind": inj.kind, "time": _written_time(inj),
            "at_h": inj.at, "hit_h": out.get("t") if out.get("status") == "hit" else None,
            "hit": format_time(out["t"]) if out.get("t") is not None else "",
            "status": out.get("status", "not reached"), "effect": inject_effect(inj),
            "probability": inj.probability, "description": inj.description or "",
            "from": inj.from_ or "", "to": inj.to or "",
            "expected_action": inj.expected_action or "", "objective": inj.objective or "",
            "held": inj.id in held, "skipped": False,
        })
    for iid in sorted(skipped):
        rows.append({"id": iid, "kind": "", "time": "", "at_h": None, "hit_h": None, "hit": "",
                     "status": "skipped at the board", "effect": "", "probability": 0.0,
                     "description": "", "from": "", "to": "", "expected_action": "",
                     "objective": "", "held": False, "skipped": True})
    return rows


def revealed(result: RunResult, t: float, held: set[str]) -> list[dict[str, Any]]:
    """Injects that have come by ``t`` and are not held: what the room may read, latest first."""
    times = inject_times(result)
    shown = []
    for inj in result.scenario.injects:
        when = times.get(inj.id)
        if when is None or when > t + 1e-9 or inj.id in held:
            continue
        shown.append({"id": inj.id, "t_h": when, "time": format_time(when),
                      "description": inj.description or inject_effect(inj),
                      "from": inj.from_ or "", "to": inj.to or ""})
    return sorted(shown, key=lambda r: (-r["t_h"], r["id"]))


def coming(result: RunResult, t: float, held: set[str]) -> list[dict[str, Any]]:
    """The next injects after ``t``, and the held ones, with expected actions (controller)."""
    times = inject_times(result)
    rows = []
    for inj in result.scenario.injects:
        when = times.get(inj.id)
        is_held = inj.id in held and when is not None and when <= t + 1e-9
        if when is None or (when <= t + 1e-9 and not is_held):
            continue
        rows.append({"id": inj.id, "t_h": when, "time": format_time(when),
                     "effect": inject_effect(inj), "description": inj.description or "",
                     "expected_action": inj.expected_action or "", "held": is_held})
    rows.sort(key=lambda r: (not r["held"], r["t_h"], r["id"]))
    held_count = sum(1 for r in rows if r["held"])
    return rows[:NEXT_SHOWN + held_count]
