"""Engine speed: the bundled default, and the cost per activity as scenarios grow.

Prints: the engine-only time of one run of the bundled default (median of
many, after import and load; target < 20 ms); the cost per activity of
``simulate`` on two kinds of generated scenario of 1,000 to 50,000 activities,
split into the set-up and event loop and the result tables; and, measured in the
same run, the floor: a bare SimPy model of the same activities (one process per
activity with one ``env.timeout(duration)``), plus a single process looping over N
timeouts for reference. The two networks:

- ``layered`` (``sim.scenario.synth.synth_tree``): phases of parallel chains, a
  working-day calendar, groups, resources and injects; few activities are ready at
  once (target: 50k/1k <= 1.5);
- ``contention`` (``sim.scenario.synth.contention.contention_tree``): 20 resources of
  capacity 1 to 4, each activity needing one, 0 to 2 predecessors among the previous
  50, around the clock; thousands of activities wait at once, so a dispatcher whose
  cost grows with the queue shows here (target: 50k/1k <= 1.3).

The critical-path plan is computed once per scenario (when it is loaded), as an
ensemble does, and is not in the per-run figures.

The 3x target is checked on the engine (``sim.engine``: plan, set-up and the
event loop that writes the event log), the part that does what the floor
does; ``simulate()`` as a whole, which also derives the tables and KPIs of
``sim.results`` from the log, is shown against the same floor for reference.
The floor is taken as the faster of two runs: with the cyclic garbage
collector on (SimPy's default) and paused (as ``simulate`` runs).

Times are CPU seconds of this process (``time.process_time``): less sensitive
than wall time to other work on the machine (not immune: two processes sharing a
core slow each other down even in CPU time). Each round times about 20,000
activities per size (20 runs of 1,000, one of 50,000) and keeps the median run;
the best of the rounds counts. Every size thus gets the same number of samples:
a least over many short runs would favour the small sizes.

The engine measured is the pure-Python package, as ``pip install`` gives it.

Last, the ensemble's replication path on the event engine
(``sim.ensemble.chunks.run_chunk``: lean runs and their records), in CPU seconds per
1,000 replications, median of 3 chunks of 2,000 (``--replications N`` to change):
the 60-task network of ``benchmarks/mcprojsim_compare.py`` with 3 resources of capacity
1 (issue 17; ``tabletop mc -n 10000 -j 1`` spends most of its time here) and the bundled
KAZIND-21 (calendar, injects, added activities). Beside them, the bare-SimPy floor of
the same activities (one process and one timeout each, expected durations) per 1,000.

With ``--instructions 1000``, it also counts the instructions per activity of
``simulate`` and of the floor under valgrind's callgrind: the same figure on every run,
however busy the machine, though blind to memory stalls.

Run: ``.venv/bin/python benchmarks/engine_speed.py [--sizes 1000,5000,20000,50000]
[--rounds 4] [--instructions 1000] [--replications 2000]`` (about two minutes, plus about two with
``--instructions 1000``).
Figures, not tests: the exit status is 0 whatever the figures say.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_TARGET_MS = 20.0
GROWTH_TARGET = {"layered": 1.5, "contention": 1.3}
FLOOR_TARGET = 3.0
NETWORKS = ("layered", "contention")
SIZES = (1_000, 5_000, 20_000, 50_000)
ROUNDS = 4  # every size is measured once per round; the best round counts
ACTIVITIES_PER_ROUND = 20_000  # runs per size and round: this many activities (at least one)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def cpu_typical(run: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of ``repeat`` calls (a full collection before each).

    The median, not the least: the best of a round is then taken over rounds, so every
    size gets the same number of samples (a least over 20 short runs would favour the
    small sizes, which get more runs per round).
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        run()
        times.append(time.process_time() - t0)
    return statistics.median(times)


# ---------------------------------------------------------------- where the time goes


class Split:
    """Wraps the result builder that ``simulate`` calls, to time it apart."""

    def __init__(self) -> None:
        self.result = 0.0
        self.available = False

    @contextmanager
    def installed(self) -> Iterator[Split]:
        import sim.engine.run

        targets = [(sim.engine.run, "build_result", "result")]
        saved = []
        for module, name, slot in targets:
            original = getattr(module, name, None)
            if original is None:
                continue
            saved.append((module, name, original))
            setattr(module, name, self._timed(original, slot))
        self.available = len(saved) == len(targets)
        try:
            yield self
        finally:
            for module, name, original in saved:
                setattr(module, name, original)

    def _timed(self, func: Callable[..., Any], slot: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                setattr(self, slot, getattr(self, slot) + time.process_time() - t0)

        return timed


# ---------------------------------------------------------------- the bundled default


def default_scenario() -> tuple[Any, str]:
    """The bundled default, or ``None`` and why it cannot be timed."""
    from sim.scenario import ScenarioError, load_scenario
    from sim.scenario.bundled import default_scenario as path

    try:
        return load_scenario(path()), ""
    except ScenarioError as exc:
        first = exc.problems[0].format() if exc.problems else "?"
        return None, (
            f"  FAIL: the bundled default does not validate ({len(exc.problems)} "
            f"problems; first: {first}); not timed"
        )


def bench_default(runs: int = 60) -> list[str]:
    from sim.engine import simulate

    scenario, note = default_scenario()
    lines = [f"bundled default: engine-only simulate, median of {runs} (after import and load)"]
    if note:
        lines.append(note)
    if scenario is None:
        return lines
    simulate(scenario)  # warm up
    cpu, wall = [], []
    split = Split()
    with split.installed():
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            result = simulate(scenario)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
    med = statistics.median(cpu) * 1000
    lines.append(
        f"  {len(scenario.activities)} activity instances, {len(result.events)} events:"
        f" {med:.1f} ms CPU (wall {statistics.median(wall) * 1000:.1f} ms)   "
        f"target < {DEFAULT_TARGET_MS:.0f} ms: {_verdict(med < DEFAULT_TARGET_MS)}"
    )
    if split.available:
        lines.append(
            f"    of which result tables {split.result / runs * 1000:.2f} ms, the rest "
            f"(set-up, event loop) {med - split.result / runs * 1000:.2f} ms"
        )
    return lines


# ---------------------------------------------------------------- scaling and the floor


def bare_processes(durations: Sequence[float]) -> None:
    """The floor: one SimPy process per activity, each one timeout."""
    import simpy

    env = simpy.Environment()

    def activity(hours: float) -> Generator[Any, Any, None]:
        yield env.timeout(hours)

    for hours in durations:
        env.process(activity(hours))
    env.run()


def one_process(durations: Sequence[float]) -> None:
    """For reference: a single process looping over N timeouts."""
    import simpy

    env = simpy.Environment()

    def loop() -> Generator[Any, Any, None]:
        for hours in durations:
            yield env.timeout(hours)

    env.process(loop())
    env.run()


@dataclass
class Row:
    n: int
    load_s: float
    simulate_s: float
    result_s: float
    floor_s: float  # bare SimPy processes, cyclic collector on (SimPy's default)
    floor_paused_s: float  # the same with the collector paused, as `simulate` runs
    loop_s: float
    events: int
    complete: bool

    def per(self, seconds: float) -> float:
        return seconds / self.n * 1e6

    @property
    def engine_s(self) -> float:
        """The engine proper: set-up and event loop (no result tables)."""
        return self.simulate_s - self.result_s

    @property
    def floor_best_s(self) -> float:
        """The faster floor: the stricter comparison."""
        return min(self.floor_s, self.floor_paused_s)


def _paused(run: Callable[[], object]) -> Callable[[], object]:
    def paused() -> object:
        gc.disable()
        try:
            return run()
        finally:
            gc.enable()

    return paused


@dataclass
class Case:
    """One generated scenario, loaded once and measured in every round."""

    n: int
    scenario: Any
    durations: list[float]
    load_s: float


def load_case(n: int, network: str = "layered") -> Case:
    """The generated scenario, loaded, with its critical-path plan (once per scenario)."""
    from sim.scenario import load_tree
    from sim.scenario.synth import synth_tree
    from sim.scenario.synth.contention import contention_tree

    tree = synth_tree(n, seed=0) if network == "layered" else contention_tree(n, seed=0)
    t0 = time.process_time()
    scenario = load_tree(tree)
    scenario.critical_path  # noqa: B018  (computed once and kept, as in an ensemble)
    load_s = time.process_time() - t0
    return Case(n, scenario, [a.duration.expected() for a in scenario.activities], load_s)


def measure(case: Case) -> Row:
    """The median of a few runs of ``simulate`` and of the floors (about 20,000 activities
    each); the best round counts (see :func:`cpu_typical`)."""
    from sim.engine import simulate

    repeat = max(1, ACTIVITIES_PER_ROUND // case.n)
    split = Split()
    holder: list[Any] = []
    samples = []  # (CPU s, result s) of each run
    with split.installed():
        for _ in range(repeat):
            holder.clear()
            gc.collect()
            split.result = 0.0
            c0 = time.process_time()
            holder.append(simulate(case.scenario))
            samples.append((time.process_time() - c0, split.result))
    spent, result_s = sorted(samples)[(len(samples) - 1) // 2]  # the median run
    result = holder[0]
    events, complete = len(result.events), result.complete
    holder.clear()
    del result
    floor = cpu_typical(lambda: bare_processes(case.durations), repeat)
    floor_paused = cpu_typical(_paused(lambda: bare_processes(case.durations)), repeat)
    loop = cpu_typical(lambda: one_process(case.durations), 1)
    return Row(case.n, case.load_s, spent, result_s, floor, floor_paused, loop, events,
               complete)


def _best(a: Row, b: Row) -> Row:
    """The faster of two measurements of the same size (each figure on its own)."""
    pick = a if a.simulate_s <= b.simulate_s else b
    return Row(
        a.n,
        min(a.load_s, b.load_s),
        pick.simulate_s,
        pick.result_s,
        min(a.floor_s, b.floor_s),
        min(a.floor_paused_s, b.floor_paused_s),
        min(a.loop_s, b.loop_s),
        a.events,
        a.complete and b.complete,
    )


def _ratios(rows: Sequence[Row], cost: Callable[[Row], float], label: str) -> str:
    ratios = [cost(r) / r.floor_best_s for r in rows]
    return (
        f"  {label}: " + ", ".join(f"{x:.1f}x" for x in ratios)
        + f"   target <= {FLOOR_TARGET:.0f}x at every size: "
        + _verdict(max(ratios) <= FLOOR_TARGET)
    )


def scaling(sizes: Sequence[int], rounds: int = ROUNDS, network: str = "layered") -> list[str]:
    lines = [
        f"per-activity cost on the {network} network (seed 0), CPU µs per activity;",
        f"  best of {rounds} rounds over all sizes (in turn up and down), each round the",
        f"  median run of about {ACTIVITIES_PER_ROUND:,} activities per size, so that a busy "
        "spell favours no size.",
        "  load = load + critical-path plan (once per scenario);",
        "  engine = set-up + event loop (sim.engine, which writes the event log);",
        "  result = tables and KPIs derived from the log (sim.results);",
        "  floor = bare SimPy, one process and one timeout per activity, the faster of",
        "  collector on and collector paused (simulate runs with it paused)",
        f"  {'N':>6} {'load s':>7} {'sim s':>7} {'µs/act':>7} {'engine':>6} "
        f"{'result':>6} | {'floor':>6} {'engine':>7} {'sim':>6} | {'1-proc':>6}",
        f"  {'':>6} {'':>7} {'':>7} {'':>7} {'':>6} "
        f"{'':>6} | {'µs':>6} {'x floor':>7} {'x flr':>6} | {'µs':>6}",
    ]
    found: dict[int, Row] = {}
    cases = [load_case(n, network) for n in sizes]
    for round_ in range(rounds):  # sizes interleaved, in turn up and down
        for case in cases if round_ % 2 == 0 else reversed(cases):
            row = measure(case)
            found[case.n] = _best(found[case.n], row) if case.n in found else row
    del cases
    rows = [found[n] for n in sizes]
    for row in rows:
        n = row.n
        lines.append(
            f"  {n:>6} {row.load_s:7.2f} {row.simulate_s:7.2f} {row.per(row.simulate_s):7.0f} "
            f"{row.per(row.engine_s):6.0f} {row.per(row.result_s):6.0f} | "
            f"{row.per(row.floor_best_s):6.1f} {row.engine_s / row.floor_best_s:6.1f}x "
            f"{row.simulate_s / row.floor_best_s:5.1f}x | "
            f"{row.per(row.loop_s):6.1f}" + ("" if row.complete else "  INCOMPLETE RUN")
        )
    lines.append(
        "  (floor with the collector on / paused, µs: "
        + ", ".join(f"{r.per(r.floor_s):.1f}/{r.per(r.floor_paused_s):.1f}" for r in rows)
        + "; events per activity: "
        + ", ".join(f"{r.events / r.n:.1f}" for r in rows)
        + ")"
    )
    first, last = rows[0], rows[-1]
    growth = (last.simulate_s / last.n) / (first.simulate_s / first.n)
    engine_growth = (last.engine_s / last.n) / (first.engine_s / first.n)
    lines.append(
        f"  cost per activity {last.n // 1000}k / {first.n // 1000}k: simulate {growth:.2f}, "
        f"engine {engine_growth:.2f}   target <= {GROWTH_TARGET[network]}: "
        f"{_verdict(max(growth, engine_growth) <= GROWTH_TARGET[network])}"
    )
    lines.append(_ratios(rows, lambda r: r.engine_s, "engine / bare-SimPy floor"))
    lines.append(_ratios(rows, lambda r: r.simulate_s,
                         "simulate() with result tables / floor (for reference)"))
    return lines


# ---------------------------------------------------------------- the replication path


def replication_cases() -> list[tuple[str, Any]]:
    """The 3-resource network of the mcprojsim comparison, and KAZIND-21."""
    from mcprojsim_compare import network, tabletop_yaml  # a sibling script of this one

    from sim.scenario import load_scenario

    return [("60 tasks, 3 resources of capacity 1", load_scenario(tabletop_yaml(network(), True))),
            ("KAZIND-21", load_scenario(REPO / "scenarios" / "kazind21.yaml"))]


def bench_replications(n: int, repeat: int = 3) -> list[str]:
    """CPU seconds per 1,000 replications of ``run_chunk`` (median of ``repeat`` chunks)."""
    from sim.ensemble.chunks import run_chunk
    from sim.ensemble.layout import Layout

    lines = [f"ensemble replication path (run_chunk, event engine, lean runs): CPU s per "
             f"1,000 replications, median of {repeat} chunks of {n}"]
    for label, scenario in replication_cases():
        layout = Layout.of(scenario)
        run_chunk(scenario, 1, 0, 20, layout=layout)  # warm up: the per-scenario caches
        spent = cpu_typical(lambda s=scenario, ly=layout: run_chunk(s, 1, 0, n, layout=ly),
                            repeat) / n * 1000
        durations = [a.duration.expected() for a in scenario.activities]
        floor = cpu_typical(_paused(lambda d=durations: bare_processes(d)), 20) * 1000
        lines.append(f"  {label}: {spent:.3f} s ({spent / len(durations) * 1000:.1f} µs per "
                     f"activity); bare-SimPy floor {floor:.3f} s = {spent / floor:.1f}x floor")
    return lines


# ---------------------------------------------------------------- instruction counts


def _repeat_for_count(mode: str, n: int, repeat: int) -> None:
    """Child of :func:`instructions`: one warm-up, then ``repeat`` runs of ``mode``."""
    case = load_case(n)
    if mode == "floor":
        def run() -> object:
            bare_processes(case.durations)
            return None
    else:
        from sim.engine import simulate

        def run() -> object:
            return simulate(case.scenario)
    for _ in range(repeat + 1):
        run()


def _instructions_of(mode: str, n: int, repeat: int) -> float:
    """Instructions per activity of ``mode``: a valgrind run with ``repeat`` runs less
    one with none, so that start-up, import and loading cancel out. A fixed hash seed:
    the order of sets and dicts of strings, and so the count, varies with it by ~5 %."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    counts = []
    for k in (0, repeat):
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             __file__, "--count", mode, str(n), str(k)],
            capture_output=True, text=True, env=env, check=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise RuntimeError("callgrind printed no count:\n" + done.stderr[-2000:])
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / (repeat * n)


