"""Reuse of fitted series models across scenarios whose fitting inputs are equal.

A fit (:func:`pks.forecast.model.fit_series`) reads exactly: the standardised history
``y``, the calendar positions ``phase``, the working days ``wd``, the model settings
``spec`` and the interval calibration stored with the fit. Population scenarios differ
only *after* the fit (the history is standardised with the same reference population in
every scenario, ``forecast.history_population_scenario``), so their fits are identical and
are computed once per process.

The key is the SHA-256 of those inputs (array bytes as float64, the settings' ``repr``), so
any change of a fitting input gives a new key; a hit returns the very same frozen
:class:`~pks.forecast.model.FittedSeries` object. The cache lives in memory for the run
(bounded, least recently used entries dropped first).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np

from pks.forecast.intervals import IntervalCalibration
from pks.forecast.model import FittedSeries, SeriesSpec, fit_series

MAX_ENTRIES = 20_000
"""Fits kept in memory (a region's series × a few history windows)."""

_CACHE: OrderedDict[str, FittedSeries] = OrderedDict()


def fit_key(y: np.ndarray, phase: np.ndarray, wd: np.ndarray, spec: SeriesSpec,
            calibration: IntervalCalibration | None) -> str:
    """SHA-256 of everything :func:`fit_series` reads."""
    h = hashlib.sha256()
    for arr in (y, phase, wd):
        a = np.ascontiguousarray(np.asarray(arr, dtype=np.float64))
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    h.update(repr(spec).encode())
    h.update(repr(calibration).encode())
    return h.hexdigest()


def fit_series_cached(y: np.ndarray, phase: np.ndarray, wd: np.ndarray, spec: SeriesSpec,
                      calibration: IntervalCalibration | None = None) -> FittedSeries:
    """:func:`fit_series`, computed once per distinct input within the process."""
    key = fit_key(y, phase, wd, spec, calibration)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    fitted = fit_series(y, phase, wd, spec, calibration)
    _CACHE[key] = fitted
    if len(_CACHE) > MAX_ENTRIES:
        _CACHE.popitem(last=False)
    return fitted


def clear_fit_cache() -> None:
    """Forget every cached fit (tests and benchmarks measure fresh fits with it)."""
    _CACHE.clear()


def cached_fits() -> int:
    """Number of fits in the cache."""
    return len(_CACHE)
