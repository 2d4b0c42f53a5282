"""``tabletop sweep``: an ensemble at every point of a grid of values (common seed)."""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli.commands.common import check_seed, load_scenario_arg, progress_bar, write_run_dir
from sim.cli.commands.ensembles import check_n, jobs_value
from sim.cli.errors import EXIT_OK, UsageError, report_problems
from sim.core.csvmeta import write_csv_metadata
from sim.core.files import write_csv, write_json
from sim.ensemble import EnsembleResult
from sim.ensemble.kpis import KPIS
from sim.ensemble.sweep import SweepPoint, Vary, grid, sweep
from sim.report.format import pct, when
from sim.results.csvtimes import clock_cells, clock_columns
from sim.scenario import ScenarioError
from sim.scenario.model import Scenario
from sim.scenario.overrides import OverrideError, apply_overrides, parse_override, parse_values
from sim.scenario.source import Source

HOLDS_COLUMNS = ("p_holds", "p_holds_lo", "p_holds_hi")  # last: earlier columns keep places
# Sweep columns beyond SweepPoint.kpis(): 95% CIs of the end-time figures, and the deadline.
SWEEP_EXTRA = ("end_mean_h_lo", "end_mean_h_hi", "end_p50_h_lo", "end_p50_h_hi",
               "end_p90_h_lo", "end_p90_h_hi", "planned_end_h")
SWEEP_TIMES = frozenset(("end_mean_h", "end_p50_h", "end_p90_h", *SWEEP_EXTRA))


def _sweep_extra(result: EnsembleResult) -> tuple[float, ...]:
    st = result.stats
    values = (*st.end.ci(), *st.end_q.quantile_ci(0.5), *st.end_q.quantile_ci(0.9),
              result.scenario.planned_end)
    return tuple(v if math.isfinite(v) else math.nan for v in values)  # n < 2: no interval


def _with_clock_columns(header: Sequence[str], rows: Sequence[Sequence[Any]],
                        start_date: dt.date | None) -> tuple[tuple[str, ...], list[list[Any]]]:
    """sweep.csv's header and rows with each time also as D-day clock and date-time, after
    the other columns (summary.json and the report keep the hours only)."""
    times = [k for k, name in enumerate(header) if name in SWEEP_TIMES]
    names = clock_columns([header[k] for k in times])
    return (*header, *names), [[*row, *clock_cells([row[k] for k in times], start_date)]
                               for row in rows]


def kpi_words(kpi: str, cells: dict[str, Any]) -> str:
    """A KPI of one point as a person reads it: a share in percent, a time as day and
    clock time, each with its 95% interval when the table has one."""
    value, lo, hi = cells[kpi], cells.get(f"{kpi}_lo"), cells.get(f"{kpi}_hi")
    show = pct if kpi.startswith("p_") else when
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return show(value)
    return f"{show(value)} (95% CI {show(lo)}–{show(hi)})"


def main(args: argparse.Namespace) -> int:
    check_n(args.n)
    check_seed(args.seed)
    if not args.vary:
        raise UsageError("sweep needs at least one --vary KEY.PATH=V1,V2,...")
    scenario, _text, source = load_scenario_arg(args.file, args.set)
    varies, results = _run_points(args, source)
    names = [".".join(p) for p, _v in varies]
    header = (*names, "p_on_time", "p_on_time_lo", "p_on_time_hi", "end_mean_h", "end_p50_h",
              "end_p90_h", "p_within_limit", *SWEEP_EXTRA, *HOLDS_COLUMNS)
    rows = [(*pt.values, *pt.kpis().values(), *_sweep_extra(pt.result), *pt.holds().values())
            for pt in results]
    print(f"{scenario.name}: sweep of {len(results)} points x {args.n} replications "
          f"(KPI {args.kpi}: {KPIS[args.kpi]})")
    if args.set:
        print(f"  changes to the file at every point: {', '.join(args.set)}")
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        label = ", ".join(f"{n}={cells[n]}" for n in names)
        print(f"  {label}: {args.kpi} = {kpi_words(args.kpi, cells)}")

    def write(out: Path) -> None:
        _write_sweep(out, args, scenario, names, header, rows, results)

    write_run_dir(args.out, f"sweep-{Path(scenario.file).stem}", write, args.name, "sweep")
    return EXIT_OK


def _run_points(args: argparse.Namespace, source: Source) -> tuple[list[Vary], list[SweepPoint]]:
    """Every point of the grid, each value checked before anything runs."""
    try:
        varies = [parse_values(v) for v in args.vary]
        for path, values in varies:  # check every value before running anything
            for value in values:
                apply_overrides(source.tree, [parse_override(f"{'.'.join(path)}={value}")])
        with progress_bar("sweep", len(grid(varies)) * args.n) as tick:
            return varies, sweep(source, varies, args.n, seed=args.seed,
                                 jobs=jobs_value(args.jobs),
                                 base=[parse_override(s) for s in args.set], progress=tick)
    except (OverrideError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    except ScenarioError as exc:
        report_problems(exc.problems)
        raise UsageError("a sweep point is not a valid scenario (see above)") from None


def _write_sweep(out: Path, args: argparse.Namespace, scenario: Scenario, names: list[str],
                 header: tuple[str, ...], rows: list[tuple[Any, ...]],
                 results: list[SweepPoint]) -> None:
    """sweep.csv, its csv-metadata.json, summary.json and (unless --no-charts) the report."""
    write_csv(out / "sweep.csv", *_with_clock_columns(header, rows, scenario.start_date))
    write_csv_metadata(out, {"scenario": scenario.name, "file": scenario.file,
                             "overrides": list(args.set), "vary": names,
                             "replications_per_point": args.n})
    points_data = [dict(zip(header, r, strict=True)) | {"overrides": list(pt.overrides)}
                   for r, pt in zip(rows, results, strict=True)]
    write_json(out / "summary.json", {"scenario": scenario.name, "kpi": args.kpi,
                                      "overrides": list(args.set), "vary": names,
                                      "n": args.n, "points": points_data})
    if args.no_charts:
        return
    from sim.report import write_sweep_report  # matplotlib: charts only

    write_sweep_report(names, rows, header, args.kpi, out, scenario=scenario.name,
                       n=args.n, seed=results[0].result.seed if results else None,
                       formats=args.format, dpi=args.dpi, overrides=args.set)
