"""A scenario tree as compact YAML text: block style at the top, one line per list entry."""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def scenario_yaml(tree: dict[str, Any], header: str = "") -> str:
    """The tree as YAML: block style at the top, one flow-style line per list entry.

    Phases are written in block style so that each activity is one line.
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for key, value in tree.items():
        if key == "phases":
            lines.append("phases:")
            for phase in value:
                items = list(phase.items())
                for i, (pkey, pvalue) in enumerate(items):
                    lead = "  - " if i == 0 else "    "
                    if pkey == "activities":
                        lines.append(f"{lead}activities:")
                        lines.extend(f"      - {_flow(a)}" for a in pvalue)
                    else:
                        lines.append(f"{lead}{pkey}: {_flow(pvalue)}")
        elif isinstance(value, list):
            lines.append(f"{key}:" if value else f"{key}: []")
            lines.extend(f"  - {_flow(item)}" for item in value)
        elif isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {_scalar(k)}: {_flow(v)}" for k, v in value.items())
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"
