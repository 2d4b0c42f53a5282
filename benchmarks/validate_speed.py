"""How fast `tabletop validate` answers, and how fast a large scenario file loads.

Prints: the wall time of `tabletop validate` on the bundled default as a whole
process (best of 5; target < 0.5 s) next to a bare interpreter start; which
heavy packages that path imports (`python -X importtime`; simpy and
matplotlib must not be among them); and the time to load a generated
10,000-activity scenario file, split into parse / validate / resolve
(best of 3; target < 2 s). Then every bad file of
``tests/test_cli_validate_robustness.py`` (alias bomb, deep nesting, junk, a 50 MB
file, ...) through `tabletop validate` as a whole process (best of 3; target < 2 s
each): the test asserts the answer, this script how fast it comes.

Run: ``.venv/bin/python benchmarks/validate_speed.py``. Figures, not tests:
the exit status is 0 whatever the figures say.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

VALIDATE_TARGET_S = 0.5
LOAD_TARGET_S = 2.0
HEAVY = ("simpy", "matplotlib", "numpy", "pydantic", "yaml", "rich")
MUST_NOT_IMPORT = ("simpy", "matplotlib")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def tabletop_command() -> list[str]:
    """The installed `tabletop` script beside this interpreter, else `python -m sim`."""
    script = Path(sys.executable).with_name("tabletop")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sim"]


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_process(
    argv: Sequence[str], repeat: int, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Best wall time, best CPU time (user + system) and the exit status of a command."""
    walls, cpus, status = [], [], 0
    for _ in range(repeat):
        cpu0, t0 = _child_cpu(), time.perf_counter()
        done = subprocess.run(argv, capture_output=True, cwd=REPO, env=env, check=False)
        walls.append(time.perf_counter() - t0)
        cpus.append(_child_cpu() - cpu0)
        status = done.returncode
    return min(walls), min(cpus), status


def package_imports(argv: Sequence[str]) -> dict[str, float]:
    """Packages (no dot in the name) a command imports, with cumulative import time (s).

    Read from ``python -X importtime``; nested imports count, so a package pulled in by
    ``sim.scenario`` is listed with its own cumulative time.
    """
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        capture_output=True,
        cwd=REPO,
        text=True,
        check=False,
    )
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if "." not in name:
            found[name] = max(found.get(name, 0.0), int(parts[1]) / 1e6)
    return found


def validate_process() -> list[str]:
    lines = ["tabletop validate (bundled default) as a whole process, best of 5"]
    base_wall, base_cpu, _ = time_process([sys.executable, "-c", "pass"], 5)
    wall, cpu, status = time_process([*tabletop_command(), "validate"], 5)
    lines.append(f"  {'python -c pass':<34} {base_wall:6.3f} s wall {base_cpu:6.3f} s CPU")
    lines.append(
        f"  {'tabletop validate':<34} {wall:6.3f} s wall {cpu:6.3f} s CPU   "
        f"target < {VALIDATE_TARGET_S} s: wall {_verdict(wall < VALIDATE_TARGET_S)}, "
        f"CPU {_verdict(cpu < VALIDATE_TARGET_S)}"
    )
    if status != 0:
        lines.append(
            f"  NOTE: exit status {status}: the bundled default does not validate "
            "(run `tabletop validate` to see why)"
        )
    imports = package_imports(["-m", "sim", "validate"])
    lines.append("  heavy packages imported on that path (cumulative import time):")
    for name in HEAVY:
        state = f"{imports[name] * 1000:6.0f} ms" if name in imports else "not imported"
        lines.append(f"    {name:<12} {state}")
    bad = [m for m in MUST_NOT_IMPORT if m in imports]
    lines.append(
        f"  simpy/matplotlib kept off the validate path: {_verdict(not bad)}"
        + (f" (imported: {', '.join(bad)})" if bad else "")
    )
    slowest = sorted(((k, v) for k, v in imports.items() if k != "sim"), key=lambda kv: -kv[1])[:6]
    lines.append(
        "  slowest top-level imports: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in slowest)
    )
    return lines


