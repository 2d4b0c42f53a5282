"""Tooltips in SVG charts: the whole text behind a shortened label, shown on hover.

matplotlib writes an artist's ``gid`` as the ``id`` of the SVG group that draws it. A
chart registers the artists that deserve a tooltip with :func:`add_tooltip`; while the
figure is rendered as SVG (:func:`svg_bytes`), each of them gets an id of its own for
the time it takes, and :func:`svg_with_titles` puts a ``<title>`` (the SVG way to say
"tooltip") first inside each of those groups. The artists keep their gids otherwise,
and PNG and PDF are left as they are.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from weakref import WeakKeyDictionary

from matplotlib.artist import Artist
from matplotlib.figure import Figure

SVG = "http://www.w3.org/2000/svg"
# The prefixes matplotlib's SVG uses, kept on the way back out (else ElementTree writes
# ns0:, ns1:, which is correct XML but hard to read).
_PREFIXES = {"": SVG, "xlink": "http://www.w3.org/1999/xlink",
             "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
             "cc": "http://creativecommons.org/ns#", "dc": "http://purl.org/dc/elements/1.1/"}

_TIPS: WeakKeyDictionary[Figure, list[tuple[Artist, str, str]]] = WeakKeyDictionary()


def add_tooltip(fig: Figure, artist: Artist, text: str, kind: str) -> None:
    """In the SVG of ``fig``, ``artist`` shows ``text`` on hover; its SVG id is
    ``<kind>-<n>`` (n counts the tooltips of the figure from 1)."""
    _TIPS.setdefault(fig, []).append((artist, text, kind))


def tooltips(fig: Figure) -> list[tuple[Artist, str, str]]:
    """``(artist, text, kind)`` of each tooltip added to ``fig``, in order."""
    return list(_TIPS.get(fig, []))


def svg_bytes(fig: Figure, save: Callable[[], bytes]) -> bytes:
    """``save()`` (the figure as SVG) with the figure's tooltips as ``<title>``s."""
    tips = tooltips(fig)
    if not tips:
        return save()
    old = [artist.get_gid() for artist, _text, _kind in tips]
    ids: dict[str, str] = {}
    try:
        for n, (artist, text, kind) in enumerate(tips, start=1):
            artist.set_gid(f"{kind}-{n}")
            ids[f"{kind}-{n}"] = text
        svg = save()
    finally:
        for (artist, _text, _kind), gid in zip(tips, old, strict=True):
            artist.set_gid(gid)
    return svg_with_titles(svg, ids)


def svg_with_titles(svg: bytes, tips: dict[str, str]) -> bytes:
    """The SVG document ``svg`` with a ``<title>`` first in each element whose id has a tip."""
    if not tips:
        return svg
    for prefix, uri in _PREFIXES.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(svg)
    for element in root.iter():
        tip = tips.get(element.get("id", ""))
        if tip is not None:
            title = ET.Element(f"{{{SVG}}}title")
            title.text = tip
            element.insert(0, title)
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out
