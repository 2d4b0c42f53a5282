"""PSPLIB single-mode RCPSP instances through the tabletop engine: quality and feasibility.

Each ``.sm`` instance becomes a tabletop/1 tree (one around-the-clock phase,
resources r1..r4 with ``hours: always`` and the instance's capacities, one
activity per real job with a fixed duration and ``after`` from the
precedence table; PSPLIB's dummy source and sink are dropped). The engine
schedules it with its default dispatch (``critical_path``: least latest-start
first, a single-pass parallel scheme). Every schedule is checked here,
independently of the engine, for precedence and for capacity at every time
point. Printed: mean deviation from the optimum (j30) or from the
critical-path lower bound (j60, j120), the share solved to optimality (j30),
and instances per second.

Run: ``.venv/bin/python benchmarks/psplib.py [--sets j30,j60,j120] [--limit N]``.
The full sets are not in the repository (1,560 files): the folder is
``$TABLETOP_PSPLIB``, else ``<repo>/../shared/data/psplib``; without either, the script
says where to get them. ``tests/data/psplib`` holds a seven-instance j30 sample
(``TABLETOP_PSPLIB=tests/data/psplib ... --sets j30`` tries the script on it). The
functions are imported by ``tests/test_psplib.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from anywhere without installing
    sys.path.insert(0, str(REPO))

SETS = ("j30", "j60", "j120")
REFERENCE_J30 = 4.5  # % above the optimum, single-pass least-slack parallel scheme
# Best-known upper bounds above the CPM bound (BASELINES.md, part A): no schedule beats these.
FLOOR_CPM = {"j30": 13.37, "j60": 10.37, "j120": 28.91}


DOWNLOAD_HINT = """\
The PSPLIB single-mode sets come from https://www.om-db.wi.tum.de/psplib/getdata_sm.html
(free for research and teaching; cite Kolisch & Sprecher 1996). Unpack them as
  DIR/j30/*.sm  DIR/j60/*.sm  DIR/j120/*.sm
and the bound tables (j30opt.sm, j60hrs.sm, j120hrs.sm, ...) into DIR/bounds/, then run
  TABLETOP_PSPLIB=DIR python benchmarks/psplib.py
To try the script on the sample the tests use: TABLETOP_PSPLIB=tests/data/psplib ... --sets j30"""


def data_dir() -> Path:
    """The PSPLIB folder: ``$TABLETOP_PSPLIB``, else ``<repo>/../shared/data/psplib``."""
    override = os.environ.get("TABLETOP_PSPLIB")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "psplib"


# ---------------------------------------------------------------- reading .sm files


@dataclass(frozen=True)
class Instance:
    """One single-mode RCPSP instance. Jobs are numbered 1..n as in the file (1, n dummies)."""

    name: str  # e.g. "j301_1"
    jobs: int  # including the dummy source and sink
    horizon: int
    capacities: tuple[int, ...]
    durations: dict[int, int]
    requests: dict[int, tuple[int, ...]]
    successors: dict[int, tuple[int, ...]]
    mpm_time: int | None = None  # critical-path length written in the file

    def predecessors(self) -> dict[int, list[int]]:
        preds: dict[int, list[int]] = {j: [] for j in self.durations}
        for job, succs in self.successors.items():
            for s in succs:
                preds[s].append(job)
        return preds

    def real_jobs(self) -> list[int]:
        """Jobs other than the dummy source (1) and sink (n)."""
        return [j for j in sorted(self.durations) if j not in (1, self.jobs)]


class FormatError(ValueError):
    """A file that does not read as a PSPLIB single-mode instance."""


def _ints(line: str) -> list[int]:
    return [int(x) for x in line.split()]


def parse_sm(text: str, name: str = "<sm>") -> Instance:
    """Read a PSPLIB single-mode ``.sm`` file."""
    lines = text.splitlines()
    jobs = horizon = None
    mpm: int | None = None
    successors: dict[int, tuple[int, ...]] = {}
    durations: dict[int, int] = {}
    requests: dict[int, tuple[int, ...]] = {}
    capacities: tuple[int, ...] = ()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("jobs (incl. supersource/sink )"):
            jobs = int(line.split(":")[1])
        elif line.startswith("horizon"):
            horizon = int(line.split(":")[1])
        elif line.startswith("PROJECT INFORMATION"):
            row = _ints(lines[i + 2])
            mpm = row[5] if len(row) >= 6 else None
        elif line.startswith("PRECEDENCE RELATIONS"):
            i += 2
            while i < len(lines) and not lines[i].startswith("*"):
                row = _ints(lines[i])
                job, modes, count = row[0], row[1], row[2]
                if modes != 1:
                    raise FormatError(f"{name}: job {job} has {modes} modes; single-mode only")
                if len(row) != 3 + count:
                    raise FormatError(
                        f"{name}: job {job} lists {len(row) - 3} successors, says {count}"
                    )
                successors[job] = tuple(row[3:])
                i += 1
            continue
        elif line.startswith("REQUESTS/DURATIONS"):
            i += 3  # header line and the dashes
            while i < len(lines) and not lines[i].startswith("*"):
                row = _ints(lines[i])
                durations[row[0]] = row[2]
                requests[row[0]] = tuple(row[3:])
                i += 1
            continue
        elif line.startswith("RESOURCEAVAILABILITIES"):
            capacities = tuple(_ints(lines[i + 2]))
        i += 1
    if jobs is None or horizon is None or not capacities:
        raise FormatError(f"{name}: missing jobs, horizon or resource availabilities")
    if set(durations) != set(range(1, jobs + 1)) or set(successors) != set(durations):
        raise FormatError(f"{name}: expected jobs 1..{jobs} in both tables")
    if any(len(r) != len(capacities) for r in requests.values()):
        raise FormatError(f"{name}: a job's requests do not match the {len(capacities)} resources")
    return Instance(name, jobs, horizon, capacities, durations, requests, successors, mpm)


def read_instance(path: Path) -> Instance:
    return parse_sm(path.read_text(encoding="latin-1"), path.stem)


def instance_key(name: str, set_name: str) -> tuple[int, int]:
    """``("j3010_4", "j30")`` -> ``(10, 4)``: parameter group and instance number."""
    rest = name[len(set_name) :] if name.startswith(set_name) else ""
    par, _, inst = rest.partition("_")
    if not (par.isdigit() and inst.isdigit()):
        raise ValueError(f"not a {set_name} instance name: {name}")
    return int(par), int(inst)


def instance_files(set_name: str, root: Path | None = None) -> list[Path]:
    """The set's ``.sm`` files in (parameter group, instance) order."""
    folder = (root or data_dir()) / set_name
    files = list(folder.glob(f"{set_name}*_*.sm"))
    return sorted(files, key=lambda p: instance_key(p.stem, set_name))


def read_bounds(path: Path) -> dict[tuple[int, int], int]:
    """``(parameter, instance) -> makespan`` from j30opt.sm or a ``*hrs.sm`` file.

    For a ``*lb.sm`` file (columns UB, LB), the value is the lower bound.
    """
    lower = path.name.endswith("lb.sm")
    out: dict[tuple[int, int], int] = {}
    row = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)(?:\s+(\d+))?")
    for line in path.read_text(encoding="latin-1").splitlines():
        m = row.match(line)
        if m is None:
            continue
        par, inst, first, second = m.groups()
        value = int(second) if lower and second is not None else int(first)
        out[(int(par), int(inst))] = value
    return out


# ---------------------------------------------------------------- analysis


def critical_path_length(inst: Instance) -> int:
    """Longest path through the precedence network (the CPM lower bound)."""
    finish: dict[int, int] = {}
    preds = inst.predecessors()
    for job in _topological(inst):
        start = max((finish[p] for p in preds[job]), default=0)
        finish[job] = start + inst.durations[job]
    return max(finish.values())


def _topological(inst: Instance) -> list[int]:
    indegree = {j: 0 for j in inst.durations}
    for succs in inst.successors.values():
        for s in succs:
            indegree[s] += 1
    queue = [j for j, d in indegree.items() if d == 0]
    order: list[int] = []
    while queue:
        job = queue.pop()
        order.append(job)
        for s in inst.successors[job]:
            indegree[s] -= 1
            if indegree[s] == 0:
                queue.append(s)
    if len(order) != len(indegree):
        raise FormatError(f"{inst.name}: the precedence network has a cycle")
    return order


def job_id(job: int) -> str:
    return f"job{job:03d}"


def to_tree(inst: Instance) -> dict[str, Any]:
    """The instance as a tabletop/1 tree: one hour per PSPLIB time unit."""
    real = set(inst.real_jobs())
    preds = inst.predecessors()
    activities = []
    for job in sorted(real):
        act: dict[str, Any] = {"id": job_id(job), "duration": inst.durations[job]}
        needs = {f"r{k + 1}": amount for k, amount in enumerate(inst.requests[job]) if amount}
        if needs:
            act["needs"] = needs
        after = [job_id(p) for p in sorted(preds[job]) if p in real]
        if after:
            act["after"] = after
        activities.append(act)
    return {
        "format": "tabletop/1",
        "name": f"PSPLIB {inst.name}",
        "source": "PSPLIB (Kolisch & Sprecher 1996), https://www.om-db.wi.tum.de/psplib/",
        "days": max(1, math.ceil(inst.horizon / 24) + 1),
        "resources": [
            {"id": f"r{k + 1}", "capacity": cap, "hours": "always"}
            for k, cap in enumerate(inst.capacities)
            if cap > 0
        ],
        "phases": [{"id": "project", "around_the_clock": True, "activities": activities}],
    }


Schedule = dict[int, tuple[float, float]]  # job -> (start, end)


def schedule_of(result: Any) -> Schedule:
    """``job -> (start, end)`` from a RunResult's activity rows."""
    out: Schedule = {}
    for row in result.activities:
        if row.start_h is None or row.end_h is None:
            raise AssertionError(f"{row.id} did not run (start {row.start_h}, end {row.end_h})")
        out[int(row.id[3:])] = (row.start_h, row.end_h)
    return out


def check_schedule(inst: Instance, schedule: Schedule, eps: float = 1e-9) -> list[str]:
    """Every violation of the schedule: durations, precedence, capacity at every time point."""
    problems: list[str] = []
    real = inst.real_jobs()
    if set(schedule) != set(real):
        problems.append(f"scheduled jobs differ from the instance's {len(real)} real jobs")
        return problems
    for job in real:
        start, end = schedule[job]
        if start < -eps:
            problems.append(f"job {job} starts before 0 ({start})")
        if abs(end - start - inst.durations[job]) > eps:
            problems.append(f"job {job} takes {end - start}, duration {inst.durations[job]}")
    for job in real:
        for succ in inst.successors[job]:
            if succ in schedule and schedule[succ][0] < schedule[job][1] - eps:
                problems.append(
                    f"job {succ} starts at {schedule[succ][0]} before job {job} "
                    f"ends at {schedule[job][1]}"
                )
    # usage only changes at start times; at each, sum the jobs running then
    for t in sorted({s for s, _e in schedule.values()}):
        running = [j for j in real if schedule[j][0] <= t + eps and schedule[j][1] > t + eps]
        for k, cap in enumerate(inst.capacities):
            used = sum(inst.requests[j][k] for j in running)
            if used > cap:
                problems.append(f"R{k + 1} uses {used} > {cap} at t={t:g} (jobs {running})")
    return problems


def makespan(schedule: Schedule) -> float:
    return max((e for _s, e in schedule.values()), default=0.0)


@dataclass(frozen=True)
class Outcome:
    name: str
    key: tuple[int, int]
    makespan: float
    end_h: float
    cpm: int
    reference: int | None  # optimum (j30) or best-known UB
    problems: tuple[str, ...]
    load_s: float
    simulate_s: float


def solve(inst: Instance, key: tuple[int, int], reference: int | None) -> Outcome:
    """Convert, load, simulate and check one instance (fixed durations, no injects)."""
    from sim.engine import simulate
    from sim.scenario import load_tree

    t0 = time.perf_counter()
    scenario = load_tree(to_tree(inst), inst.name)
    t1 = time.perf_counter()
    result = simulate(scenario)
    t2 = time.perf_counter()
    schedule = schedule_of(result)
    problems = check_schedule(inst, schedule)
    if result.stuck:
        problems.append(f"stuck: {result.stuck[:3]}")
    return Outcome(
        inst.name,
        key,
        makespan(schedule),
        result.end_h,
        critical_path_length(inst),
        reference,
        tuple(problems),
        t1 - t0,
        t2 - t1,
    )


# ---------------------------------------------------------------- the benchmark


def _bounds_for(set_name: str, root: Path) -> dict[tuple[int, int], int]:
    name = "j30opt.sm" if set_name == "j30" else f"{set_name}hrs.sm"
    path = root / "bounds" / name
    return read_bounds(path) if path.is_file() else {}


def run_set(set_name: str, root: Path, limit: int | None) -> list[Outcome]:
    bounds = _bounds_for(set_name, root)
    files = instance_files(set_name, root)
    if limit is not None:
        files = _spread(files, limit)
    out = []
    for path in files:
        key = instance_key(path.stem, set_name)
        out.append(solve(read_instance(path), key, bounds.get(key)))
    return out


def _spread(files: Sequence[Path], limit: int) -> list[Path]:
    """``limit`` files spread over the whole set (every parameter group gets a turn)."""
    if limit >= len(files):
        return list(files)
    step = len(files) / limit
    return [files[int(k * step)] for k in range(limit)]


def _pct(values: Iterable[float]) -> float:
    vals = list(values)
    return 100.0 * statistics.fmean(vals) if vals else float("nan")


def report(set_name: str, outcomes: Sequence[Outcome], wall: float) -> list[str]:
    n = len(outcomes)
    bad = [o for o in outcomes if o.problems]
    dev_cpm = _pct((o.makespan - o.cpm) / o.cpm for o in outcomes)
    ref = [o for o in outcomes if o.reference]
    dev_ref = _pct((o.makespan - o.reference) / o.reference for o in ref if o.reference)
    solved = sum(1 for o in ref if o.makespan <= (o.reference or 0))
    sim_s = sum(o.simulate_s for o in outcomes)
    load_s = sum(o.load_s for o in outcomes)
    ref_name = "optimum" if set_name == "j30" else "best-known UB"
    lines = [
        f"{set_name}: {n} instances, {len(bad)} infeasible, "
        f"{n / wall:.0f} instances/s overall "
        f"(load {1000 * load_s / n:.1f} ms, simulate {1000 * sim_s / n:.1f} ms each)",
        f"  mean deviation from the CPM lower bound: {dev_cpm:6.2f} %"
        f"   (best-known solutions: {FLOOR_CPM[set_name]:.2f} % on the full set)",
        f"  mean deviation from the {ref_name}: {dev_ref:6.2f} %"
        f"   ({len(ref)} instances with a bound)",
    ]
    if set_name == "j30":
        lines.append(
            f"  solved to the optimum: {solved} of {len(ref)} "
            f"({100 * solved / max(1, len(ref)):.1f} %)"
        )
        lines.append(
            f"  reference: single-pass least-slack parallel scheme ~{REFERENCE_J30:.1f} % "
            f"above the optimum -> ours {dev_ref:.2f} %"
        )
    mismatch = [o for o in outcomes if abs(o.makespan - o.end_h) > 1e-9]
    if mismatch:
        lines.append(f"  WARNING: makespan differs from the run's end_h on {len(mismatch)}")
    below = [o for o in ref if o.reference and o.makespan < o.reference and set_name == "j30"]
    if below:
        lines.append(f"  ERROR: {len(below)} makespans below the proven optimum")
    for o in bad[:5]:
        lines.append(f"  INFEASIBLE {o.name}: {o.problems[0]}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: j30,j60,j120")
    parser.add_argument("--limit", type=int, help="at most N instances per set (spread out)")
    args = parser.parse_args(argv)
    root = data_dir()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        print(
            f"unknown set(s): {', '.join(unknown)}; choose from {', '.join(SETS)}", file=sys.stderr
        )
        return 2
    missing = [s for s in sets if not (root / s).is_dir()]
    if missing:
        print(f"PSPLIB data not found: no {', '.join(missing)} under {root}", file=sys.stderr)
        print(DOWNLOAD_HINT, file=sys.stderr)
        return 2
    import sim.engine  # noqa: F401  (import cost outside the timings)

    print(f"PSPLIB single-mode RCPSP, data {root}")
    print("dispatch critical_path (least latest-start first), one pass, no randomness")
    failed = False
    for set_name in sets:
        t0 = time.perf_counter()
        outcomes = run_set(set_name, root, args.limit)
        wall = time.perf_counter() - t0
        if not outcomes:
            print(f"{set_name}: no instances found under {root / set_name}")
            failed = True
            continue
        for line in report(set_name, outcomes, wall):
            print(line)
        failed = failed or any(o.problems for o in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
