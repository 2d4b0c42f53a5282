"""Schedule-risk indices of each activity against each phase end, streamed run by run.

Three standard indices (Vanhoucke 2010, *Measuring Time*), side by side, each with a
95 % interval, for every activity ``a`` and phase ``p``:

- **criticality index** CI(a, p): the share of runs in which ``a`` is on the chain that
  set the end of ``p``, walked back through the run's event log
  (:func:`~sim.ensemble.criticality.phase_chains`: resource and group waits count).
  Interval: Wilson score.
- **cruciality** CRI(a, p): Spearman's rank correlation of ``a``'s drawn duration with
  the end of ``p``, the activity's own phase. Interval: Fisher's z,
  ``tanh(atanh(r) ± 1.96·sqrt(1.06 / (n − 3)))`` (the 1.06 is Fieller, Hartley and
  Pearson's variance factor for Spearman's rho).
- **schedule sensitivity index** SSI(a, p) = CI(a, p) × σ(duration of a) / σ(end of p).
  Interval: the criticality interval times the same ratio of standard deviations.

Memory does not grow with the number of runs: counts for the criticality (phases ×
activities), Welford moments for the standard deviations, a quantile sketch of each
phase end (for the merge bias), and per phase one
:class:`~sim.ensemble.correlation.RankCorrelation` of the random durations of its own
activities (exact ranks for the first ``WARMUP`` runs, then joint counts in quantile
bins): O(activities) for the correlations, which is why cruciality is taken against
the activity's own phase only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.correlation import RankCorrelation
from sim.ensemble.criticality import ChainContext, phase_chains
from sim.ensemble.layout import Layout
from sim.ensemble.moments import Moments, Proportion, z_value
from sim.ensemble.quantiles import Quantiles
from sim.ensemble.records import Packed
from sim.results.result import RunResult
from sim.scenario.model import Scenario

SPEARMAN_VARIANCE = 1.06  # var(atanh(rho_s)) ~ 1.06 / (n - 3) (Fieller et al. 1957)


@dataclass(frozen=True)
class Index:
    """One index of one activity against one phase end, with its interval."""

    activity: str
    phase: str
    value: float
    low: float
    high: float

    @property
    def above_noise(self) -> bool:
        """Its interval leaves out zero."""
        return self.low > 0 or self.high < 0


@dataclass
class IndexStats:
    """Counts and moments the indices are made of (see the module's docstring)."""

    phases: tuple[str, ...]
    activities: tuple[str, ...]
    random: tuple[str, ...]  # activities with a random duration: those with a spread
    routine: frozenset[str] = frozenset()
    phase_of: tuple[tuple[str, str], ...] = ()  # (activity, its phase)
    context: ChainContext | None = None
    n: int = 0
    critical: NDArray[np.int64] = field(  # [phase, activity]
        default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    phase_end: list[Moments] = field(default_factory=list)
    phase_end_q: list[Quantiles] = field(default_factory=list)  # for the merge bias (P50)
    duration: list[Moments] = field(default_factory=list)  # [random activity]
    ranks: list[RankCorrelation] = field(default_factory=list)  # [phase]: its own activities
    members: list[list[int]] = field(default_factory=list)  # [phase]: positions in random

    @classmethod
    def of(cls, scenario: Scenario) -> IndexStats:
        return cls(
            phases=tuple(p.id for p in scenario.phases),
            activities=tuple(a.id for a in scenario.activities),
            random=tuple(a.id for a in scenario.activities if a.duration.is_random),
            routine=frozenset(a.id for a in scenario.activities if a.routine),
            phase_of=tuple((a.id, a.phase) for a in scenario.activities),
            context=ChainContext.of(scenario))

    def __post_init__(self) -> None:
        self.critical = np.zeros((len(self.phases), len(self.activities)), dtype=np.int64)
        self.phase_end = [Moments() for _ in self.phases]
        self.phase_end_q = [Quantiles(bins=500) for _ in self.phases]
        self.duration = [Moments() for _ in self.random]
        phase_of = dict(self.phase_of)
        self.members = [[i for i, a in enumerate(self.random) if phase_of.get(a) == pid]
                        for pid in self.phases]
        self.ranks = [RankCorrelation(len(m)) for m in self.members]
        self._act = {a: i for i, a in enumerate(self.activities)}

    def add_packed(self, packed: Packed, layout: Layout) -> None:
        """Fold in a chunk's runs that carry their phase chains (``Packed.phase_critical``:
        the leading ones), in replication order: the same sums as :meth:`add_runs` on
        those runs, from what crossed from the workers instead of whole runs."""
        chained = packed.phase_critical
        if chained is None or not len(chained):
            return
        count = len(chained)
        self.n += count
        self.critical += chained.sum(axis=0)
        c = layout.columns
        ends = packed.values[:count, c.phase_end]
        draws = packed.values[:count, c.inputs][:, :len(self.random)]
        self._fold(ends, draws)

    def _fold(self, ends: NDArray[np.float64], draws: NDArray[np.float64]) -> None:
        """The moments, sketches and rank correlations of ``ends`` [run, phase] and
        ``draws`` [run, random activity] (NaN: unfinished, or not drawn)."""
        for k, (m, q) in enumerate(zip(self.phase_end, self.phase_end_q, strict=True)):
            column = ends[:, k]
            finished = column[~np.isnan(column)].tolist()
            m.add_many(finished)
            q.add_many(finished)
        for k, m in enumerate(self.duration):
            column = draws[:, k]
            m.add_many(column[~np.isnan(column)].tolist())
        if not self.ranks or not len(ends):
            return
        for k, rank in enumerate(self.ranks):
            done = ~np.isnan(ends[:, k])  # runs that finished the phase
            if done.any() and self.members[k]:
                rank.add_rows(draws[done][:, self.members[k]], ends[done, k].tolist())

    def add_runs(self, results: Iterable[RunResult]) -> None:
        """Fold whole runs in, in replication order (their chains walked here)."""
        ends: list[list[float]] = []
        draws: list[list[float]] = []
        for result in results:
            self.n += 1
            chains = phase_chains(result, self.context)
            for k, pid in enumerate(self.phases):
                for aid in chains.get(pid, ()):
                    i = self._act.get(aid)
                    if i is not None:
                        self.critical[k, i] += 1
            ends.append([_end(result, pid) for pid in self.phases])
            drawn: dict[str, float] = result.extra.get("draws", {})
            draws.append([drawn.get(a, math.nan) for a in self.random])
        self._fold(np.array(ends, dtype=float).reshape(len(ends), len(self.phases)),
                   np.array(draws, dtype=float).reshape(len(draws), len(self.random)))

    # -------------------------------------------------------- answers

    def criticality(self, confidence: float = 0.95) -> list[Index]:
        """CI(a, p) for every pair with at least one critical run."""
        out = []
        for k, pid in enumerate(self.phases):
            for i, aid in enumerate(self.activities):
                hits = int(self.critical[k, i])
                if hits:
                    share = Proportion(hits, self.n)
                    lo, hi = share.ci(confidence)  # Wilson can miss 0 or 1 by rounding
                    out.append(Index(aid, pid, share.p, min(lo, share.p), max(hi, share.p)))
        return out

    def cruciality(self, confidence: float = 0.95) -> list[Index]:
        """CRI(a, p) for each activity with a random duration and each phase."""
        out = []
        z = z_value(confidence)
        for k, pid in enumerate(self.phases):
            rank = self.ranks[k]
            if not self.members[k] or rank.n < 4:
                continue
            half = z * math.sqrt(SPEARMAN_VARIANCE / (rank.n - 3))
            ids = [self.random[i] for i in self.members[k]]
            for aid, r in zip(ids, rank.coefficients(), strict=True):
                if r == 0 or math.isnan(r):
                    continue  # a constant phase end, or no spread in the duration
                if abs(r) >= 1.0 - 1e-12:  # ranks in perfect order: z is infinite
                    r = math.copysign(1.0, r)
                    out.append(Index(aid, pid, r, r, r))
                    continue
                centre = math.atanh(r)
                out.append(Index(aid, pid, r, math.tanh(centre - half),
                                 math.tanh(centre + half)))
        return out

    def ssi(self, confidence: float = 0.95) -> list[Index]:
        """SSI(a, p) = CI(a, p) × σ(a) / σ(end of p), where both spreads are positive."""
        sigma = {a: m.std for a, m in zip(self.random, self.duration, strict=True)}
        phase_sigma = {p: m.std for p, m in zip(self.phases, self.phase_end, strict=True)}
        out = []
        for ix in self.criticality(confidence):
            s_a, s_p = sigma.get(ix.activity, 0.0), phase_sigma[ix.phase]
            if s_a > 0 and s_p > 0:
                ratio = s_a / s_p
                out.append(Index(ix.activity, ix.phase, ix.value * ratio, ix.low * ratio,
                                 ix.high * ratio))
        return out

    def ranked(self, indices: list[Index], *, include_routine: bool = False) -> list[Index]:
        """Those above noise, largest first (by size; ties by activity, then phase);
        routine activities left out unless asked for."""
        kept = [ix for ix in indices if ix.above_noise
                and (include_routine or ix.activity not in self.routine)]
        return sorted(kept, key=lambda ix: (-abs(ix.value), ix.activity, ix.phase))


def _end(result: RunResult, phase: str) -> float:
    row = result.phases.get(phase)
    return math.nan if row is None or row.end_h is None else row.end_h
