"""Effects of one-change variants, as plain data (what ``tabletop drivers`` reports).

An effect is the mean paired difference, variant minus baseline, over replications run
with the same seed (common random numbers: replication ``i`` of both draws the same
numbers), with a normal 95 % interval; for a share of runs (holding as planned, a phase
on time, a limit kept) the difference of the shares with Newcombe's paired interval
(:mod:`sim.ensemble.paired_shares`). An interval that contains zero is "no measurable
effect": such drivers are listed, never ranked.

Ranking: the drivers that measurably move the share of runs holding as planned come
first, the largest move (either way) first, as that is the programme-level answer; then
the others by their largest effect in hours on a phase's end or lateness or on the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.ensemble.rounding import rounded

EPS_H = 1e-6  # paired differences this close to zero are zero (floating-point sums)

END = "end"  # the target of an effect on the programme end (else a phase id)
PROGRAMME = "programme"  # the target of the effect on holding as planned
HOURS = ("end_h", "late_h")  # the measures "largest effect" compares
HOLDS = "holds_share"  # share of runs holding as planned (target PROGRAMME)
ON_TIME = "on_time_share"  # share of runs in which a dated phase ends by its due time
WITHIN = "within_limit_share"  # share of runs in which a limited phase keeps its limit
SHARES = (HOLDS, ON_TIME, WITHIN)


@dataclass(frozen=True)
class Effect:
    """How much a change moves one figure: ``measure`` of ``target``."""

    target: str  # END, PROGRAMME or a phase id
    measure: str  # "end_h": when it ends; "late_h": its lateness; "p80_end_h": P80 of its
    #               end; a share of SHARES: difference of the shares (fractions)
    mean: float
    low: float
    high: float
    n: int

    @property
    def measurable(self) -> bool:
        """Its interval leaves out zero (beyond floating-point noise)."""
        return self.low > EPS_H or self.high < -EPS_H

    @property
    def is_share(self) -> bool:
        return self.measure in SHARES

    def as_dict(self) -> dict[str, Any]:
        digits = 4 if self.is_share else 3
        return {"target": self.target, "measure": self.measure,
                "mean": rounded(self.mean, digits), "low": rounded(self.low, digits),
                "high": rounded(self.high, digits), "n": self.n,
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
        """The measurable effects in hours on an end or a lateness."""
        return tuple(e for e in self.effects if e.measurable and e.measure in HOURS)

    @property
    def holds(self) -> Effect | None:
        """The effect on the share of runs holding as planned."""
        return self.effect(PROGRAMME, HOLDS)

    @property
    def moves_holds(self) -> bool:
        return self.holds is not None and self.holds.measurable

    @property
    def trade_off(self) -> tuple[Effect, ...]:
        """When the change makes something measurably earlier (or more often on time) but
        measurably lowers the share holding as planned: what gets worse (phases less
        often on time or within their limit, else ends measurably later, else the
        holds effect itself); ``()`` otherwise."""
        h = self.holds
        better = any(e.mean < 0 for e in self.measurable) or any(
            e.measurable and e.mean > 0 for e in self.effects if e.measure in (ON_TIME, WITHIN))
        if h is None or not h.measurable or h.mean >= 0 or not better:
            return ()
        worse = [e for e in self.effects if e.measurable and e.measure in (ON_TIME, WITHIN)
                 and e.mean < 0]
        return tuple(worse or [e for e in self.measurable if e.measure == "end_h"
                               and e.mean > 0] or [h])

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
                "measurable": bool(self.measurable) or self.moves_holds,
                "trade_off": [{"target": e.target, "measure": e.measure}
                              for e in self.trade_off],
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
        """Drivers with a measurable effect: those moving the share holding as planned
        first (the largest move first), then the others by their largest effect."""
        found = [d for d in self.drivers if d.strongest is not None or d.moves_holds]
        return sorted(found, key=_rank_key)

    def unmeasurable(self) -> list[Driver]:
        return [d for d in self.drivers
                if not d.why_not and d.strongest is None and not d.moves_holds]

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
                          "paired bootstrap interval; *_share: difference of the shares "
                          "of runs (fractions), 95% Newcombe (1998, method 10) interval "
                          "for paired proportions",
                "ranking": "measurable effect on holds_share first, largest first; then "
                           "the largest measurable end_h or late_h effect",
                "ranked": [d.label for d in self.ranked()],
                "no_measurable_effect": [d.label for d in self.unmeasurable()],
                "drivers": [d.as_dict() for d in self.drivers]}


def _rank_key(d: Driver) -> tuple[int, float, str, str, str]:
    if d.moves_holds and d.holds is not None:
        return (0, -abs(d.holds.mean), d.kind, d.id, d.change)
    return (1, -abs(d.strongest.mean) if d.strongest else 0.0, d.kind, d.id, d.change)


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
    # the trade-off: each phase that ends later with the unit (hours later), and whether
    # it is now late or over its limit where it was not before
    later: tuple[tuple[str, float, bool], ...] = ()

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
