"""Common random numbers: one independent stream per (seed, replication, entity, kind).

Streams are keyed by the *names* of the unit, care type or staff category (a CRC-32 of the
id), not by their position, so a plan or scenario that changes one unit leaves the random
numbers of every other unit untouched. This is what makes comparisons between plans and
scenarios sharp (common random numbers).

Examples
--------
>>> a = stream(1, 0, "U1", "first_visit", kind="line").random(3)
>>> b = stream(1, 0, "U1", "first_visit", kind="line").random(3)
>>> bool((a == b).all())
True
>>> c = stream(1, 1, "U1", "first_visit", kind="line").random(3)
>>> bool((a == c).any())
False
"""

from __future__ import annotations

import zlib

import numpy as np

KINDS: dict[str, int] = {
    "line": 1,
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


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (a bijective 64-bit mixer)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def counter_hash(key: int | np.ndarray, *counters: np.ndarray) -> np.ndarray:
    """64-bit hash of ``key`` and the counters (SplitMix64 chained over the counters).

    ``key`` may be an array (one key per element, e.g. the line's stream key per slot).
    """
    shape = np.broadcast(np.asarray(key), *counters).shape
    x = np.broadcast_to(np.asarray(key, dtype=np.uint64), shape).copy()
    for c in counters:
        x = _mix(x ^ (np.asarray(c).astype(np.uint64) * _GOLD + _GOLD))
    return x


def hash_to_uniform(h: np.ndarray, purpose: int) -> np.ndarray:
    """Uniform on [0, 1) from a :func:`counter_hash` and a purpose number.

    One hash serves several independent uniforms (one per purpose), so the counters are
    mixed once, not once per purpose.
    """
    salt = np.uint64((purpose * int(_GOLD) + int(_GOLD)) % 2**64)  # as the counters
    x = _mix(h ^ salt)
    return (x >> np.uint64(_DROP_BITS)).astype(np.float64) * _TWO_POW_MINUS_53


_DROP_BITS = 11
"""A double has a 53-bit mantissa: the top 53 of the 64 hash bits make the uniform."""
_TWO_POW_MINUS_53 = 1.0 / 9007199254740992.0
