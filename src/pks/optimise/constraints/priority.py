"""Medical priority: the medically acceptable maximum wait per class (R-11)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_priority(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Waiting list of class :math:`k` within its medically acceptable wait.

    By Little's law a list of :math:`\bar d_{uck}\,W_k` cases (mean weekly demand times
    the class's maximum wait in weeks) is cleared within :math:`W_k` at the demand rate:

    .. math::
       :label: max_wait

       L_{uckt} - o_{uckt} \le \bar d_{uck}\, W_k,\qquad o_{uckt} \ge 0

    The excess :math:`o` (cases past the acceptable wait; :math:`o\,w_t` case-weeks,
    reported as care not given) weighs :math:`\omega_k w_t` in the care part of the
    objective with :math:`\omega_1 > \omega_2 > \dots` (``care_weight_max_wait``), so a
    capacity cut lands on the lower priorities first. Strict mode drops :math:`o`.
    """
    if "L" not in m.var_blocks:
        raise ValueError("add_priority needs add_waiting_list first")
    T = inputs.grid.n
    uck = inputs.uck
    el = np.flatnonzero(~uck["acute"].to_numpy(bool))
    k = uck["priority_class"].to_numpy(int)[el]
    wgt = np.array([cfg.care_weight_max_wait[min(c, len(cfg.care_weight_max_wait)) - 1]
                    for c in k])
    keys = ["unit_id", "care_type", "priority_class"]
    wk = inputs.grid.length_weeks
    lst = m.var_blocks["L"]
    e, t = expand(np.arange(len(el)), T)
    rows = e * T + t
    terms = [(rows, lst.ids(e, t), 1.0)]
    if not cfg.strict:
        o = m.add_vars("over_max_wait", uck.iloc[el][keys], inputs.grid.periods,
                       care=wgt[:, None] * wk[None, :],
                       doc="cases waiting past the medically acceptable wait")
        terms.append((rows, o.ids(e, t), -1.0))
    cap = (uck["demand_cases_per_week"].to_numpy(float)
           * uck["max_wait_weeks"].to_numpy(float))[el]
    m.add_cons("c_max_wait", uck.iloc[el][keys], inputs.grid.periods, terms=terms,
               hi=np.repeat(cap[:, None], T, axis=1), doc="medically acceptable wait")


PRIORITY = Piece(
    "priority", add_priority,
    needs=("grid", "uck"),
    adds=("over_max_wait",),
    rows=("c_max_wait",),
)
