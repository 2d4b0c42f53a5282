"""Seeded random streams keyed by entity id: common random numbers by construction.

Every draw in a run comes from a numpy ``Generator`` derived from the run seed, the
replication number and the id of the entity that draws, so adding an activity or an
inject never changes anybody else's draws, and a run is identical whatever executor
runs it.

Each stream is a counter-based Philox generator built with numpy's public constructor:
the key comes from ``SeedSequence([seed, replication])``, the counter's upper 128 bits
from a hash of the entity id (streams start 2**128 apart, so they never overlap).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from numpy.random import Generator, Philox, SeedSequence

WORD = 2**64


@lru_cache(maxsize=1 << 16)  # the same ids come back in every replication
def entity_key(entity_id: str) -> tuple[int, int]:
    """A stable 128-bit number for an entity id, as two 64-bit words (same everywhere)."""
    digest = hashlib.blake2b(entity_id.encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


def replication_key(seed: int, replication: int) -> np.ndarray:
    """The Philox key of one replication of a seeded run (two 64-bit words)."""
    sequence = SeedSequence([seed & (WORD - 1), replication])
    return np.asarray(sequence.generate_state(2, np.uint64), dtype=np.uint64)


def stream(seed: int, replication: int, entity_id: str) -> Generator:
    """The Generator of one entity in one replication: always the same draws."""
    return Streams(seed, replication)(entity_id)


class Streams:
    """The random streams of one replication of a seeded run: ``streams(entity_id)``."""

    __slots__ = ("key",)

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.key = replication_key(seed, replication)

    def __call__(self, entity_id: str) -> Generator:
        counter = np.zeros(4, dtype=np.uint64)
        counter[2], counter[3] = entity_key(entity_id)
        return Generator(Philox(counter=counter, key=self.key))
