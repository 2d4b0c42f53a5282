"""Kahn's topological order, shared by the plan (critical path) and the batch engine."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def topological_order(nodes: Sequence[Node],
                      needs: Mapping[Node, Sequence[Node]]) -> list[Node]:
    """``nodes`` ordered so that each comes after what it ``needs``; shorter than ``nodes``
    when there is a cycle (the nodes on or behind it are left out)."""
    left = {node: len(needs[node]) for node in nodes}
    followers: dict[Node, list[Node]] = {node: [] for node in nodes}
    for node in nodes:
        for before in needs[node]:
            followers[before].append(node)
    ready = [node for node in nodes if left[node] == 0]
    order: list[Node] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for follower in followers[node]:
            left[follower] -= 1
            if left[follower] == 0:
                ready.append(follower)
    return order
