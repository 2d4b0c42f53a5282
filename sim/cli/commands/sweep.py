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
from sim.core.files import write_csv, write_json
from sim.ensemble import EnsembleResult
from sim.ensemble.kpis import KPIS
from sim.ensemble.sweep import grid, sweep
from sim.results.csvtimes import clock_cells, clock_columns
from sim.scenario import ScenarioError
from sim.scenario.overrides import OverrideError, apply_overrides, parse_override, parse_values

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


def main(args: argparse.Namespace) -> int:
    check_n(args.n)
    check_seed(args.seed)
    if not args.vary:
        raise UsageError("sweep needs at least one --vary KEY.PATH=V1,V2,...")
    scenario, _text, source = load_scenario_arg(args.file, args.set)
    try:
        varies = [parse_values(v) for v in args.vary]
        for path, values in varies:  # check every value before running anything
            for value in values:
                apply_overrides(source.tree, [parse_override(f"{'.'.join(path)}={value}")])
        points = grid(varies)
        with progress_bar("sweep", len(points) * args.n) as tick:
            results = sweep(source, varies, args.n, seed=args.seed,
                            jobs=jobs_value(args.jobs),
                            base=[parse_override(s) for s in args.set], progress=tick)
    except (OverrideError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    except ScenarioError as exc:
        report_problems(exc.problems)
        raise UsageError("a sweep point is not a valid scenario (see above)") from None
    names = [".".join(p) for p, _v in varies]
    header = (*names, "p_on_time", "p_on_time_lo", "p_on_time_hi", "end_mean_h", "end_p50_h",
              "end_p90_h", "p_within_limit", *SWEEP_EXTRA)
    rows = [(*pt.values, *pt.kpis().values(), *_sweep_extra(pt.result)) for pt in results]
    print(f"{scenario.name}: sweep of {len(points)} points x {args.n} replications "
          f"(KPI {args.kpi}: {KPIS[args.kpi]})")
    for pt in results:
        label = ", ".join(f"{n}={v}" for n, v in zip(names, pt.values, strict=True))
        print(f"  {label}: {args.kpi} = {pt.kpis()[args.kpi]:.3f}")

    def write(out: Path) -> None:
        write_csv(out / "sweep.csv", *_with_clock_columns(header, rows, scenario.start_date))
        write_json(out / "summary.json", {"scenario": scenario.name, "kpi": args.kpi,
                                          "vary": names, "n": args.n,
                                          "points": [dict(zip(header, r, strict=True))
                                                     for r in rows]})
        if args.no_charts:
            return
        from sim.report import write_sweep_report  # matplotlib: charts only

        write_sweep_report(names, rows, header, args.kpi, out, scenario=scenario.name,
                           n=args.n, seed=results[0].result.seed if results else None,
                           formats=args.format, dpi=args.dpi)

    write_run_dir(args.out, f"sweep-{Path(scenario.file).stem}", write, args.name, "sweep")
    return EXIT_OK
