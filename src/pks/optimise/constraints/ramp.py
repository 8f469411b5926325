"""Operative: the ramp limit on weekly own production (issue 10, R-05)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_ramp(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Weekly own production changes at most :math:`\rho` of recent actual production.

    With :math:`\bar a_{uc}` the mean weekly production of the last ``ramp_weeks``
    reported weeks and :math:`X_{uct} = \sum_k x_{uckt}` (:math:`X_{uc,0} = \bar a_{uc}`):

    .. math::
       :label: ramp

       -\rho\, \bar a_{uc} \le X_{uct} - X_{uc,t-1} - r^+_{uct} + r^-_{uct}
       \le \rho\, \bar a_{uc}, \qquad r^\pm \ge 0

    :math:`\rho` = ``ramp_limit_pu``. The slack :math:`r^\pm` (cases outside the limit)
    keeps the model feasible when capacity or the list leaves no choice; it weighs
    ``care_weight_ramp`` per case in the care part of the objective and is reported.
    Only unit × care types with recent production get the row; strict mode drops the slack.
    """
    rp = inputs.recent_production
    if cfg.ramp_limit_pu is None or rp is None:
        return
    T = inputs.grid.n
    uc, uck = inputs.uc, inputs.uck
    has = np.flatnonzero(np.isfinite(rp) & (rp > 0))
    if len(has) == 0:
        return
    row_of = -np.ones(len(uc), np.int64)
    row_of[has] = np.arange(len(has))
    x = m.var_blocks["x"]
    ucp = uck["uc_pos"].to_numpy()
    sel = np.flatnonzero(row_of[ucp] >= 0)
    e, t = expand(sel, T)
    r = row_of[ucp[e]]
    terms = [(r * T + t, x.ids(e, t), 1.0)]
    prev = t >= 1
    terms.append((r[prev] * T + t[prev], x.ids(e[prev], t[prev] - 1), -1.0))
    keys = uc.iloc[has][["unit_id", "care_type"]]
    if not cfg.strict:
        up = m.add_vars("ramp_slack", keys.assign(direction="up"), inputs.grid.periods,
                        care=cfg.care_weight_ramp, doc="cases above the ramp limit")
        dn = m.add_vars("ramp_slack_down", keys.assign(direction="down"), inputs.grid.periods,
                        care=cfg.care_weight_ramp, doc="cases below the ramp limit")
        se, st = expand(np.arange(len(has)), T)
        terms += [(se * T + st, up.ids(se, st), -1.0), (se * T + st, dn.ids(se, st), 1.0)]
    a = rp[has]
    band = cfg.ramp_limit_pu * a
    lo = np.repeat(-band[:, None], T, axis=1)
    hi = np.repeat(band[:, None], T, axis=1)
    lo[:, 0] += a
    hi[:, 0] += a
    m.add_cons("c_ramp", keys, inputs.grid.periods, terms=terms, lo=lo, hi=hi,
               doc="ramp limit of weekly own production")


RAMP = Piece(
    "ramp", add_ramp,
    needs=("grid", "uc", "uck"),
    reads=("x",),
    adds=("ramp_slack", "ramp_slack_down"),
    rows=("c_ramp",),
)
