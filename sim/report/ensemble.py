"""The report of ``tabletop mc``: schedule risk over an ensemble of replications.

Figures come from the streamed statistics of an :class:`~sim.ensemble.EnsembleResult`,
the advice from its summary and the schedule chart from the plan run, all made by the
caller: nothing is simulated here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.core.timefmt import format_time
from sim.ensemble.labels import input_label
from sim.report.charts import Builders
from sim.report.document import Cell, Chart, Report, Table
from sim.report.drivers import Analysis, analysis_builders, analysis_charts, analysis_tables
from sim.report.format import DASH, named, quantile_cell, share_ci, span, time_ci, when
from sim.report.meta import executor_words, incomplete_note, scenario_meta
from sim.report.phase_risk import (
    HOLDS_WORDS,
    at_risk_words,
    holds_words,
    limit_risk_table,
    phase_risk_table,
)
from sim.report.write import write_document

if TYPE_CHECKING:
    from sim.ensemble import EnsembleResult
    from sim.results import RunResult

QUANTILES = (0.1, 0.5, 0.9)


def build_risk_report(result: EnsembleResult, summary: Mapping[str, Any],
                      plan: RunResult | None = None) -> Report:
    """Everything the ensemble report says, as plain tables (no charts drawn).

    ``summary`` is the ensemble's summary (:func:`sim.ensemble.risk.risk_summary`: its
    ``advice`` fills the table on the number of runs); without ``plan`` the plan end is
    left out.
    """
    sc, st = result.scenario, result.stats
    meta = scenario_meta(sc, f"{st.n} of {result.n} replications, seed {result.seed}; "
                             f"executor: {executor_words(result)}")
    note = incomplete_note(result)
    return Report(
        title=f"{sc.name}: schedule risk over {st.n} runs",
        meta=tuple(meta),
        kpis=tuple(risk_kpis(result, plan)),
        tables=tuple(t for t in (phase_risk_table(result), limit_risk_table(result),
                                 phase_lateness_table(result), limit_table(result),
                                 criticality_table(result), sensitivity_table(result),
                                 utilisation_table(result), advice_table(result, summary))
                     if t is not None),
        charts=risk_charts(),
        notes=(note,) if note else (),
    )


def risk_kpis(result: EnsembleResult, plan: RunResult | None) -> list[tuple[str, Cell]]:
    """P(on time), the end time's quantiles and spread, the limits, the completeness."""
    sc, st = result.scenario, result.stats
    out = [(f"Holds as planned ({HOLDS_WORDS})", Cell(holds_words(result))),
           ("Most at risk", Cell(at_risk_words(result))),
           (f"P(on time: last activity finished by the planned end, "
            f"{format_time(sc.planned_end)})", Cell(share_ci(st.on_time)))]
    out += [(f"End time P{int(p * 100)}", quantile_cell(st.end_q, p)) for p in QUANTILES]
    out.append(("Mean end time", Cell(f"{when(st.end.mean)} ({time_ci(st.end.ci())}); "
                                      f"standard deviation {span(st.end.std)}")))
    out.append(("Earliest and latest end", Cell(f"{when(st.end.low)} … {when(st.end.high)}")))
    if plan is not None:
        out.append(("Plan end (expected durations, no injects)", Cell(format_time(plan.end_h))))
    for i, pid in enumerate(st.layout.limited):
        phase = next(p for p in sc.phases if p.id == pid)
        q = st.limit_duration[i]
        out.append((f"{phase.name}: P(within its {span(phase.limit)} limit)",
                    Cell(f"{share_ci(st.limit_ok[i])}; duration P50 {span(q.quantile(0.5))}, "
                         f"P90 {span(q.quantile(0.9))}")))
    out.append(("P(every activity finishes)", Cell(share_ci(st.complete),
                                                   "bad" if st.complete.p < 1 else "")))
    out.append(("Replications", Cell(f"{st.n} of {result.n}" + (
        " — INCOMPLETE" if result.missing else ""), "bad" if result.missing else "")))
    return out


def phase_lateness_table(result: EnsembleResult) -> Table:
    sc, st = result.scenario, result.stats
    rows = []
    for i, phase in enumerate(sc.phases):
        label = Cell(named(phase.name, phase.id))
        q = st.phase_late[i]
        if phase.due is None or q.n == 0:
            rows.append((label, Cell("no due time" if phase.due is None else "never finished"),
                         *(Cell(DASH) for _ in range(4))))
            continue
        late = st.phase_p_late[i]
        rows.append((label, Cell(format_time(phase.due)),
                     Cell(share_ci(late), "bad" if late.p > 0 else "good"),
                     Cell(span(st.phase_late_m[i].mean)),
                     Cell(span(max(0.0, q.quantile(0.5)))),  # lateness is never negative;
                     Cell(span(max(0.0, q.quantile(0.9))))))  # binned quantiles can dip below
    return Table("Phase lateness", ("Phase", "Due", "P(late)", "Mean lateness",
                                    "P50 lateness", "P90 lateness"), tuple(rows),
                 note="Lateness = end of the phase − its due time when it ends after it, "
                 "else 0, over the runs that finished the phase.", anchor="phases")


