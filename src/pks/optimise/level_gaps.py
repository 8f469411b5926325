r"""Why two planning levels disagree about a unit: the gap and its four reasons (pure).

For one pair of levels (upper *U*, lower *L*: strategic → tactical or tactical →
operative) and a common period (the budget year, or the operative window), each unit has
a value :math:`x` of four metrics in each plan:

* ``unmet_case_weeks`` — case-weeks past the medically acceptable wait
  (``plan_production.over_max_wait_case_weeks`` summed over the period);
* ``unmet_acute_cases`` — acute cases not given (``acute_unmet_cases`` summed);
* ``fte`` — FTE, all staff categories (``plan_staff.fte`` averaged over the period's
  weeks, summed over categories);
* ``net_cost_sek`` — real net cost (``plan_cost`` row ``kind == "unit"`` of the year;
  operative plans carry no cost, the metric is then left out).

The difference :math:`x_L - x_U` is attributed to four reasons by a chain of plans in
which one factor is switched at a time, in this fixed order:

.. math::

   A &= U \text{ as planned (pooled when the strategic level plans areas or divisions)} \\
   B &= U \text{ re-solved per unit} &\text{pooling} &= x_B - x_A \\
   C &= L \text{ solved with no hand-off (its own horizon and period grid)}
     &\text{horizon} &= x_C - x_B \\
   D &= L \text{ solved with } A \text{ handed off} &\text{hand-off} &= x_D - x_C \\
   E &= L \text{ as planned (its own, later data)} &\text{new actuals} &= x_E - x_D

The chain telescopes, so the four parts sum exactly to :math:`x_E - x_A`, the gap. The
order is documented and fixed (pooling first, new actuals last), so an attribution is
reproducible; like every one-at-a-time decomposition it depends on the order where
factors interact. Where an LP optimum is not unique, the re-solved plans B–D are one of
the optimal plans, as the level itself would produce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

METRICS: tuple[str, ...] = ("unmet_case_weeks", "unmet_acute_cases", "fte", "net_cost_sek")
"""The compared metrics, each in the unit its name carries."""
REASONS: tuple[str, ...] = ("pooling", "horizon", "handoff", "new_actuals")
"""The reasons in the fixed attribution order (chain steps A→B, B→C, C→D, D→E)."""
STEPS: tuple[str, ...] = ("A", "B", "C", "D", "E")
"""Chain plans: A upper as planned … E lower as planned."""
GAP_COLUMNS: tuple[str, ...] = ("unit_id", "metric", "upper_value", "lower_value", "gap",
                                *REASONS)


@dataclass(frozen=True)
class Period:
    """The common period of a pair of levels: ``year`` and the ``weeks`` compared."""

    year: int
    weeks: tuple[str, ...]


def _rows_in(df: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rows of a plan table inside the period (strategic rows are whole years)."""
    wk = df["week"].astype(str)
    yearly = ~wk.str.contains("-W")
    return df[(yearly & (df["year"].astype(int) == period.year))
              | (~yearly & wk.isin(period.weeks))]


