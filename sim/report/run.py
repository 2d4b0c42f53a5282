"""The run report a planner hands out: KPIs, phases, bottlenecks, the MSEL and the charts.

Everything comes from one :class:`~sim.results.RunResult` and, if given, the plan run it
is measured against; nothing is simulated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sim.core.timefmt import format_duration, format_time
from sim.report.charts import Builders
from sim.report.document import Cell, Chart, Flag, Report, Table
from sim.report.drivers import bottleneck_words
from sim.report.format import DASH, named, span, when, whole_pct
from sim.report.injects import inject_table
from sim.report.meta import scenario_meta
from sim.report.timetable import timetable_section
from sim.report.write import write_document
from sim.results import RunResult, inject_outcomes
from sim.results.timetable import timetable

if TYPE_CHECKING:
    from sim.ensemble.effects import UnitEffect
    from sim.results import PhaseRow

By = Literal["activity", "group"]
Kpi = tuple[str, Cell]


def build_report(result: RunResult, plan: RunResult | None = None, *,
                 by: By = "activity", effects: Sequence[UnitEffect] | None = None) -> Report:
    """Everything the report says, as plain tables (no rendering, no charts drawn).

    Without ``plan`` the plan end and the slip are left out and the planned phase times
    are dashes. ``effects`` (:func:`sim.ensemble.bottleneck.unit_effects`, the caller's)
    name the bottleneck by what one more unit does; without them, by hours waited.
    """
    sc = result.scenario
    meta = scenario_meta(sc, f"Seed {result.seed}, replication {result.replication}")
    if sc.source:
        meta.append("Source: " + " ".join(sc.source.split()))
    notes = []
    if result.stuck:
        notes.append(f"INCOMPLETE RUN: {len(result.stuck)} activities could not finish; "
                     "see the table of unfinished activities.")
    return Report(
        title=f"{sc.name}: run report",
        meta=tuple(meta),
        kpis=tuple(kpis(result, plan, effects)),
        tables=tuple(t for t in (phase_table(result, plan), bottleneck_table(result),
                                 resource_table(result), group_table(result),
                                 inject_table(result), stuck_table(result)) if t is not None),
        charts=run_charts(by),
        notes=tuple(notes),
        sections=(timetable_section(timetable(result, plan)),),
        contents=True,
    )


def kpis(result: RunResult, plan: RunResult | None,
         effects: Sequence[UnitEffect] | None = None) -> list[Kpi]:
    """The headline figures: end, planned end, on time, lateness, limits, slip, injects."""
    out = [*_end_kpis(result), *_plan_kpis(result, plan), *_limit_kpis(result),
           _due_kpi(result)]
    outcomes = inject_outcomes(result)
    hits = sum(1 for o in outcomes if o["status"] == "hit")
    out.append(("Injects that hit", Cell(f"{hits} of {len(outcomes)}")))
    if effects:
        out.append(("Top bottleneck", Cell(bottleneck_words(effects))))
    if result.bottlenecks:
        top = result.bottlenecks[0]
        out.append(("Longest wait" if effects else "Top bottleneck",
                    Cell(f"{top.id} ({top.kind}): activities waited "
                         f"{format_duration(top.wait_h)}")))
    out.append(("Waiting for working time (all activities)",
                Cell(format_duration(result.calendar_wait_h))))
    if result.stuck:
        out.append(("Unfinished activities", Cell(str(len(result.stuck)), "bad")))
    return out


def _end_kpis(result: RunResult) -> list[Kpi]:
    late = max(0.0, result.end_h - result.planned_end_h)
    verdict = ("no: INCOMPLETE" if result.stuck else "yes" if result.on_time else "no")
    return [
        ("End (last activity finished)", Cell(format_time(result.end_h))),
        ("Planned end (end of the last working day)", Cell(format_time(result.planned_end_h))),
        ("On time", Cell(verdict, "good" if result.on_time else "bad")),
        ("Lateness", Cell(format_duration(late) if late > 0 else "none",
                          "bad" if late > 0 else "good")),
    ]


def _plan_kpis(result: RunResult, plan: RunResult | None) -> list[Kpi]:
    if plan is None:
        return []
    slip = result.end_h - plan.end_h
    return [("Plan end (expected durations, no injects)", Cell(format_time(plan.end_h))),
            ("Slip against the plan", Cell(
                ("+" if slip > 0 else "−" if slip < 0 else "") + format_duration(abs(slip)),
                "bad" if slip > 1e-9 else ""))]


def _limit_kpis(result: RunResult) -> list[Kpi]:
    limited = [p for p in result.phases.values() if p.limit_h is not None]
    if not limited:
        return [("Time-limited phases", Cell("none in this scenario"))]
    return [(f"{p.name}: duration vs limit", _limit_cell(p)) for p in limited]


def _limit_cell(p: PhaseRow) -> Cell:
    assert p.limit_h is not None
    if p.duration_h is None:
        return Cell(f"unfinished (limit {format_duration(p.limit_h)})", "bad")
    state = f"BREACH by {format_duration(p.duration_h - p.limit_h)}" if p.breach else "within"
    return Cell(f"{format_duration(p.duration_h)} of {format_duration(p.limit_h)} "
                f"limit: {state}", "bad" if p.breach else "good")


def _due_kpi(result: RunResult) -> Kpi:
    due = [p for p in result.phases.values() if p.due_h is not None]
    late = [p for p in due if p.late_h is None or p.late_h > 1e-9]
    return ("Phases late against their due time",
            Cell(f"{len(late)} of {len(due)}"
                 + (f" ({', '.join(p.id for p in late)})" if late else ""),
                 "bad" if late else "good"))


def phase_table(result: RunResult, plan: RunResult | None) -> Table:
    """Each phase planned (from ``plan``, dashes without it) against what happened."""
    rows = []
    for phase in result.phases.values():
        planned = plan.phases.get(phase.id) if plan is not None else None
        late_flag: Flag = "bad" if phase.late_h is not None and phase.late_h > 1e-9 else ""
        if phase.due_h is not None and phase.end_h is None:
            late_flag = "bad"
        late = (DASH if phase.due_h is None else "unfinished" if phase.late_h is None
                else "on time" if phase.late_h <= 1e-9 else format_duration(phase.late_h))
        breach = (DASH if phase.limit_h is None else
                  "unfinished" if phase.duration_h is None else
                  f"BREACH +{format_duration(phase.duration_h - phase.limit_h)}" if phase.breach
                  else "within")
        rows.append((
            Cell(named(phase.name, phase.id)),
            Cell(when(planned.start_h if planned else None)),
            Cell(when(planned.end_h if planned else None)),
            Cell(when(phase.start_h)), Cell(when(phase.end_h)), Cell(when(phase.due_h)),
            Cell(late, late_flag),
            Cell(span(phase.limit_h)), Cell(span(phase.duration_h)),
            Cell(breach, "bad" if phase.breach else ""),
        ))
    return Table("Phases", ("Phase", "Planned start", "Planned end", "Actual start",
                            "Actual end", "Due", "Late by", "Limit", "Took", "Breach"),
                 tuple(rows), note="Planned = the plan run (expected durations, no injects). "
                 "Took = first start to last end.", anchor="phases")


def bottleneck_table(result: RunResult) -> Table:
    names = {r.id: r.name for r in result.scenario.resources}
    names |= {g.id: g.name for g in result.scenario.groups}
    rows = []
    for rank, b in enumerate(result.bottlenecks, start=1):
        res = result.resources.get(b.id) if b.kind == "resource" else None
        rows.append((Cell(str(rank)), Cell(b.kind), Cell(b.id), Cell(names.get(b.id, b.id)),
                     Cell(format_duration(b.wait_h)),
                     Cell(whole_pct(res.utilisation) if res else DASH)))
    note = ("Hours activities waited, ready to start, for each resource or group. "
            f"Waiting for working time (not counted here): "
            f"{format_duration(result.calendar_wait_h)}.")
    if not rows:
        note = "No activity waited for a resource or a group. " + note
    return Table("Bottlenecks", ("Rank", "Kind", "Id", "Name", "Waited", "Utilisation"),
                 tuple(rows), note=note, anchor="bottlenecks")


def resource_table(result: RunResult) -> Table | None:
    if not result.resources:
        return None
    rows = tuple((Cell(r.id), Cell(r.name), Cell(str(r.capacity)),
                  Cell(whole_pct(r.utilisation)), Cell(f"{r.busy_unit_h:.1f}"),
                  Cell(f"{r.lost_unit_h:.1f}", "bad" if r.lost_unit_h > 0 else ""),
                  Cell(format_duration(r.wait_h)))
                 for r in result.resources.values())
    return Table("Resources", ("Id", "Name", "Capacity", "Utilisation", "Unit-hours in use",
                               "Unit-hours lost to injects", "Activities waited"), rows,
                 note="Utilisation = unit-hours in use ÷ (capacity × hours it could be used "
                 "up to the end of the run).", anchor="resources")


def group_table(result: RunResult) -> Table | None:
    if not result.groups:
        return None
    rows = tuple((Cell(g.id), Cell(g.name), Cell(str(g.teams)), Cell(f"{g.busy_team_h:.1f}"),
                  Cell(format_duration(g.wait_h)),
                  Cell(format_duration(g.unavailable_h) if g.unavailable_h > 0 else DASH))
                 for g in result.groups.values())
    return Table("Groups", ("Id", "Name", "Teams", "Team-hours busy", "Activities waited",
                            "Unavailable"), rows, anchor="groups")


def stuck_table(result: RunResult) -> Table | None:
    if not result.stuck:
        return None
    rows = tuple((Cell(s.get("activity", "")), Cell(s.get("reason", ""), "bad"))
                 for s in result.stuck)
    return Table("Unfinished activities", ("Activity", "Why"), rows, anchor="unfinished")


def _gantt_name(by: By) -> str:
    return "gantt" if by == "activity" else "gantt-by-group"


def run_charts(by: By) -> tuple[Chart, ...]:
    """The charts of the run report, as the documents describe them."""
    return (
        Chart(_gantt_name(by), "Schedule",
              "Work segments coloured by phase (gaps: paused work); grey outlines: the plan; "
              "shaded: nights and rest days; triangles: injects that hit; dashed: phase due."),
        Chart("resources", "Resources in use",
              "Units in use against capacity; vermillion: capacity taken away by injects."),
        Chart("heatmap", "Resource utilisation by day",
              "Share of capacity × usable hours in use each day."),
        Chart("workload", "Group workload by day",
              "Busy team-hours per day; dashed: teams × working-day hours."),
    )


def _builders(result: RunResult, plan: RunResult | None, by: By) -> Builders:
    # matplotlib is heavy: loaded only when charts are drawn, not with the documents
    from sim.plotting import gantt, group_workload, resource_usage, utilisation_heatmap

    return {
        _gantt_name(by): lambda: gantt(result, plan, by=by),
        "resources": lambda: resource_usage(result),
        "heatmap": lambda: utilisation_heatmap(result),
        "workload": lambda: group_workload(result),
    }


def write_charts_and_report(result: RunResult, out: Path, *,
                            formats: Sequence[str] | None = None, dpi: float = 110,
                            by: By = "activity", plan: RunResult | None = None,
                            effects: Sequence[UnitEffect] | None = None) -> list[Path]:
    """Write the charts (gantt, resources, heatmap, workload) and report.html/report.md.

    ``formats`` is any of png (default), svg, pdf. The HTML embeds each chart (PNG if
    written, else SVG, else a PNG made for it). ``plan`` is the plan run the caller made
    (``simulate(scenario, seed, plan=True)``); a run that is itself a plan is its own.
    Without one, the Gantt chart has no plan outlines and the report no plan end, slip
    or planned phase times: nothing is simulated here. Every file is written atomically
    (temporary name, then rename). Returns the paths written.
    """
    if by not in ("activity", "group"):
        raise ValueError(f"by must be 'activity' or 'group', not {by!r}")
    if plan is None and result.plan:
        plan = result
    return write_document(build_report(result, plan, by=by, effects=effects),
                          _builders(result, plan, by), out, formats=formats, dpi=dpi)
