"""Common random numbers: one independent stream per (seed, replication, entity, kind).

Streams are keyed by the *names* of the unit, care type or staff category (a CRC-32 of the
id), not by their position, so a plan or scenario that changes one unit leaves the random
numbers of every other unit untouched. This is what makes comparisons between plans and
scenarios sharp (common random numbers).

Examples
--------
>>> a = stream(1, 0, "U1", "first_visit", kind="arrivals").random(3)
>>> b = stream(1, 0, "U1", "first_visit", kind="arrivals").random(3)
>>> bool((a == b).all())
True
>>> c = stream(1, 1, "U1", "first_visit", kind="arrivals").random(3)
>>> bool((a == c).any())
False
"""

from __future__ import annotations

import zlib

import numpy as np

KINDS: dict[str, int] = {
    "demand": 1,
    "arrivals": 2,
    "slots": 3,
    "initial": 4,
    "absence": 5,
    "beds": 6,
}
"""Stream kinds; the number is part of the key and must never change."""


def _key(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stream(seed: int, replication: int, *ids: str, kind: str) -> np.random.Generator:
    """Random generator for one (seed, replication, ids..., kind).

    Parameters
    ----------
    seed : master seed of the run.
    replication : replication number (0-based).
    ids : entity ids (unit, care type or staff category), hashed into the key.
    kind : one of :data:`KINDS`.
    """
    entropy = [int(seed), int(replication), KINDS[kind], *(_key(i) for i in ids)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