def load_large_file(activities: int = 10_000) -> list[str]:
    from sim.scenario.loader import validate_source
    from sim.scenario.resolve import resolve
    from sim.scenario.source import read_source
    from sim.scenario.synth import scenario_yaml, synth_tree

    lines = [f"loading a generated {activities:,}-activity scenario file, best of 3"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"synth-{activities}.yaml"
        path.write_text(scenario_yaml(synth_tree(activities, seed=0)), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        best: dict[str, float] = {}
        best_cpu: dict[str, float] = {}
        for _ in range(3):
            marks = [(time.perf_counter(), time.process_time())]
            source = read_source(path)
            marks.append((time.perf_counter(), time.process_time()))
            spec, problems = validate_source(source)
            marks.append((time.perf_counter(), time.process_time()))
            errors = [p for p in problems if p.severity == "error"]
            if spec is None or errors:
                return [*lines, f"  FAIL: the generated file does not validate: {errors[:3]}"]
            resolve(spec, str(path))
            marks.append((time.perf_counter(), time.process_time()))
            for k, step in enumerate(("parse", "validate", "resolve", "total")):
                a, b = (k, k + 1) if step != "total" else (0, 3)
                best[step] = min(best.get(step, 1e9), marks[b][0] - marks[a][0])
                best_cpu[step] = min(best_cpu.get(step, 1e9), marks[b][1] - marks[a][1])
        lines.append(f"  file size {size_mb:.1f} MB")
        for step in ("parse", "validate", "resolve", "total"):
            extra = ""
            if step == "total":
                extra = (
                    f"   target < {LOAD_TARGET_S} s: wall "
                    f"{_verdict(best['total'] < LOAD_TARGET_S)}, CPU "
                    f"{_verdict(best_cpu['total'] < LOAD_TARGET_S)}"
                )
            lines.append(f"  {step:<9} {best[step]:6.3f} s wall {best_cpu[step]:6.3f} s CPU{extra}")
        wall, cpu, status = time_process([*tabletop_command(), "validate", str(path)], 3)
        lines.append(
            f"  tabletop validate FILE, whole process: {wall:6.3f} s wall "
            f"{cpu:6.3f} s CPU (exit {status})"
        )
    return lines


BAD_TARGET_S = 2.0


def _robustness_cases() -> dict[str, tuple[str, Any]]:
    """``CASES`` of the robustness test, plus the 50 MB file it builds on its own."""
    path = REPO / "tests" / "test_cli_validate_robustness.py"
    spec = importlib.util.spec_from_file_location("tabletop_bench_robustness", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases: dict[str, tuple[str, Any]] = dict(module.CASES)
    padding = b"# padding line of a very large file\n" * (50 * 1024 * 1024 // 36)
    cases["fifty-megabytes"] = ("huge.yaml", lambda: padding)
    return cases


def bad_files() -> list[str]:
    lines = [f"bad files through tabletop validate, whole process, best of 3 "
             f"(target < {BAD_TARGET_S} s each; exit status must be 2)"]
    slow = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case, (name, make) in sorted(_robustness_cases().items()):
            path = Path(tmp) / name
            path.write_bytes(make())
            wall, cpu, status = time_process([*tabletop_command(), "validate", str(path)], 3)
            slow += wall >= BAD_TARGET_S
            lines.append(f"  {case:<20} {wall:6.3f} s wall {cpu:6.3f} s CPU  exit {status}"
                         + ("" if status == 2 else "  (expected 2)"))
            path.unlink()
    lines.append(f"  all under {BAD_TARGET_S} s: {_verdict(slow == 0)}")
    return lines


def main() -> int:
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (CPU time counts only "
        "this process: a busy machine inflates it far less than wall time)"
    )
    for line in validate_process():
        print(line)
    for line in load_large_file():
        print(line)
    for line in bad_files():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
