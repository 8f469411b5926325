"""Strategic planning per area or division: units pooled into their organisation node.

``build.strategic_by: area`` (or ``division``) plans the strategic level on pooled units:
every unit joins its nearest ancestor of that node type (a unit without one stays alone),
the pooled node becomes the producing unit of the strategic model, and the plan is split
back to the units for storage, the dashboard and the hand-off to the tactical level, which
plans per unit as before. Pure functions: ``PlanningData`` and demand in, pooled data,
demand and allocation shares out.

Pooling rules (``d`` = a unit's demand of the care type over the horizon, ``f`` = its
staffing target in FTE of the category):

* organisation: the member units (and any nodes between them and their group) are
  removed, so the group is a leaf; frames set on removed nodes are dropped, frames on the
  group and above stay;
* care types (group × care-type name): external capacity summed; length of stay, theatre
  hours, DRG weight, variable cost and revenue per case ``d``-weighted; external price
  weighted by external capacity; kind, acute flag and guarantee stage of the largest line;
* priority classes: shares ``d``-weighted (they still sum to 1), medically acceptable wait
  weighted by class demand (rounded to days);
* resource use: hours per case ``d``-weighted over the members that have the care type (a
  member without the staff category counts 0 hours);
* staffing: FTE, agency hours and recruitment limits summed; cost per FTE, overtime and
  agency factors, overtime limit and attrition ``f``-weighted; availability ``f``-weighted
  per week; beds and theatre hours summed per week; finance summed;
* demand, demand history summed; age profiles ``d``-weighted.

Pooling is optimistic where members cannot really share staff or beds (a pooled ward's
Erlang occupancy ceiling is higher than its parts'): the strategic level sets trajectories
and frames, the tactical level then plans each unit with its own capacity.

Splitting back (:func:`split_tables`): production, waiting lists and guarantee rows by the
unit's share of the group's demand of the care type; FTE and staff hours by its share of
the group's staffing target in the category; beds by its share of staffed beds; net cost
by its share of the group's base cost (staffing target × cost per FTE + fixed cost).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree

UC = ["unit_id", "care_type"]
US = ["unit_id", "staff_category"]
TINY = 1e-9


@dataclass(frozen=True)
class Pooled:
    """Pooled data and demand, and the shares that split a pooled plan back to units."""

    data: PlanningData
    demand: pd.DataFrame
    groups: Mapping[str, str]
    """unit_id → group node id (the unit itself when it has no group)."""
    care_share: pd.DataFrame
    """group, care_type, unit_id, share_pu."""
    staff_share: pd.DataFrame
    """group, staff_category, unit_id, share_pu."""
    bed_share: pd.DataFrame
    """group, unit_id, share_pu."""
    cost_share: pd.DataFrame
    """group, unit_id, share_pu."""


def unit_groups(org_nodes: pd.DataFrame, unit_ids: list[str],
                by: Literal["area", "division"]) -> dict[str, str]:
    """Each unit's nearest ancestor of node type ``by`` (itself if there is none)."""
    tree = OrgTree(org_nodes)
    return {u: tree.ancestor_of_type(u, by) or u for u in unit_ids}


def _wmean(df: pd.DataFrame, keys: list[str], cols: list[str], w: str) -> pd.DataFrame:
    """``w``-weighted means of ``cols`` per ``keys`` (plain means where all weights are 0)."""
    ww = df[w].to_numpy(float) + TINY
    tmp = df[keys].copy()
    tmp["_w"] = ww
    for c in cols:
        tmp[c] = df[c].to_numpy(float) * ww
    g = tmp.groupby(keys, as_index=False, sort=True)[[*cols, "_w"]].sum()
    for c in cols:
        g[c] = g[c] / g["_w"]
    return g.drop(columns="_w")


def _first_of_largest(df: pd.DataFrame, keys: list[str], cols: list[str], w: str
                      ) -> pd.DataFrame:
    return df.sort_values(w, ascending=False, kind="stable").groupby(
        keys, as_index=False, sort=True)[cols].first()