def instructions(sizes: Sequence[int], repeat: int = 3) -> list[str]:
    """Instructions per activity under valgrind's callgrind: the same count on every run,
    whatever else the machine does, so the ratio to the floor does not drift with load
    (it leaves out what memory stalls cost, which the CPU times above include)."""
    if shutil.which("valgrind") is None:
        return ["instruction counts: valgrind not found, skipped"]
    lines = [f"instructions per activity (valgrind --tool=callgrind, {repeat} runs less none, "
             "PYTHONHASHSEED=0; deterministic, memory stalls not included)"]
    for n in sizes:
        floor = _instructions_of("floor", n, repeat)
        sim = _instructions_of("simulate", n, repeat)
        lines.append(f"  {n:>6}: floor {floor / 1000:.1f}k, simulate {sim / 1000:.1f}k = "
                     f"{sim / floor:.2f}x floor")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="engine speed figures")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="comma-separated activity counts (default 1000,5000,20000,50000)",
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help=f"rounds over all sizes; the best of each counts (default {ROUNDS})")
    parser.add_argument("--skip-default", action="store_true", help="only the scaling tables")
    parser.add_argument("--network", default=",".join(NETWORKS),
                        help="comma-separated: layered,contention (default both)")
    parser.add_argument("--instructions", metavar="SIZES", default="",
                        help="also count instructions per activity under valgrind at these "
                        "comma-separated sizes (about a minute per 1,000 activities)")
    parser.add_argument("--replications", type=int, default=2000, metavar="N",
                        help="replications per chunk timed on the replication path "
                        "(default 2000; 0: skip it)")
    parser.add_argument("--count", nargs=3, metavar=("MODE", "N", "RUNS"),
                        help=argparse.SUPPRESS)  # the child that valgrind runs
    args = parser.parse_args(argv)
    if args.count:
        _repeat_for_count(args.count[0], int(args.count[1]), int(args.count[2]))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    import simpy

    import sim.engine  # noqa: F401  (imports outside the timings)

    print(
        f"python {sys.version.split()[0]}, simpy {simpy.__version__}, {os.cpu_count()} CPUs, "
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    if not args.skip_default:
        for line in bench_default():
            print(line)
    for network in args.network.split(","):
        for line in scaling(sizes, max(1, args.rounds), network):
            print(line, flush=True)
    if args.replications > 0:
        for line in bench_replications(args.replications):
            print(line, flush=True)
    if args.instructions:
        for line in instructions([int(s) for s in args.instructions.split(",") if s.strip()]):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
