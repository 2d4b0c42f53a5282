"""Risk per phase, the table that leads ``tabletop mc``, ``compare`` and their reports:
every phase with a due time (P(on time) with its 95% interval, P50/P90 lateness, the
replications for ±1 point) and every phase with a limit (P(within limit), P90 duration),
and the headline lines above them (how often the programme holds as planned, the phase
most at risk)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.ensemble.phase_risk import due_risks, limit_risks, most_at_risk
from sim.ensemble.precision import standard_error
from sim.report.document import Cell, Table
from sim.report.format import named, pct, span, time_ci, when

if TYPE_CHECKING:
    from sim.ensemble import EnsembleResult
    from sim.ensemble.stats import Proportion

HOLDS_WORDS = "every phase by its due time, every limit kept, the programme ended on time"


def interval(prop: Proportion) -> str:
    """``60.5%–69.8%``: a share's 95% interval."""
    lo, hi = prop.ci()
    return f"{pct(lo)}–{pct(hi)}"


def runs(count: int, done: int) -> str:
    """``7,699`` replications (``enough`` when already run)."""
    return f"{count:,} (enough)" if count <= done else f"{count:,}"


def phase_risk_table(result: EnsembleResult, *, names: bool = True) -> Table:
    """Every phase with a due time, in written order (``names``: name and id, else id)."""
    n = result.stats.n
    rows = tuple(
        (Cell(named(r.name, r.id) if names else r.id), Cell(when(r.due_h)),
         Cell(pct(r.on_time.p), "bad" if r.on_time.p < 1 else "good"),
         Cell(interval(r.on_time)), Cell(span(r.late_p50_h)), Cell(span(r.late_p90_h)),
         Cell(runs(r.runs_for_1pt, n)))
        for r in due_risks(result))
    return Table("Risk per phase", ("Phase", "Due", "P(on time)", "95% CI", "P50 lateness",
                                    "P90 lateness", "Runs for ±1 point"), rows,
                 note="P(on time): share of runs in which the phase ended by its due time "
                 "(a phase left unfinished counts as late), with its 95% Wilson interval. "
                 "Lateness: end − due when later, else 0, over the runs that finished the "
                 "phase. Runs for ±1 point: replications that would bring the interval's "
                 "half-width to 1 percentage point (see --until-precision).",
                 anchor="phase-risk")


def limit_risk_table(result: EnsembleResult, *, names: bool = True) -> Table | None:
    """Every phase with a limit (the 48-hour block); None when there is none."""
    rows = tuple(
        (Cell(named(r.name, r.id) if names else r.id), Cell(span(r.limit_h)),
         Cell(pct(r.within.p), "bad" if r.within.p < 1 else "good"), Cell(interval(r.within)),
         Cell(span(r.duration_p90_h)), Cell(runs(r.runs_for_1pt, result.stats.n)))
        for r in limit_risks(result))
    if not rows:
        return None
    return Table("Phases with a time limit", ("Phase", "Limit", "P(within limit)", "95% CI",
                                              "P90 duration", "Runs for ±1 point"), rows,
                 note="Duration = first start to last end of the phase; a phase left "
                 "unfinished counts as over its limit.", anchor="limit-risk")


def holds_words(result: EnsembleResult) -> str:
    """``65.2% of runs (95% CI 60.5%–69.8%, SE 2.4 points)``."""
    holds = result.stats.holds
    return (f"{pct(holds.p)} of runs (95% CI {interval(holds)}, "
            f"SE {100 * standard_error(holds):.1f} points)")


def end_words(result: EnsembleResult) -> str:
    """``ends D13 15:16 at P50 (95% CI D13 15:10 – D13 15:22), planned D13 20:00``."""
    q = result.stats.end_q
    return (f"ends {when(q.quantile(0.5))} at P50 ({time_ci(q.quantile_ci(0.5))}), "
            f"planned {when(result.scenario.planned_end)}")


def at_risk_words(result: EnsembleResult, *, names: bool = True) -> str:
    """``Integrated sub-unit training (integrated_training): on time in 72.2% of runs
    (95% CI 67.7%–76.4%)``."""
    worst = most_at_risk(result)
    if worst is None:
        return "none (no phase has a due time or a limit)"
    if worst.share.p == 1.0:
        return (f"none: every phase on time and within its limit in every run (the lowest "
                f"95% CI starts at {pct(worst.share.ci()[0])})")
    label = named(worst.name, worst.id) if names else worst.id
    return f"{label}: {worst.what} in {pct(worst.share.p)} of runs (95% CI {interval(worst.share)})"
