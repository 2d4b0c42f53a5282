"""Writing outputs safely: complete or not at all, never over an earlier result."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputExistsError(Exception):
    pass


def write_file_new(path: Path, text: str) -> None:
    """Write ``text`` to a new file ``path`` atomically; refuse to overwrite."""
    from sim.cli import UsageError

    if path.exists():
        raise UsageError(f"{path} already exists; choose another name (nothing was written)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{parent} is not a directory (nothing was written)")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # an ordinary file, not mkstemp's private 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.link(tmp, path)  # fails if path appeared meanwhile: never overwrites
    except FileExistsError:
        raise UsageError(f"{path} already exists (nothing was written)") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc} "
                         "(nothing was written)") from None
    finally:
        os.unlink(tmp)
