"""Simulator settings (section ``simulate``)."""

from __future__ import annotations

from pks.base import FrozenModel


class SimulateConfig(FrozenModel):
    """Monte Carlo settings."""

    replications: int = 100
    """Number of replications."""
    seed: int = 20260101
    """Master seed for the per-replication random streams."""
