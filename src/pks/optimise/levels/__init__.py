"""Planning levels: thin builders that pick the time grid and the formulation pieces."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pks.config.optimise import BuildConfig
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.optimise.aggregate import Pooled
from pks.optimise.handoff import TacticalHandoff
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel
from pks.optimise.piece import Piece, check_order


@dataclass(frozen=True)
class BuiltLevel:
    """One level's model with what its solve and tables need from the build."""

    model: LinearModel
    data: PlanningData
    """The data the model speaks of (the pooled region when the strategic level pools)."""
    pooled: Pooled | None = None
    """Strategic pooling per area or division (plan tables are split back to units)."""
    handoff: TacticalHandoff | None = None
    """Tactical: the strategic hand-off the gaps are measured against."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Seconds: ``handoff`` (inputs incl. the hand-off), ``build``."""


LevelBuilder = Callable[[PlanningData, ScenarioConfig, Mapping[str, pd.DataFrame] | None,
                         pd.DataFrame | None], BuiltLevel]
"""``(data, cfg, upper tables or None, demand or None) -> BuiltLevel``: each level owns
its inputs, build and hand-off (``pks.optimise.run`` only sequences levels)."""


def build_from_pieces(inputs: ModelInputs, cfg: BuildConfig, pieces: Sequence[Piece],
                      name: str) -> LinearModel:
    """Apply ``pieces`` in order to a new model (pure: no I/O, no solve).

    The order is checked against the pieces' declarations first (:func:`check_order`),
    then each piece checks its inputs and what it added (:meth:`Piece.__call__`).
    """
    check_order(pieces, name)
    m = LinearModel(name=name, objective_mode=cfg.objective,
                    care_value_sek=cfg.care_value_sek_per_case_week)
    m.meta["inputs"] = inputs
    m.meta["level"] = inputs.level
    for piece in pieces:
        piece(m, inputs, cfg)
    return m
