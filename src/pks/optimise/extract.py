"""Result tables (docs/CONTRACTS.md, "Optimiser") from a solution vector and row duals.

Duals are HiGHS row duals: the change of the objective (SEK) per unit increase of the
row's bound. Meanings:

* ``c_waiting_list_balance``: SEK per extra case of demand — "kostnad för ett fall till";
* ``c_staff_capacity``: SEK per extra available hour (≤ 0); × the hours one FTE brings
  gives "värdet av en årsarbetare till" (reported per unit and category);
* ``c_guarantee``: SEK per case of extra allowed queue; × weekly demand gives the cost of
  shortening the waiting-time target by one week;
* ``c_budget_frame``: SEK of objective per krona of extra frame;
* ``c_beds`` / ``c_theatre``: SEK per extra bed-day / theatre hour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

import numpy as np
import pandas as pd

from pks.optimise.constraints.staff_capacity import FTE_BOUNDS
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel

DUAL_FAMILIES = {
    "c_waiting_list_balance": "cost_of_one_more_case_sek",
    "c_staff_capacity": "value_of_one_more_hour_sek",
    "c_guarantee": "value_of_one_more_queue_case_sek",
    "c_budget_frame": "value_of_one_more_frame_sek_pu",
    "c_beds": "value_of_one_more_bed_day_sek",
    "c_theatre": "value_of_one_more_theatre_hour_sek",
    "c_max_wait": "value_of_one_more_waiting_case_sek",
}


def model_inputs(m: LinearModel) -> ModelInputs:
    """The prepared inputs a level's builder stored on the model (``m.meta["inputs"]``)."""
    inputs = m.meta.get("inputs")
    if not isinstance(inputs, ModelInputs):
        raise ValueError(f"model {m.name!r} carries no prepared inputs (meta['inputs'])")
    return inputs


def _vals(m: LinearModel, name: str, x: np.ndarray, col: str) -> pd.DataFrame | None:
    b = m.var_blocks.get(name)
    if b is None or b.size == 0:
        return None
    return b.frame(x, col)


def _period_cols(df: pd.DataFrame, inputs: ModelInputs) -> pd.DataFrame:
    yr = dict(zip(inputs.grid.periods, inputs.grid.year.tolist(), strict=True))
    df = df.rename(columns={"period": "week"})
    df["year"] = df["week"].map(yr).astype(int)
    return df


