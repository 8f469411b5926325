"""Planning levels: thin builders that pick the time grid and the formulation pieces."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel

Piece = Callable[[LinearModel, ModelInputs, BuildConfig], None]


def build_from_pieces(inputs: ModelInputs, cfg: BuildConfig, pieces: Sequence[Piece],
                      name: str) -> LinearModel:
    """Apply ``pieces`` in order to a new model (pure: no I/O, no solve)."""
    m = LinearModel(name=name, objective_mode=cfg.objective,
                    care_value_sek=cfg.care_value_sek_per_case_week)
    m.meta["inputs"] = inputs
    m.meta["level"] = inputs.level
    for piece in pieces:
        piece(m, inputs, cfg)
    return m
