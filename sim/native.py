"""The optional compiled engine: the hot modules built with mypyc, used only while current.

``make native`` (which ``make demo`` and ``make test`` run) compiles :data:`MODULES` with mypyc into
extension modules beside their sources and records a hash of each source. When ``sim`` is
imported, :func:`guard` checks those hashes: if every source is unchanged the compiled
modules load (Python's import system prefers an extension module to a ``.py`` file);
otherwise, or with ``TABLETOP_PURE=1`` set, the ``.py`` sources load instead. A stale
build therefore never runs; it only costs speed. Both paths give identical results, and
the test suite checks that.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

__all__ = ["MODULES", "PURE_ENV", "build", "guard", "status"]

#: The modules compiled (a run, and the reduction of each run of an ensemble), in the
#: order given to mypyc. They are one group: all or none load.
MODULES = ("sim.engine.core", "sim.engine.state", "sim.results", "sim.criticality",
           "sim.ensemble", "sim.timefmt")
#: Set to a non-empty value other than ``0`` to use the pure-Python modules.
PURE_ENV = "TABLETOP_PURE"

_GROUP = "sim._native"  # mypyc's shared library becomes sim/_native__mypyc.<suffix>
_PACKAGE = Path(__file__).resolve().parent
_MANIFEST = _PACKAGE / "_native.json"
_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]

_decided = False
_pure_reason: str | None = None  # why the sources load, once decided; None: compiled


def _source(module: str) -> Path:
    return _PACKAGE.parent.joinpath(*module.split(".")).with_suffix(".py")


def _extension(module: str) -> Path:
    return _PACKAGE.parent.joinpath(*module.split(".")).with_name(
        module.rsplit(".", 1)[1] + _SUFFIX)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _why_not_compiled() -> str | None:
    """None when the compiled modules are current and wanted, else why the sources load."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return f"{PURE_ENV} is set"
    return _why_stale()


def _why_stale() -> str | None:
    """None when a build for this Python matches every source, else what is wrong."""
    try:
        manifest = json.loads(_MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "not built (run `make native`)"
    if not isinstance(manifest, dict) or not isinstance(manifest.get("sources"), dict):
        return "unreadable build manifest (run `make native`)"
    if manifest.get("suffix") != _SUFFIX or sorted(manifest["sources"]) != sorted(MODULES):
        return "built for another Python or module list (run `make native`)"
    changed = [m for m in MODULES
               if not _extension(m).exists() or manifest["sources"][m] != _digest(_source(m))]
    if changed:
        return "sources changed since the build: " + ", ".join(changed) + " (run `make native`)"
    return None


class _SourcesFirst:
    """A meta path finder: loads the compiled modules from their ``.py`` files even where
    an extension module exists beside them."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname not in MODULES:
            return None
        source = str(_source(fullname))
        loader = importlib.machinery.SourceFileLoader(fullname, source)
        spec = importlib.machinery.ModuleSpec(fullname, loader, origin=source)
        spec.has_location = True  # sets __file__ and lets the bytecode cache be used
        return spec


def guard() -> None:
    """Decide once per process which modules load; called when ``sim`` is imported."""
    global _decided, _pure_reason
    if _decided:
        return
    _decided = True
    _pure_reason = _why_not_compiled()
    if _pure_reason is not None and any(_extension(m).exists() for m in MODULES):
        sys.meta_path.insert(0, _SourcesFirst())


def compiled() -> bool:
    """True when this process runs (or will run) the compiled modules."""
    guard()
    loaded = sys.modules.get(MODULES[0])
    if loaded is not None:
        return not str(getattr(loaded, "__file__", "")).endswith(".py")
    return _pure_reason is None


def status() -> str:
    """One line saying which engine this process runs, e.g. for ``tabletop --version``."""
    if compiled():
        return "compiled engine (mypyc)"
    return f"pure-Python engine ({_pure_reason or 'compiled modules not loaded'})"


# ------------------------------------------------------------------ build

_SETUP = """\
import sys
from setuptools import setup
from mypyc.build import mypycify

setup(name="tabletop-native", script_args=["build_ext", "--inplace"],
      ext_modules=mypycify(sys.argv[1:], group_name={group!r}, opt_level="3"))
"""


_MYPY_INI = """\
[mypy]
plugins = pydantic.mypy
ignore_missing_imports = True
"""


def build() -> int:
    """Compile :data:`MODULES` with mypyc and install them beside their sources, unless
    the build there already matches every source.

    Works on a copy of the package in a temporary directory, so a failed build leaves the
    tree as it was (the old manifest is removed first, so a half-installed build is never
    trusted). Returns 0 on success, 1 when the build failed (the pure-Python modules are
    then used), 2 when mypyc is missing.
    """
    import importlib.util
    import shutil
    import subprocess
    import tempfile

    missing = [name for name in ("mypyc", "setuptools") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"native build skipped: {' and '.join(missing)} not installed "
              "(pip install -e '.[native]'); the pure-Python engine is used", file=sys.stderr)
        return 2
    if _why_stale() is None:
        print("compiled modules are up to date: " + ", ".join(MODULES))
        return 0
    _MANIFEST.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="tabletop-native-") as tmp:
        work = Path(tmp)
        shutil.copytree(_PACKAGE, work / "sim",
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.json"))
        (work / "setup.py").write_text(_SETUP.format(group=_GROUP), encoding="utf-8")
        (work / "mypy.ini").write_text(_MYPY_INI, encoding="utf-8")
        sources = [str(Path(*m.split(".")).with_suffix(".py")) for m in MODULES]
        hashes = {m: _digest(work / src) for m, src in zip(MODULES, sources, strict=True)}
        proc = subprocess.run([sys.executable, "setup.py", *sources], cwd=work,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stdout[-4000:] + proc.stderr[-4000:], file=sys.stderr)
            print("native build failed; the pure-Python engine is used", file=sys.stderr)
            return 1
        for path in (work / "sim").rglob("*" + _SUFFIX):
            target = _PACKAGE / path.relative_to(work / "sim")
            shutil.copyfile(path, target.with_name(target.name + ".tmp"))
            os.replace(target.with_name(target.name + ".tmp"), target)
    if {m: _digest(_source(m)) for m in MODULES} != hashes:  # what was compiled is stale
        print("native build discarded: sources changed while it ran", file=sys.stderr)
        return 1
    manifest = {"suffix": _SUFFIX, "sources": hashes}
    tmp_manifest = _MANIFEST.with_name(_MANIFEST.name + ".tmp")
    tmp_manifest.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp_manifest, _MANIFEST)
    print(f"compiled {len(MODULES)} modules with mypyc: " + ", ".join(MODULES))
    return 0


def clean() -> None:
    """Remove the compiled modules and the manifest; the sources load from then on."""
    _MANIFEST.unlink(missing_ok=True)
    for path in _PACKAGE.rglob("*" + _SUFFIX):
        path.unlink()


def main(argv: Sequence[str] | None = None) -> int:
    """``status`` (the default), ``build`` or ``clean``; the Makefile calls this."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["build"]:
        return build()
    if args == ["clean"]:
        clean()
        return 0
    if args in ([], ["status"]):
        print(status())
        return 0
    print("usage: sim.native.main([status|build|clean]); `make native` runs build",
          file=sys.stderr)
    return 2

