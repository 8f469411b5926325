"""Optimiser settings: ``build`` (formulation switches, penalties) and ``solve`` sections."""

from __future__ import annotations

from pks.base import FrozenModel


class BuildConfig(FrozenModel):
    """Formulation switches and penalty prices."""

    strict: bool = False
    """Strict mode: no slack variables (for tests); the model may then be infeasible."""


class SolveConfig(FrozenModel):
    """Solver settings."""

    time_limit_s: float = 600.0
    """Wall-clock limit for one HiGHS solve."""
