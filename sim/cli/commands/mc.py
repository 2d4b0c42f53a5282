"""``tabletop mc``: Monte Carlo schedule risk over N replications."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.commands.common import (
    check_seed,
    load_scenario_arg,
    progress_bar,
    scenario_copy_name,
    write_run_dir,
)
from sim.cli.commands.drivers_view import index_lines, with_drivers, write_analysis
from sim.cli.commands.ensembles import check_n, executor_of
from sim.cli.commands.risk_text import headline_lines, phase_lines, precision_lines
from sim.cli.errors import EXIT_INPUT, EXIT_OK, UsageError
from sim.core.csvmeta import write_csv_metadata
from sim.core.files import write_csv, write_json
from sim.core.timefmt import format_duration, format_time
from sim.engine import simulate
from sim.ensemble import EnsembleResult
from sim.ensemble.engines import EngineError, choose_engine
from sim.ensemble.indexed import ensemble_with_indices
from sim.ensemble.indices import IndexStats
from sim.ensemble.precision import PrecisionTarget
from sim.ensemble.risk import risk_summary
from sim.report import write_risk_report
from sim.report.drivers import Analysis
from sim.report.format import pct, ranges
from sim.results.csvtimes import clock_cells, clock_columns, day_date
from sim.results.store import write_run_tables

FINISH_TIMES = ("finish_p10_h", "finish_p50_h", "finish_p90_h")


def main(args: argparse.Namespace) -> int:
    check_n(args.n)
    check_seed(args.seed)
    if args.keep < 0:
        raise UsageError("--keep must be >= 0")
    if args.index_runs is not None and args.index_runs < 1:
        raise UsageError(f"--index-runs must be at least 1 (got {args.index_runs})")
    target = _precision_target(args)
    scenario, text, source = load_scenario_arg(args.file, args.set)
    try:
        choose_engine(scenario, args.engine)  # before any worker starts
    except EngineError as exc:
        raise UsageError(f"--engine {args.engine}: {exc}") from None
    executor = executor_of(args)
    try:
        with progress_bar("replications", args.n) as tick:
            result, indices = ensemble_with_indices(scenario, args.n, seed=args.seed,
                                                    keep=args.keep, executor=executor,
                                                    progress=tick, until=target,
                                                    engine=args.engine,
                                                    index_runs=args.index_runs)
    finally:
        close = getattr(executor, "close", None)
        if close is not None:
            close()
    print(risk_text(result, args.precision, target, indices, args.include_routine))
    analysis = Analysis(indices, with_drivers(args, scenario, source, result.seed),
                        args.include_routine)
    stem = f"{Path(scenario.file).stem}-mc{result.n}-seed{result.seed}"
    if result.missing:
        stem += "-INCOMPLETE"
    write_run_dir(args.out, stem,
                  lambda d: _write_ensemble(result, d, text, args.precision, args,
                                            scenario_copy_name(scenario, args.set), target,
                                            analysis),
                  args.name, "ensemble")
    return EXIT_INPUT if result.missing else EXIT_OK


def risk_text(result: EnsembleResult, precision_h: float,
              target: PrecisionTarget | None = None, indices: IndexStats | None = None,
              include_routine: bool = False) -> str:
    """The console summary: headline and risk per phase first, then the end time and the
    schedule-risk indices."""
    st = result.stats
    sc = result.scenario
    lo, hi = st.on_time.ci()
    lines = [f"{sc.name}: {st.n} replications, seed {result.seed} ({result.executor}, "
             f"{result.jobs} worker{'s' * (result.jobs != 1)})"]
    if sc.overrides:
        lines.append(f"  changes to the file: {', '.join(sc.overrides)}")
    if result.engine_reason:
        lines.append(f"  {result.engine} engine: {result.engine_reason}")
    if result.missing:
        lines.append(f"  INCOMPLETE: {len(result.missing)} replications missing: "
                     f"{ranges(result.missing)}")
    lines += headline_lines(result)
    lines += phase_lines(result)
    lines.append(f"  P(programme ends by {format_time(sc.planned_end)}): {pct(st.on_time.p)} "
                 f"(95% CI {pct(lo)}–{pct(hi)})")
    q = st.end_q
    lines.append("  end: " + ", ".join(f"P{int(p * 100)} {format_time(q.quantile(p))}"
                                       for p in (0.1, 0.5, 0.9))
                 + f", mean {format_time(st.end.mean)} "
                 f"(± {format_duration(st.end.half_width())})")
    if indices is not None:
        if indices.n < st.n:  # say what the indices' intervals rest on
            lines.append(f"  schedule-risk indices from the first {indices.n:,} of "
                         f"{st.n:,} replications (--index-runs)")
        lines += index_lines(indices, include_routine)
    lines.append(_end_precision(result, precision_h))
    lines += precision_lines(result, target)
    return "\n".join(lines)


def _end_precision(result: EnsembleResult, precision_h: float) -> str:
    st = result.stats
    advice = st.advice(precision_h)
    if st.n < 2:
        return "  precision: one replication has no spread; run at least a few hundred"
    if advice["enough_for_mean_end"]:
        return (f"  precision: mean end ± {advice['mean_end_half_width_h']:.2f} h "
                f"<= target {precision_h:g} h: n is enough")
    return (f"  precision: mean end ± {advice['mean_end_half_width_h']:.2f} h > "
            f"target {precision_h:g} h: run about {advice['runs_for_target_h']} replications")


def _precision_target(args: argparse.Namespace) -> PrecisionTarget | None:
    """``--until-precision POINTS``: the rounds' target, capped at ``-n``."""
    points = args.until_precision
    if points is None:
        return None
    if not 0 < points <= 50:
        raise UsageError(f"--until-precision must be above 0 and at most 50 percentage "
                         f"points (got {points:g})")
    return PrecisionTarget(points, cap=args.n)


