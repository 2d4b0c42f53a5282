"""Effects of one-change variants, as plain data (what ``tabletop drivers`` reports).

An effect is the mean paired difference, variant minus baseline, over replications run
with the same seed (common random numbers: replication ``i`` of both draws the same
numbers), with a normal 95 % interval. An interval that contains zero is "no
measurable effect": such drivers are listed, never ranked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.ensemble.rounding import rounded

EPS_H = 1e-6  # paired differences this close to zero are zero (floating-point sums)

END = "end"  # the target of an effect on the programme end (else a phase id)


@dataclass(frozen=True)
class Effect:
    """How much a change moves one figure: ``measure`` of ``target``."""

    target: str  # END or a phase id
    measure: str  # "end_h": when it ends; "late_h": its lateness; "p80_end_h": P80 of its end
    mean: float
    low: float
    high: float
    n: int

    @property
    def measurable(self) -> bool:
        """Its interval leaves out zero (beyond floating-point noise)."""
        return self.low > EPS_H or self.high < -EPS_H

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "measure": self.measure, "mean": rounded(self.mean),
                "low": rounded(self.low), "high": rounded(self.high), "n": self.n,
                "measurable": self.measurable}


@dataclass(frozen=True)
class Driver:
    """A one-change variant and its effects (none when it could not be run)."""

    kind: str  # "resource", "group", "inject"
    id: str
    change: str
    effects: tuple[Effect, ...] = ()
    why_not: str = ""  # set when the change cannot be made

    @property
    def label(self) -> str:
        return f"{self.id} {self.change}"

    @property
    def measurable(self) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.measurable and e.measure != "p80_end_h")

    @property
    def strongest(self) -> Effect | None:
        """The measurable effect with the largest size (``None``: no measurable effect)."""
        found = sorted(self.measurable, key=lambda e: (-abs(e.mean), e.target, e.measure))
        return found[0] if found else None

    def effect(self, target: str, measure: str) -> Effect | None:
        return next((e for e in self.effects if e.target == target and e.measure == measure),
                    None)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "change": self.change,
                "possible": not self.why_not, "why_not": self.why_not or None,
                "measurable": bool(self.measurable),
                "effects": [e.as_dict() for e in self.effects]}


@dataclass(frozen=True)
class DriverTable:
    """Every driver of a scenario, measured on ``n`` paired replications."""

    scenario: str
    seed: int
    n: int
    drivers: tuple[Driver, ...]
    risks: tuple[str, ...] = ()  # injects with a probability or a window

    def ranked(self) -> list[Driver]:
        """Drivers with a measurable effect, the largest first."""
        found = [d for d in self.drivers if d.strongest is not None]
        return sorted(found, key=lambda d: (-abs(d.strongest.mean) if d.strongest else 0.0,
                                            d.kind, d.id, d.change))

    def unmeasurable(self) -> list[Driver]:
        return [d for d in self.drivers if not d.why_not and d.strongest is None]

    def impossible(self) -> list[Driver]:
        return [d for d in self.drivers if d.why_not]

    def risk_impacts(self) -> list[tuple[Driver, Effect]]:
        """For each risk removed, its impact on the P80 of each phase end (measurable
        first, largest first)."""
        out = [(d, e) for d in self.drivers if d.kind == "inject" and d.id in self.risks
               for e in d.effects if e.measure == "p80_end_h"]
        return sorted(out, key=lambda p: (not p[1].measurable, -abs(p[1].mean), p[0].id,
                                          p[1].target))

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "seed": self.seed, "replications": self.n,
                "method": "paired differences, variant - baseline, same seed and "
                          "replications (common random numbers); 95% normal interval; "
                          "p80_end_h: P80 without the inject - baseline P80, 95% "
                          "paired bootstrap interval",
                "ranked": [d.label for d in self.ranked()],
                "no_measurable_effect": [d.label for d in self.unmeasurable()],
                "drivers": [d.as_dict() for d in self.drivers]}


def finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


@dataclass(frozen=True)
class UnitEffect:
    """One run again with one more unit of a resource (or team of a group) it waited for,
    same seed and replication: how much earlier (positive) the end and each phase end."""

    kind: str  # "resource" or "group"
    id: str
    wait_h: float  # hours activities waited for it in the run
    end_h: float  # the end's change, hours earlier (0: none)
    phases: tuple[tuple[str, float], ...]  # each phase end's change, hours earlier

    @property
    def largest(self) -> tuple[str, float]:
        """(END or a phase id, hours earlier) of the largest change; ("", 0.0) if none."""
        found = [(END, self.end_h), *self.phases]
        best = max(found, key=lambda p: (p[1], p[0] == END))
        return best if best[1] > EPS_H else ("", 0.0)


def bottleneck_of(effects: tuple[UnitEffect, ...]) -> UnitEffect | None:
    """The effect that moves the end or a phase earliest (``None``: none moves anything)."""
    moving = [e for e in effects if e.largest[1] > EPS_H]
    return max(moving, key=lambda e: (e.largest[1], e.largest[0] == END, e.wait_h)) \
        if moving else None
