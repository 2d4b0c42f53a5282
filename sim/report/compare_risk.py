"""Risk per phase of two variants side by side, the table that leads ``tabletop compare``
and its report: holding as planned, each phase by its due time and each limit kept, for
A and for B, with the paired difference B − A in percentage points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.report.document import Cell, Flag, Table
from sim.report.format import DASH, named, pct, points, span, when
from sim.report.phase_risk import interval

if TYPE_CHECKING:
    from sim.ensemble.compare import CompareResult
    from sim.ensemble.stats import Moments, Proportion


def _share(prop: Proportion | None) -> Cell:
    if prop is None:
        return Cell("not in this variant")
    return Cell(f"{pct(prop.p)} ({interval(prop)})", "bad" if prop.p < 1 else "")


def paired_points(m: Moments | None) -> Cell:
    """``−12.5 points (−16.1 to −8.9)``: a paired difference of shares; flagged when its
    95% interval leaves out zero (B worse: bad, B better: good)."""
    if m is None or m.n == 0:
        return Cell(DASH)
    if m.n < 2:
        return Cell(f"{points(m.mean)} points")
    lo, hi = m.ci()
    flag: Flag = "bad" if hi < -1e-9 else "good" if lo > 1e-9 else ""
    return Cell(f"{points(m.mean)} points ({points(lo)} to {points(hi)})", flag)


def compare_risk_table(result: CompareResult, *, names: bool = True) -> Table:
    """Holds as planned, then every phase with a due time, then every limit."""
    a, b, paired = result.a, result.b, result.paired
    rows: list[tuple[Cell, ...]] = [
        (Cell("holds as planned"), Cell(DASH), _share(a.stats.holds), _share(b.stats.holds),
         paired_points(paired.holds))]
    on_a = dict(zip(a.stats.layout.dated, a.stats.phase_on_time, strict=True))
    on_b = dict(zip(b.stats.layout.dated, b.stats.phase_on_time, strict=True))
    phases = {p.id: p for p in (*b.scenario.phases, *a.scenario.phases)}
    for pid in dict.fromkeys([*on_a, *on_b]):
        phase = phases[pid]
        rows.append((Cell(named(phase.name, pid) if names else pid), Cell(when(phase.due)),
                     _share(on_a.get(pid)), _share(on_b.get(pid)),
                     paired_points(paired.phase_on_time.get(pid))))
    ok_a = dict(zip(a.stats.layout.limited, a.stats.limit_ok, strict=True))
    ok_b = dict(zip(b.stats.layout.limited, b.stats.limit_ok, strict=True))
    for pid in dict.fromkeys([*ok_a, *ok_b]):
        phase = phases[pid]
        rows.append((Cell(f"{named(phase.name, pid) if names else pid} within limit"),
                     Cell(span(phase.limit)), _share(ok_a.get(pid)), _share(ok_b.get(pid)),
                     paired_points(paired.within_limit.get(pid))))
    return Table("Risk per phase, A and B",
                 ("Phase", "Due / limit", "A: P(on time) (95% CI)", "B: P(on time) (95% CI)",
                  "B − A (paired, 95% CI)"), tuple(rows),
                 note="Shares of runs with their 95% Wilson intervals; B − A is taken run by "
                 "run (common random numbers), in percentage points. Holds as planned: "
                 "every phase by its due time, every limit kept, the programme ended on "
                 "time.", anchor="phase-risk")
