"""Waiting-time target: the list within the care-guarantee queue size (need calculation)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_guarantee(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Care guarantee as a target queue size (Fong et al. 2022; Little's law).

    With guarantee limit :math:`G_{uc}` days and required share :math:`q` within it,
    FIFO exponential waits give the target mean wait
    :math:`\bar W_{uc} = G_{uc} / (7 \cdot (-\ln(1-q)))` weeks and the target queue
    :math:`Q_{uc} = \bar d_{uc}\, \bar W_{uc}`:

    .. math::
       :label: guarantee

       \sum_k L_{uckt} - b_{uct} \le Q_{uc}, \qquad b_{uct} \ge 0

    The breach :math:`b` weighs ``care_weight_guarantee`` per case-week (:math:`b\,w_t`)
    in the care part of the objective (strict mode drops it).
    Only elective care types with a guarantee stage get the row.
    """
    T = inputs.grid.n
    uc, uck = inputs.uc, inputs.uck
    q = uc["target_queue_cases"].to_numpy(float)
    has = np.flatnonzero(~np.isnan(q) & ~uc["acute"].to_numpy(bool))
    row_of = -np.ones(len(uc), np.int64)
    row_of[has] = np.arange(len(has))
    el = np.flatnonzero(~uck["acute"].to_numpy(bool))
    lst = m.var_blocks["L"]
    ucp = uck["uc_pos"].to_numpy()[el]
    sel = np.flatnonzero(row_of[ucp] >= 0)
    e, t = expand(sel, T)
    terms = [(row_of[ucp[e]] * T + t, lst.ids(e, t), 1.0)]
    ent = uc.iloc[has][["unit_id", "care_type"]]
    if not cfg.strict:
        b = m.add_vars("guarantee_breach", ent, inputs.grid.periods,
                       care=cfg.care_weight_guarantee * inputs.grid.length_weeks[None, :],
                       doc="cases on the list above the guarantee queue size")
        be, bt = expand(np.arange(len(has)), T)
        terms.append((be * T + bt, b.ids(be, bt), -1.0))
    m.add_cons("c_guarantee", ent, inputs.grid.periods, terms=terms,
               hi=np.repeat(q[has][:, None], T, axis=1), doc="care-guarantee queue size")


GUARANTEE = Piece(
    "guarantee", add_guarantee,
    needs=("grid", "uc", "uck"),
    adds=("guarantee_breach",),
    rows=("c_guarantee",),
)
