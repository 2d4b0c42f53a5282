"""The architecture is a test: layers, cycles, unit sizes, public APIs, deferred imports.

- ``lint-imports`` keeps every contract in pyproject.toml (layers, no cycles, documents
  never run the engine, SimPy and matplotlib stay in their layer);
- the module graph of ``sim`` has no cycle (annotation-only imports aside);
- no module over 400 lines, no function over 50;
- no underscore name of another library's object is read or written (``obj._x``
  where ``_x`` is defined nowhere in ``sim``), no object built with ``__new__``
  behind its class's back, no import from a private module of a dependency;
- an import inside a function is only for a heavy optional part (matplotlib and the
  modules that draw with it, Pillow, Dask, rich's bars and tables) and says why on its
  line or the line above.

Each check names the file and line of every offence.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sim"
SOURCES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
NAMEDTUPLE_API = {"_asdict", "_fields", "_replace", "_make", "_field_defaults",
                  "_exit"}  # os._exit: public, documented despite its underscore
# the tests and benchmarks keep to public APIs too
SCRIPTS = sorted(p for d in ("tests", "benchmarks") for p in (ROOT / d).rglob("*.py"))
# what may be imported inside a function: heavy or platform-only, and not needed by every caller
DEFERRABLE = ("matplotlib", "sim.plotting", "sim.report", "PIL", "distributed", "dask",
              "termios", "tty",  # these two: POSIX terminals only
              "rich")  # ~25 ms: tabletop mc's start-up pays it only for a bar or table shown


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports")
    assert lint, "lint-imports not found: install the test extra (pip install -e '.[test]')"
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "ignore_imports" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _module_graph() -> dict[str, set[str]]:
    import grimp

    graph = grimp.build_graph("sim", cache_dir=None, exclude_type_checking_imports=True)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_module_graph_has_no_cycle() -> None:
    assert _cycles(_module_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_module_and_function_sizes(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_rel(path)}: {lines} lines (at most {MAX_MODULE_LINES})"
    long = [f"{_rel(path)}:{f.lineno}: {f.name} has {f.end_lineno - f.lineno + 1} lines"
            for f in _functions(_tree(path))
            if f.end_lineno is not None and f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


def _names_defined_in_sim() -> set[str]:
    """Every underscore name ``sim`` defines: functions, classes, attributes, slots."""
    names: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)  # __slots__ entries, namedtuple fields
    return {n for n in names if n.startswith("_")}


def _private_uses(path: Path, ours: set[str]) -> Iterator[str]:
    for node in ast.walk(_tree(path)):
        where = f"{_rel(path)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute):
            attr = node.attr
            if attr == "__new__" and not (isinstance(node.value, ast.Name)
                                          and node.value.id == "cls"):
                yield f"{where}: builds an object with {ast.unparse(node)}"
            elif (attr.startswith("_") and not attr.startswith("__") and attr not in ours
                  and attr not in NAMEDTUPLE_API):
                yield f"{where}: reads or writes {ast.unparse(node)}"
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            private = [p for p in node.module.split(".")
                       if p.startswith("_") and not p.startswith("__")]
            if private and not node.module.startswith("sim"):
                yield f"{where}: imports from the private module {node.module}"


def _names_defined_in(paths: list[Path]) -> set[str]:
    """Underscore names the tests and benchmarks define for themselves."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.id if isinstance(node, ast.Name) else node.attr)
    return {n for n in names if n.startswith("_")}


def test_no_private_names_of_other_libraries() -> None:
    ours = _names_defined_in_sim() | _names_defined_in(SCRIPTS)
    found = [use for path in (*SOURCES, *SCRIPTS) for use in _private_uses(path, ours)]
    assert not found, "\n".join(found)


def _sim_classes() -> Iterator[type]:
    import importlib
    import inspect

    for path in SOURCES:
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name == "sim.__main__":
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name:
                yield cls


def _self_privates(cls: type) -> set[str]:
    """``_x`` in ``self._x`` anywhere in the class body."""
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    return {n.attr for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "self" and n.attr.startswith("_") and not n.attr.startswith("__")}


def _source_of(cls: type) -> str:
    import inspect

    try:
        return inspect.getsource(cls)
    except (OSError, TypeError):  # a class written in C: no Python attributes to reach
        return ""


def test_no_private_attribute_of_a_base_class_from_elsewhere() -> None:
    """A subclass of another library's class uses no ``self._x`` that the base class uses."""
    import re

    found = []
    for cls in _sim_classes():
        foreign = [b for b in cls.__mro__[1:] if not b.__module__.startswith(("sim", "builtins"))]
        for attr in sorted(_self_privates(cls)) if foreign else ():
            owners = [b.__qualname__ for b in foreign
                      if re.search(rf"\b{re.escape(attr)}\b", _source_of(b))]
            if owners:
                found.append(f"{cls.__module__}.{cls.__qualname__}: self.{attr} belongs to "
                             f"{', '.join(owners)}")
    assert not found, "\n".join(found)


def test_no_private_method_of_another_library_is_overridden() -> None:
    """A class of ``sim`` defines no ``_name`` that a base class from elsewhere has."""
    found = []
    for cls in _sim_classes():
        foreign = [b for b in cls.__mro__[1:] if not b.__module__.startswith("sim")]
        for attr, value in vars(cls).items():
            written_here = getattr(value, "__qualname__", "").startswith(cls.__qualname__ + ".")
            if written_here and attr.startswith("_") and not attr.startswith("__"):
                owners = [b.__qualname__ for b in foreign if attr in vars(b)]
                if owners:
                    found.append(f"{cls.__module__}.{cls.__qualname__}.{attr} overrides "
                                 f"{', '.join(owners)}.{attr}")
    assert not found, "\n".join(found)


def _deferred_imports(path: Path) -> Iterator[tuple[int, str]]:
    for func in _functions(_tree(path)):
        for node in ast.walk(func):
            if isinstance(node, ast.Import):
                yield from ((node.lineno, a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield node.lineno, node.module


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_deferred_imports_are_heavy_optional_parts_with_a_reason(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = []
    for lineno, module in _deferred_imports(path):
        heavy = module.split(".")[0] in DEFERRABLE or module.startswith(DEFERRABLE)
        reason = "#" in lines[lineno - 1] or "#" in lines[lineno - 2]
        if not (heavy and reason):
            bad.append(f"{_rel(path)}:{lineno}: import {module} inside a function"
                       + ("" if heavy else " (not a heavy optional part)")
                       + ("" if reason else " (no comment says why)"))
    assert not bad, "\n".join(bad)


def test_the_architecture_page_shows_the_contract_s_layers() -> None:
    """docs/explanation/architecture.md names the layers of the contract, in its order."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    page = (ROOT / "docs" / "explanation" / "architecture.md").read_text(encoding="utf-8")
    block = page.split("```text\n", 1)[1].split("```", 1)[0]
    shown = [line.split()[0] for line in block.splitlines() if line and not line[0].isspace()]
    assert shown == layers
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()) == sorted(
        layers)
