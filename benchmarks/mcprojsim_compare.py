"""tabletop ``mc`` against mcprojsim 0.15.2 on the same random 60-task network.

Writes one random network (60 tasks, 0 to 3 predecessors each among the earlier ones,
triangular durations in hours) in both tools' formats, twice: dependencies only, and
with 3 resources of capacity 1 (each task needs one of them). Then times each tool's
whole command, in turn, for a few rounds (medians reported):

- ``tabletop mc FILE -n 10000 -j 1`` (charts and report included);
- ``mcprojsim simulate FILE -n 10000 -s 1 -f json,csv,html`` (all its exports).

Both model elapsed hours with no working day: tabletop's network is one
``around_the_clock`` phase with ``hours: always`` resources, mcprojsim's resources keep a
calendar of 24 working hours on all seven days. The means of both must agree (within
2 %) for the times to compare the same work. mcprojsim needs Python 3.13 or newer: it is
installed (once) into its own virtual environment under
``~/.cache/tabletop-benchmarks/mcprojsim-0.15.2`` with ``/root/.pyenv/versions/3.13.0``'s
Python (``--python`` to use another).

Targets (issue 17): dependencies only <= 0.2x mcprojsim's time; 3 resources <= 0.25x.
Wall times on a shared machine are noisy: CPU seconds (user + system of the command and
its children) are printed beside them, and each round times both tools back to back.
Both run as installed programs do: with their bytecode cached (``PYTHONDONTWRITEBYTECODE``
is removed from their environment, and an untimed run of each writes the cache first).

Run: ``.venv/bin/python benchmarks/mcprojsim_compare.py [--n 10000] [--rounds 3]``.
Figures, not tests: the exit status is 0 whatever the figures say (1 if a tool fails).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
VERSION = "0.15.2"
VENV = Path.home() / ".cache" / "tabletop-benchmarks" / f"mcprojsim-{VERSION}"
PYTHON313 = "/root/.pyenv/versions/3.13.0/bin/python"
# as an installed program runs: compiled modules cached (some sandboxes turn that off)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
TARGETS = {"dependencies only": 0.2, "3 resources of capacity 1": 0.25}
Task = tuple[str, tuple[float, float, float], list[str], str]


def network(tasks: int = 60, seed: int = 17) -> list[Task]:
    """(id, (low, mode, high), predecessors, resource) per task, the same every time."""
    rng = random.Random(seed)
    out: list[Task] = []
    for k in range(tasks):
        low = float(rng.randint(1, 6))
        mode = low + rng.randint(1, 6)
        high = mode + rng.randint(1, 10)
        preds = sorted(rng.sample([t[0] for t in out], min(len(out), rng.randint(0, 3))))
        out.append((f"t{k + 1:02d}", (low, mode, high), preds, f"r{rng.randint(1, 3)}"))
    return out


def tabletop_yaml(tasks: list[Task], resources: bool) -> str:
    acts = []
    for tid, (low, mode, high), preds, res in tasks:
        act: dict[str, Any] = {"id": tid, "duration": {"triangular": [low, mode, high]}}
        if preds:
            act["after"] = preds
        if resources:
            act["needs"] = {res: 1}
        acts.append(act)
    tree = {
        "format": "tabletop/1", "name": "mcprojsim comparison network", "days": 40,
        "calendar": {"day_start": "00:00", "day_end": "24:00"},
        # no priorities given: written order, as mcprojsim hands free resources out
        "dispatch": "priority",
        "resources": ([{"id": f"r{i}", "name": f"Facility {i}", "capacity": 1,
                        "hours": "always"} for i in (1, 2, 3)] if resources else []),
        "phases": [{"id": "network", "name": "Network", "start": "D1",
                    "around_the_clock": True, "activities": acts}],
    }
    return yaml.safe_dump(tree, sort_keys=False)


def mcprojsim_yaml(tasks: list[Task], resources: bool) -> str:
    items = []
    for tid, (low, mode, high), preds, res in tasks:
        task: dict[str, Any] = {"id": tid, "name": tid, "estimate": {
            "low": low, "expected": mode, "high": high, "unit": "hours"}}
        if preds:
            task["dependencies"] = preds
        if resources:
            task["resources"] = [res]
        items.append(task)
    tree: dict[str, Any] = {"project": {"name": "comparison", "start_date": "2026-01-05",
                                        "hours_per_day": 24}, "tasks": items}
    if resources:
        tree["resources"] = [{"name": f"r{i}", "calendar": "always"} for i in (1, 2, 3)]
        tree["calendars"] = [{"id": "always", "work_hours_per_day": 24,
                              "work_days": [1, 2, 3, 4, 5, 6, 7]}]
    return yaml.safe_dump(tree, sort_keys=False)


def ensure_mcprojsim(python: str) -> Path:
    """The mcprojsim command of its own virtual environment (made on first use)."""
    exe = VENV / "bin" / "mcprojsim"
    if not exe.exists():
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", f"mcprojsim=={VERSION}"],
                       check=True)
    return exe


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the command and its children) and standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, env=ENV)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return wall, cpu, done.stdout


def tabletop_mean(out: Path) -> tuple[float, str]:
    (run_dir,) = [p for p in out.iterdir() if p.is_dir()]
    summary = json.loads((run_dir / "summary.json").read_text())
    return float(summary["end_h"]["mean"]), str(summary.get("engine", "event"))


def mcprojsim_mean(stdout: str) -> float:
    match = re.search(r"Calendar Time Statistical Summary:\s*\n\s*Mean:\s*([0-9.]+) hours",
                      stdout)
    if match is None:
        raise RuntimeError("no mean in mcprojsim's output:\n" + stdout[:2000])
    return float(match.group(1))


def compare(name: str, tasks: list[Task], resources: bool, mcp: Path, n: int, rounds: int,
            work: Path) -> None:
    case = work / ("res" if resources else "deps")
    case.mkdir()
    (case / "net.yaml").write_text(tabletop_yaml(tasks, resources))
    (case / "project.yaml").write_text(mcprojsim_yaml(tasks, resources))
    ours, theirs, tables, ratios = [], [], [], []
    timed([str(REPO / ".venv" / "bin" / "tabletop"), "mc", "net.yaml", "-n", "20", "-j", "1",
           "--out", str(case / "warm-up")], case)  # untimed: writes the bytecode caches
    timed([str(mcp), "simulate", "project.yaml", "-n", "20", "-s", "1", "-f", "json,csv,html",
           "-o", str(case / "warm-up" / "result")], case)
    for k in range(rounds):
        out_t, out_m = case / f"tabletop-{k}", case / f"mcprojsim-{k}"
        out_t.mkdir()
        out_m.mkdir()
        t = timed([str(REPO / ".venv" / "bin" / "tabletop"), "mc", "net.yaml", "-n", str(n),
                   "-j", "1", "--out", str(out_t)], case)
        m = timed([str(mcp), "simulate", "project.yaml", "-n", str(n), "-s", "1",
                   "-f", "json,csv,html", "-o", str(out_m / "result")], case)
        out_q = case / f"tables-{k}"
        out_q.mkdir()
        q = timed([str(REPO / ".venv" / "bin" / "tabletop"), "mc", "net.yaml", "-n", str(n),
                   "-j", "1", "--no-charts", "--out", str(out_q)], case)
        ours.append(t)
        theirs.append(m)
        tables.append(q)
        ratios.append(t[0] / m[0])
    mean_t, engine = tabletop_mean(case / "tabletop-0")
    mean_m = mcprojsim_mean(theirs[0][2])
    agree = abs(mean_t - mean_m) <= 0.02 * mean_m
    wall_t, wall_m = statistics.median(x[0] for x in ours), statistics.median(x[0] for x in theirs)
    cpu_t, cpu_m = statistics.median(x[1] for x in ours), statistics.median(x[1] for x in theirs)
    target = TARGETS[name]
    ratio = statistics.median(ratios)
    print(f"{name} ({len(tasks)} tasks, {n} replications, {rounds} rounds, medians):")
    print(f"  tabletop mc ({engine} engine): {wall_t:6.2f} s wall, {cpu_t:6.2f} s CPU;"
          f" mean end {mean_t:.2f} h")
    print(f"  mcprojsim simulate:        {wall_m:6.2f} s wall, {cpu_m:6.2f} s CPU;"
          f" mean {mean_m:.2f} h")
    wall_q, cpu_q = (statistics.median(x[0] for x in tables),
                     statistics.median(x[1] for x in tables))
    print(f"  (for where the time goes: tabletop mc --no-charts {wall_q:.2f} s wall, "
          f"{cpu_q:.2f} s CPU, {wall_q / wall_m:.3f}x)")
    print(f"  means agree within 2 %: {'yes' if agree else 'NO'}")
    print(f"  ratio tabletop/mcprojsim: wall {ratio:.3f}x (per round "
          f"{', '.join(f'{r:.3f}' for r in ratios)}), CPU {cpu_t / cpu_m:.3f}x;"
          f" target <= {target}x: {'PASS' if ratio <= target else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="replications (default 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--python", default=PYTHON313, help="Python >= 3.13 for mcprojsim")
    args = parser.parse_args()
    try:
        mcp = ensure_mcprojsim(args.python)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"mcprojsim {VERSION} cannot be installed: {exc}")
        return 1
    versions = subprocess.run([str(mcp), "--version"], capture_output=True, text=True).stdout
    ours = subprocess.run([str(REPO / ".venv" / "bin" / "tabletop"), "--version"],
                          capture_output=True, text=True).stdout
    print(f"{versions.strip()} (Python 3.13, {VENV}); {ours.strip()} "
          f"(Python {sys.version.split()[0]})")
    tasks = network()
    work = Path(tempfile.mkdtemp(prefix="tabletop-vs-mcprojsim-"))
    try:
        compare("dependencies only", tasks, False, mcp, args.n, args.rounds, work)
        compare("3 resources of capacity 1", tasks, True, mcp, args.n, args.rounds, work)
    except RuntimeError as exc:
        print(exc)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
