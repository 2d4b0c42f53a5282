"""The teaching notebooks: each runs top to bottom without errors, and is committed without
outputs. How long each takes is measured by ``benchmarks/notebooks_speed.py``.

Every notebook in ``notebooks/`` is executed with nbclient in a ``python3`` kernel of
the interpreter running the tests (ipykernel from the ``test`` extra), with the
``notebooks/`` folder as working directory, as a student would open it. The notebook
files are never written back. A missing kernel fails these tests: it is never a skip.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "python3"
HANG_S = 600  # nbclient stops a cell that runs longer: only a hang gets there
INSTALL_HINT = "install the test extra into this interpreter: pip install -e '.[test]'"


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.fail(
            f"{module} is not installed for {sys.executable}; {INSTALL_HINT}", pytrace=False
        )


def _kernel_manager() -> Any:
    """A manager for the ``python3`` kernel of this interpreter (not a user-wide one).

    Only this environment's kernel directory is searched, and the ipykernel spec's
    ``python`` command is run as ``sys.executable``, so the notebooks import the
    ``sim`` under test.
    """
    for module in ("nbformat", "nbclient", "jupyter_client", "ipykernel"):
        _require(module)
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import KernelManager

    kernel_dir = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)], ensure_native_kernel=True)
    try:
        specs.get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.fail(
            f"no {KERNEL!r} kernelspec for {sys.executable} (looked in {kernel_dir} "
            f"and for ipykernel's own); {INSTALL_HINT}",
            pytrace=False,
        )
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


def _read(path: Path) -> Any:
    _require("nbformat")
    import nbformat

    return nbformat.read(path, as_version=4)


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 4, f"expected the teaching notebooks in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_clean(path: Path) -> None:
    """No stored outputs or execution counts, and the ``python3`` kernel."""
    nb = _read(path)
    import nbformat

    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} hold outputs or execution counts; "
        "clear them before committing"
    )


def execute(path: Path) -> Any:
    """Run the notebook at ``path`` top to bottom in a fresh kernel; the executed notebook."""
    nb = _read(path)
    km = _kernel_manager()
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    client = NotebookClient(
        nb,
        km=km,
        timeout=HANG_S,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    try:
        client.execute(cleanup_kc=True)  # shut the kernel down: we own `km`, nbclient does not
    except (CellExecutionError, CellTimeoutError) as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path) -> None:
    nb = execute(path)
    errors = [
        o for cell in nb.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    assert any(cell.get("outputs") for cell in nb.cells), f"{path.name} printed nothing"
