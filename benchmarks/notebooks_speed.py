"""How long each teaching notebook takes, top to bottom, as a student would run it.

Each notebook in ``notebooks/`` is executed the way ``tests/test_notebooks.py`` runs it
(nbclient, a fresh ``python3`` kernel of this interpreter, ``notebooks/`` as working
directory), and its wall time, kernel start included, is printed against a budget of
30 s. The test asserts that the notebooks run; this script says how fast.

Run: ``.venv/bin/python benchmarks/notebooks_speed.py`` (needs the ``test`` or the
``notebooks`` extra). Figures, not tests: the exit status is 0 whatever the figures say,
1 if a notebook fails.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
BUDGET_S = 30.0


def main() -> int:
    missing = [m for m in ("nbformat", "nbclient", "ipykernel") if not importlib.util.find_spec(m)]
    if missing:
        print(f"needs {', '.join(missing)}: pip install -e '.[notebooks]'", file=sys.stderr)
        return 2
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    kernels = KernelSpecManager(kernel_dirs=[str(Path(sys.prefix) / "share/jupyter/kernels")],
                                ensure_native_kernel=True)
    failed = False
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, km=KernelManager(kernel_name="python3", kernel_spec_manager=kernels),
            timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        )
        started = time.perf_counter()
        try:
            client.execute(cleanup_kc=True)
        except Exception as exc:  # report and go on with the others
            print(f"  {path.name:<40} FAILED: {type(exc).__name__}")
            failed = True
            continue
        wall = time.perf_counter() - started
        verdict = "PASS" if wall < BUDGET_S else "FAIL"
        print(f"  {path.name:<40} {wall:6.1f} s wall, kernel start included  "
              f"(budget {BUDGET_S:.0f} s: {verdict})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
