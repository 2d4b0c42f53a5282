"""Chart and report speed: ``write_charts_and_report`` and ``tabletop run`` end to end.

Prints, for the bundled default ``scenarios/kazind21.yaml`` (or
``scenarios/training_week.yaml`` if the default does not validate, which is said):

- charts + report, cold: the first call in a fresh process, matplotlib import
  included, as ``tabletop run`` pays it (target < 1.5 s);
- charts + report, warm: later calls in the same process (best of a few), with
  the share of each chart (build and render) and of the plan run;
- ``tabletop run FILE`` as a whole process, and the same with ``--no-charts``
  (target < 3 s).

Times are CPU seconds (``time.process_time`` in the process; child rusage for
whole processes), best of a few runs, so that other work on the machine does not
inflate them; wall-clock seconds are printed beside them with the load average.

Run: ``.venv/bin/python benchmarks/charts_speed.py [--repeat 3] [--file F]``.
Figures, not tests: the exit status is 0 whatever the figures say.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CHARTS_TARGET_S = 1.5
RUN_TARGET_S = 3.0
DEFAULT = REPO / "scenarios" / "kazind21.yaml"
FALLBACK = REPO / "scenarios" / "training_week.yaml"
TABLETOP = Path(sys.executable).with_name("tabletop")

COLD = r"""
import json, sys, tempfile, time
from pathlib import Path
from sim.scenario import load_scenario
from sim.engine import simulate
result = simulate(load_scenario(sys.argv[1]))
assert "matplotlib" not in sys.modules
with tempfile.TemporaryDirectory() as out:
    c0, w0 = time.process_time(), time.perf_counter()
    from sim.report import write_charts_and_report
    import sim.plotting
    c1 = time.process_time()
    write_charts_and_report(result, Path(out),
                            plan=simulate(result.scenario, result.seed, plan=True))
    print(json.dumps({"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0,
                      "import": c1 - c0}))
"""


def pick_scenario(requested: str | None) -> tuple[Path, str]:
    from sim.scenario import ScenarioError, load_scenario

    if requested:
        return Path(requested), ""
    try:
        load_scenario(DEFAULT)
    except ScenarioError as exc:
        first = exc.problems[0].format() if exc.problems else "invalid"
        return FALLBACK, (
            f"NOTE: {DEFAULT.name} does not validate ({len(exc.problems)} "
            f"problems, first: {first}); measured {FALLBACK.name} instead"
        )
    return DEFAULT, ""


def cold(file: Path, repeat: int) -> tuple[float, float, float]:
    best_cpu, best_wall, best_import = float("inf"), float("inf"), float("inf")
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", COLD, str(file)], capture_output=True,
                              text=True, check=True, cwd=REPO)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        best_cpu, best_wall = min(best_cpu, figures["cpu"]), min(best_wall, figures["wall"])
        best_import = min(best_import, figures["import"])
    return best_cpu, best_wall, best_import


def warm(file: Path, repeat: int) -> tuple[float, float, dict[str, float]]:
    from sim.engine import simulate
    from sim.plotting import (
        figure_bytes,
        gantt,
        group_workload,
        resource_usage,
        utilisation_heatmap,
    )
    from sim.report import write_charts_and_report
    from sim.scenario import load_scenario

    result = simulate(load_scenario(file))
    best_cpu, best_wall = float("inf"), float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat + 1):  # the first call warms fonts and caches
            c0, w0 = time.process_time(), time.perf_counter()
            plan = simulate(result.scenario, result.seed, plan=True)  # as `tabletop run`
            write_charts_and_report(result, Path(out), plan=plan)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_wall = min(best_wall, time.perf_counter() - w0)
    parts: dict[str, float] = {}
    c0 = time.process_time()
    plan = simulate(result.scenario, result.seed, plan=True)
    parts["plan run"] = time.process_time() - c0
    charts: dict[str, Callable[[], Figure]] = {
        "gantt": lambda: gantt(result, plan),
        "resources": lambda: resource_usage(result),
        "heatmap": lambda: utilisation_heatmap(result),
        "workload": lambda: group_workload(result),
    }
    for name, build in charts.items():
        c0 = time.process_time()
        fig = build()
        c1 = time.process_time()
        figure_bytes(fig, "png", 110)
        c2 = time.process_time()
        parts[f"{name} build"] = c1 - c0
        parts[f"{name} render"] = c2 - c1
    return best_cpu, best_wall, parts


def whole_run(file: Path, repeat: int, *extra: str) -> tuple[float, float]:
    best_cpu, best_wall = float("inf"), float("inf")
    parent = Path(tempfile.mkdtemp(prefix="charts-speed-"))
    try:
        for k in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            w0 = time.perf_counter()
            subprocess.run(
                [
                    str(TABLETOP),
                    "run",
                    str(file),
                    "--out",
                    str(parent),
                    "--name",
                    f"r{k}{'-'.join(extra)}",
                    *extra,
                ],
                check=True,
                capture_output=True,
                cwd=REPO,
            )
            wall = time.perf_counter() - w0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    return best_cpu, best_wall


def verdict(seconds: float, target: float) -> str:
    return "PASS" if seconds < target else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument("--file", help="scenario file (default: the bundled default)")
    args = parser.parse_args()
    file, note = pick_scenario(args.file)
    print(
        f"charts_speed: {file.relative_to(REPO) if file.is_relative_to(REPO) else file}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )
    if note:
        print(f"  {note}")
    cpu, wall, imports = cold(file, args.repeat)
    print(
        f"  charts + report, cold (matplotlib import included): {cpu:.2f} s CPU "
        f"({wall:.2f} s wall)  target < {CHARTS_TARGET_S} s: {verdict(cpu, CHARTS_TARGET_S)}"
    )
    print(f"    of which importing matplotlib and sim.plotting: {imports:.2f} s CPU")
    cpu, wall, parts = warm(file, args.repeat)
    print(
        f"  charts + report, warm: {cpu:.2f} s CPU ({wall:.2f} s wall)  "
        f"target < {CHARTS_TARGET_S} s: {verdict(cpu, CHARTS_TARGET_S)}"
    )
    print("    " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in parts.items()))
    cpu, wall = whole_run(file, args.repeat)
    print(
        f"  tabletop run (whole process, charts and report): {cpu:.2f} s CPU "
        f"({wall:.2f} s wall)  target < {RUN_TARGET_S} s: {verdict(cpu, RUN_TARGET_S)}"
    )
    cpu, wall = whole_run(file, args.repeat, "--no-charts")
    print(f"  tabletop run --no-charts (for reference): {cpu:.2f} s CPU ({wall:.2f} s wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
