"""What the ensemble report adds about drivers and risk indices: tables and charts.

From the indices streamed with the ensemble (:class:`~sim.ensemble.indices.IndexStats`)
and, with ``mc --drivers``, the measured drivers (:class:`~sim.ensemble.effects.
DriverTable`); nothing is simulated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.core.timefmt import format_duration, format_time
from sim.ensemble.effects import (
    END,
    HOLDS,
    ON_TIME,
    PROGRAMME,
    WITHIN,
    Driver,
    DriverTable,
    Effect,
    UnitEffect,
    bottleneck_of,
)
from sim.ensemble.indices import Index, IndexStats
from sim.report.document import Cell, Chart, Table
from sim.report.format import DASH, points, signed, when

if TYPE_CHECKING:
    from sim.report.charts import Builders
    from sim.results import RunResult
    from sim.scenario.model import Scenario

TOP = 15


@dataclass(frozen=True)
class Analysis:
    """What ``mc`` measured beyond the ensemble's statistics."""

    indices: IndexStats
    drivers: DriverTable | None = None
    include_routine: bool = False


TRADE_OFF = "⚠ trade-off"
NONE = "no measurable effect"


def target_words(e: Effect) -> str:
    what = {"end_h": "end", "late_h": "lateness", "p80_end_h": "P80 end",
            ON_TIME: "P(on time)", WITHIN: "P(within limit)", HOLDS: "holds as planned"}
    return f"programme {what[e.measure]}" if e.target == END else \
        what[e.measure] if e.target == PROGRAMME else f"{e.target} {what[e.measure]}"


def effect_words(e: Effect | None) -> str:
    if e is None:
        return "—"
    if e.is_share:
        return f"{points(e.mean)} pts ({points(e.low)} to {points(e.high)})"
    return f"{signed(e.mean)} ({signed(e.low)} to {signed(e.high)})"


def holds_words(d: Driver) -> str:
    """The holds-as-planned cell: the effect in points, or that there is none."""
    h = d.holds
    if h is None or not h.measurable:
        return NONE
    return effect_words(h) + (f" {TRADE_OFF}" if d.trade_off else "")


def trade_off_words(table: DriverTable) -> list[str]:
    """One line per ranked change that makes something earlier but holds less often:
    what it gains, and which phases get later."""
    lines = []
    for d in table.ranked():
        if not d.trade_off:
            continue
        gains = sorted((e for e in d.measurable if e.mean < 0), key=lambda e: e.mean)
        gain = f"{target_words(gains[0])} {signed(gains[0].mean)}" if gains else \
            "more runs on time"
        worse = ", ".join(f"{target_words(e)} {effect_words(e)}" for e in d.trade_off[:3])
        if len(d.trade_off) > 3:
            worse += f" and {len(d.trade_off) - 3} more (drivers.csv)"
        lines.append(f"{TRADE_OFF}: {d.label}: {gain}, but it makes other phases later: "
                     f"{worse}; holds as planned {effect_words(d.holds)}")
    return lines


def _effect(e: Effect | None) -> Cell:
    return Cell(DASH if e is None else effect_words(e))


def driver_table(table: DriverTable) -> Table:
    rows = []
    for rank, d in enumerate(table.ranked(), start=1):
        top = d.strongest
        rows.append((Cell(str(rank)), Cell(d.label), Cell(holds_words(d)),
                     Cell(target_words(top) if top is not None else NONE), _effect(top),
                     _effect(d.effect(END, "end_h"))))
    none = ", ".join(d.label for d in table.unmeasurable()) or "none"
    impossible = "; ".join(f"{d.label} ({d.why_not})" for d in table.impossible()) or "none"
    trade = " ".join(f"{w}." for w in trade_off_words(table))
    return Table("Drivers by effect", ("Rank", "Change", "Holds as planned (95% CI)",
                                       "Largest effect on", "Effect (95% CI)",
                                       "Programme end (95% CI)"), tuple(rows),
                 note=f"Each change run on the same {table.n} replications as the scenario "
                 "(common random numbers); effect = mean of the paired differences, variant − "
                 "baseline; holds as planned: difference of the shares of runs in points, "
                 "Newcombe's interval for paired proportions. Ranked by the effect on holds "
                 "as planned where measurable, then by the largest effect. "
                 + (trade + " " if trade else "")
                 + f"No measurable effect (interval contains 0): {none}. Not "
                 f"possible: {impossible}.", anchor="drivers")


def index_table(ix: IndexStats, include_routine: bool = False) -> Table:
    """The three indices side by side for the activity-phase pairs above noise."""
    crit = {(i.activity, i.phase): i for i in ix.criticality()}
    cru = {(i.activity, i.phase): i for i in ix.cruciality()}
    ssi = {(i.activity, i.phase): i for i in ix.ssi()}
    ranked = ix.ranked(list(ssi.values()), include_routine=include_routine)
    shown = [(i.activity, i.phase) for i in ranked[:TOP]]

    def cell(found: Index | None, fmt: str) -> Cell:
        if found is None or not found.above_noise:
            return Cell("noise" if found is not None else DASH)
        return Cell(fmt.format(found))

    rows = tuple((Cell(a), Cell(p), cell(crit.get((a, p)), "{0.value:.1%} ({0.low:.1%}–"
                                          "{0.high:.1%})"),
                  cell(cru.get((a, p)), "{0.value:+.2f} ({0.low:+.2f} to {0.high:+.2f})"),
                  cell(ssi.get((a, p)), "{0.value:.2f} ({0.low:.2f}–{0.high:.2f})"))
                 for a, p in shown)
    return Table("Schedule-risk indices", ("Activity", "Phase end", "Criticality",
                                           "Cruciality (Spearman)", "SSI"), rows,
                 note="Criticality: share of runs in which the activity is on the chain that "
                 "set the phase's end, resource and group waits included. Cruciality: rank "
                 "correlation of its duration with the phase end (Fisher-z interval). SSI = "
                 "criticality × σ(duration) ÷ σ(phase end). The largest SSI first; "
                 "'noise': the interval contains 0; routine activities left out"
                 + (" (here included)" if include_routine else "") + ". All pairs are in "
                 "risk_indices.csv.", anchor="indices")


