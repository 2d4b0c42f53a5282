"""The reports of ``tabletop mc``, ``compare`` and ``sweep``: charts, report.html, report.md.

The same shape and look as the run report (:mod:`sim.report`): a
:class:`~sim.report.Report` of plain tables, rendered as one self-contained HTML page
(styles inline, images embedded, no network, every text escaped) and as Markdown
that links the chart files. Figures come from the streamed statistics; the only run
made here is the plan (expected durations, no injects) behind the risk schedule.
matplotlib is imported only when charts are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.core.timefmt import format_clock, format_duration, format_time
from sim.ensemble.labels import input_label
from sim.report import (
    DASH,
    Cell,
    Chart,
    Report,
    Table,
    chart_formats,
    render_charts,
    render_html,
    render_markdown,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.ensemble import EnsembleResult
    from sim.ensemble.compare import CompareResult
    from sim.ensemble.stats import Moments, Proportion, Quantiles
    from sim.results import RunResult
    from sim.scenario.model import Scenario

Builders = Mapping[str, "Callable[[], Figure]"]
RUN_FOOTER = "<p class=\"meta\">Made by tabletop from the run's event log.</p>"
CRN = ("Both variants ran the same replications with the same seed, so replication i of "
       "A and of B drew the same random numbers for every activity and inject they share "
       "(common random numbers): the differences below are taken run by run, which "
       "cancels most of the noise two independent samples would carry.")
QUANTILES = (0.1, 0.5, 0.9)


# ---------------------------------------------------------------- words for numbers


def pct(p: float) -> str:
    return "n/a" if p is None or math.isnan(p) else f"{100 * p:.1f}%"


def share_ci(prop: Proportion) -> str:
    lo, hi = prop.ci()
    return f"{pct(prop.p)} (95% CI {pct(lo)}–{pct(hi)})"


def when(hours: float | None) -> str:
    return DASH if hours is None or not math.isfinite(hours) else format_time(hours)


def span(hours: float | None) -> str:
    return DASH if hours is None or not math.isfinite(hours) else format_duration(hours)


def signed(hours: float) -> str:
    """``+1h30``, ``−45min``, ``0min``: a difference of times."""
    if not math.isfinite(hours):
        return DASH
    text = format_duration(abs(hours))
    return text if text == "0min" else ("+" if hours > 0 else "−") + text


def points(share: float) -> str:
    """A difference of shares in percentage points: ``+3.5``, ``−76.5``."""
    text = f"{100 * share:+.1f}"
    return text.replace("-", "−") if math.isfinite(share) else DASH


def time_ci(ci: tuple[float, float]) -> str:
    return f"95% CI {when(ci[0])} – {when(ci[1])}"


def quantile_cell(q: Quantiles, p: float) -> Cell:
    return Cell(f"{when(q.quantile(p))} ({time_ci(q.quantile_ci(p))})")


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


def ranges(ids: Sequence[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    parts: list[str] = []
    for i in sorted(ids):
        if parts and i == int(parts[-1].split("-")[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{i}"
        else:
            parts.append(str(i))
    return ", ".join(parts)


def scenario_meta(sc: Scenario) -> list[str]:
    rest = sorted(sc.calendar.rest_days)
    lines = [f"Scenario file: {sc.file}",
             f"{sc.days} days; working day {format_clock(sc.calendar.day_start)}–"
             f"{format_clock(sc.calendar.day_end)}"
             + (f"; rest days {', '.join(f'D{d}' for d in rest)}" if rest else "")]
    if sc.start_date is not None:
        lines.append(f"D1 = {sc.start_date:%A} {sc.start_date.day} {sc.start_date:%B %Y}")
    return lines


def incomplete_note(result: EnsembleResult, label: str = "") -> str | None:
    if not result.missing:
        return None
    return (f"INCOMPLETE{label}: {len(result.missing)} of {result.n} replications are missing "
            f"(ids {ranges(result.missing)}); every figure comes from the "
            f"{result.stats.n} that finished.")


def executor_words(result: EnsembleResult) -> str:
    return f"{result.executor}, {result.jobs} worker{'s' * (result.jobs != 1)}"


# ---------------------------------------------------------------- ensemble


def build_risk_report(result: EnsembleResult, summary: Mapping[str, Any],
                      plan: RunResult | None = None) -> Report:
    """Everything the ensemble report says, as plain tables (no charts drawn)."""
    sc, st = result.scenario, result.stats
    meta = [*scenario_meta(sc)[:1],
            f"{st.n} of {result.n} replications, seed {result.seed}; executor: "
            f"{executor_words(result)}", *scenario_meta(sc)[1:]]
    if sc.description:
        meta.append(" ".join(sc.description.split()))
    note = incomplete_note(result)
    return Report(
        title=f"{sc.name}: schedule risk over {st.n} runs",
        meta=tuple(meta),
        kpis=tuple(risk_kpis(result, plan)),
        tables=tuple(t for t in (phase_lateness_table(result), limit_table(result),
                                 criticality_table(result), sensitivity_table(result),
                                 utilisation_table(result), advice_table(result, summary))
                     if t is not None),
        charts=risk_charts(),
        notes=(note,) if note else (),
    )


def risk_kpis(result: EnsembleResult, plan: RunResult | None) -> list[tuple[str, Cell]]:
    sc, st = result.scenario, result.stats
    out = [(f"P(on time: last activity finished by the planned end, "
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
        label = Cell(f"{phase.name} ({phase.id})" if phase.name != phase.id else phase.id)
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


def write_risk_report(result: EnsembleResult, out: Path, summary: Mapping[str, Any] | None = None,
                      *, formats: Sequence[str] | None = None, dpi: float = 110,
                      plan: RunResult | None = None) -> list[Path]:
    """Charts (end-time, gantt, criticality, tornado, utilisation) and report.html/.md.

    ``summary`` is :func:`sim.ensemble.risk.risk_summary` of ``result`` (made here if missing);
    ``plan`` is the plan run (made here if missing: deterministic and cheap).
    """
    from sim.plotting import risk, risk_schedule

    if summary is None:
        from sim.ensemble.risk import risk_summary

        summary = risk_summary(result)
    if plan is None:
        from sim.engine import simulate

        plan = simulate(result.scenario, result.seed, plan=True)
    builders: dict[str, Callable[[], Figure]] = {
        "end-time": lambda: risk.end_time_histogram(result),
        "gantt": lambda: risk_schedule.risk_gantt(result, plan),
        "criticality": lambda: risk.criticality(result),
        "tornado": lambda: risk.tornado(result),
        "utilisation": lambda: risk.utilisation_bands(result),
    }
    footer = (f"Made by tabletop from {result.stats.n} replications "
              f"(seed {result.seed}, {executor_words(result)}).")
    return write_report(build_risk_report(result, summary, plan), builders, out,
                        formats=formats, dpi=dpi, footer=footer)


# ---------------------------------------------------------------- comparison


def changed(sets: Sequence[str]) -> str:
    """`` with resources.x.capacity=2``: the ``--set`` changes of a variant, if any."""
    return f" with {', '.join(sets)}" if sets else ""


def build_compare_report(result: CompareResult, *, set_a: Sequence[str] = (),
                         set_b: Sequence[str] = ()) -> Report:
    """The comparison report; ``set_a``/``set_b`` are the ``--set`` changes of each variant."""
    a, b, paired = result.a, result.b, result.paired
    meta = [f"A: {a.scenario.name} ({a.scenario.file}){changed(set_a)}",
            f"B: {b.scenario.name} ({b.scenario.file}){changed(set_b)}",
            f"{a.n} paired replications, seed {a.seed}; executors: A {executor_words(a)}, "
            f"B {executor_words(b)}", CRN]
    notes = tuple(n for n in (incomplete_note(a, " (A)"), incomplete_note(b, " (B)")) if n)
    kpis = [("B − A mean end time (paired)", diff_cell(paired.end)),
            ("B − A P(on time) (paired)", diff_cell(paired.on_time, in_points=True,
                                                    worse_if_positive=False)),
            ("Pairs compared", Cell(f"{paired.end.n} of {a.n}",
                                    "bad" if paired.end.n < a.n else ""))]
    return Report(title=f"What-if: {a.scenario.name} — A against B", meta=tuple(meta),
                  kpis=tuple(kpis), tables=(side_by_side_table(result),
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
        cells: list[Cell] = [Cell(f"{name} ({pid})" if name != pid else pid)]
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


def write_compare_report(result: CompareResult, out: Path, *, set_a: Sequence[str] = (),
                         set_b: Sequence[str] = (), formats: Sequence[str] | None = None,
                         dpi: float = 110) -> list[Path]:
    """Charts (end-times, differences) and report.html/.md of a comparison."""
    from sim.plotting import whatif

    labels = (f"{result.a.scenario.name}{changed(set_a)}",
              f"{result.b.scenario.name}{changed(set_b)}")
    builders: dict[str, Callable[[], Figure]] = {
        "end-times": lambda: whatif.compare_end_times(result, labels=labels),
        "differences": lambda: whatif.compare_differences(result, labels=labels),
    }
    footer = (f"Made by tabletop from {result.paired.end.n} paired replications "
              f"(seed {result.a.seed}).")
    return write_report(build_compare_report(result, set_a=set_a, set_b=set_b), builders, out,
                        formats=formats, dpi=dpi, footer=footer)


# ---------------------------------------------------------------- sweep


def sweep_cell(column: str, value: Any) -> Cell:
    if isinstance(value, float) and not math.isfinite(value):
        return Cell("n/a")
    if column.startswith("p_") and isinstance(value, float):
        return Cell(pct(value))
    if column.endswith("_h") or column.endswith("_h_lo") or column.endswith("_h_hi"):
        return Cell(when(float(value)))
    return Cell(str(value))


def build_sweep_report(names: Sequence[str], rows: Sequence[Sequence[Any]],
                       header: Sequence[str], kpi: str, *, scenario: str = "",
                       n: int | None = None, seed: int | None = None) -> Report:
    from sim.ensemble.kpis import KPIS

    col = header.index(kpi)
    finite = [r for r in rows if isinstance(r[col], int | float) and math.isfinite(r[col])]
    higher = kpi.startswith("p_")
    best = max(finite, key=lambda r: r[col] if higher else -r[col], default=None)
    worst = min(finite, key=lambda r: r[col] if higher else -r[col], default=None)

    def point(r: Sequence[Any] | None) -> Cell:
        if r is None:
            return Cell(DASH)
        where = ", ".join(f"{k}={v}" for k, v in zip(names, r, strict=False))
        return Cell(f"{sweep_cell(kpi, r[col]).text} at {where}")

    meta = [f"Varied: {', '.join(names)}",
            f"{len(rows)} points" + (f" × {n} replications" if n else "")
            + (f", seed {seed}" if seed is not None else "")
            + "; every point uses the same seed (common random numbers)"]
    kpis = [("Figure charted", Cell(f"{kpi}: {KPIS.get(kpi, kpi)}")),
            ("Best point", point(best)), ("Worst point", point(worst))]
    table = Table("Every point", tuple(header),
                  tuple(tuple(sweep_cell(h, v) for h, v in zip(header, r, strict=True))
                        for r in rows),
                  note="_lo/_hi: 95% confidence interval. Times are day and clock time "
                  "(hours from D1 00:00 in sweep.csv).", anchor="points")
    title = f"{scenario}: sweep" if scenario else "Sweep"
    return Report(title=title, meta=tuple(meta), kpis=tuple(kpis), tables=(table,),
                  charts=(Chart(f"sweep-{kpi}", f"{kpi} across the grid",
                                "One varied key: a line with its 95% CI band; two: a heatmap; "
                                "more: one dot per point, best first."),))


def _sweep_builders(names: Sequence[str], rows: Sequence[Sequence[Any]],
                    header: Sequence[str], kpi: str,
                    title: str | None) -> dict[str, Callable[[], Figure]]:
    from sim.plotting import whatif

    return {f"sweep-{kpi}": lambda: whatif.sweep_chart(names, rows, header, kpi, title=title)}


def write_sweep_chart(names: Sequence[str], rows: Sequence[Sequence[Any]],
                      header: Sequence[str], kpi: str, out: Path, *,
                      formats: Sequence[str] | None = None, dpi: float = 110,
                      title: str | None = None) -> list[Path]:
    """The chart of ``kpi`` across the sweep (``sweep-<kpi>.png`` etc.) and nothing else."""
    return render_charts(_sweep_builders(names, rows, header, kpi, title), out,
                         chart_formats(formats), dpi)[0]


def write_sweep_report(names: Sequence[str], rows: Sequence[Sequence[Any]],
                       header: Sequence[str], kpi: str, out: Path, *, scenario: str = "",
                       n: int | None = None, seed: int | None = None,
                       formats: Sequence[str] | None = None, dpi: float = 110) -> list[Path]:
    """The sweep chart and report.html/.md listing every point."""
    report = build_sweep_report(names, rows, header, kpi, scenario=scenario, n=n, seed=seed)
    return write_report(report, _sweep_builders(names, rows, header, kpi, scenario or None),
                        out, formats=formats, dpi=dpi,
                        footer=f"Made by tabletop from a sweep of {len(rows)} ensembles.")


# ---------------------------------------------------------------- files


def write_report(report: Report, builders: Builders, out: Path, *,
                 formats: Sequence[str] | None, dpi: float, footer: str) -> list[Path]:
    """The charts, then report.html (images embedded) and report.md (images linked)."""
    import html

    from sim.core.files import write_bytes_atomic

    written, images, files = render_charts(builders, out, chart_formats(formats), dpi)
    page = render_html(report, images, files).replace(
        RUN_FOOTER, f'<p class="meta">{html.escape(footer)}</p>')
    for path, text in ((out / "report.html", page),
                       (out / "report.md", render_markdown(report, files))):
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
