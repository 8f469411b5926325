"""Production levelling between periods (R-10)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_levelling(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Bounded and penalised change of own production per unit and care type.

    .. math::
       :label: levelling

       \sum_k x_{uckt} - \sum_k x_{uck,t-1} = \Delta^+_{uct} - \Delta^-_{uct},\qquad
       0 \le \Delta^\pm_{uct} \le \delta\, \bar d_{uc}\, w_t \quad (t \ge 2)

    with penalty :math:`\lambda (\Delta^+ + \Delta^-)` (``levelling_penalty_sek``) and
    :math:`\delta` = ``levelling_max_change_pu`` of the mean period demand. Lower
    production is always feasible, so the bound never makes the model infeasible.
    """
    T = inputs.grid.n
    if T < 2:
        return
    uc, uck = inputs.uc, inputs.uck
    per = inputs.grid.periods[1:]
    wk = inputs.grid.length_weeks[1:]
    ub = cfg.levelling_max_change_pu * uc["demand_cases_per_week"].to_numpy(float)[:, None] \
        * wk[None, :]
    keys = uc[["unit_id", "care_type"]]
    dp = m.add_vars("level_up", keys, per, ub=ub, cost=cfg.levelling_penalty_sek,
                    doc="increase of production from the previous period")
    dm = m.add_vars("level_down", keys, per, ub=ub, cost=cfg.levelling_penalty_sek,
                    doc="decrease of production from the previous period")
    x = m.var_blocks["x"]
    T1 = T - 1
    e, t = expand(np.arange(len(uck)), T1)
    rows = uck["uc_pos"].to_numpy()[e] * T1 + t
    d, dt = expand(np.arange(len(uc)), T1)
    terms = [(rows, x.ids(e, t + 1), 1.0), (rows, x.ids(e, t), -1.0),
             (d * T1 + dt, dp.ids(d, dt), -1.0), (d * T1 + dt, dm.ids(d, dt), 1.0)]
    m.add_cons("c_levelling", keys, per, terms=terms, lo=0.0, hi=0.0,
               doc="change of production between periods")


LEVELLING = Piece(
    "levelling", add_levelling,
    needs=("grid", "uc", "uck"),
    reads=("x",),
    adds=("level_up", "level_down"),
    rows=("c_levelling",),
)
