"""Limit BLAS threads while fitting many small models.

statsmodels' ETS fit calls L-BFGS-B thousands of times on 5 parameters; with a
multi-threaded OpenBLAS on a busy 2-core machine each call pays thread start-up and
contention (measured: 2.5 s → 0.55 s per series with one thread). ``threadpoolctl``
limits the threads at run time; without it this is a no-op.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Context in which BLAS/OpenMP pools use one thread (no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional dependency
        yield
        return
    with threadpool_limits(limits=1):
        yield
