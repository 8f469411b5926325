"""Operative: deviation from the tactical plan (R-05)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_deviation(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Own production follows the tactical plan :math:`\hat x_{uct}`, deviations priced.

    .. math::
       :label: plan_deviation

       \sum_k x_{uckt} - \hat x_{uct} = \epsilon^+_{uct} - \epsilon^-_{uct}

    each case of deviation costs ``deviation_penalty_sek``: less than a case-week of
    guarantee breach, so the operative plan leaves the tactical one when reality
    (sick leave, a longer list) requires it, and follows it otherwise.
    """
    if inputs.plan_target is None:
        return
    T = inputs.grid.n
    uc, uck = inputs.uc, inputs.uck
    keys = uc[["unit_id", "care_type"]]
    up = m.add_vars("dev_up", keys, inputs.grid.periods, cost=cfg.deviation_penalty_sek,
                    doc="production above the tactical plan")
    dn = m.add_vars("dev_down", keys, inputs.grid.periods, cost=cfg.deviation_penalty_sek,
                    doc="production below the tactical plan")
    x = m.var_blocks["x"]
    e, t = expand(np.arange(len(uck)), T)
    d, dt = expand(np.arange(len(uc)), T)
    terms = [(uck["uc_pos"].to_numpy()[e] * T + t, x.ids(e, t), 1.0),
             (d * T + dt, up.ids(d, dt), -1.0), (d * T + dt, dn.ids(d, dt), 1.0)]
    m.add_cons("c_plan_deviation", keys, inputs.grid.periods, terms=terms,
               lo=inputs.plan_target, hi=inputs.plan_target, doc="deviation from tactical plan")


DEVIATION = Piece(
    "deviation", add_deviation,
    needs=("grid", "uc", "uck"),
    reads=("x",),
    adds=("dev_up", "dev_down"),
    rows=("c_plan_deviation",),
)
