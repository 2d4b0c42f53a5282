"""The answers planners ask of an ensemble, as plain data (summary.json of ``tabletop mc``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.ensemble import EnsembleResult, EnsembleStats, Record
from sim.ensemble.stats import Moments, Proportion

QUANTILES = (0.1, 0.5, 0.9)


def _r(x: float, digits: int = 3) -> float | None:
    return None if x is None or math.isnan(x) or math.isinf(x) else round(x, digits)


def _pair(ci: tuple[float, float], digits: int = 3) -> list[float | None]:
    return [_r(ci[0], digits), _r(ci[1], digits)]


def risk_summary(result: EnsembleResult, *, precision_h: float = 1.0,
                 confidence: float = 0.95) -> dict[str, Any]:
    """Every figure of an ensemble, ready for JSON."""
    st = result.stats
    lay = st.layout
    sc = result.scenario
    out: dict[str, Any] = {
        "scenario": sc.name,
        "file": sc.file,
        "seed": result.seed,
        "replications": result.n,
        "completed_replications": st.n,
        "missing_replications": list(result.missing),
        "complete": result.complete,
        "executor": result.executor,
        "confidence": confidence,
        "planned_end_h": _r(sc.planned_end),
        "p_on_time": _r(st.on_time.p, 4),
        "p_on_time_ci": _pair(st.on_time.ci(confidence), 4),
        "p_all_activities_finish": _r(st.complete.p, 4),
        "end_h": {
            "mean": _r(st.end.mean), "mean_ci": _pair(st.end.ci(confidence)),
            "std": _r(st.end.std), "min": _r(st.end.low), "max": _r(st.end.high),
            **{f"p{int(q * 100)}": _r(st.end_q.quantile(q)) for q in QUANTILES},
            **{f"p{int(q * 100)}_ci": _pair(st.end_q.quantile_ci(q, confidence))
               for q in QUANTILES},
        },
        "phases": {},
        "limits": {},
        "criticality": {a: _r(c, 4) for a, c in st.criticality().items()},
        "finish_h": {
            a: {f"p{int(q * 100)}": _r(st.finish_q[i].quantile(q)) for q in QUANTILES}
            for i, a in enumerate(lay.activities)
        },
        "utilisation_by_day": {
            r: {f"p{int(q * 100)}": [_r(st.util[k][d].quantile(q), 4) for d in range(lay.days)]
                for q in QUANTILES}
            for k, r in enumerate(lay.resources)
        },
        "sensitivity": [{"input": name, "rank_correlation": _r(rho, 4)}
                        for name, rho in st.tornado()],
        "advice": {k: (_r(v, 4) if isinstance(v, float) else v)
                   for k, v in st.advice(precision_h, confidence).items()},
    }
    for i, pid in enumerate(lay.phases):
        q = st.phase_late[i]
        out["phases"][pid] = {
            "p_late": _r(st.phase_p_late[i].p, 4),
            "p_late_ci": _pair(st.phase_p_late[i].ci(confidence), 4),
            "late_h_mean": _r(st.phase_late_m[i].mean),
            **{f"late_h_p{int(p * 100)}": _r(q.quantile(p)) for p in QUANTILES},
        } if q.n else {"p_late": None}
    for i, pid in enumerate(lay.limited):
        phase = next(p for p in sc.phases if p.id == pid)
        q = st.limit_duration[i]
        out["limits"][pid] = {
            "limit_h": _r(phase.limit or math.nan),
            "p_within_limit": _r(st.limit_ok[i].p, 4),
            "p_within_limit_ci": _pair(st.limit_ok[i].ci(confidence), 4),
            **{f"duration_h_p{int(p * 100)}": _r(q.quantile(p)) for p in QUANTILES},
        }
    return out


# ---------------------------------------------------------------- paired comparison


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

    def add(self, a: Record, b: Record, a_phases: tuple[str, ...], b_phases: tuple[str, ...],
            a_limited: tuple[str, ...] = (), b_limited: tuple[str, ...] = ()) -> None:
        self.end.add(b.end_h - a.end_h)
        self.on_time.add(float(b.on_time) - float(a.on_time))
        self.a_on_time.add(a.on_time)
        self.b_on_time.add(b.on_time)
        a_late = dict(zip(a_phases, a.phase_late, strict=True))
        b_late = dict(zip(b_phases, b.phase_late, strict=True))
        for pid in self.phases:
            x, y = a_late.get(pid, math.nan), b_late.get(pid, math.nan)
            if not (math.isnan(x) or math.isnan(y)):
                self.phase_late.setdefault(pid, Moments()).add(y - x)
        if not self.limited:
            return
        a_dur = dict(zip(a_limited, a.phase_duration, strict=True))
        b_dur = dict(zip(b_limited, b.phase_duration, strict=True))
        a_ok = dict(zip(a_limited, a.phase_breach, strict=True))
        b_ok = dict(zip(b_limited, b.phase_breach, strict=True))
        for pid in self.limited:
            x, y = a_dur.get(pid, math.nan), b_dur.get(pid, math.nan)
            if not (math.isnan(x) or math.isnan(y)):
                self.limit_duration.setdefault(pid, Moments()).add(y - x)
            if pid in a_ok and pid in b_ok:
                within = float(not b_ok[pid]) - float(not a_ok[pid])
                self.within_limit.setdefault(pid, Moments()).add(within)

    def summary(self, confidence: float = 0.95) -> dict[str, Any]:
        def diff(m: Moments) -> dict[str, Any]:
            return {"mean": _r(m.mean), "ci": _pair(m.ci(confidence)), "std": _r(m.std),
                    "n": m.n}

        return {
            "end_h_difference": diff(self.end),
            "p_on_time_difference": diff(self.on_time),
            "phase_late_h_difference": {p: diff(m) for p, m in self.phase_late.items()},
            "limit_duration_h_difference": {p: diff(m) for p, m in self.limit_duration.items()},
            "p_within_limit_difference": {p: diff(m) for p, m in self.within_limit.items()},
        }


def stats_table(st: EnsembleStats) -> list[tuple[str, float]]:
    """A few headline figures (for side-by-side tables)."""
    return [
        ("P(on time)", st.on_time.p),
        ("mean end (h)", st.end.mean),
        ("P10 end (h)", st.end_q.quantile(0.1)),
        ("P50 end (h)", st.end_q.quantile(0.5)),
        ("P90 end (h)", st.end_q.quantile(0.9)),
    ]