def limit_table(result: EnsembleResult) -> Table | None:
    sc, st = result.scenario, result.stats
    if not st.layout.limited:
        return None
    rows = []
    for i, pid in enumerate(st.layout.limited):
        phase = next(p for p in sc.phases if p.id == pid)
        q, ok = st.limit_duration[i], st.limit_ok[i]
        rows.append((Cell(f"{phase.name} ({pid})"), Cell(span(phase.limit)),
                     Cell(share_ci(ok), "bad" if ok.p < 1 else "good"),
                     *(Cell(span(q.quantile(p))) for p in QUANTILES)))
    return Table("Time limits", ("Phase", "Limit", "P(within limit)", "Duration P10",
                                 "Duration P50", "Duration P90"), tuple(rows),
                 note="Duration = first start to last end of the phase.", anchor="limits")


def criticality_table(result: EnsembleResult, top: int = 25) -> Table:
    sc, st = result.scenario, result.stats
    acts = {a.id: a for a in sc.activities}
    index = {a: i for i, a in enumerate(st.layout.activities)}
    ranked = sorted(((a, c) for a, c in st.criticality().items() if c > 0),
                    key=lambda p: (-p[1], p[0]))
    rows = []
    for rank, (aid, c) in enumerate(ranked[:top], start=1):
        q = st.finish_q[index[aid]]
        rows.append((Cell(str(rank)), Cell(aid), Cell(acts[aid].name), Cell(acts[aid].phase),
                     Cell(f"{c:.1%}"), *(Cell(when(q.quantile(p))) for p in QUANTILES)))
    never = len(st.layout.activities) - len(ranked)
    note = (f"Criticality = share of runs in which the activity was on the critical chain "
            f"(what held the end back, resource and group waits included). {never} "
            "activities never were" + (f"; {len(ranked) - top} more are in activities.csv"
                                       if len(ranked) > top else "") + ".")
    return Table("Critical activities", ("Rank", "Activity", "Name", "Phase", "Criticality",
                                         "Finish P10", "Finish P50", "Finish P90"),
                 tuple(rows), note=note, anchor="criticality")


def sensitivity_table(result: EnsembleResult, top: int = 15) -> Table:
    kinds = dict(zip(result.stats.layout.inputs, result.stats.layout.input_kinds, strict=True))
    pairs = [(n, r) for n, r in result.stats.tornado() if r != 0 and not math.isnan(r)]
    rows = tuple((Cell(str(k)), Cell(input_label(result, name, kinds[name])),
                  Cell(f"{rho:+.2f}".replace("-", "−")),
                  Cell("larger → later end" if rho > 0 else "larger → earlier end"))
                 for k, (name, rho) in enumerate(pairs[:top], start=1))
    note = ("Spearman rank correlation of each uncertain input (a random duration; whether, "
            "when and how long an inject hits) with the end time: +1 means a larger value "
            "always goes with a later end.")
    if not rows:
        note = "No uncertain input varied with the end time. " + note
    elif len(pairs) > top:
        note += f" {len(pairs) - top} weaker inputs are in sensitivity.csv."
    return Table("What drives the end time", ("Rank", "Input", "Rank correlation", "Reading"),
                 rows, note=note, anchor="sensitivity")


def utilisation_table(result: EnsembleResult) -> Table | None:
    sc, st = result.scenario, result.stats
    if not sc.resources or st.n == 0:
        return None
    rows = []
    for k, res in enumerate(sc.resources):
        days = st.util[k]
        p50 = [d.quantile(0.5) for d in days]
        p90 = [d.quantile(0.9) for d in days]
        busiest = max(range(len(days)), key=lambda d: (p50[d], p90[d]), default=0)
        rows.append((Cell(res.id), Cell(res.name), Cell(str(res.capacity)),
                     Cell(f"D{busiest + 1}"), Cell(f"{p50[busiest]:.0%}"),
                     Cell(f"{p90[busiest]:.0%}", "bad" if p90[busiest] >= 0.95 else ""),
                     Cell(f"{max(p90, default=0.0):.0%}")))
    return Table("Resource utilisation by day", ("Id", "Name", "Capacity", "Busiest day (P50)",
                                                 "P50 that day", "P90 that day",
                                                 "Highest daily P90"), tuple(rows),
                 note="Utilisation of a day = unit-hours in use ÷ (capacity × hours the "
                 "resource can be used that day).", anchor="utilisation")


