r"""Net cost: costs minus the revenues the plan counts, capitation included (R-27, R-33).

The optimiser's frames (``optimise/constraints/frames.py``) count per unit and year

.. math::

   N_{uy} = \text{staff} + \text{fixed} + \sum (v - r)\,x + \text{external} - K_u\,W_y / 52

where :math:`r` is the revenue per case and :math:`K_u` the unit's capitation revenue per
year (``unit_finance.capitation_revenue_sek_per_year``, non-zero for units financed by a
compensation model, Vårdval). A unit's booked weekly cost (``actuals_unit.cost_sek``)
already nets the per-case revenue but not the capitation, which the purchaser pays per
listed inhabitant. So the net cost of a unit-week is

.. math::

   n_{uw} = c_{uw} - K_u / 52,

the same weekly share of capitation the optimiser counts (:data:`pks.calendar.WEEKS_PER_YEAR`),
so a year of actuals and the plan compare like with like, and a capitation-financed unit's
cost is compared with its frame net, as the plan is.
"""

from __future__ import annotations

import pandas as pd

from pks.calendar import WEEKS_PER_YEAR


def weekly_capitation_sek(unit_finance: pd.DataFrame) -> pd.Series:
    """Capitation revenue per week and unit (SEK), indexed by ``unit_id``."""
    if unit_finance is None or unit_finance.empty \
            or "capitation_revenue_sek_per_year" not in unit_finance:
        return pd.Series(dtype="float64")
    k = pd.to_numeric(unit_finance["capitation_revenue_sek_per_year"], errors="coerce")
    return pd.Series(k.fillna(0.0).to_numpy() / WEEKS_PER_YEAR,
                     index=unit_finance["unit_id"].astype(str), dtype="float64")


def net_actual_cost(actuals_unit: pd.DataFrame, unit_finance: pd.DataFrame) -> pd.DataFrame:
    """``actuals_unit`` with ``net_cost_sek`` = booked ``cost_sek`` − weekly capitation.

    Examples
    --------
    >>> a = pd.DataFrame({"unit_id": ["P", "S"], "week": ["2026-W01"] * 2,
    ...                   "cost_sek": [500.0, 800.0]})
    >>> f = pd.DataFrame({"unit_id": ["P", "S"],
    ...                   "capitation_revenue_sek_per_year": [5200.0, 0.0]})
    >>> net_actual_cost(a, f)["net_cost_sek"].tolist()
    [400.0, 800.0]
    """
    out = actuals_unit.copy()
    cap = out["unit_id"].astype(str).map(weekly_capitation_sek(unit_finance)).fillna(0.0)
    out["net_cost_sek"] = out["cost_sek"].astype("float64") - cap.astype("float64")
    return out
