"""A generated network where activities really compete for facilities.

``contention_tree(n, seed=s)``: ``resources`` facilities (capacity 1 to 4), each activity
needing one unit of one of them, with 0 to 2 predecessors among the previous
``window`` activities. Many activities are ready at once and most of them wait for a
facility, so the dispatcher's cost per event shows: with a dispatcher that scans every
waiting activity at every event, the cost per activity grows with ``n``.

One around-the-clock phase by default (``working_day=True`` gives a working-day
calendar instead, so the clock holds activities too); a share of triangular durations.
Deterministic for a given seed (``random.Random``).
"""

from __future__ import annotations

import math
import random
from typing import Any

__all__ = ["contention_tree"]

DAY_HOURS = 12.0  # working hours per day when working_day=True (07:00-19:00)


def contention_tree(
    activities: int,
    *,
    seed: int = 0,
    resources: int = 20,
    window: int = 50,
    random_share: float = 0.3,
    working_day: bool = False,
) -> dict[str, Any]:
    """A valid ``tabletop/1`` tree with ``activities`` activities (ids ``c00001`` ...)."""
    if activities < 1 or resources < 1 or window < 1:
        raise ValueError("activities, resources and window must be >= 1")
    rng = random.Random(seed)
    facilities: list[dict[str, Any]] = [
        {"id": f"f{k}", "capacity": rng.randint(1, 4), "hours": "always"}
        for k in range(1, resources + 1)
    ]
    acts, work = _activities(rng, activities, facilities, window, random_share)
    capacity = sum(int(f["capacity"]) for f in facilities)
    hours = 2 * work / capacity + 4 * window  # generous: a stuck run shows as stuck, not late
    per_day = DAY_HOURS if working_day else 24.0
    phase: dict[str, Any] = {"id": "work", "activities": acts}
    tree: dict[str, Any] = {
        "format": "tabletop/1",
        "name": f"Contention network, {activities} activities (seed {seed})",
        "description": "Generated for benchmarks and tests: abstract facilities, no real "
        "content.",
        "days": min(3660, max(2, math.ceil(hours / per_day) + 1)),
        "seed": seed,
        "dispatch": "critical_path",
        "resources": facilities,
    }
    if working_day:
        tree["calendar"] = {"day_start": "07:00", "day_end": "19:00", "rest_days": []}
        for f in facilities:
            del f["hours"]
    else:
        phase["around_the_clock"] = True
    tree["phases"] = [phase]
    return tree


def _activities(
    rng: random.Random,
    count: int,
    facilities: list[dict[str, Any]],
    window: int,
    random_share: float,
) -> tuple[list[dict[str, Any]], float]:
    """The activities, and a generous estimate of their work in hours."""
    width = max(5, len(str(count)))
    acts, work = [], 0.0
    for j in range(count):
        mode = rng.choice((1.0, 1.5, 2.0, 3.0, 4.0))
        act: dict[str, Any] = {"id": f"c{j + 1:0{width}d}"}
        if rng.random() < random_share:
            act["duration"] = {"triangular": [mode * 0.75, mode, mode * 1.5]}
        else:
            act["duration"] = mode
        act["needs"] = {rng.choice(facilities)["id"]: 1}
        first = max(0, j - window)
        preds = sorted(rng.sample(range(first, j), min(j - first, rng.randint(0, 2))))
        if preds:
            act["after"] = [f"c{p + 1:0{width}d}" for p in preds]
        acts.append(act)
        work += mode * 1.5
    return acts, work
