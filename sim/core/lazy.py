"""Names a package offers but loads on first use (a module ``__getattr__``, PEP 562).

``sim``, ``sim.ensemble`` and ``sim.plotting`` offer their users short imports
(``from sim import simulate``) without making every import of the package pay for
what those names need: the engine, or the charts a run does not draw.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A ``__getattr__`` for ``package`` that imports ``names[name]`` (a module) on use."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
