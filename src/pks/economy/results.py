r"""The region's results budget (resultatbudget) per year, with the plans' cost inside.

For every year :math:`t` (all amounts in mnkr):

.. math::

    S_t &= (T_t + G_t)\,\rho + \Delta R_t
        && \text{tax + general grants and equalisation, population effect}\\
    N_t &= O_t\,\sigma_o + M_t\,\sigma_m
        && \text{net cost: outside the plans + the plans' cost}\\
    V_t &= S_t - N_t && \text{operating result (verksamhetens resultat)}\\
    Y_t &= V_t + I_t - C_t && \text{year's result (årets resultat)}\\
    B_t &= Y_t + A_t && \text{balanced-budget result (given outcomes take precedence)}

:math:`M_t` is the planned units' cost: a plan's cost when given, else the frames of the
nodes at the modelled level (never typed twice). Targeted state grants are cost-matched
revenue outside the frames (R-35): shown, and added to revenue and cost alike, so they
change neither :math:`S_t` nor :math:`V_t`. Missing cash flow is estimated as
:math:`Y_t` + depreciation; missing balance-sheet items are rolled forward: equity and
total assets by :math:`Y_t`, the pension commitment carried unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import SupportsFloat

import numpy as np
import pandas as pd

from pks.data.planning_data import PlanningData
from pks.economy.frames import SEK_PER_MNKR
from pks.economy.inputs import EconomyInputs
from pks.economy.revenue import PopulationEffect
from pks.economy.settings import EconomyVariant

RESULT_COLUMNS = (
    "year", "status", "tax_revenue_mnkr", "general_grants_equalisation_mnkr",
    "population_revenue_mnkr", "revenue_base_mnkr", "targeted_grants_mnkr",
    "outside_cost_mnkr", "modelled_cost_mnkr", "net_cost_mnkr", "operating_result_mnkr",
    "operating_result_share_pu", "financial_net_mnkr", "year_result_mnkr",
    "balanced_result_mnkr", "balanced_result_given", "exempt_mnkr", "investments_mnkr",
    "operating_cash_flow_mnkr", "equity_mnkr", "total_assets_mnkr", "pension_commitment_mnkr",
    "equity_ratio_incl_pension_pu", "interest_bearing_debt_mnkr", "pension_assets_mnkr",
    "pension_liability_mnkr", "modelled_cost_source")
"""Columns of :attr:`ResultsBudget.table`."""


@dataclass(frozen=True)
class ResultsBudget:
    """The results budget per year and the net cost outside the plans per item.

    ``table`` has :data:`RESULT_COLUMNS`; ``items`` has ``year, item, net_cost_mnkr``.
    """

    table: pd.DataFrame
    items: pd.DataFrame

    def row(self, year: int) -> pd.Series:
        """The results budget of ``year``."""
        return self.table.set_index("year").loc[year]


def modelled_nodes(data: PlanningData, level: str) -> list[str]:
    """Frame nodes at pks level ``level`` (their frames are the plans' part of net cost)."""
    org = data.org_nodes
    at = set(org.loc[org["pks_level"] == level, "node_id"])
    return sorted(set(data.budget_frames["node_id"]) & at)


def frames_cost_mnkr(data: PlanningData, level: str) -> dict[int, float]:
    """Sum of the frames of the modelled nodes per year, in mnkr."""
    bf = data.budget_frames
    bf = bf[bf["node_id"].isin(modelled_nodes(data, level))]
    return {int(y): float(v) / SEK_PER_MNKR
            for y, v in bf.groupby("year")["frame_sek"].sum().items()}


def _num(v: SupportsFloat | None) -> float | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) or pd.isna(v) \
        else float(v)


