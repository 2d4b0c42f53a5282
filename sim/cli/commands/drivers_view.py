"""Drivers and risk indices for the commands: measured with a progress bar, read on the
console, written to drivers.csv / drivers.json / risk_indices.csv."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.commands.common import progress_bar
from sim.cli.commands.ensembles import jobs_value
from sim.core.files import write_csv, write_json
from sim.ensemble.drivers import drivers
from sim.ensemble.effects import (
    END,
    DriverTable,
)
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.indices import Index, IndexStats
from sim.ensemble.one_change import unit_variants
from sim.report.drivers import (
    NONE,
    Analysis,
    effect_words,
    holds_words,
    target_words,
    trade_off_words,
)
from sim.scenario.model import Scenario
from sim.scenario.source import Source

if TYPE_CHECKING:
    from rich.table import Table

TOP = 5
WIDTH = 170  # the console table's columns side by side, whatever the terminal
CSV_COLUMNS = ("kind", "id", "change", "possible", "target", "measure", "mean_h", "low_h",
               "high_h", "mean_share", "low_share", "high_share", "n", "measurable",
               "why_not")
def drivers_table(table: DriverTable) -> Table:
    """The ranked drivers as a rich table."""
    from rich.table import Table  # rich (~25 ms to import): only when drivers are shown

    out = Table(title=f"Drivers by effect: {table.n} paired runs, seed {table.seed} "
                "(variant − baseline, 95% interval)", title_justify="left")
    for name in ("#", "change", "holds as planned", "largest effect on", "effect",
                 "its lateness", "programme end"):
        out.add_column(name, no_wrap=name != "largest effect on")
    for rank, d in enumerate(table.ranked(), start=1):
        top = d.strongest
        late = d.effect(top.target, "late_h") if top is not None and top.target != END \
            else None
        out.add_row(str(rank), d.label, holds_words(d),
                    target_words(top) if top is not None else NONE, effect_words(top),
                    effect_words(late) if late is not None and late is not top else "",
                    effect_words(d.effect(END, "end_h")))
    return out


def driver_notes(table: DriverTable) -> list[str]:
    """The drivers with no measurable effect, and the changes that cannot be made."""
    lines = []
    none = table.unmeasurable()
    if none:
        lines.append("  no measurable effect (95% interval contains 0): "
                     + ", ".join(d.label for d in none))
    for d in table.impossible():
        lines.append(f"  not possible: {d.label}: {d.why_not}")
    return lines


def risk_lines(table: DriverTable) -> list[str]:
    """Each risk's measurable impact on the P80 of a phase end, when removed."""
    found = [(d, e) for d, e in table.risk_impacts() if e.measurable][:TOP]
    if not table.risks:
        return []
    if not found:
        return ["  risks removed one at a time: no measurable change in any phase's P80 end"]
    return ["  risks removed one at a time (P80 of the phase end): "
            + ", ".join(f"{d.id} {e.target} {effect_words(e)}" for d, e in found)]


def index_lines(ix: IndexStats, include_routine: bool = False) -> list[str]:
    """Top five of each index above noise (replacing "most critical" and the tornado)."""
    def top(items: list[Index], fmt: str) -> str:
        kept = ix.ranked(items, include_routine=include_routine)[:TOP]
        return ", ".join(f"{i.activity}→{i.phase} " + fmt.format(i) for i in kept) or \
            "none above noise"

    every = ix.criticality()
    crit = [i for i in every if i.value < 1.0]  # on the chain in every run: listed apart
    always = sum(1 for i in ix.ranked(every, include_routine=include_routine) if i.value >= 1)
    some = (top(crit, "{0.value:.1%} ({0.low:.1%}–{0.high:.1%})") + "; "
            if ix.ranked(crit, include_routine=include_routine) else "none in only some runs, ")
    return [
        "  criticality (share of runs on the chain that sets a phase end): " + some
        + f"{always} activity-phase pairs in every run (risk_indices.csv)",
        "  cruciality (Spearman ρ, duration vs phase end): "
        + top(ix.cruciality(), "{0.value:+.2f} ({0.low:+.2f} to {0.high:+.2f})"),
        "  SSI (criticality × σ activity ÷ σ phase end): "
        + top(ix.ssi(), "{0.value:.2f} ({0.low:.2f}–{0.high:.2f})"),
    ]


