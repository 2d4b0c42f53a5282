"""``tabletop timetable RUN``: who is where, when, day by day and group by group.

The run is read back from its directory (as ``tabletop plot`` does) and measured against
its plan (expected durations, no injects), simulated here. The timetable is printed as
one table per day and group; ``-o FILE.csv`` also writes it, as a new file outside the
run directory (a run directory is never changed).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sim.cli.commands.common import load_run_arg
from sim.cli.commands.run import plan_of
from sim.cli.errors import EXIT_OK, UsageError
from sim.core.files import csv_text, write_file_new
from sim.report.timetable import inject_words
from sim.results.timetable import NO_GROUP, Sheet, Timetable, timetable
from sim.results.timetable_csv import COLUMNS, timetable_rows
from sim.scenario.errors import did_you_mean

DAY = re.compile(r"^[Dd]?(\d{1,5})$")


def check_group(table: Timetable, group: str | None) -> None:
    """``--group`` must name a group of the scenario (or NO_GROUP)."""
    valid = [g.id for g in table.scenario.groups]
    if any(r.group == NO_GROUP for r in table.rows):
        valid.append(NO_GROUP)
    if group is None or group in valid:
        return
    starting = [g for g in valid if g.startswith(group)]
    guess = starting[0] if len(starting) == 1 else did_you_mean(group, valid)
    raise UsageError(f"--group {group}: no such group in this run; choose from "
                     f"{', '.join(valid)}" + (f"; did you mean {guess!r}?" if guess else ""))


def day_number(table: Timetable, text: str | None) -> int | None:
    """``--day 6`` or ``--day D6``: a day of the programme (or of the run, if it ran late)."""
    if text is None:
        return None
    last = max([table.scenario.days, *table.days()])
    match = DAY.match(text.strip())
    if match is None or not 1 <= int(match.group(1)) <= last:
        raise UsageError(f"--day {text}: choose a day from D1 to D{last} (as 6 or D6)")
    return int(match.group(1))


def output_path(run_dir: Path, text: str | None) -> Path | None:
    """``-o FILE.csv``: a new file, not inside the run directory."""
    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() != ".csv":
        raise UsageError(f"-o {text}: the timetable is written as CSV; name the file *.csv")
    if path.exists():
        raise UsageError(f"-o {text}: {path} already exists; choose another name "
                         "(nothing was written)")
    if path.resolve().parent.is_relative_to(run_dir.resolve()):
        raise UsageError(f"-o {text}: inside the run directory {run_dir}; run directories "
                         "are never changed, write it elsewhere")
    return path


def sheet_table(table: Timetable, sheet: Sheet) -> Table:
    """One day of one group as a rich table that reads at 80 columns."""
    out = Table(title=f"{table.day_title(sheet.day)}: {table.group_title(sheet.group)}",
                title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                padding=(0, 1, 0, 0))
    out.add_column("Time", no_wrap=True)  # the others wrap their text inside the width
    out.add_column("Activity", ratio=4)
    out.add_column("Place", ratio=3, max_width=18)
    if table.against_plan:
        out.add_column("Planned", min_width=11, max_width=11)
    out.add_column("Changes", ratio=4)
    for row in sheet.rows:
        cells: list[str | Text] = [f"{row.start_clock}–{row.end_clock}", row.name,
                                   ", ".join(row.places) or "—"]
        if table.against_plan:
            cells.append(row.planned or "—")
        cells.append(Text(row.note, style="bold" if row.injects else ""))
        out.add_row(*cells)
    injects = {i.id: i for i in table.scenario.injects}
    named = dict.fromkeys(i for row in sheet.rows for i in row.injects)
    if named:
        out.caption = "\n".join(inject_words(injects[i]) for i in named if i in injects)
        out.caption_justify = "left"
        out.caption_style = "dim"
    return out


def main(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    result = load_run_arg(run_dir)
    target = output_path(run_dir, args.output)
    full = timetable(result, plan_of(result))
    check_group(full, args.group)
    day = day_number(full, args.day)
    chosen = full.select(group=args.group, day=day)
    console = Console(highlight=False)
    console.print(f"{result.scenario.name}: timetable of seed {result.seed} ({run_dir})",
                  soft_wrap=True)
    console.print("Planned: the plan run (expected durations, no injects).", soft_wrap=True)
    if not chosen.rows:
        what = " and ".join(w for w in (args.group and full.group_title(args.group),
                                        day and full.day_title(day)) if w)
        console.print(f"  nothing is scheduled for {what}", soft_wrap=True)
    for sheet in chosen.sheets():
        console.print()
        console.print(sheet_table(chosen, sheet))
    if target is not None:
        write_file_new(target, csv_text(COLUMNS, timetable_rows(chosen)))
        console.print(f"wrote {target} ({len(chosen.rows)} rows)", soft_wrap=True)
    return EXIT_OK
