r"""What binding frames hold back: the money that would give the care they cannot fund.

With ``frames: binding`` a plan never spends above a frame; care the frame cannot fund
shows as care not given. To say what reallocation would let it be given (R-36), the level
is solved once more with the same data and the frames made free to overrun (``frames:
soft`` at price 0, still care first, then least real cost). For each frame node and year
that binds in the plan:

.. math::

   \\text{need}_{ny} = \\max\\big(N^{free}_{ny} - R_{ny} - \\gamma_{ny},\\ 0\\big)

the net cost of the care-first plan above the frame (less any unavoidable overrun
:math:`\\gamma` already in the plan), with the cases it would produce more and the
case-weeks past the acceptable wait or over the guarantee queue it would avoid in the
node's units that year. The proposal in the six-step order then finances these needs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.data.tree import OrgTree

NEED_COLUMNS = ["node_id", "year", "frame_sek", "net_cost_sek", "net_cost_care_first_sek",
                "funding_need_sek", "cases_given", "case_weeks_avoided"]


def _by_node_year(df: pd.DataFrame | None, col: str, under: dict[str, set[str]]
                  ) -> dict[tuple[str, int], float]:
    out: dict[tuple[str, int], float] = {}
    if df is None or df.empty or col not in df:
        return out
    s = df.groupby(["unit_id", "year"])[col].sum()
    for node, units in under.items():
        sub = s[s.index.get_level_values(0).isin(units)]
        for y, v in sub.groupby(level=1).sum().items():
            out[(node, int(y))] = float(v)
    return out


def frame_need(plan: dict[str, pd.DataFrame], care_first: dict[str, pd.DataFrame],
               org_nodes: pd.DataFrame, tol_sek: float = 1.0) -> pd.DataFrame:
    """Table ``plan_frame_need`` (:data:`NEED_COLUMNS`) of a plan and its care-first twin.

    Empty when no binding frame holds care back.
    """
    c1, c2 = plan.get("plan_cost"), care_first.get("plan_cost")
    if c1 is None or c2 is None or c1.empty or "kind" not in c1:
        return pd.DataFrame(columns=NEED_COLUMNS)
    f1 = c1[c1["kind"] == "frame"]
    f2 = c2[c2["kind"] == "frame"].set_index(["node_id", "year"])["net_cost_sek"]
    binding = f1[f1["net_cost_sek"] >= f1["frame_sek"] + f1["frame_gap_sek"] - tol_sek]
    if binding.empty:
        return pd.DataFrame(columns=NEED_COLUMNS)
    tree = OrgTree(org_nodes)
    under = {str(n): set(tree.leaves_under(str(n))) for n in binding["node_id"].unique()}

    def given(t: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
        p = t.get("plan_production")
        return None if p is None else p.assign(_given=p["production_cases"]
                                               + p["external_cases"])

    def waiting(t: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
        p = t.get("plan_production")
        if p is None:
            return None
        out = p[["unit_id", "year", "over_max_wait_case_weeks"]].rename(
            columns={"over_max_wait_case_weeks": "_w"})
        g = t.get("plan_guarantee")
        if g is not None and not g.empty:
            out = pd.concat([out, g[["unit_id", "year", "guarantee_breach_case_weeks"]].rename(
                columns={"guarantee_breach_case_weeks": "_w"})], ignore_index=True)
        return out

    g1, g2 = _by_node_year(given(plan), "_given", under), \
        _by_node_year(given(care_first), "_given", under)
    w1, w2 = _by_node_year(waiting(plan), "_w", under), \
        _by_node_year(waiting(care_first), "_w", under)
    rows = []
    for r in binding.itertuples():
        key = (str(r.node_id), int(r.year))
        free = float(f2.get((r.node_id, r.year), np.nan))
        need = max(free - float(r.frame_sek) - float(r.frame_gap_sek), 0.0) \
            if np.isfinite(free) else 0.0
        if need <= tol_sek:
            continue
        rows.append((key[0], key[1], float(r.frame_sek), float(r.net_cost_sek), free, need,
                     g2.get(key, 0.0) - g1.get(key, 0.0), w1.get(key, 0.0) - w2.get(key, 0.0)))
    return pd.DataFrame(rows, columns=NEED_COLUMNS)


def need_as_gaps(cost: pd.DataFrame, need: pd.DataFrame) -> pd.DataFrame:
    """``plan_cost`` with each frame's gap raised by its funding need.

    That is the amount the six-step proposal must find.
    """
    if need.empty:
        return cost
    add = need.set_index(["node_id", "year"])["funding_need_sek"]
    out = cost.copy()
    fr = out["kind"] == "frame"
    extra = [float(add.get((n, y), 0.0)) for n, y in
             zip(out.loc[fr, "node_id"], out.loc[fr, "year"], strict=True)]
    out.loc[fr, "frame_gap_sek"] = out.loc[fr, "frame_gap_sek"].to_numpy(float) + np.array(extra)
    out.loc[fr, "net_cost_sek"] = out.loc[fr, "net_cost_sek"].to_numpy(float) + np.array(extra)
    return out
