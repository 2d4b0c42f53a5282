"""The compiled engine (sim.native): same results as the sources, and never loaded stale.

``make test`` builds the compiled modules first and sets TABLETOP_REQUIRE_NATIVE=1, so a
missing build fails there; a plain ``pytest`` without ``make native`` skips only the
comparison that needs a build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim import native

# Prints which engine ran and a digest of everything a run produces, and of its ensemble
# record, for several scenarios and seeds, the RunResult sent through pickle first (as
# ensemble workers do).
DIGEST = r"""
import glob, hashlib, json, pickle, sys
import sim.native
from sim import simulate
from sim.ensemble import Layout, record_of
from sim.scenario import load_scenario, load_tree
from sim.synth import synth_tree

root = sys.argv[1]
scenarios = [load_tree(synth_tree(n, seed=s, around_the_clock_share=0.2))
             for n, s in ((300, 1), (800, 2))]
scenarios += [load_scenario(p) for p in sorted(glob.glob(root + "/scenarios/*.yaml"))]
layouts = {id(s): Layout.of(s) for s in scenarios}
digest = hashlib.sha256()
for scenario in scenarios:
    for seed in range(3):
        result = pickle.loads(pickle.dumps(simulate(scenario, seed=seed)))
        digest.update(repr([tuple(e) for e in result.events]).encode())
        digest.update(repr([tuple(a) for a in result.activities]).encode())
        digest.update(json.dumps(result.summary(), sort_keys=True).encode())
        digest.update(repr(result.usage).encode())
        digest.update(repr(sorted(result.groups.items())).encode())
        digest.update(repr(record_of(result, layouts[id(scenario)])).encode())
print(json.dumps({"status": sim.native.status(), "compiled": sim.native.compiled(),
                  "file": sim.engine.core.__file__, "digest": digest.hexdigest()}))
"""


def _python(code: str, *args: str, cwd: Path, pure: bool) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure:
        env[native.PURE_ENV] = "1"
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_compiled_and_pure_engines_give_identical_results(repo_root: Path) -> None:
    pure = _python(DIGEST, str(repo_root), cwd=repo_root, pure=True)
    assert pure["compiled"] is False
    assert str(pure["file"]).endswith("core.py")
    assert "TABLETOP_PURE is set" in str(pure["status"])
    default = _python(DIGEST, str(repo_root), cwd=repo_root, pure=False)
    if not default["compiled"]:
        if os.environ.get("TABLETOP_REQUIRE_NATIVE"):
            pytest.fail(f"make test expects the compiled engine: {default['status']}")
        pytest.skip(f"no compiled engine to compare with: {default['status']}")
    assert not str(default["file"]).endswith(".py")
    assert default["digest"] == pure["digest"]


def test_ensemble_with_kept_runs_over_two_processes(repo_root: Path, tmp_path: Path) -> None:
    """Kept runs travel back from the workers by pickle, whichever engine runs."""
    done = subprocess.run(
        [sys.executable, "-m", "sim", "mc", "-n", "12", "-j", "2", "--keep", "2",
         "--no-charts", "--out", str(tmp_path)],
        cwd=repo_root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "INCOMPLETE" not in done.stdout
    (ensemble,) = tmp_path.iterdir()
    kept = sorted(p.name for p in (ensemble / "runs").iterdir())
    assert kept == ["replication-00000", "replication-00001"]


PROBE = r"""
import json, sim.engine.core, sim.native
print(json.dumps({"status": sim.native.status(), "compiled": sim.native.compiled(),
                  "file": sim.engine.core.__file__}))
"""


def _copy_package(repo_root: Path, dest: Path) -> Path:
    """A copy of the package, compiled modules and manifest included when built."""
    shutil.copytree(repo_root / "sim", dest / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "sim"


def _fake_build(package: Path) -> None:
    """Stand-ins for compiled modules that would crash if loaded, and a manifest."""
    suffix = json.loads(native._MANIFEST.read_text())["suffix"] if native._MANIFEST.exists() \
        else native._SUFFIX
    sources = {}
    for module in native.MODULES:
        rel = Path(*module.split(".")[1:])
        (package / rel).with_name(rel.name + suffix).write_bytes(b"not a shared library")
        sources[module] = native._digest(package / rel.with_suffix(".py"))
    (package / "_native.json").write_text(json.dumps({"suffix": suffix, "sources": sources}))


def test_a_stale_build_is_never_loaded(repo_root: Path, tmp_path: Path) -> None:
    package = _copy_package(repo_root, tmp_path)
    if not (package / "_native.json").exists():
        _fake_build(package)
    with (package / "engine" / "core.py").open("a") as f:
        f.write("\n# edited after the build\n")
    probe = _python(PROBE, cwd=tmp_path, pure=False)
    assert probe["compiled"] is False
    assert str(probe["file"]) == str(package / "engine" / "core.py")
    assert "sources changed since the build: sim.engine.core" in str(probe["status"])


def test_extensions_without_a_manifest_are_not_loaded(repo_root: Path, tmp_path: Path) -> None:
    package = _copy_package(repo_root, tmp_path)
    _fake_build(package)
    (package / "_native.json").unlink()
    probe = _python(PROBE, cwd=tmp_path, pure=False)
    assert probe["compiled"] is False
    assert str(probe["file"]).endswith("core.py")
    assert "not built" in str(probe["status"])


def test_a_current_build_loads(repo_root: Path, tmp_path: Path) -> None:
    if not native._MANIFEST.exists():
        if os.environ.get("TABLETOP_REQUIRE_NATIVE"):
            pytest.fail("make test expects the compiled engine: run make native")
        pytest.skip("no compiled engine built (make native)")
    package = _copy_package(repo_root, tmp_path)
    probe = _python(PROBE, cwd=tmp_path, pure=False)
    assert probe["compiled"] is True, probe["status"]
    assert str(probe["file"]).startswith(str(package))
    assert not str(probe["file"]).endswith(".py")


def test_version_names_the_engine(repo_root: Path) -> None:
    env = {**os.environ, native.PURE_ENV: "1"}
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], cwd=repo_root, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.strip().endswith("pure-Python engine (TABLETOP_PURE is set)")


def test_build_without_mypyc_says_so_and_changes_nothing(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    def files() -> list[Path]:
        return sorted(p for p in native._PACKAGE.rglob("*") if "__pycache__" not in p.parts)

    before = files()
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mypyc" else real(name, *a))
    assert native.build() == 2
    assert "mypyc not installed" in capsys.readouterr().err
    assert files() == before
