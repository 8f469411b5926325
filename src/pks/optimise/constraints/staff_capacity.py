"""Staffed capacity per unit × staff category × period (R-12, R-41, R-42)."""

from __future__ import annotations

import numpy as np

from pks.calendar import WEEKS_PER_YEAR
from pks.config.optimise import BuildConfig
from pks.optimise.constraints.production import year_factor
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_staff_capacity(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Hours required by production within own, overtime, agency and transferred hours.

    .. math::
       :label: staff_capacity

       \sum_{c,k} h_{ucs}\, x_{uckt} \le f_{us}\, H_{ust} + o_{ust} + g_{ust}
       + \sum_{v} (\tau_{vust} - \tau_{uvst})

    :math:`H_{ust}` = contracted hours per FTE × availability (1 − vacation − sick leave −
    training) summed over the weeks of the period; :math:`o` overtime
    (:math:`\le f_{us}\,\bar o\, w_t`), :math:`g` agency hours (:math:`\le \bar g_{us} w_t`),
    :math:`\tau` hours moved between units of the same area (operative only, cost
    ``transfer_cost_sek_per_h``). :math:`f` is data (tactical, operative) or the strategic
    decision. Own staff cost :math:`f\,C\,w_t/52` enters the objective as a constant when
    :math:`f` is data; overtime costs :math:`c^{h}_{us}\,\phi^{ot}_{us}\,\pi^{wage}` per hour
    and agency :math:`c^{h}_{us}\,\phi^{ag}_{us}\,\pi^{wage}`.
    """
    T = inputs.grid.n
    st = inputs.staff
    n = len(st)
    wk = inputs.grid.length_weeks
    wf = year_factor(inputs, inputs.wage_factor)
    hourly = st["hourly_cost_sek"].to_numpy(float)
    fte = st["fte"].to_numpy(float)
    keys = st[["unit_id", "staff_category"]]
    fvar = m.var_blocks.get("fte")
    ot_ub: float | np.ndarray = 0.0
    if cfg.overtime:  # with an FTE decision the ceiling is a row (c_overtime_week)
        ot_ub = np.inf if fvar is not None else \
            fte[:, None] * cfg.overtime_h_per_fte_week_max * wk[None, :]
    ot = m.add_vars("overtime_h", keys, inputs.grid.periods, ub=ot_ub,
                    cost=(hourly * st["overtime_cost_factor_pu"].to_numpy(float))[:, None]
                    * wf[None, :], doc="overtime hours")
    ag_ub = st["agency_h_per_week_max"].to_numpy(float)[:, None] * wk[None, :] \
        if cfg.agency else 0.0
    ag = m.add_vars("agency_h", keys, inputs.grid.periods, ub=ag_ub,
                    cost=(hourly * st["agency_cost_factor_pu"].to_numpy(float))[:, None]
                    * wf[None, :], doc="agency-staff hours")
    ru = inputs.resource_use
    x = m.var_blocks["x"]
    uck = inputs.uck
    # expand resource use (u,c,s) to classes (u,c,k,s)
    ent = uck[["uc_pos"]].copy()
    ent["_e"] = np.arange(len(uck))
    r2 = ru[["uc_pos", "us_pos", "staff_h_per_case"]].merge(ent, on="uc_pos")
    xe, xt = expand(r2["_e"].to_numpy(), T)
    rs = np.repeat(r2["us_pos"].to_numpy(), T)
    coef = np.repeat(r2["staff_h_per_case"].to_numpy(float), T)
    e, t = expand(np.arange(n), T)
    rows = e * T + t
    terms = [(rs * T + xt, x.ids(xe, xt), coef), (rows, ot.ids(e, t), -1.0),
             (rows, ag.ids(e, t), -1.0)]
    if fvar is not None:
        terms.append((rows, fvar.ids(e, t), -inputs.hours_per_fte.ravel()))
        hi = np.zeros((n, T))
        # overtime ceiling per FTE: o - obar*w*f <= 0
        m.add_cons("c_overtime_week", keys, inputs.grid.periods,
                   terms=[(rows, ot.ids(e, t), 1.0),
                          (rows, fvar.ids(e, t),
                           -cfg.overtime_h_per_fte_week_max * wk[t] if cfg.overtime
                           else 0.0 * wk[t])],
                   hi=0.0, doc="weekly overtime ceiling per FTE")
    else:
        hi = fte[:, None] * inputs.hours_per_fte
        m.offset += float((st["cost_sek_per_fte_year"].to_numpy(float)[:, None] * fte[:, None]
                           * (wf * wk / WEEKS_PER_YEAR)[None, :]).sum())
    tr = inputs.transfers
    if tr is not None and len(tr):
        tv = m.add_vars("transfer_h", tr[["from_unit", "to_unit", "staff_category"]],
                        inputs.grid.periods, cost=cfg.transfer_cost_sek_per_h,
                        doc="staff hours moved between units of the same area")
        te, tt = expand(np.arange(len(tr)), T)
        fp = tr["from_pos"].to_numpy()[te]
        tp = tr["to_pos"].to_numpy()[te]
        terms.append((fp * T + tt, tv.ids(te, tt), 1.0))
        terms.append((tp * T + tt, tv.ids(te, tt), -1.0))
    cap = m.add_cons("c_staff_capacity", keys, inputs.grid.periods, terms=terms, hi=hi,
                     doc="staff hours per unit and category")
    if fvar is None:  # one more FTE of staff row e raises these bounds (its shadow price)
        record_fte_bounds(m, "row", cap.ids(e, t), e, inputs.hours_per_fte.ravel())
        if cfg.overtime:
            record_fte_bounds(m, "col", ot.ids(e, t), e,
                              cfg.overtime_h_per_fte_week_max * wk[t])


FTE_BOUNDS = "fte_bounds"
"""``m.meta`` key: where one more FTE of a staff row raises a bound — a list of
``(kind, ids, staff_pos, per_fte)`` with kind ``row`` (row upper bounds) or ``col``
(variable upper bounds); read by :func:`pks.optimise.extract.shadow_prices`."""


def record_fte_bounds(m: LinearModel, kind: str, ids: np.ndarray, staff_pos: np.ndarray,
                      per_fte: np.ndarray) -> None:
    """Note that one more FTE of staff row ``staff_pos[i]`` raises bound ``ids[i]``.

    A row's upper bound for kind ``row``, a variable's for ``col``; by ``per_fte[i]``.
    """
    entries = m.meta.setdefault(FTE_BOUNDS, [])
    assert isinstance(entries, list)
    entries.append(
        (kind, np.asarray(ids, np.int64), np.asarray(staff_pos, np.int64),
         np.broadcast_to(np.asarray(per_fte, float), np.shape(ids)).copy()))


STAFF_CAPACITY = Piece(
    "staff_capacity", add_staff_capacity,
    needs=("grid", "uck", "staff", "hours_per_fte", "resource_use", "wage_factor"),
    reads=("x",),
    reads_optional=("fte",),
    adds=("overtime_h", "agency_h", "transfer_h"),
    rows=("c_staff_capacity", "c_overtime_week"),
    adds_meta=(FTE_BOUNDS,),
)
