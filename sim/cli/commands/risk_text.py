"""What ``mc`` and ``compare`` print first: the headline (how often the programme holds as
planned, beside its end date; the phase most at risk) and the table of risk per phase,
each figure with its interval; and the lines on precision."""

from __future__ import annotations

from sim.ensemble import EnsembleResult
from sim.ensemble.compare import CompareResult
from sim.ensemble.phase_risk import ONE_POINT
from sim.ensemble.precision import PrecisionTarget, headline_shares, runs_for
from sim.report.compare_risk import compare_risk_table, paired_points
from sim.report.phase_risk import (
    HOLDS_WORDS,
    at_risk_words,
    end_words,
    holds_words,
    limit_risk_table,
    phase_risk_table,
)
from sim.report.plain import text_table


def headline_lines(result: EnsembleResult, indent: str = "  ") -> list[str]:
    """Holds as planned (beside the end date) and the phase most at risk."""
    return [f"{indent}holds as planned: {holds_words(result)}; {end_words(result)}",
            f"{indent}  (holds as planned: {HOLDS_WORDS})",
            f"{indent}most at risk: {at_risk_words(result)}"]


def phase_lines(result: EnsembleResult, indent: str = "  ") -> list[str]:
    """The table of every phase with a due time, then the phases with a limit."""
    lines = text_table(phase_risk_table(result, names=False), indent)
    limits = limit_risk_table(result, names=False)
    if limits is not None:
        lines += text_table(limits, indent)
    return lines


def precision_lines(result: EnsembleResult, target: PrecisionTarget | None) -> list[str]:
    """How many replications would bring every headline share to ±1 point, and what
    ``--until-precision`` did."""
    st = result.stats
    shares = headline_shares(st)
    need = max((runs_for(p.p, ONE_POINT) for _n, p in shares), default=0)
    widest = max(shares, key=lambda s: s[1].half_width())
    lines = [f"  precision of the shares: widest 95% CI ± {100 * widest[1].half_width():.1f} "
             f"points ({widest[0]}); ±1 point on each needs "
             + (f"{need:,} replications: n is enough" if need <= st.n else
                f"about {need:,} replications (-n {need}, or --until-precision 1)")]
    if target is not None:
        reached = target.reached(st)
        lines.append(f"  --until-precision {target.points:g}: ran {result.n:,} replications "
                     f"(cap {target.cap:,}); target "
                     + ("reached" if reached else "NOT reached: raise -n to run more"))
    return lines


def compare_headline(result: CompareResult) -> list[str]:
    """Holds as planned for A and B with the paired difference, each side's phase most
    at risk, and the phases side by side."""
    lines = [f"  holds as planned: A {holds_words(result.a)}; B {holds_words(result.b)}; "
             f"B − A {paired_points(result.paired.holds).text}"]
    lines += [f"  most at risk in {side}: {at_risk_words(res)}"
              for side, res in (("A", result.a), ("B", result.b))]
    return lines + text_table(compare_risk_table(result, names=False))
