"""``tabletop plot RUN_DIR``: redraw the charts and report of a run directory, without simulating.

The run is rebuilt from what the directory holds: the scenario copy, the event log
and the seed in ``summary.json`` (every table and KPI derives from the log).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.commands.common import load_run_arg
from sim.cli.commands.run import write_charts
from sim.cli.errors import EXIT_OK, UsageError
from sim.results import RunResult
from sim.results.store import check_run_dir


def _differs(summary: dict[str, Any], result: RunResult) -> bool:
    saved = summary.get("end_h")
    return isinstance(saved, int | float) and abs(float(saved) - result.end_h) > 1e-3


def main(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    result = load_run_arg(run_dir)
    if _differs(check_run_dir(run_dir), result):
        print(f"tabletop: warning: {run_dir}: the rebuilt end differs from summary.json "
              "(was the scenario copy or the log edited?)", file=sys.stderr)
    try:
        written = write_charts(result, run_dir, args)
    except OSError as exc:
        raise UsageError(f"cannot write into {run_dir}: {exc.strerror or exc}") from None
    print(f"{run_dir}: wrote {', '.join(p.name for p in written)}")
    return EXIT_OK
