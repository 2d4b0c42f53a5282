"""Sweeps: the full factorial of ``--vary`` values, each point an ensemble (same seed: CRN)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.ensemble.result import EnsembleResult
from sim.ensemble.runs import ensemble
from sim.scenario.loader import load_source
from sim.scenario.overrides import Override, apply_overrides
from sim.scenario.source import Source

Vary = tuple[tuple[str, ...], list[Any]]

@dataclass(frozen=True)
class SweepPoint:
    values: tuple[Any, ...]
    result: EnsembleResult

    @property
    def overrides(self) -> tuple[str, ...]:
        """The changes made to the file at this point (``--set``, then the levels)."""
        return self.result.scenario.overrides

    def kpis(self) -> dict[str, float]:
        st = self.result.stats
        within = [p.p for p in st.limit_ok]
        lo, hi = st.on_time.ci()
        return {
            "p_on_time": st.on_time.p, "p_on_time_lo": lo, "p_on_time_hi": hi,
            "end_mean_h": st.end.mean, "end_p50_h": st.end_q.quantile(0.5),
            "end_p90_h": st.end_q.quantile(0.9),
            "p_within_limit": min(within) if within else float("nan"),
        }

    def holds(self) -> dict[str, float]:
        """The share of runs that hold as planned, and its 95% interval."""
        holds = self.result.stats.holds
        lo, hi = holds.ci()
        return {"p_holds": holds.p, "p_holds_lo": lo, "p_holds_hi": hi}


def grid(varies: Sequence[Vary]) -> list[tuple[Any, ...]]:
    return list(itertools.product(*[values for _path, values in varies]))


def sweep(source: Source, varies: Sequence[Vary], n: int, *, seed: int | None = None,
          jobs: int = 1, base: Sequence[Override] = (),
          progress: Callable[[int, int], None] | None = None) -> list[SweepPoint]:
    """One ensemble per grid point; every point uses the same seed."""
    points = grid(varies)
    out = []
    for k, values in enumerate(points):
        overrides = list(base) + [
            Override(path, value, f"{'.'.join(path)}={value}", str(value))
            for (path, _vals), value in zip(varies, values, strict=True)
        ]
        tree = apply_overrides(source.tree, overrides)
        scenario = dataclasses.replace(
            load_source(Source(source.name, source.text, tree, source.values, source.keys)),
            overrides=tuple(o.text for o in overrides))

        def tick(done: int, total: int, k: int = k) -> None:
            if progress is not None:
                progress(k * total + done, len(points) * total)

        out.append(SweepPoint(values, ensemble(scenario, n, seed=seed, jobs=jobs,
                                               progress=tick)))
    return out
