"""Production and purchased external care (R-14)."""

from __future__ import annotations

import numpy as np

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def year_factor(inputs: ModelInputs, factors: dict[int, float]) -> np.ndarray:
    """Uprating factor of each period (by its year)."""
    return np.array([factors.get(int(y), 1.0) for y in inputs.grid.year])


def add_production(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Own production :math:`x_{uckt}` and purchased cases :math:`e_{uckt}`.

    .. math::
       :label: production

       x_{uckt} \ge 0,\quad e_{uckt} \ge 0,\qquad
       \sum_k e_{uckt} \le \bar e_{uc}\, w_t

    Cost: :math:`(v_{uc} - r_{uc})\,\pi^{cons}_{y(t)}\,x_{uckt}
    + p_{uc}\,\pi^{cons}_{y(t)}\,e_{uckt}` (variable cost less revenue per own case;
    the contract price per purchased case), uprated by the LPIK consumption index of the
    period's year. Purchased variables exist only where a price and a weekly maximum
    are given and ``cfg.external`` is on.
    """
    T = inputs.grid.n
    uc, uck = inputs.uc, inputs.uck
    cf = year_factor(inputs, inputs.consumption_factor)
    net = (uc["variable_cost_sek_per_case"].to_numpy(float)
           - uc["revenue_sek_per_case"].to_numpy(float))[uck["uc_pos"].to_numpy()]
    m.add_vars("x", uck[["unit_id", "care_type", "priority_class"]], inputs.grid.periods,
               cost=net[:, None] * cf[None, :], doc="own production, cases per period")
    price = uc["external_price_sek_per_case"].to_numpy(float)
    emax = uc["external_cases_per_week_max"].to_numpy(float)
    buyable = (price > 0) & (emax > 0) & bool(cfg.external)
    sel = np.flatnonzero(buyable[uck["uc_pos"].to_numpy()])
    ent = uck.iloc[sel][["unit_id", "care_type", "priority_class"]]
    e = m.add_vars("ext", ent, inputs.grid.periods,
                   cost=price[uck["uc_pos"].to_numpy()[sel]][:, None] * cf[None, :],
                   doc="purchased external cases per period")
    m.meta["ext_uck"] = sel
    # weekly maximum per unit and care type (summed over classes)
    uc_sel = np.flatnonzero(buyable)
    row_of_uc = -np.ones(len(uc), np.int64)
    row_of_uc[uc_sel] = np.arange(len(uc_sel))
    ee, tt = expand(np.arange(len(sel)), T)
    rows = row_of_uc[uck["uc_pos"].to_numpy()[sel]][ee] * T + tt
    m.add_cons("c_external_max", uc.iloc[uc_sel][["unit_id", "care_type"]],
               inputs.grid.periods, terms=[(rows, e.ids(ee, tt), 1.0)],
               hi=emax[uc_sel][:, None] * inputs.grid.length_weeks[None, :],
               doc="purchased cases within the framework agreement's weekly maximum")


PRODUCTION = Piece(
    "production", add_production,
    needs=("grid", "uc", "uck", "consumption_factor"),
    adds=("x", "ext"),
    rows=("c_external_max",),
    adds_meta=("ext_uck",),
)
