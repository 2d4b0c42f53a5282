"""The fixed cost of ``tabletop mc``: everything that is not replications (#17).

Prints, for a 60-task dependencies-only network (``mcprojsim_compare.network``, which the
batch engine runs) at ``-n 10000`` and for KAZIND-21 at ``-n 2000``, one worker:

- the whole command as a process, with charts and with ``--no-charts``, with the default
  schedule-risk index runs and with ``--index-runs 1``: median wall and CPU seconds
  (this process's children's rusage) over ``--repeat`` runs;
- ``python -c "import sim.cli.main, sim.cli.commands.mc"``: what starting the command
  costs before it reads the file, and the same with ``-X importtime``'s largest entries;
- in one warm process: the stages after the replications (summary, CSVs, the report's
  tables, each chart's build and its PNG), so the share of each is seen.

Python compiles a module's source each time it is imported when no bytecode cache is
written (``PYTHONDONTWRITEBYTECODE``, as in some sandboxes): ``--pyc`` runs the commands
with a bytecode cache in a temporary ``PYTHONPYCACHEPREFIX`` (warmed once), as an installed
tabletop runs; without it they run with the caller's environment. The figures say which.

Run: ``.venv/bin/python benchmarks/mc_fixed_cost.py [--repeat 3] [--pyc] [--no-kazind]``.
Figures, not tests: the exit status is 0 whatever the figures say.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from mc_targets import KAZIND, MEASURE, TABLETOP  # noqa: E402  (sibling scripts)
from mcprojsim_compare import network, tabletop_yaml  # noqa: E402

PYTHON = str(REPO / ".venv" / "bin" / "python")
IMPORTS = "import sim.cli.main, sim.cli.commands.mc"
# --via-main: the command through sim.cli.main.main, as trees before sim.cli.console ran
VIA_MAIN = [PYTHON, "-c", "import sys; from sim.cli.main import main; sys.exit(main())"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s) of ``cmd`` as a process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True,
                          text=True, check=True, env=env)
    code, wall, cpu, _peak_kb = done.stdout.split()
    if code != "0":
        print(f"  exit status {code}: {done.stderr.strip()[-300:]}")
    return float(wall), float(cpu)


def medians(cmd: list[str], env: dict[str, str], repeat: int,
            work: Path | None = None) -> tuple[float, float]:
    """Median (wall, CPU) over ``repeat`` runs; ``--out`` a fresh directory in ``work``."""
    walls, cpus = [], []
    for _ in range(repeat):
        extra = ["--out", tempfile.mkdtemp(dir=work)] if work is not None else []
        wall, cpu = timed(cmd + extra, env)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def import_top(env: dict[str, str], count: int = 12) -> list[str]:
    """The largest cumulative entries of ``-X importtime`` for the command's imports."""
    done = subprocess.run([PYTHON, "-X", "importtime", "-c", IMPORTS], capture_output=True,
                          text=True, check=True, env=env)
    rows = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (.*)$", line)
        if found:
            rows.append((int(found.group(2)), int(found.group(1)), found.group(3).rstrip()))
    rows.sort(reverse=True)
    return [f"    {cum / 1000:7.1f} ms cumulative {own / 1000:6.1f} ms own  {name.strip()}"
            for cum, own, name in rows[:count]]


def environment(pyc: bool, work: Path) -> tuple[dict[str, str], str]:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    if not pyc:
        cached = "no" if env.get("PYTHONDONTWRITEBYTECODE") else "the usual"
        return env, f"{cached} bytecode cache (the caller's environment)"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    subprocess.run([PYTHON, "-c", IMPORTS + "; import sim.plotting, sim.report.ensemble"],
                   env=env, check=True)
    return env, "a bytecode cache (PYTHONPYCACHEPREFIX, warmed once)"


