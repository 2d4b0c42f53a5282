"""Read a scenario file into a plain tree, remembering where every value was written.

YAML (see :mod:`sim.scenario.yaml_reader`), TOML and JSON give the same tree;
the file's size, encoding and nesting are checked first, so that whatever is
given yields a tree or a clear problem, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from sim.scenario.errors import Path, Position, Positions, Problem, scenario_error
from sim.scenario.json_reader import read_json
from sim.scenario.limits import MAX_BYTES, MAX_DEPTH, MAX_NODES
from sim.scenario.toml_reader import read_toml
from sim.scenario.yaml_reader import read_yaml

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Position", "Source", "decode", "parse_text",
    "read_source",
]


@dataclass
class Source:
    """A parsed file: its tree, and the line/column of each value and key."""

    name: str
    text: str
    tree: Any
    values: Positions = field(default_factory=dict)
    keys: Positions = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Position:
        """Where the value (or with ``key=True`` the key) at ``path`` was written.

        Falls back to the nearest enclosing value that has a known position.
        """
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.values:
                return self.values[prefix]
            if prefix in self.keys:
                return self.keys[prefix]
        return (1, 1)

    def problem(
        self, code: str, message: str, path: Path = (), *, key: bool = False, **kw: Any
    ) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(code, message, path, self.name, line, column, **kw)


def read_source(origin: str | FsPath) -> Source:
    """Read a file path, or scenario text, into a :class:`Source`."""
    if isinstance(origin, FsPath) or _looks_like_path(origin):
        return _read_file(FsPath(origin))
    return parse_text(str(origin), "<text>")


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and len(text) < 4096 and (
        FsPath(text).exists() or text.endswith((".yaml", ".yml", ".toml", ".json"))
    )


def _read_file(path: FsPath) -> Source:
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise scenario_error(name, "file-not-found", "no such file") from None
    except IsADirectoryError:
        raise scenario_error(name, "file-not-readable",
                             "this is a directory, not a scenario file") from None
    except OSError as exc:
        raise scenario_error(name, "file-not-readable", exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise scenario_error(
            name, "file-too-large", f"larger than {MAX_BYTES // (1024 * 1024)} MiB; "
            "a scenario file is a calendar, not a data dump"
        )
    text = decode(data, name)
    return parse_text(text, name, suffix=path.suffix.lower())


def decode(data: bytes, name: str) -> str:
    """UTF-8 text, or a problem naming the line of the first bad byte."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise scenario_error(name, "not-text", "binary data (NUL byte): not a text file", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise scenario_error(
            name, "not-utf8", f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line, column
        ) from None
    return text


def parse_text(text: str, name: str, suffix: str = "") -> Source:
    """Parse YAML, TOML or JSON text (chosen by suffix, else by content)."""
    if len(text) > MAX_BYTES:
        raise scenario_error(name, "file-too-large",
                             f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if not text.strip():
        raise scenario_error(name, "empty-file",
                             "the file is empty; a scenario starts with `format: tabletop/1`")
    if suffix == ".toml":
        read = read_toml
    elif suffix == ".json" or (not suffix and text.lstrip().startswith("{")):
        read = read_json
    else:
        read = read_yaml
    tree, values, keys = read(text, name)
    return Source(name, text, tree, values, keys)