def advice_table(result: EnsembleResult, summary: Mapping[str, Any]) -> Table:
    """Whether the number of runs is enough, from the summary's ``advice``."""
    advice = summary.get("advice", {})
    hw, target = advice.get("mean_end_half_width_h"), advice.get("target_h")
    enough = bool(advice.get("enough_for_mean_end"))
    hw_p = advice.get("on_time_half_width")
    runs_p = advice.get("runs_for_1pct_on_time")
    need_p = (DASH if runs_p is None else f"{runs_p}: n is enough" if runs_p <= result.stats.n
              else f"about {runs_p}")
    rows = (
        (Cell("Mean end time: 95% CI half-width"),
         Cell(f"± {hw:.2f} h against a target of {target:g} h: "
              + ("n is enough" if enough else "more runs needed") if hw is not None
              else "n/a", "good" if enough else "bad")),
        (Cell("Replications for that target"), Cell(str(advice.get("runs_for_target_h", DASH)))),
        (Cell("P(on time): 95% CI half-width"),
         Cell(f"± {100 * hw_p:.1f} points" if hw_p is not None else "n/a")),
        (Cell("Replications for ± 1 point on P(on time)"), Cell(need_p)),
    )
    return Table("Is the number of runs enough?", ("Question", "Answer"), rows,
                 note=f"From {result.stats.n} runs. The half-width shrinks with the square "
                 "root of the number of runs: four times the runs, half the width. Change the "
                 "target with --precision.", anchor="advice")


def risk_charts() -> tuple[Chart, ...]:
    return (
        Chart("end-time", "When the programme ends",
              "Histogram of the end time over the runs (vermillion: late runs), its "
              "cumulative share on the right axis, P10/P50/P90 and the planned end."),
        Chart("gantt", "Schedule under uncertainty",
              "Bars from the plan's start to the P50 finish, coloured by criticality; "
              "whiskers: P10–P90 finish; dashed: phase due; shaded: nights and rest days."),
        Chart("criticality", "Critical activities",
              "Share of runs in which each activity was on the critical chain, coloured by "
              "phase."),
        Chart("tornado", "What drives the end time",
              "Rank correlation of each uncertain input with the end time, strongest first."),
        Chart("utilisation", "Daily utilisation",
              "Per resource and day: P10–P90 band and P50 line of the share of capacity in "
              "use; dashed: capacity."),
    )


def _builders(result: EnsembleResult, plan: RunResult) -> Builders:
    # matplotlib is heavy: loaded only when charts are drawn, not with the documents
    from sim.plotting import (
        criticality,
        end_time_histogram,
        risk_gantt,
        tornado,
        utilisation_bands,
    )

    return {
        "end-time": lambda: end_time_histogram(result),
        "gantt": lambda: risk_gantt(result, plan),
        "criticality": lambda: criticality(result),
        "tornado": lambda: tornado(result),
        "utilisation": lambda: utilisation_bands(result),
    }


def write_risk_report(result: EnsembleResult, out: Path, summary: Mapping[str, Any], *,
                      plan: RunResult, formats: Sequence[str] | None = None,
                      dpi: float = 110, analysis: Analysis | None = None) -> list[Path]:
    """Charts (end-time, gantt, criticality, tornado, utilisation) and report.html/.md.

    ``summary`` is :func:`sim.ensemble.risk.risk_summary` of ``result``; ``plan`` is the
    plan run (``simulate(scenario, seed, plan=True)``) the schedule chart starts its bars
    from: it is required, as that chart cannot be drawn without it. Both are the
    caller's: nothing is simulated here. ``analysis``: the risk indices (and drivers)
    measured with the ensemble, added as tables and charts. Returns the paths written.
    """
    footer = (f"Made by tabletop from {result.stats.n} replications "
              f"(seed {result.seed}, {executor_words(result)}).")
    report, builders = build_risk_report(result, summary, plan), _builders(result, plan)
    if analysis is not None:
        report = replace(report, tables=report.tables + analysis_tables(
            analysis, result.scenario, plan), charts=report.charts + analysis_charts(analysis))
        builders = {**builders, **analysis_builders(analysis)}
    return write_document(report, builders, out, formats=formats, dpi=dpi, footer=footer)
