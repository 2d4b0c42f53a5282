"""``csv-metadata.json``: one file per output directory saying what its CSV files are and
which variant of which scenario made them.

It follows the W3C "CSV on the Web" convention (a ``csv-metadata.json`` beside the CSV
files describes them: ``tables``, each with its ``url`` and column names), with the
variant (scenario, file, ``--set`` changes, seed...) under ``notes``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.core.files import write_json

METADATA = "csv-metadata.json"
CSVW = "http://www.w3.org/ns/csvw"


def _columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def write_csv_metadata(folder: Path, variant: Mapping[str, Any]) -> Path:
    """``folder/csv-metadata.json`` for every CSV file in ``folder`` (written last, after
    them); ``variant`` is what made them (``scenario``, ``file``, ``overrides``...)."""
    tables = [{"url": path.name,
               "tableSchema": {"columns": [{"name": c, "titles": c} for c in _columns(path)]}}
              for path in sorted(folder.glob("*.csv"))]
    path = folder / METADATA
    write_json(path, {"@context": CSVW, "dc:creator": "tabletop", "notes": [dict(variant)],
                      "tables": tables})
    return path
