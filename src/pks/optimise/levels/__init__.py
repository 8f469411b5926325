"""Planning levels: thin builders that pick the time grid and the formulation pieces."""

from __future__ import annotations

from collections.abc import Sequence

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel
from pks.optimise.piece import Piece, check_order


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
