"""Working-time rules: annual overtime limit per FTE and the agency-cost share (R-42)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.calendar import WEEKS_PER_YEAR
from pks.config.optimise import BuildConfig
from pks.optimise.constraints.production import year_factor
from pks.optimise.constraints.staff_capacity import record_fte_bounds
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import INF, LinearModel, expand
from pks.optimise.piece import Piece


def add_working_time(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Overtime within the annual limit; agency cost within its share of own staff cost.

    For each unit, category and year :math:`y` (weeks of the model in that year
    :math:`W_y`):

    .. math::
       :label: overtime_year

       \sum_{t \in y} o_{ust} \le \bar O_{us}\, f_{us}\, W_y / 52

    (Arbetstidslagen: :math:`\bar O` = 200 h per FTE and year by default). For each unit
    and year, with the target share :math:`\sigma_y` (2 %, or the scenario's path):

    .. math::
       :label: agency_share

       \sum_{s,t\in y} c^{ag}_{ust}\, g_{ust} - \sigma_y \sum_{s,t \in y} C_{us}\,
       \pi^{wage}_{y} f_{us} w_t/52 - a_{uy} \le 0

    with priced slack :math:`a` (``agency_share_penalty_pu`` per krona; strict mode drops it).
    """
    T = inputs.grid.n
    st = inputs.staff
    years = inputs.grid.year
    uy = sorted(set(years.tolist()))
    wk = inputs.grid.length_weeks
    wf = year_factor(inputs, inputs.wage_factor)
    ot = m.var_blocks["overtime_h"]
    ag = m.var_blocks["agency_h"]
    fvar = m.var_blocks.get("fte")
    ny = len(uy)
    y_of_t = np.searchsorted(np.array(uy), years)
    wy = np.array([wk[years == y].sum() for y in uy])
    limit = st["overtime_h_per_fte_year_max"].to_numpy(float)
    fte = st["fte"].to_numpy(float)
    keys = st[["unit_id", "staff_category"]]
    yper = tuple(str(y) for y in uy)
    e, t = expand(np.arange(len(st)), T)
    rows = e * ny + y_of_t[t]
    terms = [(rows, ot.ids(e, t), 1.0)]
    if fvar is not None:  # per period: o <= limit * f_t * w_t/52, summed over the year
        terms.append((rows, fvar.ids(e, t), -limit[e] * wk[t] / WEEKS_PER_YEAR))
        hi: float | np.ndarray = 0.0
    else:
        hi = limit[:, None] * fte[:, None] * wy[None, :] / WEEKS_PER_YEAR
    oty = m.add_cons("c_overtime_year", keys, yper, terms=terms, hi=hi,
                     doc="annual overtime limit per FTE")
    if fvar is None:
        se, sy = expand(np.arange(len(st)), ny)
        record_fte_bounds(m, "row", oty.ids(se, sy), se, limit[se] * wy[sy] / WEEKS_PER_YEAR)
    # agency share per unit and year
    units = inputs.units[["unit_id"]]
    upos = st[["unit_id"]].merge(units.assign(_u=np.arange(len(units))), on="unit_id")[
        "_u"].to_numpy()
    share = np.array([inputs.agency_share_max[y] for y in uy])
    ag_cost = (st["hourly_cost_sek"].to_numpy(float)
               * st["agency_cost_factor_pu"].to_numpy(float))[e] * wf[t]
    rows = upos[e] * ny + y_of_t[t]
    terms = [(rows, ag.ids(e, t), ag_cost)]
    own = st["cost_sek_per_fte_year"].to_numpy(float)[e] * wf[t] * wk[t] / WEEKS_PER_YEAR
    if fvar is not None:
        terms.append((rows, fvar.ids(e, t), -share[y_of_t[t]] * own))
        rhs = np.zeros((len(units), ny))
    else:
        flat = np.zeros(len(units) * ny)
        np.add.at(flat, rows, share[y_of_t[t]] * own * fte[e])
        rhs = flat.reshape(len(units), ny)
    if not cfg.strict:
        a = m.add_vars("agency_share_excess_sek", units, yper,
                       cost=cfg.agency_share_penalty_pu, doc="agency cost above the target share")
        ue, ut = expand(np.arange(len(units)), ny)
        terms.append((ue * ny + ut, a.ids(ue, ut), -1.0))
    m.add_cons("c_agency_share", units, yper, terms=terms, lo=-INF, hi=rhs,
               doc="agency cost within the target share of own staff cost")
    m.meta["agency_units"] = pd.DataFrame(units)


WORKING_TIME = Piece(
    "working_time", add_working_time,
    needs=("grid", "units", "staff", "wage_factor", "agency_share_max"),
    reads=("overtime_h", "agency_h"),
    reads_optional=("fte",),
    adds=("agency_share_excess_sek",),
    rows=("c_overtime_year", "c_agency_share"),
    adds_meta=("agency_units",),
)
