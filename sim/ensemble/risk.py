"""The answers planners ask of an ensemble, as plain data (summary.json of ``tabletop mc``)."""

from __future__ import annotations

import math
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.paired import PairedStats
from sim.ensemble.phase_risk import ONE_POINT, most_at_risk
from sim.ensemble.precision import PrecisionTarget, runs_for, share_precision
from sim.ensemble.result import EnsembleResult
from sim.ensemble.rounding import rounded as _r
from sim.ensemble.rounding import rounded_pair as _pair

__all__ = ["QUANTILES", "PairedStats", "risk_summary", "stats_table"]

QUANTILES = (0.1, 0.5, 0.9)


def risk_summary(result: EnsembleResult, *, precision_h: float = 1.0,
                 confidence: float = 0.95,
                 target: PrecisionTarget | None = None) -> dict[str, Any]:
    """Every figure of an ensemble, ready for JSON (``target``: the ``--until-precision``
    the replications ran to, recorded as ``until_precision``)."""
    st = result.stats
    lay = st.layout
    sc = result.scenario
    return {
        "scenario": sc.name,
        "file": sc.file,
        "overrides": list(sc.overrides),
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
        "holds_as_planned": _holds_figures(st, confidence),
        "most_at_risk": _at_risk(result),
        "end_h": _end_figures(st, confidence),
        "phases": _phase_figures(st, confidence),
        "limits": _limit_figures(result, confidence),
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
        **({"until_precision": target.summary(st)} if target is not None else {}),
    }


def _holds_figures(st: EnsembleStats, confidence: float) -> dict[str, Any]:
    """The share of runs that hold as planned, with its interval and precision."""
    return {**share_precision(st.holds, confidence),
            "ci": _pair(st.holds.ci(confidence), 4),
            "runs_for_1pt": runs_for(st.holds.p, ONE_POINT, confidence)}


def _at_risk(result: EnsembleResult) -> dict[str, Any] | None:
    worst = most_at_risk(result)
    return None if worst is None else {"phase": worst.id, "what": worst.what,
                                       "p": _r(worst.share.p, 4)}


def _end_figures(st: EnsembleStats, confidence: float) -> dict[str, Any]:
    """The end time: mean with its interval, spread, and quantiles with theirs."""
    return {
        "mean": _r(st.end.mean), "mean_ci": _pair(st.end.ci(confidence)),
        "std": _r(st.end.std), "min": _r(st.end.low), "max": _r(st.end.high),
        **{f"p{int(q * 100)}": _r(st.end_q.quantile(q)) for q in QUANTILES},
        **{f"p{int(q * 100)}_ci": _pair(st.end_q.quantile_ci(q, confidence))
           for q in QUANTILES},
    }


def _phase_figures(st: EnsembleStats, confidence: float) -> dict[str, Any]:
    """Each phase: how likely it is late, and by how much."""
    out: dict[str, Any] = {}
    dated = dict(zip(st.layout.dated, st.phase_on_time, strict=True))
    for i, pid in enumerate(st.layout.phases):
        q = st.phase_late[i]
        share = dated.get(pid)
        on_time = {} if share is None else {
            "p_on_time": _r(share.p, 4), "p_on_time_ci": _pair(share.ci(confidence), 4),
            "runs_for_1pt": runs_for(share.p, ONE_POINT, confidence)}
        out[pid] = {**on_time,
            "p_late": _r(st.phase_p_late[i].p, 4),
            "p_late_ci": _pair(st.phase_p_late[i].ci(confidence), 4),
            "late_h_mean": _r(st.phase_late_m[i].mean),
            **{f"late_h_p{int(p * 100)}": _r(q.quantile(p)) for p in QUANTILES},
        } if q.n else {"p_late": None}
    return out


def _limit_figures(result: EnsembleResult, confidence: float) -> dict[str, Any]:
    """Each phase with a limit: how likely it stays within it, and its duration."""
    st = result.stats
    out: dict[str, Any] = {}
    for i, pid in enumerate(st.layout.limited):
        phase = next(p for p in result.scenario.phases if p.id == pid)
        q = st.limit_duration[i]
        out[pid] = {
            "limit_h": _r(phase.limit or math.nan),
            "p_within_limit": _r(st.limit_ok[i].p, 4),
            "p_within_limit_ci": _pair(st.limit_ok[i].ci(confidence), 4),
            **{f"duration_h_p{int(p * 100)}": _r(q.quantile(p)) for p in QUANTILES},
        }
    return out


def stats_table(st: EnsembleStats) -> list[tuple[str, float]]:
    """A few headline figures (for side-by-side tables)."""
    return [
        ("P(on time)", st.on_time.p),
        ("mean end (h)", st.end.mean),
        ("P10 end (h)", st.end_q.quantile(0.1)),
        ("P50 end (h)", st.end_q.quantile(0.5)),
        ("P90 end (h)", st.end_q.quantile(0.9)),
    ]