def merge_bias_table(ix: IndexStats, scenario: Scenario, plan: RunResult | None) -> Table:
    """Phases whose end is a merge of parallel paths: simulated P50 minus the plan."""
    cpm = scenario.critical_path
    acts = {a.id: a for a in scenario.activities}
    rows = []
    for k, phase in enumerate(scenario.phases):
        members = [a for a in scenario.activities if a.phase == phase.id]
        inside = {d.target for a in members for d in a.after if not d.on_phase}
        ends = [a for a in members if a.id not in inside]  # nothing in the phase follows
        q = ix.phase_end_q[k]
        if len(ends) < 2 or q.n == 0 or all(a.routine for a in ends):
            continue  # no merge, never finished, or only routine work (a daily meeting)
        network = max(cpm.earliest_start[a.id] + acts[a.id].duration.expected() for a in ends
                      if a.id in cpm.earliest_start)
        p50 = q.quantile(0.5)
        planned = plan.phases[phase.id].end_h if plan is not None and phase.id in plan.phases \
            else None
        rows.append((Cell(phase.id), Cell(str(len(ends))), Cell(format_time(network)),
                     Cell(when(planned)), Cell(when(p50)), Cell(signed(p50 - network)),
                     Cell(signed(p50 - planned) if planned is not None else DASH)))
    return Table("Merge bias at phase ends", ("Phase", "Paths merging", "Network date",
                                              "Plan run", "Simulated P50",
                                              "P50 − network", "P50 − plan run"),
                 tuple(rows), note="Where parallel paths merge, the end of the phase is the "
                 "latest of them, so its expected date is later than the date of expected "
                 "durations. Network date: critical path on expected durations "
                 "(sim.scenario.plan: no calendar, no capacity); plan run: expected "
                 "durations through the engine, no injects.", anchor="merge-bias")


def analysis_tables(analysis: Analysis, scenario: Scenario,
                    plan: RunResult | None) -> tuple[Table, ...]:
    tables = [index_table(analysis.indices, analysis.include_routine),
              merge_bias_table(analysis.indices, scenario, plan)]
    if analysis.drivers is not None:
        tables.insert(0, driver_table(analysis.drivers))
    return tuple(tables)


def analysis_charts(analysis: Analysis) -> tuple[Chart, ...]:
    charts = [Chart("cruciality", "Cruciality",
                    "Rank correlation of activity durations with phase ends, whiskers: 95% "
                    "interval; hollow grey: the interval contains 0.")]
    if analysis.drivers is not None:
        charts.insert(0, Chart("drivers", "Drivers by effect",
                               "Left: each change's largest paired effect in hours; right: "
                               "its effect on the share of runs holding as planned, in "
                               "points. Whiskers: 95% interval; hollow grey: no measurable "
                               "effect; ⚠: a trade-off."))
        charts.insert(1, Chart("risks", "Risks removed one at a time",
                               "Change of the P80 of each phase end when the risk is removed, "
                               "95% bootstrap interval; hollow grey: contains 0."))
    return tuple(charts)


def analysis_builders(analysis: Analysis) -> Builders:
    # matplotlib is heavy: loaded only when charts are drawn, not with the documents
    from sim.plotting.drivers import cruciality_chart, drivers_chart, risks_chart

    out: dict[str, object] = {"cruciality": lambda: cruciality_chart(
        analysis.indices, include_routine=analysis.include_routine)}
    table = analysis.drivers
    if table is not None:
        out = {"drivers": lambda: drivers_chart(table), "risks": lambda: risks_chart(table),
               **out}
    return out  # type: ignore[return-value]


def bottleneck_words(effects: Sequence[UnitEffect]) -> str:
    """What one more unit of the bottleneck does, or that no single unit moves anything."""
    top = bottleneck_of(tuple(effects))
    if top is None:
        tried = ", ".join(e.id for e in effects)
        return f"none: one more unit of {tried} moves neither the end nor any phase"
    target, hours = top.largest
    what = "the programme" if target == END else f"phase {target}"
    unit = "unit" if top.kind == "resource" else "team"
    words = (f"{top.id} ({top.kind}): one more {unit} ends {what} {format_duration(hours)} "
             f"earlier; activities waited {format_duration(top.wait_h)} for it")
    if top.later:
        later = ", ".join(f"{pid} {format_duration(h)} later" + (" (now late)" if broke else "")
                          for pid, h, broke in top.later[:3])
        more = f" and {len(top.later) - 3} more" if len(top.later) > 3 else ""
        words += f"; {TRADE_OFF}: it ends {later}{more}"
    return words
