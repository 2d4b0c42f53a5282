"""The run report a planner hands out: KPIs, phases, bottlenecks, the MSEL and the charts.

``write_charts_and_report`` writes the chart files and two renderings of one
:class:`Report`: ``report.html`` (a single self-contained file: styles inline,
images embedded, no network) and ``report.md`` (charts linked as image files).
Both are built from the same tables, so they say the same things. matplotlib is
imported only when charts are drawn.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sim.core.timefmt import format_clock, format_duration, format_time
from sim.results import RunResult, inject_outcomes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.scenario.model import Inject

By = Literal["activity", "group"]
Flag = Literal["", "good", "bad"]
DASH = "—"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    flag: Flag = ""


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # file stem: gantt, resources, heatmap, workload
    title: str
    caption: str


@dataclass(frozen=True)
class Report:
    title: str
    meta: tuple[str, ...]
    kpis: tuple[tuple[str, Cell], ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- content


def _t(hours: float | None) -> str:
    return DASH if hours is None else format_time(hours)


def _d(hours: float | None) -> str:
    return DASH if hours is None else format_duration(hours)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def build_report(result: RunResult, plan: RunResult | None = None, *,
                 by: By = "activity") -> Report:
    """Everything the report says, as plain tables (no rendering, no charts drawn)."""
    sc = result.scenario
    meta = [f"Scenario file: {sc.file}", f"Seed {result.seed}, replication {result.replication}",
            f"{sc.days} days; working day {format_clock(sc.calendar.day_start)}–"
            f"{format_clock(sc.calendar.day_end)}"
            + (f"; rest days {', '.join(f'D{d}' for d in sorted(sc.calendar.rest_days))}"
               if sc.calendar.rest_days else "")]
    if sc.start_date is not None:
        meta.append(f"D1 = {sc.start_date:%A} {sc.start_date.day} {sc.start_date:%B %Y}")
    if sc.description:
        meta.append(" ".join(sc.description.split()))
    if sc.source:
        meta.append("Source: " + " ".join(sc.source.split()))
    notes = []
    if result.stuck:
        notes.append(f"INCOMPLETE RUN: {len(result.stuck)} activities could not finish; "
                     "see the table of unfinished activities.")
    return Report(
        title=f"{sc.name}: run report",
        meta=tuple(meta),
        kpis=tuple(kpis(result, plan)),
        tables=tuple(t for t in (phase_table(result, plan), bottleneck_table(result),
                                 resource_table(result), group_table(result),
                                 inject_table(result), stuck_table(result)) if t is not None),
        charts=charts(by),
        notes=tuple(notes),
    )


def kpis(result: RunResult, plan: RunResult | None) -> list[tuple[str, Cell]]:
    """The headline figures: end, planned end, on time, lateness, limits, slip, injects."""
    late = max(0.0, result.end_h - result.planned_end_h)
    verdict = ("no: INCOMPLETE" if result.stuck else "yes" if result.on_time else "no")
    out = [
        ("End (last activity finished)", Cell(format_time(result.end_h))),
        ("Planned end (end of the last working day)", Cell(format_time(result.planned_end_h))),
        ("On time", Cell(verdict, "good" if result.on_time else "bad")),
        ("Lateness", Cell(format_duration(late) if late > 0 else "none",
                          "bad" if late > 0 else "good")),
    ]
    if plan is not None:
        slip = result.end_h - plan.end_h
        out.append(("Plan end (expected durations, no injects)", Cell(format_time(plan.end_h))))
        out.append(("Slip against the plan", Cell(
            ("+" if slip > 0 else "−" if slip < 0 else "") + format_duration(abs(slip)),
            "bad" if slip > 1e-9 else "")))
    limited = [p for p in result.phases.values() if p.limit_h is not None]
    for p in limited:
        assert p.limit_h is not None
        if p.duration_h is None:
            out.append((f"{p.name}: duration vs limit",
                        Cell(f"unfinished (limit {format_duration(p.limit_h)})", "bad")))
            continue
        state = (f"BREACH by {format_duration(p.duration_h - p.limit_h)}" if p.breach
                 else "within")
        out.append((f"{p.name}: duration vs limit",
                    Cell(f"{format_duration(p.duration_h)} of {format_duration(p.limit_h)} "
                         f"limit: {state}", "bad" if p.breach else "good")))
    if not limited:
        out.append(("Time-limited phases", Cell("none in this scenario")))
    due = [p for p in result.phases.values() if p.due_h is not None]
    late_phases = [p for p in due if p.late_h is None or p.late_h > 1e-9]
    out.append(("Phases late against their due time",
                Cell(f"{len(late_phases)} of {len(due)}" + (
                    f" ({', '.join(p.id for p in late_phases)})" if late_phases else ""),
                    "bad" if late_phases else "good")))
    outcomes = inject_outcomes(result)
    hits = sum(1 for o in outcomes if o["status"] == "hit")
    out.append(("Injects that hit", Cell(f"{hits} of {len(outcomes)}")))
    if result.bottlenecks:
        top = result.bottlenecks[0]
        out.append(("Top bottleneck", Cell(f"{top.id} ({top.kind}): activities waited "
                                           f"{format_duration(top.wait_h)}")))
    out.append(("Waiting for working time (all activities)",
                Cell(format_duration(result.calendar_wait_h))))
    if result.stuck:
        out.append(("Unfinished activities", Cell(str(len(result.stuck)), "bad")))
    return out


def phase_table(result: RunResult, plan: RunResult | None) -> Table:
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
            Cell(f"{phase.name} ({phase.id})" if phase.name != phase.id else phase.id),
            Cell(_t(planned.start_h if planned else None)),
            Cell(_t(planned.end_h if planned else None)),
            Cell(_t(phase.start_h)), Cell(_t(phase.end_h)), Cell(_t(phase.due_h)),
            Cell(late, late_flag),
            Cell(_d(phase.limit_h)), Cell(_d(phase.duration_h)),
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
                     Cell(_pct(res.utilisation) if res else DASH)))
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
    rows = tuple((Cell(r.id), Cell(r.name), Cell(str(r.capacity)), Cell(_pct(r.utilisation)),
                  Cell(f"{r.busy_unit_h:.1f}"), Cell(f"{r.lost_unit_h:.1f}",
                                                     "bad" if r.lost_unit_h > 0 else ""),
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


def scripted_time(inject: Inject) -> str:
    """``D3 10:00``, or the window of a random time, with the probability if below 1."""
    text = (format_time(inject.at) if inject.at_latest <= inject.at
            else f"between {format_time(inject.at)} and {format_time(inject.at_latest)}")
    if inject.probability < 1.0:
        text += f" (probability {inject.probability:g})"
    return text


def _target(inject: Inject) -> str:
    if inject.kind == "add_activity":
        added = ", ".join(a.id for a in inject.activities)
        return f"adds {added} to {inject.phase}" if inject.phase else f"adds {added}"
    if inject.target is None:
        return DASH
    extra = ""
    if inject.kind == "resource_down":
        amount = "all units" if inject.amount is None else f"{inject.amount} units"
        extra = f" ({amount} for {format_duration(inject.duration)}, {inject.on_hit})"
    elif inject.kind == "group_unavailable":
        extra = f" (for {format_duration(inject.duration)})"
    return inject.target + extra


def _outcome(status: str, t: float | None, reason: str | None) -> Cell:
    if status == "hit":
        return Cell(f"hit at {_t(t)}", "good")
    words = {"skipped": "did not happen", "missed": "missed: target already finished",
             "not reached": "not reached (run ended first)"}.get(status, status)
    if status == "skipped" and reason:
        words += f" ({'after the end of the run' if reason == 'after_end' else reason})"
    return Cell(words, "bad" if status == "missed" else "")


def inject_table(result: RunResult) -> Table:
    """The MSEL with what happened to each inject in this run."""
    outcomes = {o["id"]: o for o in inject_outcomes(result)}
    rows = []
    for inject in result.scenario.injects:
        o: dict[str, Any] = outcomes.get(inject.id, {"status": "not reached", "t": None,
                                                     "reason": None})
        rows.append((Cell(inject.id), Cell(scripted_time(inject)), Cell(inject.kind),
                     Cell(_target(inject)), Cell(inject.description or DASH),
                     Cell(inject.from_ or DASH), Cell(inject.to or DASH),
                     Cell(inject.expected_action or DASH), Cell(inject.objective or DASH),
                     _outcome(o["status"], o["t"], o["reason"])))
    return Table("Injects (MSEL)", ("Id", "Time", "Kind", "Target", "Description", "From",
                                    "To", "Expected action", "Objective", "In this run"),
                 tuple(rows), note="" if rows else "This scenario has no injects.",
                 anchor="injects")


def stuck_table(result: RunResult) -> Table | None:
    if not result.stuck:
        return None
    rows = tuple((Cell(s.get("activity", "")), Cell(s.get("reason", ""), "bad"))
                 for s in result.stuck)
    return Table("Unfinished activities", ("Activity", "Why"), rows, anchor="unfinished")


def charts(by: By) -> tuple[Chart, ...]:
    gantt_name = "gantt" if by == "activity" else "gantt-by-group"
    return (
        Chart(gantt_name, "Schedule",
              "Work segments coloured by phase (gaps: paused work); grey outlines: the plan; "
              "shaded: nights and rest days; triangles: injects that hit; dashed: phase due."),
        Chart("resources", "Resources in use",
              "Units in use against capacity; vermillion: capacity taken away by injects."),
        Chart("heatmap", "Resource utilisation by day",
              "Share of capacity × usable hours in use each day."),
        Chart("workload", "Group workload by day",
              "Busy team-hours per day; dashed: teams × working-day hours."),
    )


# ---------------------------------------------------------------- rendering

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:2rem auto;max-width:1500px;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:2px solid #0072B2;padding-bottom:.2rem}
.meta{color:#555;margin:.1rem 0;font-size:.92rem}
.notice{background:#fbe3d6;border-left:4px solid #D55E00;padding:.5rem .8rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef4fa}tr:nth-child(even) td{background:#fafafa}
td.bad{color:#B84A00;font-weight:700}td.good{color:#00704F}
table.kpis td:first-child{font-weight:600}
.note{color:#555;font-size:.85rem;margin:.2rem 0 .8rem}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{color:#555;font-size:.85rem}
@media print{body{margin:0;max-width:none}table,figure{page-break-inside:avoid}}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(report: Report, images: dict[str, tuple[str, bytes]],
                files: dict[str, list[str]] | None = None) -> str:
    """One self-contained HTML page; ``images`` maps chart name to (MIME type, bytes)."""
    files = files or {}
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_h(report.title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{_h(report.title)}</h1>"]
    parts += [f'<p class="meta">{_h(line)}</p>' for line in report.meta]
    parts += [f'<p class="notice">{_h(note)}</p>' for note in report.notes]
    parts.append('<h2 id="kpis">Key figures</h2><table class="kpis"><tbody>')
    for label, cell in report.kpis:
        parts.append(f"<tr><td>{_h(label)}</td>{_td(cell)}</tr>")
    parts.append("</tbody></table>")
    for table in report.tables:
        parts.append(_html_table(table))
    if report.charts:
        parts.append('<h2 id="charts">Charts</h2>')
    for chart in report.charts:
        if chart.name not in images:
            continue
        mime, data = images[chart.name]
        listed = ", ".join(files.get(chart.name, []))
        parts.append(
            f'<figure id="{_h(chart.name)}"><img alt="{_h(chart.title)}" '
            f'src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}">'
            f"<figcaption><strong>{_h(chart.title)}.</strong> {_h(chart.caption)}"
            + (f" Files: {_h(listed)}." if listed else "") + "</figcaption></figure>")
    parts.append('<p class="meta">Made by tabletop from the run\'s event log.</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _td(cell: Cell) -> str:
    cls = f' class="{cell.flag}"' if cell.flag else ""
    return f"<td{cls}>{_h(cell.text)}</td>"


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in table.rows)
    anchor = f' id="{_h(table.anchor)}"' if table.anchor else ""
    out = f"<h2{anchor}>{_h(table.title)}</h2>"
    if table.rows:
        out += f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if table.note:
        out += f'<p class="note">{_h(table.note)}</p>'
    return out


_MD_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "*": "\\*", "`": "\\`", "[": "\\[",
                             "]": "\\]", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "})


def _m(text: str) -> str:
    return text.translate(_MD_ESCAPES)


def _mcell(cell: Cell) -> str:
    return f"**{_m(cell.text)}**" if cell.flag == "bad" else _m(cell.text)


def render_markdown(report: Report, files: dict[str, list[str]]) -> str:
    """The same report as Markdown; ``files`` maps chart name to its file names."""
    lines = [f"# {_m(report.title)}", ""]
    lines += [f"{_m(line)}  " for line in report.meta] + [""]
    lines += [f"> **{_m(note)}**" for note in report.notes]
    lines += ["## Key figures", "", "| Figure | Value |", "|---|---|"]
    lines += [f"| {_m(label)} | {_mcell(cell)} |" for label, cell in report.kpis]
    for table in report.tables:
        lines += ["", f"## {_m(table.title)}", ""]
        if table.rows:
            lines.append("| " + " | ".join(_m(h) for h in table.headers) + " |")
            lines.append("|" + "---|" * len(table.headers))
            lines += ["| " + " | ".join(_mcell(c) for c in row) + " |" for row in table.rows]
        if table.note:
            lines += ["", _m(table.note)]
    if report.charts:
        lines += ["", "## Charts"]
    for chart in report.charts:
        names = files.get(chart.name, [])
        if not names:
            continue
        lines += ["", f"### {_m(chart.title)}", ""]
        image = next((n for ext in (".png", ".svg") for n in names if n.endswith(ext)), None)
        if image:
            lines.append(f"![{_m(chart.title)}]({image})")
        others = [n for n in names if n != image]
        lines += ["", _m(chart.caption) + (" Also: " + ", ".join(f"[{n}]({n})" for n in others)
                                          if others else "")]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- files


def _builders(result: RunResult, plan: RunResult | None,
              by: By) -> dict[str, Callable[[], Figure]]:
    from sim import plotting

    return {
        "gantt" if by == "activity" else "gantt-by-group":
            lambda: plotting.gantt(result, plan, by=by),
        "resources": lambda: plotting.resource_usage(result),
        "heatmap": lambda: plotting.utilisation_heatmap(result),
        "workload": lambda: plotting.group_workload(result),
    }


def chart_formats(formats: Iterable[str] | None) -> list[str]:
    chosen: list[str] = []
    for fmt in formats or ("png",):
        fmt = fmt.lower().lstrip(".")
        if fmt not in ("png", "svg", "pdf"):
            raise ValueError(f"unknown chart format {fmt!r} (choose from png, svg, pdf)")
        if fmt not in chosen:
            chosen.append(fmt)
    return chosen


def render_charts(builders: Mapping[str, Callable[[], Figure]], out: Path,
                  formats: Sequence[str], dpi: float,
                  ) -> tuple[list[Path], dict[str, tuple[str, bytes]], dict[str, list[str]]]:
    """Draw and write each chart; returns the paths, the images to embed and the file names."""
    from sim.core.files import write_bytes_atomic
    from sim.plotting.style import figure_bytes

    written: list[Path] = []
    images: dict[str, tuple[str, bytes]] = {}
    files: dict[str, list[str]] = {}
    for name, build in builders.items():
        fig = build()
        rendered = {fmt: figure_bytes(fig, fmt, dpi) for fmt in formats}
        for fmt, data in rendered.items():
            path = out / f"{name}.{fmt}"
            write_bytes_atomic(path, data)
            written.append(path)
            files.setdefault(name, []).append(path.name)
        if "png" in rendered:
            images[name] = ("image/png", rendered["png"])
        elif "svg" in rendered:
            images[name] = ("image/svg+xml", rendered["svg"])
        else:
            images[name] = ("image/png", figure_bytes(fig, "png", dpi))
    return written, images, files


def write_charts_and_report(result: RunResult, out: Path, *,
                            formats: Sequence[str] | None = None, dpi: float = 110,
                            by: By = "activity", plan: RunResult | None = None) -> list[Path]:
    """Write the charts (gantt, resources, heatmap, workload) and report.html/report.md.

    ``formats`` is any of png (default), svg, pdf. The HTML embeds each chart (PNG if
    written, else SVG, else a PNG made for it). ``plan`` is the plan run; without it,
    it is made here (``simulate(..., plan=True)``: deterministic and cheap). Every file
    is written atomically (temporary name, then rename). Returns the paths written.
    """
    from sim.core.files import write_bytes_atomic

    if by not in ("activity", "group"):
        raise ValueError(f"by must be 'activity' or 'group', not {by!r}")
    chosen = chart_formats(formats)
    if plan is None:
        plan = result if result.plan else _plan_of(result)
    written, images, files = render_charts(_builders(result, plan, by), out, chosen, dpi)
    report = build_report(result, plan, by=by)
    for path, text in ((out / "report.html", render_html(report, images, files)),
                       (out / "report.md", render_markdown(report, files))):
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


def _plan_of(result: RunResult) -> RunResult:
    from sim.engine import simulate

    return simulate(result.scenario, result.seed, plan=True)
