"""Writing outputs safely: complete or not at all, never over an earlier result.

A file is written under a temporary name and renamed into place; a directory of
outputs is filled under a temporary name and renamed when complete. Nothing that
exists is ever replaced, except by :func:`write_bytes_atomic` (a file of the
directory being written).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.core.errors import OutputError

Writer = Callable[[Path], None]
MAX_NUMBERED = 10_000  # stem-2 ... stem-9999: then the parent is refused as full


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file_new(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) or bytes to a new file ``path`` atomically; refuse to overwrite."""
    if path.exists():
        raise OutputError(f"{path} already exists; choose another name (nothing was written)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{parent} is not a directory (nothing was written)")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # an ordinary file, not mkstemp's private 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.link(tmp, path)  # fails if path appeared meanwhile: never overwrites
    except FileExistsError:
        raise OutputError(f"{path} already exists (nothing was written)") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc} "
                          "(nothing was written)") from None
    finally:
        os.unlink(tmp)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: complete or untouched.

    The temporary file is created like any other (the umask applies), so the result
    has the usual permissions.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def slug(text: str) -> str:
    """``text`` as a safe file name: runs of other characters become ``-``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "run"


def new_output_dir(parent: Path, stem: str, write: Writer, *, name: str | None = None) -> Path:
    """Fill a fresh directory under ``parent`` with ``write``, all at once.

    ``write`` fills a temporary directory; it is renamed into place only when complete.
    Without ``name``, ``stem``, ``stem-2``, ``stem-3``... is the first free name. An
    existing ``name``, or a parent that cannot be written, is an :class:`OutputError`.
    """
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if name is not None and (parent / name).exists():
            raise OutputError(f"{parent / name} already exists; runs are never overwritten")
        tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write under {parent}: {exc.strerror or exc}") from None
    os.chmod(tmp, 0o777 & ~_umask())  # an ordinary directory, not mkdtemp's private 0700
    try:
        write(tmp)
        return _rename_into_place(tmp, parent, [name] if name else _numbered(slug(stem)))
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write under {parent}: {exc.strerror or exc} "
                          "(nothing was written)") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _numbered(stem: str) -> list[str]:
    return [stem] + [f"{stem}-{k}" for k in range(2, MAX_NUMBERED)]


def _rename_into_place(tmp: Path, parent: Path, candidates: Sequence[str]) -> Path:
    for candidate in candidates:
        target = parent / candidate
        if target.exists():
            continue
        try:
            os.rename(tmp, target)  # atomic; fails if target appeared meanwhile
        except OSError:
            continue
        return target
    raise OutputError(f"no free directory name under {parent}")


def write_json(path: Path, data: Any) -> None:
    """Strict JSON: NaN and infinities (no figure yet, e.g. a CI from one run) become null."""
    path.write_text(json.dumps(_finite(data), indent=2, sort_keys=False, default=str,
                               allow_nan=False) + "\n", encoding="utf-8")


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 CSV; floats rounded to 4 decimals, ``None`` as an empty cell."""
    path.write_text(csv_text(header, rows), encoding="utf-8")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The text :func:`write_csv` writes (``\\n`` line ends), for a file written otherwise
    (e.g. by :func:`write_file_new`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (round(v, 4) if isinstance(v, float) else v)
                         for v in row])
    return buffer.getvalue()
