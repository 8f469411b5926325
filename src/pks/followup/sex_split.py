r"""Follow-up by legal sex (R-23): demand, production, waiting list and outcomes per node.

The actuals (and the history) carry a ``sex`` column per unit, care type and week. For a
node :math:`n`, a sex :math:`s` and the weeks :math:`w_0..w_1`:

* demand :math:`D_{n,s} = \sum_{u \in n} \sum_{w=w_0}^{w_1} \text{referrals}_{u,s,w}`;
* production :math:`P_{n,s}` likewise from ``production_cases`` (flows are summed);
* waiting list :math:`L_{n,s}` and past the guarantee :math:`G_{n,s}` at :math:`w_1` (stocks);
* outcome: the share past the guarantee :math:`g_{n,s} = G_{n,s} / L_{n,s}`;
* each sex's share of the node's production, :math:`P_{n,s} / \sum_{s'} P_{n,s'}`.

The equality gap (the *Samhälle* perspective of the scorecard) is
:math:`g_{n,\text{female}} - g_{n,\text{male}}`: positive when women wait past the
guarantee more often than men. Every figure is summed over the units below a node, so a
higher level is the sum of the levels below (R-24).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.data.tree import OrgTree, roll_up

SEXES: tuple[str, ...] = ("female", "male")
FLOW_COLUMNS: tuple[str, ...] = ("referrals_cases", "production_cases")
STOCK_COLUMNS: tuple[str, ...] = ("waiting_list_cases", "waiting_over_guarantee_cases")
SPLIT_COLUMNS: list[str] = ["node_id", "sex", *FLOW_COLUMNS, *STOCK_COLUMNS,
                            "past_guarantee_pu", "production_share_pu"]


def sex_split(actuals: pd.DataFrame, tree: OrgTree, first_week: str, last_week: str
              ) -> pd.DataFrame:
    """Demand, production, waiting list and share past the guarantee per node and sex.

    ``actuals`` has the columns of ``actuals_production`` (or ``demand_history``). Flows are
    summed over ``first_week..last_week``; stocks are those of ``last_week``.

    Returns
    -------
    DataFrame
        :data:`SPLIT_COLUMNS`, one row per node with reported units and per sex (both sexes
        listed, zero where a sex has no rows).
    """
    a = actuals[(actuals["week"].astype(str) >= first_week)
                & (actuals["week"].astype(str) <= last_week)]
    if a.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c in ("node_id", "sex")
                                          else "float64") for c in SPLIT_COLUMNS})
    flows = a.groupby(["unit_id", "sex"], as_index=False)[list(FLOW_COLUMNS)].sum()
    last = a[a["week"].astype(str) == last_week]
    stocks = last.groupby(["unit_id", "sex"], as_index=False)[list(STOCK_COLUMNS)].sum()
    per_unit = flows.merge(stocks, on=["unit_id", "sex"], how="outer")
    cols = [*FLOW_COLUMNS, *STOCK_COLUMNS]
    per_unit[cols] = per_unit[cols].fillna(0.0)
    nodes = roll_up(per_unit, tree, cols, by=["sex"])
    full = pd.MultiIndex.from_product([nodes["node_id"].unique(), SEXES],
                                      names=["node_id", "sex"])
    out = nodes.set_index(["node_id", "sex"]).reindex(full, fill_value=0.0).reset_index()
    out["past_guarantee_pu"] = out["waiting_over_guarantee_cases"] / out[
        "waiting_list_cases"].where(out["waiting_list_cases"] > 0)
    total = out.groupby("node_id")["production_cases"].transform("sum")
    out["production_share_pu"] = out["production_cases"] / total.where(total > 0)
    return out[SPLIT_COLUMNS].reset_index(drop=True)


def equality_gap(split: pd.DataFrame) -> pd.DataFrame:
    """Share past the guarantee of women minus that of men, per node (``gap_pu``).

    Missing (NaN) where either sex has no one waiting.
    """
    if split.empty:
        return pd.DataFrame({"node_id": pd.Series(dtype="object"),
                             "past_guarantee_gap_pu": pd.Series(dtype="float64")})
    wide = split.pivot(index="node_id", columns="sex", values="past_guarantee_pu")
    fem = wide["female"] if "female" in wide else pd.Series(np.nan, index=wide.index)
    male = wide["male"] if "male" in wide else pd.Series(np.nan, index=wide.index)
    return pd.DataFrame({"node_id": wide.index.astype(str),
                         "past_guarantee_gap_pu": (fem - male).to_numpy()}
                        ).reset_index(drop=True)


def forecast_sex_split(forecast_demand: pd.DataFrame, tree: OrgTree, weeks: list[str]
                       ) -> pd.DataFrame:
    r"""Forecast demand per node and sex over ``weeks`` and each sex's share of it.

    :math:`F_{n,s} = \sum_{u \in n} \sum_{w \in \text{weeks}} \text{demand}_{u,s,w}` from the
    forecast's ``demand_cases`` (table ``forecast_demand``), and :math:`F_{n,s} / \sum_{s'}
    F_{n,s'}`.

    Returns
    -------
    DataFrame
        ``node_id, sex, forecast_demand_cases, forecast_share_pu``.
    """
    cols = ["node_id", "sex", "forecast_demand_cases", "forecast_share_pu"]
    f = forecast_demand[forecast_demand["week"].astype(str).isin(set(weeks))]
    if f.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c in ("node_id", "sex")
                                          else "float64") for c in cols})
    per_unit = f.groupby(["unit_id", "sex"], as_index=False)["demand_cases"].sum()
    out = roll_up(per_unit, tree, ["demand_cases"], by=["sex"]).rename(
        columns={"demand_cases": "forecast_demand_cases"})
    total = out.groupby("node_id")["forecast_demand_cases"].transform("sum")
    out["forecast_share_pu"] = out["forecast_demand_cases"] / total.where(total > 0)
    return out[cols].reset_index(drop=True)
