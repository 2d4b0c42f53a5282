"""``tabletop drivers``: rank resources, groups and injects by their paired effect."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.commands.common import check_seed, load_scenario_arg, write_run_dir
from sim.cli.commands.drivers_view import (
    index_lines,
    measure,
    print_drivers,
    write_drivers,
    write_indices,
)
from sim.cli.commands.ensembles import check_n, jobs_value
from sim.cli.errors import EXIT_OK
from sim.core.files import write_bytes_atomic
from sim.ensemble.effects import DriverTable
from sim.ensemble.indexed import ensemble_with_indices


def main(args: argparse.Namespace) -> int:
    check_n(args.n)
    check_seed(args.seed)
    scenario, _text, source = load_scenario_arg(args.file, args.set)
    jobs = jobs_value(args.jobs)
    table = measure(scenario, source, args.n, args.seed, jobs)
    indices = ensemble_with_indices(scenario, args.n, seed=table.seed, jobs=jobs)[1]
    print(f"{scenario.name}: {args.n} paired replications per variant, seed {table.seed}")
    print_drivers(table)
    for line in index_lines(indices, args.include_routine):
        print(line)

    def write(out: Path) -> None:
        write_drivers(table, out)
        write_indices(indices, out)
        if not args.no_charts:
            write_drivers_chart(table, out, args)

    write_run_dir(args.out, f"{Path(scenario.file).stem}-drivers{args.n}-seed{table.seed}",
                  write, args.name, "drivers")
    return EXIT_OK


def write_drivers_chart(table: DriverTable, out: Path, args: argparse.Namespace) -> None:
    """drivers.png and risks.png (and the other formats asked for)."""
    from sim.plotting.drivers import drivers_chart, risks_chart  # matplotlib: when asked for
    from sim.plotting.style import figure_bytes  # (the same)

    for name, fig in (("drivers", drivers_chart(table)), ("risks", risks_chart(table))):
        for fmt in dict.fromkeys(args.format or ["png"]):
            write_bytes_atomic(out / f"{name}.{fmt}", figure_bytes(fig, fmt, args.dpi))
