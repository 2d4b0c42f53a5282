"""The injects of a generated programme: outages, delays, absences and notes, in turn."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from sim.scenario.synth.timeline import time_text

KINDS = ("resource_down", "delay", "group_unavailable", "note")


def make_injects(
    rng: random.Random,
    count: int,
    end: float,
    activity_ids: Sequence[str],
    group_list: list[dict[str, Any]],
    resource_list: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """``count`` injects between day 1 and the day of ``end`` (hours from D1 00:00)."""
    last_day = max(1, int(end // 24) + 1)
    out: list[dict[str, Any]] = []
    for k in range(count):
        day = rng.randint(1, last_day)
        clock = rng.randint(7 * 4, 16 * 4) / 4
        at = (day - 1) * 24 + clock
        entry: dict[str, Any] = {"id": f"M-{k + 1:03d}"}
        if rng.random() < 0.2:
            entry["at"] = {"between": [time_text(at), time_text(at + 3)]}
        else:
            entry["at"] = time_text(at)
        entry["kind"] = KINDS[k % len(KINDS)]
        entry.update(_effect(rng, entry["kind"], activity_ids, group_list, resource_list))
        if rng.random() < 0.3:
            entry["probability"] = 0.5
        entry["from"] = "Exercise control"
        out.append(entry)
    return out


def _effect(
    rng: random.Random,
    kind: str,
    activity_ids: Sequence[str],
    group_list: list[dict[str, Any]],
    resource_list: list[dict[str, Any]],
) -> dict[str, Any]:
    """The keys of one inject that its kind decides (target, duration, description...)."""
    if kind == "resource_down":
        res = rng.choice(resource_list)
        effect: dict[str, Any] = {"target": res["id"] if rng.random() < 0.8 else res["tags"][0]}
        if effect["target"] == res["id"] and res["capacity"] > 1:
            effect["amount"] = 1
        effect["for"] = f"{rng.randint(2, 6)}h"
        if rng.random() < 0.3:
            effect["on_hit"] = "finish"
        effect["description"] = "A facility is out of service for a while."
        return effect
    if kind == "delay":
        return {"target": rng.choice(activity_ids), "by": {"triangular": ["30min", "1h", "2h"]},
                "description": "An activity overruns."}
    if kind == "group_unavailable":
        return {"target": rng.choice(group_list)["id"], "for": f"{rng.randint(2, 5)}h",
                "description": "A group is called away."}
    return {"description": "Visitors arrive to observe."}