def pool(data: PlanningData, demand: pd.DataFrame, by: Literal["area", "division"]) -> Pooled:
    """Pool the units of ``data`` into their ``by`` nodes (see the module docstring)."""
    groups = unit_groups(data.org_nodes, data.unit_ids, by)
    g_of = pd.Series(groups, name="group")

    def grouped(df: pd.DataFrame) -> pd.DataFrame:
        return df.assign(group=df["unit_id"].map(g_of)).dropna(subset=["group"])

    d_uc = demand.groupby(UC, as_index=False)["demand_cases"].sum()
    ct = grouped(data.care_types).merge(d_uc, on=UC, how="left").fillna({"demand_cases": 0.0})
    ct["d"] = ct["demand_cases"]

    # care types
    per_case = ["mean_los_days", "theatre_h_per_case", "drg_weight",
                "variable_cost_sek_per_case", "revenue_sek_per_case"]
    gk = ["group", "care_type"]
    ct_p = _first_of_largest(ct, gk, ["care_type_kind", "acute", "guarantee_stage"], "d")
    ct_p = ct_p.merge(_wmean(ct, gk, per_case, "d"), on=gk)
    ct_p = ct_p.merge(_wmean(ct, gk, ["external_price_sek_per_case"],
                             "external_cases_per_week_max"), on=gk)
    ct_p = ct_p.merge(ct.groupby(gk, as_index=False)["external_cases_per_week_max"].sum(), on=gk)
    d_g = ct.groupby(gk, as_index=False)["d"].sum().rename(columns={"d": "d_group"})

    # priority classes and resource use: weighted over the members that have the care type
    pr = grouped(data.care_type_priorities).merge(ct[[*UC, "d"]], on=UC)
    pr["dw"] = pr["d"] + TINY
    pr["share_w"] = pr["share_pu"] * pr["dw"]
    pr["wait_w"] = pr["max_wait_days"] * pr["share_w"]
    den = ct.assign(dw=ct["d"] + TINY).groupby(gk, as_index=False)["dw"].sum()
    prg = pr.groupby([*gk, "priority_class"], as_index=False)[["share_w", "wait_w"]].sum()
    prg = prg.merge(den, on=gk)
    prg["share_pu"] = prg["share_w"] / prg["dw"]
    prg["max_wait_days"] = np.rint(prg["wait_w"] / prg["share_w"].where(
        prg["share_w"] > 0, 1.0)).astype(int)
    ru = grouped(data.resource_use).merge(ct[[*UC, "d"]], on=UC)
    ru["h_w"] = ru["staff_h_per_case"] * (ru["d"] + TINY)
    rug = ru.groupby([*gk, "staff_category"], as_index=False)["h_w"].sum().merge(den, on=gk)
    rug["staff_h_per_case"] = rug["h_w"] / rug["dw"]

    # staffing
    st = grouped(data.staffing)
    sk = ["group", "staff_category"]
    summed = ["staffing_target_fte", "agency_h_per_week_max", "recruitment_fte_per_year_max"]
    st_p = st.groupby(sk, as_index=False)[summed].sum().merge(_wmean(
        st, sk, ["cost_sek_per_fte_year", "overtime_cost_factor_pu",
                 "overtime_h_per_fte_year_max", "agency_cost_factor_pu",
                 "attrition_pu_per_year"], "staffing_target_fte"), on=sk)
    av = grouped(data.staff_availability).merge(
        data.staffing[[*US, "staffing_target_fte"]], on=US, how="left").fillna(
        {"staffing_target_fte": 0.0})
    av_p = _wmean(av, [*sk, "week"], ["vacation_pu", "sick_leave_pu", "training_pu"],
                  "staffing_target_fte")
    cap_p = grouped(data.unit_capacity).groupby(["group", "week"], as_index=False)[
        ["staffed_beds", "theatre_h_per_week"]].sum()
    fin = grouped(data.unit_finance)
    fin_p = fin.groupby("group", as_index=False)[
        ["fixed_cost_sek_per_year", "capitation_revenue_sek_per_year"]].sum()
    fin_p = fin_p.merge(_first_of_largest(fin, ["group"], ["funding_mode"],
                                          "fixed_cost_sek_per_year"), on="group")
    fin_p["kpp_exception"] = fin_p["group"].map(fin.groupby("group")["kpp_exception"].any())

    # demand
    dh = grouped(data.demand_history)
    num = [c for c in dh.columns if c.endswith("_cases")]
    dh_p = dh.groupby(["group", "care_type", "week", "sex"], as_index=False)[num].sum()
    ap = grouped(data.demand_age_profile).merge(ct[[*UC, "d"]], on=UC) \
        if not data.demand_age_profile.empty else None
    if ap is not None:
        ap["s_w"] = ap["share_pu"] * (ap["d"] + TINY)
        ap_p = ap.groupby([*gk, "sex", "age_band"], as_index=False)["s_w"].sum().merge(den, on=gk)
        ap_p["share_pu"] = ap_p["s_w"] / ap_p["dw"]
        ap_p = ap_p.drop(columns=["s_w", "dw"])
    dem = grouped(demand).groupby(["group", "care_type", "week"], as_index=False)[
        "demand_cases"].sum()

    # organisation and frames
    tree = OrgTree(data.org_nodes)
    removed: set[str] = set()
    for g in set(groups.values()):
        if any(u != g for u, gg in groups.items() if gg == g):
            removed.update(tree.descendants(g))
    org = data.org_nodes[~data.org_nodes["node_id"].isin(removed)].reset_index(drop=True)
    bf = data.budget_frames[~data.budget_frames["node_id"].isin(removed)].reset_index(drop=True)

    def as_unit(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        return df.rename(columns={"group": "unit_id"})[cols].reset_index(drop=True)

    pooled = replace(
        data, org_nodes=org, budget_frames=bf,
        care_types=as_unit(ct_p, list(data.care_types.columns)),
        care_type_priorities=as_unit(prg, list(data.care_type_priorities.columns)),
        resource_use=as_unit(rug, list(data.resource_use.columns)),
        staffing=as_unit(st_p, list(data.staffing.columns)),
        staff_availability=as_unit(av_p, list(data.staff_availability.columns)),
        unit_capacity=as_unit(cap_p, list(data.unit_capacity.columns)),
        unit_finance=as_unit(fin_p, list(data.unit_finance.columns)),
        demand_history=as_unit(dh_p, list(data.demand_history.columns)),
        demand_age_profile=as_unit(ap_p, list(data.demand_age_profile.columns))
        if ap is not None else data.demand_age_profile,
        actuals_production=data.actuals_production.iloc[0:0],
        actuals_staff=data.actuals_staff.iloc[0:0], actuals_unit=data.actuals_unit.iloc[0:0])

    # shares for splitting back
    care = ct[["group", "care_type", "unit_id", "d"]].merge(d_g, on=gk)
    n_members = care.groupby(gk)["unit_id"].transform("count")
    care["share_pu"] = np.where(care["d_group"] > 0, care["d"] / care["d_group"].where(
        care["d_group"] > 0, 1.0), 1.0 / n_members)
    staff = st[["group", "staff_category", "unit_id", "staffing_target_fte"]].copy()
    tot = staff.groupby(sk)["staffing_target_fte"].transform("sum")
    cnt = staff.groupby(sk)["unit_id"].transform("count")
    staff["share_pu"] = np.where(tot > 0, staff["staffing_target_fte"] / tot.where(tot > 0, 1.0),
                                 1.0 / cnt)
    beds = grouped(data.unit_capacity).groupby(["group", "unit_id"], as_index=False)[
        "staffed_beds"].mean() if not data.unit_capacity.empty else \
        pd.DataFrame({"group": [], "unit_id": [], "staffed_beds": []})
    beds = _shares(beds, "staffed_beds")
    base = st.assign(c=st["staffing_target_fte"] * st["cost_sek_per_fte_year"]).groupby(
        ["group", "unit_id"], as_index=False)["c"].sum()
    base = base.merge(fin[["unit_id", "fixed_cost_sek_per_year"]], on="unit_id", how="left")
    base["c"] = base["c"] + base["fixed_cost_sek_per_year"].fillna(0.0)
    cost = _shares(base, "c")
    return Pooled(pooled, dem.rename(columns={"group": "unit_id"}), groups,
                  care[["group", "care_type", "unit_id", "share_pu"]],
                  staff[["group", "staff_category", "unit_id", "share_pu"]],
                  beds[["group", "unit_id", "share_pu"]], cost[["group", "unit_id", "share_pu"]])


def _shares(df: pd.DataFrame, col: str) -> pd.DataFrame:
    tot = df.groupby("group")[col].transform("sum")
    cnt = df.groupby("group")["unit_id"].transform("count")
    return df.assign(share_pu=np.where(tot > 0, df[col] / tot.where(tot > 0, 1.0), 1.0 / cnt))


def _additive(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if pd.api.types.is_float_dtype(df[c])
            and not c.endswith("_pu") and c not in ("year", "priority_class")]


def _split(df: pd.DataFrame, shares: pd.DataFrame, on: list[str], key: str = "unit_id"
           ) -> pd.DataFrame:
    """Rows of groups split over their members by ``share_pu`` (additive columns scaled)."""
    s = shares.rename(columns={"unit_id": "_member"})
    m = df.rename(columns={key: "group"}).merge(s, on=["group", *on], how="inner")
    for c in _additive(df):
        m[c] = m[c] * m["share_pu"]
    return m.drop(columns=["group", "share_pu"]).rename(columns={"_member": key})[
        list(df.columns)].reset_index(drop=True)


def split_tables(tables: Mapping[str, pd.DataFrame], pooled: Pooled) -> dict[str, pd.DataFrame]:
    """The per-unit plan tables of a pooled strategic plan (other tables unchanged)."""
    out = dict(tables)
    rules = {"plan_production": (pooled.care_share, ["care_type"]),
             "plan_guarantee": (pooled.care_share, ["care_type"]),
             "plan_staff": (pooled.staff_share, ["staff_category"]),
             "plan_fte": (pooled.staff_share, ["staff_category"]),
             "plan_beds": (pooled.bed_share, [])}
    for name, (shares, on) in rules.items():
        t = tables.get(name)
        if t is not None and "unit_id" in t:
            out[name] = _split(t, shares, on)
    c = tables.get("plan_cost")
    if c is not None and not c.empty:
        unit_rows = c[c["kind"] == "unit"]
        out["plan_cost"] = pd.concat(
            [c[c["kind"] != "unit"], _split(unit_rows, pooled.cost_share, [], key="node_id")],
            ignore_index=True)
    return out
