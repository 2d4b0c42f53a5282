"""``tabletop compare``: two variants, paired replications with common random numbers."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.commands.common import (
    check_seed,
    load_scenario_arg,
    progress_bar,
    scenario_copy_name,
    write_run_dir,
)
from sim.cli.commands.ensembles import check_n, jobs_value
from sim.cli.commands.risk_text import compare_headline
from sim.cli.errors import EXIT_INPUT, EXIT_OK
from sim.core.files import write_json
from sim.core.timefmt import format_time
from sim.ensemble.compare import compare
from sim.ensemble.risk import risk_summary
from sim.ensemble.variants import distinct_labels, label_slug
from sim.report import write_compare_report
from sim.report.format import pct


def main(args: argparse.Namespace) -> int:
    check_n(args.n)
    check_seed(args.seed)
    a, text_a, _sa = load_scenario_arg(args.a, args.set)
    b, text_b, _sb = load_scenario_arg(args.b, args.set + args.set_b)
    with progress_bar("pairs", args.n) as tick:
        result = compare(a, b, args.n, seed=args.seed, jobs=jobs_value(args.jobs),
                         progress=tick)
    paired = result.paired.summary()
    labels = distinct_labels(a, b)
    print(f"A: {labels[0]} ({a.name}, {a.file})\nB: {labels[1]} ({b.name}, {b.file})")
    print(f"{args.n} paired replications, seed {result.a.seed} (common random numbers)")
    print("\n".join(compare_headline(result)))
    for label, st in (("A", result.a.stats), ("B", result.b.stats)):
        lo, hi = st.on_time.ci()
        print(f"  {label}: P(ends by {format_time(st.planned_end_h)}) {pct(st.on_time.p)} "
              f"({pct(lo)}–{pct(hi)}), "
              f"P50 end {format_time(st.end_q.quantile(0.5))}, "
              f"P90 end {format_time(st.end_q.quantile(0.9))}")
    d = paired["end_h_difference"]
    print(f"  B - A end: {d['mean']:+.2f} h (95% CI {d['ci'][0]:+.2f} to {d['ci'][1]:+.2f})")
    d = paired["p_on_time_difference"]
    print(f"  B - A P(programme on time): {100 * d['mean']:+.1f} points "
          f"(95% CI {100 * d['ci'][0]:+.1f} to {100 * d['ci'][1]:+.1f})")
    data = {"labels": {"a": labels[0], "b": labels[1]}, "a": risk_summary(result.a),
            "b": risk_summary(result.b), "paired": paired}

    def write(out: Path) -> None:
        write_json(out / "summary.json", data)
        for label, scenario, text, sets in (("a", a, text_a, args.set),
                                            ("b", b, text_b, args.set + args.set_b)):
            name = scenario_copy_name(scenario, sets).replace("scenario", f"scenario-{label}")
            (out / name).write_text(text, encoding="utf-8")
        if not args.no_charts:
            write_compare_report(result, out, set_a=args.set, set_b=args.set + args.set_b,
                                 formats=args.format, dpi=args.dpi)

    stem = f"compare-{label_slug(labels[0])}-{label_slug(labels[1])}"
    write_run_dir(args.out, stem + ("" if result.complete else "-INCOMPLETE"), write,
                  args.name, "comparison")
    return EXIT_OK if result.complete else EXIT_INPUT
