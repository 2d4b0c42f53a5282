"""Issue 17's ensemble targets: KAZIND-21 on 2 workers, and memory against the count.

Prints:

- ``tabletop mc scenarios/kazind21.yaml -n 10000 -j 2 --no-charts`` as a whole process:
  wall and CPU seconds (target < 30 s wall) and peak memory, the largest single process
  of it and its workers (target < 500 MB);
- 2-worker efficiency ``wall(1 worker) / (2 * wall(2 workers))`` of that same command
  (the target is about it: 10,000 replications), and for information at ``--small-n``
  replications (default 2,000), where the fixed cost of start-up and report weighs
  more; the two measured in turn for ``--rounds`` rounds (medians and each round's own
  figure; target >= 85 %);
- peak memory of ``tabletop mc`` at 1,000 and at 100,000 replications, in process, for a
  generated network the batch engine runs (60 tasks, dependencies only) and for
  KAZIND-21 on the event engine (``--kazind-big`` replications, default 20,000: 100,000
  takes about 150 CPU seconds). The statistics are streamed into fixed histograms, so
  memory must not grow with the count beyond them.

Wall times on a machine shared with other work are noisy; CPU seconds are printed beside
them. Run: ``.venv/bin/python benchmarks/mc_targets.py [--rounds 3] [--eff-n 2000]``.
Figures, not tests: the exit status is 0 whatever the figures say.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from mcprojsim_compare import ENV, network, tabletop_yaml  # noqa: E402  (a sibling script)

KAZIND = REPO / "scenarios" / "kazind21.yaml"
TABLETOP = str(REPO / ".venv" / "bin" / "tabletop")
# runs a command and prints its wall seconds, CPU seconds and the peak memory (kB) of it
# and every process it waited for (its workers)
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t0 = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - t0\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(done.returncode, wall, use.ru_utime + use.ru_stime, use.ru_maxrss)\n"
    "sys.stderr.write(done.stderr.decode()[-2000:] if done.returncode else '')\n"
)


def measure(args: list[str], work: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of ``tabletop mc ARGS --no-charts`` in a fresh directory."""
    out = Path(tempfile.mkdtemp(dir=work))
    done = subprocess.run([sys.executable, "-c", MEASURE, TABLETOP, "mc", *args,
                           "--no-charts", "--out", str(out)],
                          capture_output=True, text=True, check=True, env=ENV)
    code, wall, cpu, peak_kb = done.stdout.split()
    shutil.rmtree(out, ignore_errors=True)
    if code != "0":
        raise RuntimeError(f"tabletop mc {' '.join(args)} exited {code}: {done.stderr}")
    return float(wall), float(cpu), int(peak_kb) / 1024


def efficiency(label: str, ratios: list[float], *, target: bool) -> None:
    eff = statistics.median(ratios)
    verdict = f"; target >= 85 %: {'PASS' if eff >= 0.85 else 'FAIL'}" if target else ""
    print(f"2-worker efficiency, {label}: {100 * eff:.0f} % "
          f"(rounds: {', '.join(f'{100 * r:.0f} %' for r in ratios)}){verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--small-n", type=int, default=2000,
                        help="replications of the second efficiency figure (default 2000)")
    parser.add_argument("--kazind-big", type=int, default=20_000,
                        help="replications of KAZIND-21's memory figure (default 20000)")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="tabletop-targets-"))
    try:
        measure([str(KAZIND), "-n", "20", "-j", "2"], work)  # untimed: the bytecode caches
        big, one_big = [], []
        for _ in range(args.rounds):  # 1 and 2 workers in turn, so load falls on both
            big.append(measure([str(KAZIND), "-n", "10000", "-j", "2"], work))
            one_big.append(measure([str(KAZIND), "-n", "10000", "-j", "1"], work))
        wall = statistics.median(b[0] for b in big)
        print(f"KAZIND-21, 10000 replications, 2 workers ({args.rounds} runs, medians): "
              f"{wall:.1f} s wall, {statistics.median(b[1] for b in big):.1f} s CPU, peak "
              f"{max(b[2] for b in big):.0f} MB; targets < 30 s: "
              f"{'PASS' if wall < 30 else 'FAIL'}, < 500 MB: "
              f"{'PASS' if max(b[2] for b in big) < 500 else 'FAIL'}")
        print(f"  1 worker: {statistics.median(b[0] for b in one_big):.1f} s wall, "
              f"{statistics.median(b[1] for b in one_big):.1f} s CPU")
        ratios = [one[0] / (2 * two[0]) for one, two in zip(one_big, big, strict=True)]
        efficiency("KAZIND-21 at 10000 replications", ratios, target=True)
        small = []
        for _ in range(args.rounds):
            one = measure([str(KAZIND), "-n", str(args.small_n), "-j", "1"], work)[0]
            two = measure([str(KAZIND), "-n", str(args.small_n), "-j", "2"], work)[0]
            small.append(one / (2 * two))
        efficiency(f"KAZIND-21 at {args.small_n} replications (for information)", small,
                   target=False)
        net = work / "network.yaml"
        net.write_text(tabletop_yaml(network(), False), encoding="utf-8")
        for label, path, counts in (("60-task network (batch engine)", net, (1000, 100_000)),
                                    ("KAZIND-21 (event engine)", KAZIND,
                                     (1000, args.kazind_big))):
            peaks = [measure([str(path), "-n", str(n), "-j", "1"], work) for n in counts]
            print(f"peak memory, {label}: "
                  + ", ".join(f"{n} replications {p[2]:.0f} MB ({p[0]:.1f} s)"
                              for n, p in zip(counts, peaks, strict=True))
                  + f"; growth {peaks[1][2] - peaks[0][2]:+.0f} MB")
    except RuntimeError as exc:
        print(exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
