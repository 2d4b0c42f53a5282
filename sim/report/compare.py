"""The report of ``tabletop compare``: two variants, A against B, run by run.

Everything comes from a :class:`~sim.ensemble.compare.CompareResult` the caller made:
nothing is simulated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.core.timefmt import format_time
from sim.ensemble.variants import distinct_labels
from sim.report.charts import Builders
from sim.report.compare_risk import compare_risk_table, paired_points
from sim.report.document import Cell, Chart, Report, Table
from sim.report.format import (
    DASH,
    named,
    points,
    quantile_cell,
    share_ci,
    signed,
    span,
    time_ci,
    when,
)
from sim.report.meta import executor_words, incomplete_note
from sim.report.write import write_document

if TYPE_CHECKING:
    from sim.ensemble.compare import CompareResult
    from sim.ensemble.stats import Moments

CRN = ("Both variants ran the same replications with the same seed, so replication i of "
       "A and of B drew the same random numbers for every activity and inject they share "
       "(common random numbers): the differences below are taken run by run, which "
       "cancels most of the noise two independent samples would carry.")


def changed(sets: Sequence[str]) -> str:
    """`` with resources.x.capacity=2``: the ``--set`` changes of a variant, if any."""
    return f" with {', '.join(sets)}" if sets else ""


def diff_cell(m: Moments, *, in_points: bool = False, worse_if_positive: bool = True) -> Cell:
    """A paired mean difference with its 95% CI; flagged when the CI excludes zero."""
    if m.n == 0:
        return Cell(DASH)
    lo, hi = m.ci()
    if in_points:
        text = (f"{points(m.mean)} points (95% CI {points(lo)} to {points(hi)})"
                if m.n > 1 else f"{points(m.mean)} points")
    else:
        text = f"{signed(m.mean)} (95% CI {signed(lo)} to {signed(hi)})" if m.n > 1 else \
            signed(m.mean)
    worse = lo > 1e-9 if worse_if_positive else hi < -1e-9
    better = hi < -1e-9 if worse_if_positive else lo > 1e-9
    return Cell(text, "bad" if worse and m.n > 1 else "good" if better and m.n > 1 else "")


def build_compare_report(result: CompareResult, *, set_a: Sequence[str] = (),
                         set_b: Sequence[str] = ()) -> Report:
    """The comparison report; ``set_a``/``set_b`` are the ``--set`` changes of each variant."""
    a, b, paired = result.a, result.b, result.paired
    label_a, label_b = distinct_labels(a.scenario, b.scenario)
    meta = [f"A: {label_a}: {a.scenario.name} ({a.scenario.file}){changed(set_a)}",
            f"B: {label_b}: {b.scenario.name} ({b.scenario.file}){changed(set_b)}",
            f"{a.n} paired replications, seed {a.seed}; executors: A {executor_words(a)}, "
            f"B {executor_words(b)}", CRN]
    notes = tuple(n for n in (incomplete_note(a, " (A)"), incomplete_note(b, " (B)")) if n)
    kpis = [("Holds as planned: A", Cell(share_ci(a.stats.holds))),
            ("Holds as planned: B", Cell(share_ci(b.stats.holds))),
            ("B − A holds as planned (paired)", paired_points(paired.holds)),
            ("B − A mean end time (paired)", diff_cell(paired.end)),
            ("B − A P(on time) (paired)", diff_cell(paired.on_time, in_points=True,
                                                    worse_if_positive=False)),
            ("Pairs compared", Cell(f"{paired.end.n} of {a.n}",
                                    "bad" if paired.end.n < a.n else ""))]
    return Report(title=f"What-if: {a.scenario.name} — A against B", meta=tuple(meta),
                  kpis=tuple(kpis), tables=(compare_risk_table(result),
                                            side_by_side_table(result),
                                            compare_phase_table(result)),
                  charts=compare_charts(), notes=notes)


def side_by_side_table(result: CompareResult) -> Table:
    a, b, paired = result.a.stats, result.b.stats, result.paired
    sa, sb = result.a.scenario, result.b.scenario

    def quantile_diff(p: float) -> Cell:
        d = b.end_q.quantile(p) - a.end_q.quantile(p)
        return Cell(f"{signed(d)} (difference of the P{int(p * 100)}s, not paired)")

    rows: list[tuple[Cell, ...]] = [
        (Cell("Planned end"), Cell(format_time(sa.planned_end)), Cell(format_time(sb.planned_end)),
         Cell(signed(sb.planned_end - sa.planned_end))),
        (Cell("P(on time)"), Cell(share_ci(a.on_time)), Cell(share_ci(b.on_time)),
         diff_cell(paired.on_time, in_points=True, worse_if_positive=False)),
        (Cell("End time P50"), quantile_cell(a.end_q, 0.5), quantile_cell(b.end_q, 0.5),
         quantile_diff(0.5)),
        (Cell("End time P90"), quantile_cell(a.end_q, 0.9), quantile_cell(b.end_q, 0.9),
         quantile_diff(0.9)),
        (Cell("Mean end time"), Cell(f"{when(a.end.mean)} ({time_ci(a.end.ci())})"),
         Cell(f"{when(b.end.mean)} ({time_ci(b.end.ci())})"), diff_cell(paired.end)),
        (Cell("P(every activity finishes)"), Cell(share_ci(a.complete)),
         Cell(share_ci(b.complete)), Cell(DASH)),
    ]
    limited_b = dict(zip(b.layout.limited, b.limit_ok, strict=True))
    for pid, ok in zip(a.layout.limited, a.limit_ok, strict=True):
        other = limited_b.get(pid)
        rows.append((Cell(f"{pid}: P(within its limit)"), Cell(share_ci(ok)),
                     Cell(share_ci(other) if other else "no limit"), Cell(DASH)))
    return Table("A and B side by side", ("Figure", "A", "B", "B − A (95% CI)"), tuple(rows),
                 note="B − A of P(on time) and of the mean end time are paired (run by run); "
                 "quantiles cannot be paired, so their difference has no interval.",
                 anchor="side-by-side")


def compare_phase_table(result: CompareResult) -> Table:
    a, b, paired = result.a, result.b, result.paired
    phases_a = {p.id: (i, p) for i, p in enumerate(a.scenario.phases)}
    phases_b = {p.id: (i, p) for i, p in enumerate(b.scenario.phases)}
    rows = []
    for pid in dict.fromkeys([*phases_a, *phases_b]):
        name = (phases_a.get(pid) or phases_b[pid])[1].name
        cells: list[Cell] = [Cell(named(name, pid))]
        for res, phases in ((a, phases_a), (b, phases_b)):
            if pid not in phases:
                cells += [Cell("not in this variant"), Cell(DASH)]
                continue
            i, phase = phases[pid]
            if phase.due is None:
                cells += [Cell("no due time"), Cell(DASH)]
                continue
            late = res.stats.phase_p_late[i]
            cells += [Cell(share_ci(late), "bad" if late.p > 0 else ""),
                      Cell(span(res.stats.phase_late_m[i].mean))]
        m = paired.phase_late.get(pid)
        cells.append(diff_cell(m) if m is not None else Cell(DASH))
        rows.append(tuple(cells))
    return Table("Phase lateness, A and B", ("Phase", "A: P(late)", "A: mean lateness",
                                             "B: P(late)", "B: mean lateness",
                                             "B − A mean lateness (paired, 95% CI)"),
                 tuple(rows), note="Lateness = end of the phase − its due time when later, "
                 "else 0.", anchor="phases")


def compare_charts() -> tuple[Chart, ...]:
    return (Chart("end-times", "End time, A against B",
                  "Both end-time distributions on the same bins, with their cumulative shares "
                  "(right axis), P50 lines and the planned end."),
            Chart("differences", "Paired differences B − A",
                  "Mean difference over the paired runs and its 95% CI; vermillion: B worse, "
                  "green: B better, grey: no clear difference."))


def _builders(result: CompareResult, labels: tuple[str, str]) -> Builders:
    # matplotlib is heavy: loaded only when charts are drawn, not with the documents
    from sim.plotting.whatif import compare_differences, compare_end_times

    return {"end-times": lambda: compare_end_times(result, labels=labels),
            "differences": lambda: compare_differences(result, labels=labels)}


def write_compare_report(result: CompareResult, out: Path, *, set_a: Sequence[str] = (),
                         set_b: Sequence[str] = (), formats: Sequence[str] | None = None,
                         dpi: float = 110) -> list[Path]:
    """Charts (end-times, differences) and report.html/.md of a comparison."""
    labels = distinct_labels(result.a.scenario, result.b.scenario)
    footer = (f"Made by tabletop from {result.paired.end.n} paired replications "
              f"(seed {result.a.seed}).")
    return write_document(build_compare_report(result, set_a=set_a, set_b=set_b),
                          _builders(result, labels), out, formats=formats, dpi=dpi,
                          footer=footer)