def commands(scenario: Path, n: int, env: dict[str, str], repeat: int, work: Path,
             via_main: bool) -> None:
    base = [*(VIA_MAIN if via_main else [TABLETOP]), "mc", str(scenario), "-n", str(n), "-j", "1"]
    for label, extra in (("charts + report", []), ("--no-charts", ["--no-charts"]),
                         ("--index-runs 1, charts + report", ["--index-runs", "1"]),
                         ("--index-runs 1 --no-charts", ["--index-runs", "1", "--no-charts"])):
        wall, cpu = medians(base + extra, env, repeat, work)
        print(f"  {label:34s} wall {wall:5.2f} s   CPU {cpu:5.2f} s")


STAGES = r"""
import sys, tempfile, time
from pathlib import Path
from sim.cli.commands.common import load_scenario_arg
from sim.cli.commands.mc import _write_ensemble, risk_text
from sim.ensemble.indexed import ensemble_with_indices
from sim.engine import simulate
from sim.report.drivers import Analysis, analysis_builders
from sim.report.ensemble import _builders, build_risk_report
from sim.ensemble.risk import risk_summary
from sim.plotting.style import figure_bytes
import argparse
scenario, text, source = load_scenario_arg(sys.argv[1], [])
result, indices = ensemble_with_indices(scenario, int(sys.argv[2]), seed=1, keep=0,
                                        index_runs=int(sys.argv[3]))
analysis = Analysis(indices, None, False)
args = argparse.Namespace(no_charts=True, format=None, dpi=110)
def best(label, work):
    times = []
    for _ in range(3):
        t0 = time.process_time(); work(); times.append(time.process_time() - t0)
    print(f"  {label:34s} CPU {min(times) * 1000:6.1f} ms")
best("summary + console text", lambda: (risk_summary(result, precision_h=1.0),
                                        risk_text(result, 1.0, None, indices)))
best("summary, CSVs (--no-charts)", lambda: _write_ensemble(
    result, Path(tempfile.mkdtemp()), text, 1.0, args, analysis=analysis))
plan = simulate(result.scenario, result.seed, plan=True)
summary = risk_summary(result, precision_h=1.0)
best("report tables", lambda: build_risk_report(result, summary, plan))
builders = {**_builders(result, plan), **analysis_builders(analysis)}
for name, build in builders.items():
    best(f"chart {name}: build", build)
    fig = build()
    best(f"chart {name}: PNG", lambda: figure_bytes(fig, "png", 110))
"""


def stages(scenario: Path, n: int, index_runs: int, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "-c", STAGES, str(scenario), str(n), str(index_runs)],
                   env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--pyc", action="store_true",
                        help="run with a bytecode cache in a temporary PYTHONPYCACHEPREFIX")
    parser.add_argument("--no-kazind", action="store_true", help="only the 60-task network")
    parser.add_argument("--via-main", action="store_true",
                        help="run tabletop as sim.cli.main.main, not the console script (for "
                        "an older tree on PYTHONPATH, run from its directory)")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mc-fixed-"))
    try:
        env, cache = environment(opts.pyc, work)
        import sim

        print(f"sim from {Path(sim.__file__).parent}; Python modules: {cache}; "
              f"load average {os.getloadavg()[0]:.2f}")
        wall, cpu = medians([PYTHON, "-c", IMPORTS], env, opts.repeat)
        print(f"\nstart-up ({IMPORTS}): wall {wall:5.2f} s   CPU {cpu:5.2f} s")
        print("  largest -X importtime entries:")
        print("\n".join(import_top(env)))
        deps = work / "deps.yaml"
        deps.write_text(tabletop_yaml(network(), False), encoding="utf-8")
        cases = [(deps, "60-task dependencies-only network", 10_000)]
        if not opts.no_kazind:
            cases.append((KAZIND, "KAZIND-21", 2_000))
        for scenario, name, n in cases:
            print(f"\n{name}: tabletop mc -n {n} -j 1 (median of {opts.repeat})")
            commands(scenario, n, env, opts.repeat, work, opts.via_main)
            print("  after the replications (--index-runs 1, one warm process, best of 3):")
            stages(scenario, n, 1, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