def extract(m: LinearModel, x: np.ndarray, row_dual: np.ndarray | None,
            dual_parts: Mapping[str, np.ndarray] | None = None
            ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """All result tables and the dual table for a solved model.

    ``dual_parts``: row duals of the parts in :func:`dual_part_weights` (optional), which
    split each shadow price into real cost and care not given.
    """
    inputs = model_inputs(m)
    tables: dict[str, pd.DataFrame] = {}
    uck, uc, T = inputs.uck, inputs.uc, inputs.grid.n

    # plan_production (blocks are indexed by subsets of the uck rows: fill by position)
    prod = m.var_blocks["x"].frame(x, "production_cases")
    prod["demand_cases"] = inputs.demand.ravel()
    acute = uck["acute"].to_numpy(bool)
    pos = {"ext": np.asarray(m.meta.get("ext_uck", []), np.int64),
           "L": np.flatnonzero(~acute), "unmet_acute": np.flatnonzero(acute),
           "over_max_wait": np.flatnonzero(~acute)}
    for name, col in (("ext", "external_cases"), ("L", "waiting_list_cases"),
                      ("unmet_acute", "unmet_cases"), ("over_max_wait", "over_max_wait_cases")):
        arr = np.zeros((len(uck), T))
        b = m.var_blocks.get(name)
        if b is not None and b.size:
            arr[pos[name]] = x[b.start:b.start + b.size].reshape(b.n_entities, T)
        prod[col] = arr.ravel()
    wk_of = np.tile(np.asarray(inputs.grid.length_weeks, float), len(uck))
    prod["acute_unmet_cases"] = prod["unmet_cases"]
    prod["over_max_wait_case_weeks"] = prod["over_max_wait_cases"] * wk_of
    prod["unmet_cases"] = prod["unmet_cases"] + prod.pop("over_max_wait_cases")
    q = (uc["target_queue_cases"].to_numpy(float)[uck["uc_pos"].to_numpy()]
         * uck["share_pu"].to_numpy(float))
    prod["waiting_list_target_cases"] = np.repeat(q, T)
    prod = _period_cols(prod, inputs)
    tables["plan_production"] = prod[["unit_id", "care_type", "priority_class", "week", "year",
                                      "demand_cases", "production_cases", "external_cases",
                                      "waiting_list_cases", "waiting_list_target_cases",
                                      "unmet_cases", "acute_unmet_cases",
                                      "over_max_wait_case_weeks"]]

    # guarantee breaches per unit × care type × period
    gb = _vals(m, "guarantee_breach", x, "guarantee_breach_cases")
    if gb is not None:
        b = m.var_blocks["guarantee_breach"]
        gb["guarantee_breach_case_weeks"] = gb["guarantee_breach_cases"] * np.tile(
            np.asarray(inputs.grid.length_weeks, float), b.n_entities)
        tables["plan_guarantee"] = _period_cols(gb, inputs)

    # plan_staff
    st = inputs.staff
    staff = m.var_blocks["overtime_h"].frame(x, "overtime_h")
    staff["agency_h"] = m.var_blocks["agency_h"].frame(x, "v")["v"].to_numpy()
    fv = _vals(m, "fte", x, "fte")
    fte = fv["fte"].to_numpy() if fv is not None else np.repeat(st["fte"].to_numpy(float), T)
    staff["fte"] = fte
    staff["available_h"] = fte * inputs.hours_per_fte.ravel()
    req = np.zeros(len(st) * T)
    ru = inputs.resource_use
    xv = x[m.var_blocks["x"].start:m.var_blocks["x"].start + m.var_blocks["x"].size].reshape(
        len(uck), T)
    prod_uc = np.zeros((len(uc), T))
    np.add.at(prod_uc, uck["uc_pos"].to_numpy(), xv)
    req2 = np.zeros((len(st), T))
    np.add.at(req2, ru["us_pos"].to_numpy(),
              prod_uc[ru["uc_pos"].to_numpy()] * ru["staff_h_per_case"].to_numpy(float)[:, None])
    req = req2.ravel()
    staff["required_h"] = req
    tin = np.zeros(len(st) * T)
    tout = np.zeros(len(st) * T)
    tb = m.var_blocks.get("transfer_h")
    if tb is not None and inputs.transfers is not None and tb.size:
        tv = x[tb.start:tb.start + tb.size].reshape(len(inputs.transfers), T)
        t2o = np.zeros((len(st), T))
        t2i = np.zeros((len(st), T))
        np.add.at(t2o, inputs.transfers["from_pos"].to_numpy(), tv)
        np.add.at(t2i, inputs.transfers["to_pos"].to_numpy(), tv)
        tout, tin = t2o.ravel(), t2i.ravel()
        tr = tb.frame(x, "transfer_h")
        tables["plan_transfers"] = _period_cols(tr[tr["transfer_h"] > 1e-9], inputs)
    staff["transfer_in_h"] = tin
    staff["transfer_out_h"] = tout
    staff["own_h"] = np.maximum(req - staff["overtime_h"] - staff["agency_h"] - tin, 0.0) + tout
    staff = _period_cols(staff, inputs)
    tables["plan_staff"] = staff[["unit_id", "staff_category", "week", "year", "fte",
                                  "available_h", "own_h", "overtime_h", "agency_h",
                                  "required_h", "transfer_in_h", "transfer_out_h"]]
    if fv is not None:
        f = _period_cols(fv, inputs)
        tables["plan_fte"] = f.groupby(["unit_id", "staff_category", "year"],
                                       as_index=False)["fte"].mean()

    # plan_beds
    units = inputs.units
    upos = {u: i for i, u in enumerate(units["unit_id"])}
    u_of_uc = uc["unit_id"].map(upos).to_numpy()
    bd = np.zeros((len(units), T))
    np.add.at(bd, u_of_uc, prod_uc * uc["mean_los_days"].to_numpy(float)[:, None])
    beds = pd.DataFrame({"unit_id": np.repeat(units["unit_id"].to_numpy(), T),
                         "period": np.tile(np.asarray(inputs.grid.periods, object), len(units)),
                         "staffed_beds": inputs.staffed_beds.ravel(),
                         "bed_days_required": bd.ravel(),
                         "bed_days_available": inputs.bed_days.ravel()})
    ov = _vals(m, "bed_overflow_days", x, "bed_overflow_days")
    beds["bed_overflow_days"] = 0.0
    if ov is not None:
        beds = beds.merge(ov.rename(columns={"bed_overflow_days": "_o"}),
                          on=["unit_id", "period"], how="left")
        beds["bed_overflow_days"] = beds.pop("_o").fillna(0.0)
    beds = beds[np.repeat(inputs.staffed_beds.max(axis=1) > 0, T) | (beds["bed_days_required"] > 0)]
    tables["plan_beds"] = _period_cols(beds.reset_index(drop=True), inputs)

    # plan_cost
    if "cost_terms" in m.meta:
        terms, const = cast(tuple[pd.DataFrame, np.ndarray], m.meta["cost_terms"])
        uy = np.array(sorted(set(inputs.grid.year.tolist())))
        net = const.copy()
        np.add.at(net, (terms["unit_pos"].to_numpy(), terms["year_pos"].to_numpy()),
                  terms["coef"].to_numpy() * x[terms["var"].to_numpy()])
        rows = [pd.DataFrame({"node_id": units["unit_id"].to_numpy(), "year": y,
                              "kind": "unit", "net_cost_sek": net[:, j]})
                for j, y in enumerate(uy)]
        cost = pd.concat(rows, ignore_index=True)
        fr = inputs.frames
        if not fr.empty:
            fu = inputs.frame_units.assign(_u=inputs.frame_units["unit_id"].map(upos))
            f = fr.reset_index(drop=True).assign(_row=np.arange(len(fr)),
                                                 _y=np.searchsorted(uy, fr["year"]))
            mem = f.merge(fu, on="node_id")
            mem["v"] = net[mem["_u"].to_numpy(), mem["_y"].to_numpy()]
            f["net_cost_sek"] = mem.groupby("_row")["v"].sum().reindex(f["_row"]).fillna(
                0.0).to_numpy()
            gap = _vals(m, "frame_gap_sek", x, "frame_gap_sek")
            f["frame_gap_sek"] = gap["frame_gap_sek"].to_numpy() if gap is not None else \
                np.maximum(f["net_cost_sek"] - f["frame_sek"], 0.0)
            cost = pd.concat([f[["node_id", "year", "kind", "net_cost_sek", "frame_sek",
                                 "frame_gap_sek"]], cost], ignore_index=True)
        for col in ("frame_sek", "frame_gap_sek"):
            if col not in cost:
                cost[col] = np.nan
        cost["year"] = cost["year"].astype(int)
        tables["plan_cost"] = cost[["node_id", "year", "kind", "net_cost_sek", "frame_sek",
                                    "frame_gap_sek"]]

    tables["plan_objective"] = objective_breakdown(m, x)
    if row_dual is not None and len(row_dual):
        tables["plan_shadow_prices"] = shadow_prices(m, row_dual, dual_parts or {}, x)
    duals = dual_table(m, row_dual) if row_dual is not None and len(row_dual) else \
        pd.DataFrame(columns=["constraint", "index", "dual", "meaning"])
    tables["plan_duals"] = duals
    return tables, duals


def dual_table(m: LinearModel, y: np.ndarray, tol: float = 1e-9) -> pd.DataFrame:
    """Non-zero duals of the families in :data:`DUAL_FAMILIES` (long, named by index)."""
    out = []
    for name, meaning in DUAL_FAMILIES.items():
        b = m.con_blocks.get(name)
        if b is None or b.size == 0:
            continue
        v = y[b.start:b.start + b.size]
        nz = np.flatnonzero(np.abs(v) > tol)
        if not len(nz):
            continue
        e, t = nz // b.n_periods, nz % b.n_periods
        ent = b.entities.iloc[e].astype(str)
        cols = [ent[c].to_numpy(object) for c in ent.columns]
        if b.periods:
            cols.append(np.asarray(b.periods, object)[t])
        idx = cols[0]
        for c in cols[1:]:
            idx = idx + "|" + c
        out.append(pd.DataFrame({"constraint": name, "index": idx, "dual": v[nz],
                                 "meaning": meaning}))
    if not out:
        return pd.DataFrame(columns=["constraint", "index", "dual", "meaning"])
    return pd.concat(out, ignore_index=True)


REAL_COST_BLOCKS = ("x", "ext", "overtime_h", "agency_h", "fte", "transfer_h")

CARE_BLOCKS = {"over_max_wait": ("case_weeks", True), "unmet_acute": ("cases", False),
               "guarantee_breach": ("case_weeks", True),
               "bed_overflow_days": ("bed_days", False), "ramp_slack": ("cases", False),
               "ramp_slack_down": ("cases", False)}
"""Care-part blocks: natural unit of the quantity and whether it counts per week (a case
on the list for a period of ``w`` weeks is ``w`` case-weeks)."""


def objective_breakdown(m: LinearModel, x: np.ndarray) -> pd.DataFrame:
    """The objective in natural units: ``component, part, value, unit``.

    Parts: ``real_cost`` (SEK actually spent or earned: the constant — own staff when FTE
    is data, fixed costs less capitation — and the real-cost blocks); ``tie_break`` (SEK
    that are not money: holding, levelling, deviation, agency-share surcharge, priced frame
    gaps); ``care`` (care not given, each block in its own unit, plus the weighted total
    ``care_weighted`` in weighted case-weeks); ``frame`` (SEK above binding frames that no
    plan could avoid). Real cost and tie-breakers sum to the real-cost part of the
    objective.
    """
    c, care, fr = m.cost, m.care, m.frame
    inputs = m.meta.get("inputs")
    weeks = np.asarray(inputs.grid.length_weeks, dtype=float) \
        if isinstance(inputs, ModelInputs) else None
    rows: list[tuple[str, str, float, str]] = [("constant", "real_cost", float(m.offset), "sek")]
    total_care = 0.0
    for name, b in m.var_blocks.items():
        if b.size == 0:
            continue
        sl = slice(b.start, b.start + b.size)
        xv = x[sl]
        if name in REAL_COST_BLOCKS:
            rows.append((name, "real_cost", float(c[sl] @ xv), "sek"))
            continue
        if np.any(care[sl] != 0) or name in CARE_BLOCKS:
            unit, per_week = CARE_BLOCKS.get(name, ("units", False))
            q = xv * np.tile(weeks, b.n_entities) if per_week and weeks is not None \
                and b.n_periods == len(weeks) else xv
            rows.append((name, "care", float(q.sum()), unit))
            total_care += float(care[sl] @ xv)
        if np.any(fr[sl] != 0):
            rows.append((name, "frame", float(fr[sl] @ xv), "sek"))
        if np.any(c[sl] != 0):
            rows.append((name, "tie_break", float(c[sl] @ xv), "sek"))
    rows.append(("care_weighted", "care", total_care, "weighted_case_weeks"))
    return pd.DataFrame(rows, columns=["component", "part", "value", "unit"])


DUAL_PARTS = ("real_cost_sek", "over_max_wait_case_weeks", "unmet_acute_cases",
              "guarantee_breach_case_weeks", "care_weighted_case_weeks")
"""Parts of each shadow price reported alongside it, in their own units."""


def dual_part_weights(m: LinearModel) -> dict[str, np.ndarray]:
    """Weight vectors over the columns for the parts in :data:`DUAL_PARTS`.

    * ``real_cost_sek``: the objective coefficients of the real-cost blocks
      (:data:`REAL_COST_BLOCKS`), so its dual is the change of money actually spent;
    * ``over_max_wait_case_weeks``: weeks per period on ``over_max_wait`` (cases past the
      medically acceptable wait, per period);
    * ``unmet_acute_cases``: 1 on ``unmet_acute``;
    * ``guarantee_breach_case_weeks``: weeks per period on ``guarantee_breach``;
    * ``care_weighted_case_weeks``: the care part of the objective (all care not given,
      priority-weighted), which ranks what a step buys.
    """
    inputs = model_inputs(m)
    c = m.cost
    out = {k: np.zeros(m.n_vars) for k in DUAL_PARTS}
    for name in REAL_COST_BLOCKS:
        b = m.var_blocks.get(name)
        if b is not None and b.size:
            out["real_cost_sek"][b.start:b.start + b.size] = c[b.start:b.start + b.size]
    weeks = np.asarray(inputs.grid.length_weeks, float)
    for name, part, per_week in (("over_max_wait", "over_max_wait_case_weeks", True),
                                 ("unmet_acute", "unmet_acute_cases", False),
                                 ("guarantee_breach", "guarantee_breach_case_weeks", True)):
        b = m.var_blocks.get(name)
        if b is not None and b.size:
            out[part][b.start:b.start + b.size] = np.tile(weeks, b.n_entities) if per_week \
                else 1.0
    out["care_weighted_case_weeks"] = m.care
    return out


def shadow_prices(m: LinearModel, y: np.ndarray,
                  parts: Mapping[str, np.ndarray] | None = None,
                  x: np.ndarray | None = None) -> pd.DataFrame:
    """Planner-facing shadow prices per unit (SEK over the model horizon).

    * ``case``: cost of one more case of demand spread like the demand over the horizon
      — the demand-weighted mean dual of the waiting-list balance (per care type);
    * ``fte``: value of one more FTE of a category (only where FTE is data): the hours and
      the overtime allowance it brings, −Σ dual × bound change over the bounds the pieces
      noted under :data:`~pks.optimise.constraints.staff_capacity.FTE_BOUNDS` (capacity
      rows: hours per FTE; annual overtime rows: the limit per FTE; overtime variables at
      their weekly ceiling per FTE (solution ``x``), through their reduced costs). Its
      salary, the frame it uses and the agency-share headroom it adds are not part of it;
    * ``guarantee_week``: cost of shortening the care-guarantee limit by one week:
      the queue target falls by weekly demand / guarantee factor, so the cost is
      −Σ_t dual(guarantee) × d̄ / factor.

    With ``parts`` (:func:`dual_part_weights` duals), each row also carries the change of
    every part for the same step (one more case, one more FTE, a week shorter target):
    e.g. one more FTE changes the real cost by ``Σ dual_real × bound change`` and the
    case-weeks past the acceptable wait by ``Σ dual_wait × bound change`` (reduced costs
    of a part: ``w_part − Aᵀ dual_part``). NaN without parts.
    """
    inputs = model_inputs(m)
    units = inputs.units.set_index("unit_id")
    parts = parts or {}
    weights = dual_part_weights(m) if parts else {}
    out = []
    b = m.con_blocks["c_waiting_list_balance"]
    w = inputs.demand + 1e-12
    ucp = inputs.uck["uc_pos"].to_numpy()
    den = np.zeros(len(inputs.uc))
    np.add.at(den, ucp, w.sum(axis=1))

    def per_case(v: np.ndarray, _: np.ndarray) -> np.ndarray:
        num = np.zeros(len(inputs.uc))
        np.add.at(num, ucp, (v[b.start:b.start + b.size].reshape(len(inputs.uck), -1)
                             * w).sum(axis=1))
        return num / den

    keys = inputs.uc[["unit_id", "care_type"]].rename(columns={"care_type": "key"})
    out.append(_kind(keys, "case", per_case, 1.0, m.objective, y, weights, parts))
    bounds = cast(list[tuple[str, np.ndarray, np.ndarray, np.ndarray]],
                  m.meta.get(FTE_BOUNDS, []))
    if "fte" not in m.var_blocks and bounds:
        a_t = m.matrix().T.tocsr()
        hi = m.col_hi
        finite_hi = np.where(np.isfinite(hi), hi, 0.0)
        at_ub = np.zeros(m.n_vars, bool) if x is None else \
            np.isfinite(hi) & (x >= finite_hi - 1e-9 * np.maximum(1.0, np.abs(finite_hi)))

        def per_fte(v: np.ndarray, cost: np.ndarray) -> np.ndarray:
            # rows: dual × bound change; variables at their upper bound: reduced cost ×
            # bound change (a variable inside its bounds does not move with the bound)
            reduced = None
            out = np.zeros(len(inputs.staff))
            for kind, ids, pos, d in bounds:
                if kind == "row":
                    np.add.at(out, pos, v[ids] * d)
                    continue
                if reduced is None:
                    reduced = cost - a_t @ v
                np.add.at(out, pos, np.where(at_ub[ids], reduced[ids], 0.0) * d)
            return out

        keys = inputs.staff[["unit_id", "staff_category"]].rename(
            columns={"staff_category": "key"})
        out.append(_kind(keys, "fte", per_fte, -1.0, m.objective, y, weights, parts))
    g = m.con_blocks.get("c_guarantee")
    if g is not None and g.size:
        ent = g.entities.merge(inputs.uc[["unit_id", "care_type", "demand_cases_per_week"]],
                               on=["unit_id", "care_type"], how="left")
        if "guarantee_factor" not in inputs.meta:
            raise ValueError("c_guarantee needs inputs.meta['guarantee_factor'] "
                             "(pks.rules.guarantee.wait_factor of the target set in force)")
        dq = ent["demand_cases_per_week"].to_numpy(float) / float(
            cast(float, inputs.meta["guarantee_factor"]))

        def per_week(v: np.ndarray, _: np.ndarray) -> np.ndarray:
            return -v[g.start:g.start + g.size].reshape(g.n_entities, -1).sum(axis=1) * dq

        keys = ent[["unit_id", "care_type"]].rename(columns={"care_type": "key"})
        out.append(_kind(keys, "guarantee_week", per_week, 1.0, m.objective, y, weights, parts))
    res = pd.concat(out, ignore_index=True)
    res["division_id"] = res["unit_id"].map(units["division_id"])
    cost = inputs.staff.set_index(["unit_id", "staff_category"])["cost_sek_per_fte_year"]
    fte_rows = res["kind"] == "fte"
    res["annual_cost_sek"] = np.nan
    if fte_rows.any():
        res.loc[fte_rows, "annual_cost_sek"] = [
            float(cost.get((u, k), np.nan)) for u, k in
            zip(res.loc[fte_rows, "unit_id"], res.loc[fte_rows, "key"], strict=True)]
    return res[["kind", "division_id", "unit_id", "key", "value_sek", "annual_cost_sek",
                *DUAL_PARTS]]


def _kind(keys: pd.DataFrame, kind: str, step: Callable[[np.ndarray, np.ndarray], np.ndarray],
          value_sign: float, cost: np.ndarray, y: np.ndarray,
          weights: Mapping[str, np.ndarray], parts: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One kind of shadow price: ``value_sek = value_sign × step(y, c)``.

    Each part is ``step(y_part, w_part)``: the step's change of that part (NaN without parts).
    """
    df = keys.reset_index(drop=True).assign(kind=kind, value_sek=value_sign * step(y, cost))
    for p in DUAL_PARTS:
        df[p] = step(parts[p], weights[p]) if p in parts else np.nan
    return df