def unit_metrics(tables: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """Per unit and metric the plan's value over ``period``: columns ``unit_id, metric, value``.

    ``fte`` is the mean over the period's rows of each staff category's FTE, summed over
    categories (a strategic year row is its own mean). Missing tables or columns give no
    rows for that metric rather than a zero.
    """
    out: list[pd.DataFrame] = []
    prod = tables.get("plan_production")
    if prod is not None and not prod.empty:
        p = _rows_in(prod, period)
        for metric, col in (("unmet_case_weeks", "over_max_wait_case_weeks"),
                            ("unmet_acute_cases", "acute_unmet_cases")):
            if col in p.columns:
                s = p.groupby("unit_id")[col].sum()
                out.append(pd.DataFrame({"unit_id": s.index, "metric": metric,
                                         "value": s.to_numpy(float)}))
    staff = tables.get("plan_staff")
    if staff is not None and not staff.empty and "fte" in staff.columns:
        s = _rows_in(staff, period).groupby(["unit_id", "staff_category"])["fte"].mean()
        s = s.groupby(level="unit_id").sum()
        out.append(pd.DataFrame({"unit_id": s.index, "metric": "fte",
                                 "value": s.to_numpy(float)}))
    cost = tables.get("plan_cost")
    if cost is not None and not cost.empty and "kind" in cost.columns:
        c = cost[(cost["kind"] == "unit") & (cost["year"].astype(int) == period.year)]
        s = c.groupby("node_id")["net_cost_sek"].sum()
        out.append(pd.DataFrame({"unit_id": s.index, "metric": "net_cost_sek",
                                 "value": s.to_numpy(float)}))
    if not out:
        return pd.DataFrame(columns=["unit_id", "metric", "value"])
    return pd.concat(out, ignore_index=True)


def attribute(chain: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The gap table from the chain's metrics (``A``..``E``, each from :func:`unit_metrics`).

    Returns ``unit_id, metric, upper_value, lower_value, gap, pooling, horizon, handoff,
    new_actuals`` with ``gap = lower_value − upper_value`` = the sum of the four parts.
    Only unit × metric pairs present in both A and E are compared; a pair missing at an
    intermediate step (a metric that level does not report) fails clearly.

    Examples
    --------
    >>> mk = lambda v: pd.DataFrame({"unit_id": ["u"], "metric": ["fte"], "value": [v]})
    >>> g = attribute({"A": mk(10.0), "B": mk(11.0), "C": mk(14.0), "D": mk(13.0),
    ...                "E": mk(13.5)})
    >>> g[["gap", *REASONS]].iloc[0].tolist()
    [3.5, 1.0, 3.0, -1.0, 0.5]
    """
    missing = [s for s in STEPS if s not in chain]
    if missing:
        raise ValueError(f"the gap chain lacks the plans {missing}")
    idx = ["unit_id", "metric"]
    vals = {s: chain[s].set_index(idx)["value"].astype(float) for s in STEPS}
    keys = vals["A"].index.intersection(vals["E"].index)
    lacking = {s: [k for k in keys if k not in vals[s].index] for s in ("B", "C", "D")}
    lacking = {s: v for s, v in lacking.items() if v}
    if lacking:
        raise ValueError(f"the gap chain's plans lack unit × metric values: {lacking}")
    x = {s: vals[s].reindex(keys).to_numpy(float) for s in STEPS}
    res = pd.DataFrame(list(keys), columns=idx)
    res["upper_value"] = x["A"]
    res["lower_value"] = x["E"]
    res["gap"] = x["E"] - x["A"]
    for reason, (a, b) in zip(REASONS, zip(STEPS[:-1], STEPS[1:], strict=True), strict=True):
        res[reason] = x[b] - x[a]
    return res.sort_values(idx, ignore_index=True)[list(GAP_COLUMNS)]


def top_gaps(gaps: pd.DataFrame, metric: str, n: int, tolerance: float = 0.5) -> pd.DataFrame:
    """The ``n`` largest gaps of ``metric`` by absolute size, ignoring ``|gap| ≤ tolerance``."""
    g = gaps[(gaps["metric"] == metric) & (gaps["gap"].abs() > tolerance)]
    order = np.argsort(-g["gap"].abs().to_numpy(float), kind="stable")
    return g.iloc[order[:n]].reset_index(drop=True)


def check_sums(gaps: pd.DataFrame, rtol: float = 1e-9) -> Sequence[str]:
    """Unit × metric rows whose four parts do not sum to the gap (empty when all do)."""
    parts = gaps[list(REASONS)].sum(axis=1).to_numpy(float)
    gap = gaps["gap"].to_numpy(float)
    bad = ~np.isclose(parts, gap, rtol=rtol, atol=1e-6)
    return [f"{u}/{m}" for u, m in gaps.loc[bad, ["unit_id", "metric"]].itertuples(index=False)]
