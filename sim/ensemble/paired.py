"""Paired differences of two variants, replication by replication (common random numbers)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.ensemble.moments import Moments, Proportion
from sim.ensemble.records import Record
from sim.ensemble.rounding import rounded, rounded_pair


@dataclass
class PairedStats:
    """Differences B - A replication by replication (common random numbers)."""

    phases: tuple[str, ...]
    limited: tuple[str, ...]
    end: Moments = field(default_factory=Moments)
    on_time: Moments = field(default_factory=Moments)
    a_on_time: Proportion = field(default_factory=Proportion)
    b_on_time: Proportion = field(default_factory=Proportion)
    phase_late: dict[str, Moments] = field(default_factory=dict)
    limit_duration: dict[str, Moments] = field(default_factory=dict)
    within_limit: dict[str, Moments] = field(default_factory=dict)
    holds: Moments = field(default_factory=Moments)  # held as planned (1 or 0)
    phase_on_time: dict[str, Moments] = field(default_factory=dict)  # per phase with a due

    def add_plan(self, a_holds: bool, b_holds: bool, a_on_time: dict[str, bool],
                 b_on_time: dict[str, bool]) -> None:
        """One pair's flags: held as planned, and each phase by its due time (the phases
        with a due time in both variants)."""
        self.holds.add(float(b_holds) - float(a_holds))
        for pid, ok in a_on_time.items():
            if pid in b_on_time:
                self.phase_on_time.setdefault(pid, Moments()).add(
                    float(b_on_time[pid]) - float(ok))

    def add(self, a: Record, b: Record, a_phases: tuple[str, ...], b_phases: tuple[str, ...],
            a_limited: tuple[str, ...] = (), b_limited: tuple[str, ...] = ()) -> None:
        self.end.add(b.end_h - a.end_h)
        self.on_time.add(float(b.on_time) - float(a.on_time))
        self.a_on_time.add(a.on_time)
        self.b_on_time.add(b.on_time)
        _add_differences(self.phase_late, self.phases,
                         dict(zip(a_phases, a.phase_late, strict=True)),
                         dict(zip(b_phases, b.phase_late, strict=True)))
        if not self.limited:
            return
        _add_differences(self.limit_duration, self.limited,
                         dict(zip(a_limited, a.phase_duration, strict=True)),
                         dict(zip(b_limited, b.phase_duration, strict=True)))
        a_ok = dict(zip(a_limited, a.phase_breach, strict=True))
        b_ok = dict(zip(b_limited, b.phase_breach, strict=True))
        for pid in self.limited:
            if pid in a_ok and pid in b_ok:
                within = float(not b_ok[pid]) - float(not a_ok[pid])
                self.within_limit.setdefault(pid, Moments()).add(within)

    def summary(self, confidence: float = 0.95) -> dict[str, Any]:
        def diff(m: Moments) -> dict[str, Any]:
            return {"mean": rounded(m.mean), "ci": rounded_pair(m.ci(confidence)),
                    "std": rounded(m.std), "n": m.n}

        return {
            "end_h_difference": diff(self.end),
            "p_on_time_difference": diff(self.on_time),
            "phase_late_h_difference": {p: diff(m) for p, m in self.phase_late.items()},
            "limit_duration_h_difference": {p: diff(m) for p, m in self.limit_duration.items()},
            "p_within_limit_difference": {p: diff(m) for p, m in self.within_limit.items()},
            "p_holds_difference": diff(self.holds),
            "p_on_time_phase_difference": {p: diff(m) for p, m in self.phase_on_time.items()},
        }


def _add_differences(into: dict[str, Moments], ids: tuple[str, ...], a: dict[str, float],
                     b: dict[str, float]) -> None:
    """``b[i] - a[i]`` into ``into[i]`` for each id both variants have a value for."""
    for pid in ids:
        x, y = a.get(pid, math.nan), b.get(pid, math.nan)
        if not (math.isnan(x) or math.isnan(y)):
            into.setdefault(pid, Moments()).add(y - x)