def results_budget(econ: EconomyInputs, modelled_cost_mnkr: Mapping[int, float],
                   population: PopulationEffect | None = None,
                   variant: EconomyVariant | None = None,
                   modelled_source: str = "frames", from_year: int | None = None
                   ) -> ResultsBudget:
    """The results budget of every economy year (see the module docstring).

    The scenario's changes (population effect and the variant's factors) apply from
    ``from_year`` (the budget year) on; earlier years keep their adopted figures.
    """
    v = variant or EconomyVariant()
    first = from_year if from_year is not None else min(econ.years, default=0)
    scale = np.where(econ.cost_items["year"].astype(int) >= first, v.outside_cost_scale, 1.0)
    items = econ.cost_items.assign(net_cost_mnkr=econ.cost_items["net_cost_mnkr"].astype(float)
                                   * scale)
    outside = items.groupby("year")["net_cost_mnkr"].sum()
    dep = items[items["item"] == "depreciation"].groupby("year")["net_cost_mnkr"].sum()
    rows: list[dict[str, object]] = []
    equity = assets = commitment = None
    for b in econ.budget.sort_values("year").itertuples(index=False):
        y = int(b.year)
        on = y >= first
        rev_scale = v.revenue_scale if on else 1.0
        tax, grants = float(b.tax_revenue_mnkr) * rev_scale, \
            float(b.general_grants_equalisation_mnkr) * rev_scale
        pop = population.revenue_delta(y) if population is not None and on else 0.0
        base = tax + grants + pop
        modelled = float(modelled_cost_mnkr.get(y, 0.0)) * (v.modelled_cost_scale if on else 1.0)
        out_cost = float(outside.get(y, 0.0))
        net = out_cost + modelled
        op = base - net
        fin = (_num(b.financial_income_mnkr) or 0.0) - (_num(b.financial_costs_mnkr) or 0.0)
        year_result = op + fin
        given = _num(b.balanced_result_mnkr)
        balanced = given if given is not None else \
            year_result + (_num(b.pension_return_adjustment_mnkr) or 0.0)
        cash = _num(b.operating_cash_flow_mnkr)
        if cash is None:
            cash = year_result + float(dep.get(y, 0.0))
        e, a, c = _num(b.equity_mnkr), _num(b.total_assets_mnkr), \
            _num(b.pension_commitment_mnkr)
        equity = e if e is not None else (None if equity is None else equity + year_result)
        assets = a if a is not None else (None if assets is None else assets + year_result)
        commitment = c if c is not None else commitment
        ratio = ((equity - commitment) / assets
                 if equity is not None and commitment is not None and assets else None)
        rows.append({
            "year": y, "status": b.status, "tax_revenue_mnkr": tax,
            "general_grants_equalisation_mnkr": grants, "population_revenue_mnkr": pop,
            "revenue_base_mnkr": base,
            "targeted_grants_mnkr": _num(b.targeted_grants_mnkr) or 0.0,
            "outside_cost_mnkr": out_cost, "modelled_cost_mnkr": modelled,
            "net_cost_mnkr": net, "operating_result_mnkr": op,
            "operating_result_share_pu": op / base if base else np.nan,
            "financial_net_mnkr": fin, "year_result_mnkr": year_result,
            "balanced_result_mnkr": balanced, "balanced_result_given": given is not None,
            "exempt_mnkr": _num(b.exempt_mnkr) or 0.0,
            "investments_mnkr": _num(b.investments_mnkr),
            "operating_cash_flow_mnkr": cash, "equity_mnkr": equity, "total_assets_mnkr": assets,
            "pension_commitment_mnkr": commitment,
            "equity_ratio_incl_pension_pu": ratio,
            "interest_bearing_debt_mnkr": _num(b.interest_bearing_debt_mnkr),
            "pension_assets_mnkr": _num(b.pension_assets_mnkr),
            "pension_liability_mnkr": _num(b.pension_liability_mnkr),
            "modelled_cost_source": modelled_source if y in modelled_cost_mnkr else "none",
        })
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    return ResultsBudget(table, items[["year", "item", "net_cost_mnkr"]].reset_index(drop=True))