def print_drivers(table: DriverTable) -> None:
    from rich.console import Console  # rich (~25 ms to import): only when drivers are shown

    Console(width=WIDTH, soft_wrap=False).print(drivers_table(table))
    rule = ["  ranked by the effect on holds as planned where measurable, then by the "
            "largest effect"] if table.ranked() else []
    for line in rule + [f"  {w}" for w in trade_off_words(table)] + driver_notes(table) \
            + risk_lines(table):
        print(line)


def _csv_rows(table: DriverTable) -> Iterator[list[object]]:
    for d in table.drivers:
        if d.why_not:
            yield [d.kind, d.id, d.change, False, "", "", "", "", "", "", "", "", 0, False,
                   d.why_not]
        for e in d.effects:
            figures = [e.mean, e.low, e.high]
            cells = ["", "", "", *figures] if e.is_share else [*figures, "", "", ""]
            yield [d.kind, d.id, d.change, True, e.target, e.measure, *cells, e.n,
                   e.measurable, ""]


def write_drivers(table: DriverTable, out: Path) -> None:
    """drivers.csv (one row per driver, figure and measure) and drivers.json."""
    write_csv(out / "drivers.csv", CSV_COLUMNS, _csv_rows(table))
    write_json(out / "drivers.json", table.as_dict())


def index_rows(ix: IndexStats) -> Iterator[list[object]]:
    """risk_indices.csv: every activity × phase pair with an index."""
    crit = {(i.activity, i.phase): i for i in ix.criticality()}
    cru = {(i.activity, i.phase): i for i in ix.cruciality()}
    ssi = {(i.activity, i.phase): i for i in ix.ssi()}
    for key in sorted(set(crit) | set(cru)):
        cells: list[object] = [*key, key[0] in ix.routine]
        for found in (crit.get(key), cru.get(key), ssi.get(key)):
            cells += ([found.value, found.low, found.high, found.above_noise]
                      if found is not None else ["", "", "", False])
        yield cells


INDEX_COLUMNS = ("activity", "phase", "routine", "criticality", "criticality_low",
                 "criticality_high", "criticality_above_noise", "cruciality",
                 "cruciality_low", "cruciality_high", "cruciality_above_noise", "ssi",
                 "ssi_low", "ssi_high", "ssi_above_noise")


def write_indices(ix: IndexStats, out: Path) -> None:
    write_csv(out / "risk_indices.csv", INDEX_COLUMNS, index_rows(ix))



def measure(scenario: Scenario, source: Source, n: int, seed: int | None,
            jobs: int) -> DriverTable:
    """Every one-change variant of the scenario against it, with a progress bar."""
    variants = unit_variants(source, scenario)
    runnable = sum(1 for v in variants if v.scenario is not None)
    with progress_bar("drivers", n * (1 + runnable)) as tick:
        return drivers(scenario, variants, n, seed=seed, executor=LocalExecutor(jobs),
                       progress=tick)


def with_drivers(args: argparse.Namespace, scenario: Scenario, source: Source,
                 seed: int) -> DriverTable | None:
    """``mc --drivers``: the drivers on the ensemble's ``-n`` and seed, printed."""
    if not getattr(args, "drivers", False):
        return None
    table = measure(scenario, source, args.n, seed, jobs_value(args.jobs))
    print_drivers(table)
    return table


def write_analysis(analysis: Analysis, out: Path) -> None:
    """risk_indices.csv, and drivers.csv / drivers.json when drivers were measured."""
    write_indices(analysis.indices, out)
    if analysis.drivers is not None:
        write_drivers(analysis.drivers, out)
