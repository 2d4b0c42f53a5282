"""Seeded random streams keyed by entity id: common random numbers by construction.

Every draw in a run comes from a numpy ``Generator`` derived from the run seed, the
replication number and the id of the entity that draws, so adding an activity or an
inject never changes anybody else's draws, and a run is identical whatever executor
runs it.

Each stream is a counter-based Philox generator built with numpy's public constructor:
the key comes from ``SeedSequence([seed, replication])``, the counter's upper 128 bits
from a hash of the entity id (streams start 2**128 apart, so they never overlap). The
key reaches the constructor as a seed sequence (:class:`ReplicationKey`, numpy's
``ISeedSequence`` interface), which costs a third of passing ``key=``: that path first
draws a throw-away seed from the operating system's entropy.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.random import Generator, Philox, SeedSequence
from numpy.random.bit_generator import ISeedSequence

WORD = 2**64


@lru_cache(maxsize=1 << 16)  # the same ids come back in every replication
def entity_key(entity_id: str) -> tuple[int, int]:
    """A stable 128-bit number for an entity id, as two 64-bit words (same everywhere)."""
    digest = hashlib.blake2b(entity_id.encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


class ReplicationKey(ISeedSequence):
    """The Philox key of one replication of a seeded run, as a seed sequence."""

    def __init__(self, seed: int, replication: int) -> None:
        sequence = SeedSequence([seed & (WORD - 1), replication])
        self.key = np.asarray(sequence.generate_state(2, np.uint64), dtype=np.uint64)

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        """The key (Philox asks for two 64-bit words)."""
        if n_words != 2 or np.dtype(dtype) != np.uint64:
            raise ValueError("a replication key is two 64-bit words")
        return self.key


@lru_cache(maxsize=1 << 14)  # drawing replication by replication, entity by entity
def replication_key(seed: int, replication: int) -> ReplicationKey:
    """:class:`ReplicationKey` of one replication, made once: every entity's stream of the
    replication starts from it (the key is only read)."""
    return ReplicationKey(seed, replication)


def stream(seed: int, replication: int, entity_id: str) -> Generator:
    """The Generator of one entity in one replication: always the same draws."""
    return Streams(seed, replication)(entity_id)


class Streams:
    """The random streams of one replication of a seeded run: ``streams(entity_id)``."""

    __slots__ = ("_key", "replication", "seed")

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed, self.replication = seed, replication
        self._key: ReplicationKey | None = None  # made on first use: a run given its
        # durations (an ensemble draws them for many replications at once) may need none

    @property
    def key(self) -> ReplicationKey:
        if self._key is None:
            self._key = replication_key(self.seed, self.replication)
        return self._key

    def __call__(self, entity_id: str) -> Generator:
        counter = np.zeros(4, dtype=np.uint64)
        counter[2], counter[3] = entity_key(entity_id)
        # numpy's docs: a BitGenerator takes any ISeedSequence (its stubs name SeedSequence)
        return Generator(Philox(self.key, counter=counter))  # type: ignore[arg-type]
