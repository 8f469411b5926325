r"""KPP cost per DRG point per somatic unit against a national benchmark (R-32).

For a unit :math:`u` over the weeks :math:`w_0..w_1`:

.. math::

    \text{DRG points}_u = \sum_{c, s, w} \text{production}_{u,c,s,w} \cdot \text{drg}_{u,c},
    \qquad k_u = \frac{\sum_w \text{cost}_{u,w}}{\text{DRG points}_u}

with ``production_cases`` from ``actuals_production``, the DRG weight from ``care_types`` and
the booked net cost from ``actuals_unit``. The gap to the benchmark :math:`B` (the national
average for county and district hospitals, a configured value with its source) is
:math:`(k_u - B) / B`. Light: green when :math:`k_u \le B`, amber when
:math:`B < k_u \le B (1 + m)`, red above, with :math:`m` the configured red margin. A unit
with ``kpp_exception`` in ``unit_finance`` (a documented reason for a higher cost, e.g.
Malmfälten) is never red: its light is ``flagged``. Units under the configured excluded
nodes (psychiatry, primary care: not somatic) and units without DRG points are left out.
A node's figure is the sum of cost over the sum of points of the compared units below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pks.data.tree import OrgTree, roll_up

KPP_COLUMNS: list[str] = ["unit_id", "cost_sek", "drg_points", "cost_per_drg_point_sek",
                          "benchmark_sek_per_drg_point", "gap_pu", "kpp_exception", "light"]


@dataclass(frozen=True)
class KppBenchmark:
    """The national KPP benchmark: SEK per DRG point, its source and the red margin."""

    sek_per_drg_point: float
    source: str
    red_margin_pu: float


def kpp_light(gap_pu: float, exception: bool, red_margin_pu: float) -> str:
    """Light of one unit: ``flagged`` for an exception, else green / amber / red."""
    if exception:
        return "flagged"
    if pd.isna(gap_pu):
        return "none"
    if gap_pu <= 0:
        return "green"
    return "amber" if gap_pu <= red_margin_pu else "red"


def somatic_units(unit_ids: Iterable[str], tree: OrgTree, excluded: Iterable[str]
                  ) -> list[str]:
    """Units not under any of the ``excluded`` nodes."""
    known = set(tree.nodes["node_id"].astype(str))
    out_of_scope = {u for n in excluded if n in known for u in tree.leaves_under(n)}
    return [u for u in unit_ids if u not in out_of_scope]


def kpp_by_unit(actuals_production: pd.DataFrame, actuals_unit: pd.DataFrame,
                care_types: pd.DataFrame, unit_finance: pd.DataFrame, units: Iterable[str],
                first_week: str, last_week: str, bm: KppBenchmark) -> pd.DataFrame:
    """Cost per DRG point of each of ``units`` over ``first_week..last_week``.

    Returns
    -------
    DataFrame
        :data:`KPP_COLUMNS`, one row per unit with DRG points in the period.
    """
    keep = set(units)
    ap = actuals_production[(actuals_production["week"].astype(str) >= first_week)
                            & (actuals_production["week"].astype(str) <= last_week)
                            & actuals_production["unit_id"].isin(keep)]
    au = actuals_unit[(actuals_unit["week"].astype(str) >= first_week)
                      & (actuals_unit["week"].astype(str) <= last_week)
                      & actuals_unit["unit_id"].isin(keep)]
    w = ap.merge(care_types[["unit_id", "care_type", "drg_weight"]],
                 on=["unit_id", "care_type"], how="left")
    w["drg_points"] = w["production_cases"] * w["drg_weight"].fillna(0.0)
    pts = w.groupby("unit_id", as_index=False)["drg_points"].sum()
    cost = au.groupby("unit_id", as_index=False)["cost_sek"].sum()
    out = cost.merge(pts, on="unit_id", how="inner")
    out = out[out["drg_points"] > 0].copy()
    exc = dict(zip(unit_finance["unit_id"].astype(str),
                   unit_finance["kpp_exception"].astype(bool), strict=True))
    out["kpp_exception"] = out["unit_id"].astype(str).map(exc).fillna(False).astype(bool)
    return _judge(out, bm)


def _judge(out: pd.DataFrame, bm: KppBenchmark) -> pd.DataFrame:
    out = out.copy()
    out["cost_per_drg_point_sek"] = out["cost_sek"] / out["drg_points"]
    out["benchmark_sek_per_drg_point"] = bm.sek_per_drg_point
    out["gap_pu"] = (out["cost_per_drg_point_sek"] - bm.sek_per_drg_point) / (
        bm.sek_per_drg_point if bm.sek_per_drg_point > 0 else np.nan)
    out["light"] = [kpp_light(g, bool(e), bm.red_margin_pu)
                    for g, e in zip(out["gap_pu"], out["kpp_exception"], strict=True)]
    return out[KPP_COLUMNS].sort_values("unit_id").reset_index(drop=True)


def kpp_by_node(per_unit: pd.DataFrame, tree: OrgTree, bm: KppBenchmark) -> pd.DataFrame:
    """Cost per DRG point of each node: its compared units' cost over their points.

    A node is flagged only when every compared unit below it is an exception.
    """
    cols = ["cost_sek", "drg_points"]
    if per_unit.empty:
        return per_unit.rename(columns={"unit_id": "node_id"})
    nodes = roll_up(per_unit, tree, cols)
    n_units = roll_up(per_unit.assign(_n=1, _e=per_unit["kpp_exception"].astype(int)), tree,
                      ["_n", "_e"])
    nodes = nodes.merge(n_units, on="node_id")
    nodes["kpp_exception"] = nodes["_e"] == nodes["_n"]
    return _judge(nodes.drop(columns=["_n", "_e"]).rename(columns={"node_id": "unit_id"}),
                  bm).rename(columns={"unit_id": "node_id"})
