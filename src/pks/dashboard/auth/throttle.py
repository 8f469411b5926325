"""Lockout with exponential back-off after repeated failed logins.

Failures are counted per user name and per client address. After
``free_failures`` consecutive failures a key is locked for
``base_lock_s · 2^(failures − free_failures)`` seconds, at most ``max_lock_s``; a success
clears the user name's count. While locked, the login answers "too many attempts" without
checking the password at all, so guessing stops paying off: 30 wrong passwords take
about ``Σ 2^k`` seconds instead of 25 s. Counts live in the serving process (one waitress
process serves the app); entries idle longer than ``forget_after_s`` are dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_FAILURES = 5
"""Failures allowed before the first lock."""
BASE_LOCK_S = 2.0
"""Length of the first lock; each further failure doubles it."""
MAX_LOCK_S = 900.0
"""Longest lock (15 minutes)."""
FORGET_AFTER_S = 3600.0
"""A key idle this long is forgotten."""
ADDRESS_FACTOR = 4
"""A client address may fail this many times more often than one user name (offices share
addresses behind a proxy)."""


@dataclass
class _Entry:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


@dataclass
class LoginThrottle:
    """Thread-safe failure counts and locks; ``clock`` is injectable for tests."""

    free_failures: int = FREE_FAILURES
    base_lock_s: float = BASE_LOCK_S
    max_lock_s: float = MAX_LOCK_S
    forget_after_s: float = FORGET_AFTER_S
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _keys(self, username: str, address: str) -> list[tuple[str, int]]:
        return [("u:" + username.strip().lower(), self.free_failures),
                ("a:" + address, self.free_failures * ADDRESS_FACTOR)]

    def wait_s(self, username: str, address: str) -> float:
        """Seconds until a login for ``username`` from ``address`` is accepted (0 = now)."""
        now = self.clock()
        with self._lock:
            return max([0.0, *(e.locked_until - now for k, _ in self._keys(username, address)
                               if (e := self._entries.get(k)) is not None)])

    def failed(self, username: str, address: str) -> None:
        """Count a failure; lock the user name or address once past the free failures."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            for key, free in self._keys(username, address):
                e = self._entries.setdefault(key, _Entry())
                e.failures += 1
                e.last = now
                if e.failures >= free:
                    lock = min(self.max_lock_s, self.base_lock_s * 2 ** (e.failures - free))
                    e.locked_until = now + lock

    def succeeded(self, username: str) -> None:
        """Clear the user name's failures (the address keeps its count)."""
        with self._lock:
            self._entries.pop("u:" + username.strip().lower(), None)

    def _forget(self, now: float) -> None:
        stale = [k for k, e in self._entries.items()
                 if now - e.last > self.forget_after_s and now > e.locked_until]
        for k in stale:
            del self._entries[k]
