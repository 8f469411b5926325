"""Operating-theatre hours per unit and period."""

from __future__ import annotations

from pks.config.optimise import BuildConfig
from pks.optimise.constraints.beds import _add_physical
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel
from pks.optimise.piece import Piece


def add_theatre(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Theatre hours of own production within the theatre hours available.

    .. math::
       :label: theatre

       \sum_{c,k} \theta_{uc}\, x_{uckt} \le \sum_{w \in t} \Theta_{uw}
    """
    _add_physical(m, inputs, "theatre_h_per_case", inputs.theatre_h, "c_theatre",
                  "theatre hours")


THEATRE = Piece(
    "theatre", add_theatre,
    needs=("grid", "units", "uc", "uck", "theatre_h"),
    reads=("x",),
    rows=("c_theatre",),
)
