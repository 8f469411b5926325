"""Waiting-list balance per unit × care type × priority class × period (R-11, R-14)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import INF, LinearModel, expand
from pks.optimise.piece import Piece


def add_waiting_list(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Waiting lists of elective care; in-period service of acute care.

    Elective (:math:`L` = list at period end, :math:`L_{uck,0}` from the latest
    waiting list split by class shares):

    .. math::
       :label: waiting_list_balance

       L_{uckt} = L_{uck,t-1} + d_{uckt} - x_{uckt} - e_{uckt}, \qquad L_{uckt} \ge 0

    Acute (no list; :math:`u` = acute demand not produced, priced, absent in strict mode):

    .. math::
       :label: acute_balance

       x_{uckt} + e_{uckt} + u_{uckt} = d_{uckt}

    Holding cost :math:`h_k\,w_t\,L_{uckt}` (case-weeks on the list, tiny and
    non-increasing in :math:`k`, a real-cost tie-breaker) orders service by urgency; an
    acute case not produced weighs ``care_weight_acute_unmet`` in the care part.
    """
    T = inputs.grid.n
    uck = inputs.uck
    wk = inputs.grid.length_weeks
    acute = uck["acute"].to_numpy(bool)
    el = np.flatnonzero(~acute)
    ac = np.flatnonzero(acute)
    k = uck["priority_class"].to_numpy(int)
    hold = np.array([cfg.holding_cost_sek[min(c, len(cfg.holding_cost_sek)) - 1] for c in k])
    keys = ["unit_id", "care_type", "priority_class"]
    lst = m.add_vars("L", uck.iloc[el][keys], inputs.grid.periods,
                     cost=hold[el][:, None] * wk[None, :], doc="waiting list at period end")
    un = m.add_vars("unmet_acute", uck.iloc[ac][keys], inputs.grid.periods,
                    ub=0.0 if cfg.strict else INF,
                    care=cfg.care_weight_acute_unmet, doc="acute cases not produced")
    x = m.var_blocks["x"]
    ext = m.var_blocks["ext"]
    ext_uck = np.asarray(m.meta["ext_uck"], np.int64)
    n = len(uck)
    e_all, t_all = expand(np.arange(n), T)
    rows_all = e_all * T + t_all
    terms = [(rows_all, x.ids(e_all, t_all), 1.0)]
    ee, te = expand(np.arange(len(ext_uck)), T)
    terms.append((ext_uck[ee] * T + te, ext.ids(ee, te), 1.0))
    le, lt = expand(np.arange(len(el)), T)
    terms.append((el[le] * T + lt, lst.ids(le, lt), 1.0))
    prev = lt >= 1
    terms.append((el[le[prev]] * T + lt[prev], lst.ids(le[prev], lt[prev] - 1), -1.0))
    ae, at = expand(np.arange(len(ac)), T)
    terms.append((ac[ae] * T + at, un.ids(ae, at), 1.0))
    rhs = inputs.demand.copy()
    rhs[:, 0] += inputs.initial_list
    m.add_cons("c_waiting_list_balance", uck[keys], inputs.grid.periods, terms=terms,
               lo=rhs, hi=rhs, doc="waiting-list balance (acute: in-period service)")


WAITING_LIST = Piece(
    "waiting_list", add_waiting_list,
    needs=("grid", "uck", "demand", "initial_list"),
    reads=("x", "ext"),
    reads_meta=("ext_uck",),
    adds=("L", "unmet_acute"),
    rows=("c_waiting_list_balance",),
)
