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
from sim.cli.commands.ensembles import check_n, executor_of
from sim.cli.errors import EXIT_INPUT, EXIT_OK, UsageError
from sim.core.files import write_csv, write_json
from sim.core.timefmt import format_duration, format_time
from sim.engine import simulate
from sim.ensemble import EnsembleResult, ensemble
from sim.ensemble.engines import EngineError, choose_engine
from sim.ensemble.risk import risk_summary
from sim.report import write_risk_report
from sim.report.format import pct, ranges
from sim.results.store import write_run_tables


def main(args: argparse.Namespace) -> int:
    check_n(args.n)
    check_seed(args.seed)
    if args.keep < 0:
        raise UsageError("--keep must be >= 0")
    scenario, text, _source = load_scenario_arg(args.file, args.set)
    try:
        choose_engine(scenario, args.engine)  # before any worker starts
    except EngineError as exc:
        raise UsageError(f"--engine {args.engine}: {exc}") from None
    executor = executor_of(args)
    try:
        with progress_bar("replications", args.n) as tick:
            result = ensemble(scenario, args.n, seed=args.seed, keep=args.keep,
                              executor=executor, progress=tick, engine=args.engine)
    finally:
        close = getattr(executor, "close", None)
        if close is not None:
            close()
    print(risk_text(result, args.precision))
    stem = f"{Path(scenario.file).stem}-mc{args.n}-seed{result.seed}"
    if result.missing:
        stem += "-INCOMPLETE"
    write_run_dir(args.out, stem,
                  lambda d: _write_ensemble(result, d, text, args.precision, args,
                                            scenario_copy_name(scenario, args.set)),
                  args.name, "ensemble")
    return EXIT_INPUT if result.missing else EXIT_OK


def risk_text(result: EnsembleResult, precision_h: float) -> str:
    st = result.stats
    sc = result.scenario
    lo, hi = st.on_time.ci()
    lines = [f"{sc.name}: {st.n} replications, seed {result.seed} ({result.executor}, "
             f"{result.jobs} worker{'s' * (result.jobs != 1)})"]
    if result.engine_reason:
        lines.append(f"  {result.engine} engine: {result.engine_reason}")
    if result.missing:
        lines.append(f"  INCOMPLETE: {len(result.missing)} replications missing: "
                     f"{ranges(result.missing)}")
    lines.append(f"  P(on time by {format_time(sc.planned_end)}): {pct(st.on_time.p)} "
                 f"(95% CI {pct(lo)}-{pct(hi)})")
    q = st.end_q
    lines.append("  end: " + ", ".join(f"P{int(p * 100)} {format_time(q.quantile(p))}"
                                       for p in (0.1, 0.5, 0.9))
                 + f", mean {format_time(st.end.mean)} "
                 f"(± {format_duration(st.end.half_width())})")
    for i, pid in enumerate(st.layout.limited):
        ok = st.limit_ok[i]
        limit = next(p.limit for p in sc.phases if p.id == pid) or 0.0
        lines.append(f"  {pid}: within its {format_duration(limit)} limit in {pct(ok.p)} "
                     f"of runs; P90 duration {format_duration(st.limit_duration[i].quantile(0.9))}")
    crit = sorted(st.criticality().items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    if crit:
        lines.append("  most critical: " + ", ".join(f"{a} {pct(c)}" for a, c in crit))
    tornado = [t for t in st.tornado() if abs(t[1]) > 0][:5]
    if tornado:
        lines.append("  end time most sensitive to: "
                     + ", ".join(f"{name} ({rho:+.2f})" for name, rho in tornado))
    advice = st.advice(precision_h)
    if st.n < 2:
        lines.append("  precision: one replication has no spread; run at least a few hundred")
    elif advice["enough_for_mean_end"]:
        lines.append(f"  precision: mean end ± {advice['mean_end_half_width_h']:.2f} h "
                     f"<= target {precision_h:g} h: n is enough")
    else:
        lines.append(f"  precision: mean end ± {advice['mean_end_half_width_h']:.2f} h > "
                     f"target {precision_h:g} h: run about {advice['runs_for_target_h']} "
                     "replications")
    return "\n".join(lines)


def _write_ensemble(result: EnsembleResult, out: Path, text: str, precision_h: float,
                    args: argparse.Namespace, copy_name: str = "scenario.yaml") -> None:
    summary = risk_summary(result, precision_h=precision_h)
    summary["engine"] = result.engine  # which engine ran the replications (same numbers)
    write_json(out / "summary.json", summary)
    st = result.stats
    crit = st.criticality()
    write_csv(out / "activities.csv",
              ("id", "criticality", "finish_p10_h", "finish_p50_h", "finish_p90_h"),
              ([a, crit.get(a, 0.0), st.finish_q[i].quantile(0.1), st.finish_q[i].quantile(0.5),
                st.finish_q[i].quantile(0.9)] for i, a in enumerate(st.layout.activities)))
    write_csv(out / "sensitivity.csv", ("input", "rank_correlation"), st.tornado())
    write_csv(out / "utilisation_by_day.csv", ("resource", "day", "p10", "p50", "p90"),
              ([r, d + 1, *(st.util[k][d].quantile(p) for p in (0.1, 0.5, 0.9))]
               for k, r in enumerate(st.layout.resources) for d in range(st.layout.days)))
    counts, edges = st.end_q.histogram(60)
    write_csv(out / "end_histogram.csv", ("from_h", "to_h", "runs"),
              ([edges[i], edges[i + 1], int(c)] for i, c in enumerate(counts)))
    (out / copy_name).write_text(text, encoding="utf-8")
    for run in st.kept:
        sub = out / "runs" / f"replication-{run.replication:05d}"
        sub.mkdir(parents=True)
        write_run_tables(run, sub, None)
    if not args.no_charts:
        _ensemble_report(result, out, summary, args)


def _ensemble_report(result: EnsembleResult, out: Path, summary: dict[str, Any],
                     args: argparse.Namespace) -> None:
    plan = simulate(result.scenario, result.seed, plan=True)  # the risk schedule starts from it
    write_risk_report(result, out, summary, plan=plan, formats=args.format, dpi=args.dpi)
