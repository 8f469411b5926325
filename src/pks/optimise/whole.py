"""Whole cases for user-facing views of a continuous plan (largest-remainder rounding)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def largest_remainder(values: np.ndarray) -> np.ndarray:
    """Round non-negative ``values`` to integers that sum to ``round(sum(values))``.

    Each value is floored; the units still missing go to the largest fractional parts
    (ties to the earlier position), so no value moves by a whole case or more and the
    total is the rounded total (Hamilton's method).
    """
    v = np.clip(np.asarray(values, float), 0.0, None)
    base = np.floor(v + 1e-9)
    short = int(round(float(v.sum()))) - int(base.sum())
    if short > 0:
        order = np.argsort(-(v - base), kind="stable")[:short]
        base[order] += 1.0
    return base.astype(np.int64)


def whole_cases(df: pd.DataFrame, column: str, by: list[str]) -> np.ndarray:
    """Whole-case version of ``df[column]``: largest remainder within each ``by`` group.

    Every group's total (e.g. a unit × care type over the window) is its rounded total.
    """
    out = np.zeros(len(df), np.int64)
    for idx in df.groupby(by, sort=False).indices.values():
        out[idx] = largest_remainder(df[column].to_numpy(float)[idx])
    return out
