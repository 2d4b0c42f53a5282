"""PSPLIB j30 instances as feasibility checks of the engine's schedules.

The instances used here are in the repository (``tests/data/psplib``, with their source
and terms); the benchmark reads the full sets from elsewhere. A missing file fails these
tests, it never skips them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sim.engine import simulate
from sim.scenario import load_tree


def _load_psplib_module() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "psplib.py"
    spec = importlib.util.spec_from_file_location("tabletop_bench_psplib", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


psplib = _load_psplib_module()

# Spread over the parameter groups; j3013_1 and j3037_7 are among the harder ones.
J30_SAMPLE = ["j301_1", "j305_3", "j3013_1", "j3021_2", "j3029_8", "j3037_7", "j3045_10"]


DATA = Path(__file__).resolve().parent / "data" / "psplib"


@pytest.fixture(scope="module")
def root() -> Path:
    return DATA


def test_the_sample_is_in_the_repository() -> None:
    wanted = [DATA / "j30" / f"{name}.sm" for name in J30_SAMPLE] + [DATA / "bounds/j30opt.sm"]
    assert [p for p in wanted if not p.is_file()] == []


@pytest.fixture(scope="module")
def optimum(root: Path) -> dict[tuple[int, int], int]:
    return dict(psplib.read_bounds(root / "bounds" / "j30opt.sm"))


def test_parser_reads_every_table_of_an_instance(root: Path) -> None:
    inst = psplib.read_instance(root / "j30" / "j301_1.sm")
    assert (inst.name, inst.jobs, inst.horizon, inst.mpm_time) == ("j301_1", 32, 158, 38)
    assert inst.capacities == (12, 13, 4, 12)
    assert inst.successors[1] == (2, 3, 4)
    assert inst.successors[2] == (6, 11, 15)
    assert inst.successors[32] == ()
    assert inst.durations[1] == inst.durations[32] == 0
    assert inst.durations[2] == 8 and inst.requests[2] == (4, 0, 0, 0)
    assert inst.durations[26] == 7 and inst.requests[26] == (0, 0, 4, 0)
    assert sum(inst.durations.values()) == inst.horizon
    assert psplib.critical_path_length(inst) == inst.mpm_time == 38
    assert inst.real_jobs() == list(range(2, 32))


def test_parser_refuses_a_multi_mode_file(root: Path) -> None:
    text = (root / "j30" / "j301_1.sm").read_text(encoding="latin-1")
    broken = text.replace("   2        1          3", "   2        2          3", 1)
    with pytest.raises(psplib.FormatError, match="modes"):
        psplib.parse_sm(broken, "broken")


def test_bounds_files_read_as_parameter_instance_tables(
    root: Path, optimum: dict[tuple[int, int], int]
) -> None:
    assert len(optimum) == 480
    assert optimum[(1, 1)] == 43 and optimum[(48, 10)] == 54
    assert psplib.instance_key("j3010_4", "j30") == (10, 4)


def test_the_checker_catches_precedence_and_capacity_violations(root: Path) -> None:
    inst = psplib.read_instance(root / "j30" / "j301_1.sm")
    t, serial = 0.0, {}
    for job in inst.real_jobs():  # one after the other: always feasible
        serial[job] = (t, t + inst.durations[job])
        t += inst.durations[job]
    assert psplib.check_schedule(inst, serial) == []
    overlapped = dict(serial)
    overlapped[6] = (serial[2][0], serial[2][0] + inst.durations[6])  # 6 waits for 2
    found = psplib.check_schedule(inst, overlapped)
    assert any("before job 2 ends" in p for p in found)
    crowded = {j: (0.0, float(inst.durations[j])) for j in inst.real_jobs()}
    assert any("R1 uses" in p for p in psplib.check_schedule(inst, crowded))


def test_converted_tree_validates_without_warnings(root: Path) -> None:
    inst = psplib.read_instance(root / "j30" / "j301_1.sm")
    scenario = load_tree(psplib.to_tree(inst))
    assert scenario.warnings == ()
    assert len(scenario.activities) == 30
    assert [r.capacity for r in scenario.resources] == [12, 13, 4, 12]
    assert all(r.always for r in scenario.resources)


@pytest.mark.parametrize("name", J30_SAMPLE)
def test_engine_schedule_is_feasible_and_no_better_than_the_optimum(
    name: str, root: Path, optimum: dict[tuple[int, int], int]
) -> None:
    inst = psplib.read_instance(root / "j30" / f"{name}.sm")
    result = simulate(load_tree(psplib.to_tree(inst), name))
    assert result.complete
    schedule = psplib.schedule_of(result)
    assert psplib.check_schedule(inst, schedule) == []
    span = psplib.makespan(schedule)
    assert span == result.end_h
    assert span >= optimum[psplib.instance_key(name, "j30")] >= psplib.critical_path_length(inst)
