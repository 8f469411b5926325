"""The tactical model written in linopy, as a peer implementation for the benchmark.

Same inputs (:class:`pks.optimise.inputs.ModelInputs`) and the same formulation as
``pks.optimise.constraints`` in non-strict mode (see their docstrings), written the linopy
way: labelled xarray dimensions (``e`` = unit × care type × class, ``c`` = unit × care type,
``s`` = unit × staff category, ``u`` = unit, ``t`` = week), ``groupby`` sums and
``shift``. Variables that our model leaves out (purchases where nothing can be bought,
lists of acute lines) exist here with zero bounds, so the optimum is the same while the
variable count differs slightly. Objective equality with our route is checked by
``bench_tactical.py`` (and ``tests/optimise/test_benchmark_peer.py``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import xarray as xr

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs


def build_linopy(inp: ModelInputs, cfg: BuildConfig):  # noqa: C901 - one formulation
    import linopy

    try:
        warnings.filterwarnings("ignore", category=linopy.LinopySemanticsWarning)
    except AttributeError:  # pragma: no cover
        pass
    m = linopy.Model()
    uck, uc, st, units = inp.uck, inp.uc, inp.staff, inp.units
    T = inp.grid.n
    wk = xr.DataArray(inp.grid.length_weeks, dims="t")
    E, C, S, U = len(uck), len(uc), len(st), len(units)
    ie, it = pd.RangeIndex(E, name="e"), pd.RangeIndex(T, name="t")
    ic, is_, iu = pd.RangeIndex(C, name="c"), pd.RangeIndex(S, name="s"), pd.RangeIndex(U, name="u")
    acute = xr.DataArray(uck["acute"].to_numpy(bool), dims="e")
    uc_of_e = xr.DataArray(uck["uc_pos"].to_numpy(), dims="e")
    upos = {u: i for i, u in enumerate(units["unit_id"])}
    u_of_e = xr.DataArray(uck["unit_id"].map(upos).to_numpy(), dims="e")
    u_of_s = xr.DataArray(st["unit_id"].map(upos).to_numpy(), dims="s")
    k = uck["priority_class"].to_numpy(int)
    hold = np.array([cfg.holding_cost_sek[min(c, len(cfg.holding_cost_sek)) - 1] for c in k])
    # weighted objective (build.objective: weighted, frames: soft): care at V SEK per
    # weight-1 case-week
    v_care = cfg.care_value_sek_per_case_week
    pen_mw = np.array([cfg.care_weight_max_wait[min(c, len(cfg.care_weight_max_wait)) - 1]
                       for c in k]) * v_care
    demand = xr.DataArray(inp.demand, dims=("e", "t"))
    l0 = xr.DataArray(inp.initial_list, dims="e")

    # production and purchases
    x = m.add_variables(lower=0, coords=[ie, it], name="x")
    price = uc["external_price_sek_per_case"].to_numpy(float)
    emax = uc["external_cases_per_week_max"].to_numpy(float)
    buy = (price > 0) & (emax > 0) & bool(cfg.external)
    ext_ub = xr.DataArray(np.where(buy[uck["uc_pos"].to_numpy()], np.inf, 0.0), dims="e") \
        * xr.ones_like(wk)
    ext = m.add_variables(lower=0, upper=ext_ub.transpose("e", "t"), coords=[ie, it], name="ext")
    bidx = np.flatnonzero(buy)
    if len(bidx):
        eg = ext.groupby(uc_of_e).sum().rename(group="c")
        cap = xr.DataArray(emax, dims="c") * wk
        m.add_constraints(eg.isel(c=bidx) <= cap.isel(c=bidx), name="external_max")
    # lists, acute shortfall
    lst = m.add_variables(lower=0, upper=xr.where(acute, 0.0, np.inf) * xr.ones_like(wk),
                          coords=[ie, it], name="L")
    un = m.add_variables(lower=0, upper=xr.where(acute, np.inf, 0.0) * xr.ones_like(wk),
                         coords=[ie, it], name="unmet")
    rhs = demand + xr.where(xr.DataArray(np.arange(T), dims="t") == 0, l0, 0.0)
    m.add_constraints(lst - lst.shift(t=1) + x + ext + un == rhs, name="balance")
    # max wait
    o = m.add_variables(lower=0, coords=[ie, it], name="over_wait")
    mw = xr.DataArray((uck["demand_cases_per_week"] * uck["max_wait_weeks"]).to_numpy(float),
                      dims="e")
    el = np.flatnonzero(~uck["acute"].to_numpy(bool))
    m.add_constraints((lst - o).isel(e=el) <= (mw * xr.ones_like(wk)).isel(e=el),
                      name="max_wait")
    # guarantee
    q = uc["target_queue_cases"].to_numpy(float)
    gidx = np.flatnonzero(~np.isnan(q) & ~uc["acute"].to_numpy(bool))
    b = m.add_variables(lower=0, coords=[ic, it], name="breach")
    lg = lst.groupby(uc_of_e).sum().rename(group="c")
    if len(gidx):
        m.add_constraints((lg - b).isel(c=gidx) <= (xr.DataArray(np.nan_to_num(q), dims="c")
                                                   * xr.ones_like(wk)).isel(c=gidx),
                          name="guarantee")
    # staff capacity
    fte = st["fte"].to_numpy(float)
    hourly = st["hourly_cost_sek"].to_numpy(float)
    ot_ub = (xr.DataArray(fte * cfg.overtime_h_per_fte_week_max if cfg.overtime else 0 * fte,
                          dims="s") * wk).transpose("s", "t")
    ot = m.add_variables(lower=0, upper=ot_ub, coords=[is_, it], name="overtime")
    ag_ub = (xr.DataArray(st["agency_h_per_week_max"].to_numpy(float) if cfg.agency
                          else 0 * fte, dims="s") * wk).transpose("s", "t")
    ag = m.add_variables(lower=0, upper=ag_ub, coords=[is_, it], name="agency")
    ru = inp.resource_use
    xc = x.groupby(uc_of_e).sum().rename(group="c")
    req = (xc.isel(c=xr.DataArray(ru["uc_pos"].to_numpy(), dims="r"))
           * xr.DataArray(ru["staff_h_per_case"].to_numpy(float), dims="r"))
    req_s = req.groupby(xr.DataArray(ru["us_pos"].to_numpy(), dims="r")).sum().rename(group="s")
    avail = xr.DataArray(fte[:, None] * inp.hours_per_fte, dims=("s", "t"))
    have = np.unique(ru["us_pos"].to_numpy())
    m.add_constraints((req_s - ot.isel(s=have) - ag.isel(s=have))
                      <= avail.isel(s=have), name="capacity")
    # beds and theatre with overflow
    for col, capa, name in (("mean_los_days", inp.bed_days, "beds"),
                            ("theatre_h_per_case", inp.theatre_h, "theatre")):
        use = uc[col].to_numpy(float)
        sel_e = np.flatnonzero(use[uck["uc_pos"].to_numpy()] > 0)
        if not len(sel_e):
            continue
        ue = (x.isel(e=sel_e) * xr.DataArray(use[uck["uc_pos"].to_numpy()[sel_e]], dims="e"))
        ug = ue.groupby(u_of_e.isel(e=sel_e)).sum().rename(group="u")
        users = np.unique(u_of_e.isel(e=sel_e).to_numpy())
        capd = xr.DataArray(capa[users], dims=("u", "t"), coords={"u": users})
        if name == "beds":
            over_ub = (inp.staffed_beds * inp.grid.length_weeks[None, :] * 7.0
                       - inp.bed_days).clip(min=0.0)[users]
            ov = m.add_variables(lower=0, upper=xr.DataArray(over_ub, dims=("u", "t"),
                                                             coords={"u": users}),
                                 name="bed_overflow")
            m.add_constraints(ug - ov <= capd, name=name)
        else:
            m.add_constraints(ug <= capd, name=name)
    # levelling
    T1 = xr.DataArray(np.arange(T), dims="t") >= 1
    lvl_ub = (xr.DataArray(cfg.levelling_max_change_pu * uc["demand_cases_per_week"].to_numpy(
        float), dims="c") * wk * T1).transpose("c", "t")
    dp = m.add_variables(lower=0, upper=lvl_ub, coords=[ic, it], name="level_up")
    dm = m.add_variables(lower=0, upper=lvl_ub, coords=[ic, it], name="level_down")
    m.add_constraints((xc - xc.shift(t=1) - dp + dm).isel(t=slice(1, None)) == 0,
                      name="levelling")
    # working time (one budget year)
    limit = st["overtime_h_per_fte_year_max"].to_numpy(float)
    m.add_constraints(ot.sum("t") <= xr.DataArray(limit * fte * float(wk.sum()) / 52.0,
                                                  dims="s"), name="overtime_year")
    year = int(inp.grid.year[0])
    wf = inp.wage_factor.get(year, 1.0)
    cf = inp.consumption_factor.get(year, 1.0)
    ag_cost = xr.DataArray(hourly * st["agency_cost_factor_pu"].to_numpy(float) * wf, dims="s")
    ot_cost = xr.DataArray(hourly * st["overtime_cost_factor_pu"].to_numpy(float) * wf, dims="s")
    own = xr.DataArray(st["cost_sek_per_fte_year"].to_numpy(float) * fte * wf
                       * float(wk.sum()) / 52.0, dims="s")
    share = inp.agency_share_max[year]
    own_u = own.groupby(u_of_s).sum().rename(group="u")
    agx = m.add_variables(lower=0, coords=[iu], name="agency_excess")
    agu = (ag * ag_cost).sum("t").groupby(u_of_s).sum().rename(group="u")
    m.add_constraints(agu - agx <= share * own_u, name="agency_share")
    # frames
    net_x = xr.DataArray((uc["variable_cost_sek_per_case"].to_numpy(float)
                          - uc["revenue_sek_per_case"].to_numpy(float))[
        uck["uc_pos"].to_numpy()] * cf, dims="e")
    pr_e = xr.DataArray(price[uck["uc_pos"].to_numpy()] * cf, dims="e")
    cost_e = (x * net_x + ext * pr_e).sum("t")
    cost_s = (ot * ot_cost + ag * ag_cost).sum("t")
    net_u = cost_e.groupby(u_of_e).sum().rename(group="u") + \
        cost_s.groupby(u_of_s).sum().rename(group="u")
    fixed = (units["fixed_cost_sek_per_year"] - units["capitation_sek_per_year"]).to_numpy(
        float) * float(wk.sum()) / 52.0
    const_u = own_u.to_numpy() + fixed
    fr = inp.frames.reset_index(drop=True)
    if len(fr):
        member = np.zeros((len(fr), U))
        for i, n in enumerate(fr["node_id"]):
            us = inp.frame_units.loc[inp.frame_units["node_id"] == n, "unit_id"].map(upos)
            member[i, us.to_numpy()] = 1.0
        f = pd.RangeIndex(len(fr), name="f")
        gap = m.add_variables(lower=0, coords=[f], name="frame_gap")
        mem = xr.DataArray(member, dims=("f", "u"))
        pen = np.where(fr["kind"] == "handoff", cfg.handoff_gap_penalty_pu,
                       cfg.frame_overrun_price_pu)
        m.add_constraints((net_u * mem).sum("u") - gap
                          <= xr.DataArray(fr["frame_sek"].to_numpy(float) - member @ const_u,
                                          dims="f"), name="frames")
    # objective
    obj = (x * net_x + ext * pr_e).sum() \
        + (lst * xr.DataArray(hold, dims="e") * wk).sum() \
        + (un * cfg.care_weight_acute_unmet * v_care).sum() \
        + (o * xr.DataArray(pen_mw, dims="e") * wk).sum() \
        + (b * cfg.care_weight_guarantee * v_care * wk).sum() \
        + (ot * ot_cost).sum() + (ag * ag_cost).sum() \
        + ((dp + dm) * cfg.levelling_penalty_sek).sum() \
        + (agx * cfg.agency_share_penalty_pu).sum()
    if "bed_overflow" in m.variables:
        obj = obj + (m.variables["bed_overflow"] * cfg.care_weight_bed_overflow * v_care).sum()
    if len(fr):
        obj = obj + (gap * xr.DataArray(pen, dims="f")).sum()
    m.add_objective(obj)
    offset = float(const_u.sum())
    return m, offset


def solve_linopy(inp: ModelInputs, cfg: BuildConfig) -> tuple[float, dict[str, float]]:
    """Build, solve (HiGHS, direct API) and read the solution; returns (objective, timings)."""
    t0 = time.perf_counter()
    m, offset = build_linopy(inp, cfg)
    t1 = time.perf_counter()
    status, _ = m.solve("highs", io_api="direct", output_flag=False)
    t2 = time.perf_counter()
    _ = {k: v.solution for k, v in m.variables.items()}
    t3 = time.perf_counter()
    if status != "ok":
        raise RuntimeError(f"linopy solve: {status}")
    return float(m.objective.value) + offset, {"build": t1 - t0, "solve_total": t2 - t1,
                                               "extract": t3 - t2}
