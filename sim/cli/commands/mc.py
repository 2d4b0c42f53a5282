"""``tabletop mc``, ``compare`` and ``sweep``: schedule risk, what-if and grids of variants."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.commands.common import (
    add_chart_options,
    add_set_option,
    check_seed,
    jobs_value,
    load_scenario_arg,
    progress_bar,
    scenario_copy_name,
    write_run_dir,
)
from sim.core.timefmt import format_duration, format_time

if TYPE_CHECKING:
    from sim.ensemble import EnsembleResult
    from sim.ensemble.executors import Executor


def _executor(args: argparse.Namespace) -> Executor:
    from sim.cli import UsageError
    from sim.ensemble.executors import DaskExecutor, ExecutorError, LocalExecutor

    try:
        if args.executor == "dask":
            if not args.address:
                raise UsageError("--executor dask needs --address tcp://HOST:PORT")
            return DaskExecutor(args.address, timeout=args.connect_timeout)
        if args.address:
            raise UsageError("--address is for --executor dask")
        return LocalExecutor(jobs_value(args.jobs))
    except ExecutorError as exc:
        raise UsageError(str(exc)) from None


def _check_n(n: int) -> None:
    from sim.cli import UsageError

    if n < 1:
        raise UsageError(f"-n must be at least 1 (got {n})")


def _pct(p: float) -> str:
    return "n/a" if math.isnan(p) else f"{100 * p:.1f}%"


def risk_text(result: EnsembleResult, precision_h: float) -> str:
    st = result.stats
    sc = result.scenario
    lo, hi = st.on_time.ci()
    lines = [f"{sc.name}: {st.n} replications, seed {result.seed} ({result.executor}, "
             f"{result.jobs} worker{'s' * (result.jobs != 1)})"]
    if result.missing:
        lines.append(f"  INCOMPLETE: {len(result.missing)} replications missing: "
                     f"{_ranges(result.missing)}")
    lines.append(f"  P(on time by {format_time(sc.planned_end)}): {_pct(st.on_time.p)} "
                 f"(95% CI {_pct(lo)}-{_pct(hi)})")
    q = st.end_q
    lines.append("  end: " + ", ".join(f"P{int(p * 100)} {format_time(q.quantile(p))}"
                                       for p in (0.1, 0.5, 0.9))
                 + f", mean {format_time(st.end.mean)} "
                 f"(± {format_duration(st.end.half_width())})")
    for i, pid in enumerate(st.layout.limited):
        ok = st.limit_ok[i]
        limit = next(p.limit for p in sc.phases if p.id == pid) or 0.0
        lines.append(f"  {pid}: within its {format_duration(limit)} limit in {_pct(ok.p)} "
                     f"of runs; P90 duration {format_duration(st.limit_duration[i].quantile(0.9))}")
    crit = sorted(st.criticality().items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    if crit:
        lines.append("  most critical: " + ", ".join(f"{a} {_pct(c)}" for a, c in crit))
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


def _ranges(ids: tuple[int, ...]) -> str:
    parts: list[str] = []
    start = prev = ids[0]
    for i in [*ids[1:], None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ", ".join(parts)


def _write_ensemble(result: EnsembleResult, out: Path, text: str, precision_h: float,
                    args: argparse.Namespace, copy_name: str = "scenario.yaml") -> None:
    from sim.ensemble.risk import risk_summary
    from sim.results.store import write_csv, write_json, write_run_tables

    summary = risk_summary(result, precision_h=precision_h)
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
    from sim.report.risk import write_risk_report

    write_risk_report(result, out, summary, formats=args.format, dpi=args.dpi)


def cmd_mc(args: argparse.Namespace) -> int:
    from sim.cli import EXIT_INPUT, EXIT_OK, UsageError
    from sim.ensemble import ensemble

    _check_n(args.n)
    check_seed(args.seed)
    if args.keep < 0:
        raise UsageError("--keep must be >= 0")
    scenario, text, _source = load_scenario_arg(args.file, args.set)
    executor = _executor(args)
    try:
        with progress_bar("replications", args.n) as tick:
            result = ensemble(scenario, args.n, seed=args.seed, keep=args.keep,
                              executor=executor, progress=tick)
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


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.cli import EXIT_INPUT, EXIT_OK
    from sim.ensemble.compare import compare
    from sim.ensemble.risk import risk_summary
    from sim.results.store import write_json

    _check_n(args.n)
    check_seed(args.seed)
    a, text_a, _sa = load_scenario_arg(args.a, args.set)
    b, text_b, _sb = load_scenario_arg(args.b, args.set + args.set_b)
    with progress_bar("pairs", args.n) as tick:
        result = compare(a, b, args.n, seed=args.seed, jobs=jobs_value(args.jobs),
                         progress=tick)
    paired = result.paired.summary()
    print(f"A: {a.name} ({a.file})\nB: {b.name} ({b.file})")
    print(f"{args.n} paired replications, seed {result.a.seed} (common random numbers)")
    for label, st in (("A", result.a.stats), ("B", result.b.stats)):
        lo, hi = st.on_time.ci()
        print(f"  {label}: P(on time) {_pct(st.on_time.p)} ({_pct(lo)}-{_pct(hi)}), "
              f"P50 end {format_time(st.end_q.quantile(0.5))}, "
              f"P90 end {format_time(st.end_q.quantile(0.9))}")
    d = paired["end_h_difference"]
    print(f"  B - A end: {d['mean']:+.2f} h (95% CI {d['ci'][0]:+.2f} to {d['ci'][1]:+.2f})")
    d = paired["p_on_time_difference"]
    print(f"  B - A P(on time): {100 * d['mean']:+.1f} points "
          f"(95% CI {100 * d['ci'][0]:+.1f} to {100 * d['ci'][1]:+.1f})")
    data = {"a": risk_summary(result.a), "b": risk_summary(result.b), "paired": paired}

    def write(out: Path) -> None:
        write_json(out / "summary.json", data)
        for label, scenario, text, sets in (("a", a, text_a, args.set),
                                            ("b", b, text_b, args.set + args.set_b)):
            name = scenario_copy_name(scenario, sets).replace("scenario", f"scenario-{label}")
            (out / name).write_text(text, encoding="utf-8")
        if not args.no_charts:
            from sim.report.risk import write_compare_report

            write_compare_report(result, out, set_a=args.set, set_b=args.set + args.set_b,
                                 formats=args.format, dpi=args.dpi)

    stem = f"compare-{Path(a.file).stem}-{Path(b.file).stem}"
    write_run_dir(args.out, stem + ("" if result.complete else "-INCOMPLETE"), write,
                  args.name, "comparison")
    return EXIT_OK if result.complete else EXIT_INPUT


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.cli import EXIT_OK, UsageError
    from sim.ensemble.sweep import KPIS, grid, sweep
    from sim.results.store import write_csv, write_json
    from sim.scenario import ScenarioError
    from sim.scenario.overrides import OverrideError, apply_overrides, parse_override, parse_values

    _check_n(args.n)
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
        from sim.cli import _report_problems

        _report_problems(exc.problems)
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
        write_csv(out / "sweep.csv", header, rows)
        write_json(out / "summary.json", {"scenario": scenario.name, "kpi": args.kpi,
                                          "vary": names, "n": args.n,
                                          "points": [dict(zip(header, r, strict=True))
                                                     for r in rows]})
        if args.no_charts:
            return
        from sim.report.risk import write_sweep_report

        write_sweep_report(names, rows, header, args.kpi, out, scenario=scenario.name,
                           n=args.n, seed=results[0].result.seed if results else None,
                           formats=args.format, dpi=args.dpi)

    write_run_dir(args.out, f"sweep-{Path(scenario.file).stem}", write, args.name, "sweep")
    return EXIT_OK


# Sweep columns beyond SweepPoint.kpis(): 95% CIs of the end-time figures, and the deadline.
SWEEP_EXTRA = ("end_mean_h_lo", "end_mean_h_hi", "end_p50_h_lo", "end_p50_h_hi",
               "end_p90_h_lo", "end_p90_h_hi", "planned_end_h")


def _sweep_extra(result: EnsembleResult) -> tuple[float, ...]:
    st = result.stats
    values = (*st.end.ci(), *st.end_q.quantile_ci(0.5), *st.end_q.quantile_ci(0.9),
              result.scenario.planned_end)
    return tuple(v if math.isfinite(v) else math.nan for v in values)  # n < 2: no interval


def _common(p: argparse.ArgumentParser, *, executors: bool = True) -> None:
    p.add_argument("-n", type=int, default=1000, help="replications (default 1000)")
    p.add_argument("--seed", type=int, help="base seed (default: the scenario's, else 0)")
    p.add_argument("--jobs", "-j", type=int, default=1,
                   help="worker processes (0: all cores; default 1)")
    p.add_argument("--out", default="runs", metavar="DIR", help="parent directory (default runs)")
    p.add_argument("--name", metavar="NAME", help="name of the new directory")
    add_set_option(p)
    add_chart_options(p)
    p.add_argument("--no-charts", action="store_true",
                   help="write tables and summary.json only (no charts, no report)")
    if executors:
        p.add_argument("--executor", choices=("local", "dask"), default="local",
                       help="local process pool (default) or an existing Dask cluster")
        p.add_argument("--address", metavar="tcp://HOST:PORT", help="Dask scheduler address")
        p.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                       help="how long to try to reach the Dask scheduler (default 10)")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mc", help="Monte Carlo schedule risk: N replications")
    p.add_argument("file", nargs="?", metavar="FILE", help="scenario file (default: bundled)")
    _common(p)
    p.add_argument("--keep", type=int, default=0, metavar="K",
                   help="also keep the full results of the first K runs")
    p.add_argument("--precision", type=float, default=1.0, metavar="HOURS",
                   help="target 95%% CI half-width of the mean end time (default 1 h)")
    p.set_defaults(func=cmd_mc)

    p = sub.add_parser("compare", help="what-if: two variants with common random numbers")
    p.add_argument("a", metavar="A", help="first scenario file")
    p.add_argument("b", metavar="B", help="second scenario file (may be the same file "
                   "with --set-b)")
    _common(p, executors=False)
    p.add_argument("--set-b", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="change a value in B only")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("sweep", help="run an ensemble at every point of a grid of values")
    p.add_argument("file", nargs="?", metavar="FILE", help="scenario file (default: bundled)")
    _common(p, executors=False)
    p.set_defaults(n=200)
    for action in p._actions:  # the shared -n help names mc's default
        if action.dest == "n":
            action.help = "replications per grid point (default 200)"
    p.add_argument("--vary", action="append", default=[], metavar="KEY.PATH=V1,V2,...",
                   help="values to try for one key (repeat for a full factorial)")
    p.add_argument("--kpi", choices=("p_on_time", "end_mean_h", "end_p50_h", "end_p90_h",
                                     "p_within_limit"), default="p_on_time",
                   help="figure to chart across the grid (default p_on_time)")
    p.set_defaults(func=cmd_sweep)