def _write_ensemble(result: EnsembleResult, out: Path, text: str, precision_h: float,
                    args: argparse.Namespace, copy_name: str = "scenario.yaml",
                    target: PrecisionTarget | None = None,
                    analysis: Analysis | None = None) -> None:
    summary = risk_summary(result, precision_h=precision_h, target=target)
    summary["engine"] = result.engine  # which engine ran the replications (same numbers)
    write_json(out / "summary.json", summary)
    st = result.stats
    crit = st.criticality()
    start = result.scenario.start_date  # the people's columns: D-day clock, calendar date
    finish = [[st.finish_q[i].quantile(p) for p in (0.1, 0.5, 0.9)]
              for i in range(len(st.layout.activities))]
    write_csv(out / "activities.csv",
              ("id", "criticality", *FINISH_TIMES, *clock_columns(FINISH_TIMES)),
              ([a, crit.get(a, 0.0), *finish[i], *clock_cells(finish[i], start)]
               for i, a in enumerate(st.layout.activities)))
    write_csv(out / "sensitivity.csv", ("input", "rank_correlation"), st.tornado())
    write_csv(out / "utilisation_by_day.csv", ("resource", "day", "p10", "p50", "p90", "date"),
              ([r, d + 1, *(st.util[k][d].quantile(p) for p in (0.1, 0.5, 0.9)),
                day_date(d + 1, start)]
               for k, r in enumerate(st.layout.resources) for d in range(st.layout.days)))
    counts, edges = st.end_q.histogram(60)
    write_csv(out / "end_histogram.csv",
              ("from_h", "to_h", "runs", *clock_columns(("from_h", "to_h"))),
              ([edges[i], edges[i + 1], int(c), *clock_cells([edges[i], edges[i + 1]], start)]
               for i, c in enumerate(counts)))
    (out / copy_name).write_text(text, encoding="utf-8")
    if analysis is not None:
        write_analysis(analysis, out)
    sc = result.scenario  # after every CSV of the directory is written: it lists them
    write_csv_metadata(out, {"scenario": sc.name, "file": sc.file,
                             "overrides": list(sc.overrides), "seed": result.seed,
                             "replications": result.n})
    for run in st.kept:
        sub = out / "runs" / f"replication-{run.replication:05d}"
        sub.mkdir(parents=True)
        write_run_tables(run, sub, None)
    if not args.no_charts:
        _ensemble_report(result, out, summary, args, analysis)


def _ensemble_report(result: EnsembleResult, out: Path, summary: dict[str, Any],
                     args: argparse.Namespace, analysis: Analysis | None = None) -> None:
    plan = simulate(result.scenario, result.seed, plan=True)  # the risk schedule starts from it
    write_risk_report(result, out, summary, plan=plan, formats=args.format, dpi=args.dpi,
                      analysis=analysis)
