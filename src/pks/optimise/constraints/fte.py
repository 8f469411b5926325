"""Strategic FTE trajectory per unit × staff category (R-41): recruitment and attrition."""

from __future__ import annotations

import numpy as np

from pks.calendar import WEEKS_PER_YEAR
from pks.config.optimise import BuildConfig
from pks.optimise.constraints.production import year_factor
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_fte(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""FTE :math:`f_{ust}` as a decision, growing at most by recruitment, shrinking by attrition.

    With :math:`f_{us,-1}` the staffing target, attrition rate :math:`a_{us}` and
    recruitment limit :math:`R_{us}` per year (both scaled by :math:`w_t/52`):

    .. math::
       :label: fte_trajectory

       (1 - a_{us} w_t/52)\, f_{us,t-1} \le f_{ust} \le (1 - a_{us} w_t/52)\, f_{us,t-1}
       + R_{us} w_t / 52

    (no lay-offs: staff leave only by attrition). Cost
    :math:`f_{ust}\, C_{us}\, \pi^{wage}_{y(t)}\, w_t / 52` with :math:`C` the annual cost
    per FTE incl. social charges.
    """
    T = inputs.grid.n
    st = inputs.staff
    wk = inputs.grid.length_weeks / WEEKS_PER_YEAR
    wf = year_factor(inputs, inputs.wage_factor)
    cost = st["cost_sek_per_fte_year"].to_numpy(float)[:, None] * (wf * wk)[None, :]
    f = m.add_vars("fte", st[["unit_id", "staff_category"]], inputs.grid.periods, cost=cost,
                   doc="FTE (årsarbetare) per unit, category and period")
    a = st["attrition_pu_per_year"].to_numpy(float)
    r = st["recruitment_fte_per_year_max"].to_numpy(float)
    f0 = st["fte"].to_numpy(float)
    e, t = expand(np.arange(len(st)), T)
    keep = 1.0 - a[e] * wk[t]
    rows = e * T + t
    terms = [(rows, f.ids(e, t), 1.0)]
    prev = t >= 1
    terms.append((rows[prev], f.ids(e[prev], t[prev] - 1), -keep[prev]))
    lo = np.where(t == 0, keep * f0[e], 0.0).reshape(len(st), T)
    hi = (np.where(t == 0, keep * f0[e], 0.0) + r[e] * wk[t]).reshape(len(st), T)
    m.add_cons("c_fte_trajectory", st[["unit_id", "staff_category"]], inputs.grid.periods,
               terms=terms, lo=lo, hi=hi, doc="recruitment and attrition limits")


FTE = Piece(
    "fte", add_fte,
    needs=("grid", "staff", "wage_factor"),
    adds=("fte",),
    rows=("c_fte_trajectory",),
)
