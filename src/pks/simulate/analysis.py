"""Output analysis: KPIs per replication, verdicts with Wilson intervals, the precision rule.

Targets (per unit, and per node of the organisation tree)
---------------------------------------------------------
``guarantee``
    share of patients whose care-guarantee outcome is known within the horizon who made it:
    ``treated within the limit / (treated + still waiting past the limit at the end)``;
    met when ≥ ``within_guarantee_share_pu``. The limit of a care type is
    ``first_visit_days`` or ``treatment_days`` of the target set by its ``guarantee_stage``.
``waiting_list``
    waiting list at the end of the plan ≤ the plan's ``waiting_list_target_cases``.
``occupancy``
    occupied bed-days / staffed bed-days ≤ ``occupancy_max_pu``.
``overflow``
    share of admissions that found the ward full ≤ ``overflow_probability_max_pu``.
``overtime``
    overtime hours per FTE and year ≤ ``overtime_h_per_fte_year_max``.
``utilisation``
    staff hours required / hours available (own after absence + planned overtime + agency)
    within ``[utilisation_min_pu, utilisation_max_pu]``.

Roll-up: a node meets a target in a replication when the aggregate KPI of all the units
under it (sums of numerators and denominators) meets it. The probability of meeting a target
is the share of replications where it is met, with a Wilson score interval; a verdict is
``met`` when that probability is at least ``required_probability``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pks.calendar import DAYS_PER_WEEK, DAYS_PER_WEEK_INT, WEEKS_PER_YEAR
from pks.data.tree import OrgTree
from pks.rules.lights import at_least, at_most
from pks.simulate.constants import WAIT_TOL
from pks.simulate.model import ReplicationOutput
from pks.simulate.params import DEMOGRAPHICS, SimParams

TARGETS: tuple[str, ...] = ("guarantee", "waiting_list", "occupancy", "overflow", "overtime",
                            "utilisation")
PATIENT_SAMPLE_STREAM = 7
"""Third seed word of the stream that samples which patient records are kept (a fixed
label: it must never change, or the samples of stored runs would)."""
_TINY = 1e-300
"""A positive number below every real denominator (guards a division that is masked)."""

_COMP = ("g_within", "g_den", "list_end", "list_target", "occ_days", "bed_days", "admissions",
         "full", "overtime_h", "fte", "required_h", "supply_h", "has_g", "has_t", "has_beds",
         "has_staff")


def wilson(k: np.ndarray | float, n: int, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``k`` successes in ``n`` trials.

    Examples
    --------
    >>> lo, hi = wilson(50, 100)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.4038, 0.5962)
    """
    z = stats.norm.ppf(1 - alpha / 2)
    p = np.asarray(k, dtype=float) / n
    den = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / den
    half = z / den * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def mean_ci(x: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """Mean and Student-t half-width of the ``1 - alpha`` confidence interval."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 2:
        return float(x.mean()) if n else math.nan, math.inf
    sd = float(x.std(ddof=1))
    return float(x.mean()), float(stats.t.ppf(1 - alpha / 2, n - 1) * sd / math.sqrt(n))


def unit_components(p: SimParams, o: ReplicationOutput) -> np.ndarray:
    """Sums per unit that every target KPI is a ratio of: array ``[unit, component]``."""
    n_u = len(p.units)
    guaranteed_line = (~p.acute) & ~np.isnan(p.guarantee_days)  # elective, with a guarantee
    targeted_line = (~p.acute) & ~np.isnan(p.list_target)  # elective, with a list target

    def by_unit(v: np.ndarray) -> np.ndarray:
        return np.bincount(p.line_unit_idx, weights=v, minlength=n_u)

    out = np.zeros((n_u, len(_COMP)))
    out[:, 0] = by_unit(np.where(guaranteed_line, o.served_within.sum(axis=1), 0.0))
    out[:, 1] = by_unit(np.where(guaranteed_line, o.served.sum(axis=1) + o.over_end[:, -1], 0.0))
    out[:, 2] = by_unit(np.where(targeted_line, o.list_end[:, -1], 0.0))
    out[:, 3] = by_unit(np.where(targeted_line, np.nan_to_num(p.list_target), 0.0))
    out[:, 4] = np.where(p.has_beds, o.census.sum(axis=1), 0.0)
    out[:, 5] = np.where(p.has_beds, DAYS_PER_WEEK * p.beds.sum(axis=1), 0.0)
    out[:, 6] = np.where(p.has_beds, o.admissions.sum(axis=1), 0.0)
    out[:, 7] = np.where(p.has_beds, o.full_admissions.sum(axis=1), 0.0)
    out[:, 8] = o.overtime_h.sum(axis=(1, 2)) * WEEKS_PER_YEAR / p.n_weeks
    out[:, 9] = p.fte.sum(axis=1)
    out[:, 10] = o.required_h.sum(axis=(1, 2))
    out[:, 11] = o.supply_h.sum(axis=(1, 2))
    out[:, 12] = by_unit(guaranteed_line.astype(float)) > 0
    out[:, 13] = by_unit(targeted_line.astype(float)) > 0
    out[:, 14] = p.has_beds
    out[:, 15] = out[:, 11] > 0
    return out


def _kpis(comp: np.ndarray, t: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """KPI value, met flag and applicability per target from components ``[..., comp]``."""
    c = {n: comp[..., i] for i, n in enumerate(_COMP)}
    with np.errstate(divide="ignore", invalid="ignore"):
        within_share = np.where(c["g_den"] > 0, c["g_within"] / c["g_den"], 1.0)
        occupancy = np.where(c["bed_days"] > 0, c["occ_days"] / c["bed_days"], 0.0)
        full_share = np.where(c["admissions"] > 0, c["full"] / c["admissions"], 0.0)
        overtime_per_fte = np.where(c["fte"] > 0, c["overtime_h"] / c["fte"], 0.0)
        utilisation = np.where(c["supply_h"] > 0, c["required_h"] / c["supply_h"], 0.0)
    value = np.stack([within_share, c["list_end"], occupancy, full_share, overtime_per_fte,
                      utilisation], axis=-1)
    met = np.stack([  # met = not red by the one rule (pks.rules.lights)
        at_least(within_share, t["within_guarantee_share_pu"]),
        at_most(c["list_end"], c["list_target"]),
        at_most(occupancy, t["occupancy_max_pu"]),
        at_most(full_share, t["overflow_probability_max_pu"]),
        at_most(overtime_per_fte, t["overtime_h_per_fte_year_max"]),
        at_least(utilisation, t["utilisation_min_pu"])
        & at_most(utilisation, t["utilisation_max_pu"]),
    ], axis=-1)
    appl = np.stack([c["has_g"] > 0, c["has_t"] > 0, c["has_beds"] > 0, c["has_beds"] > 0,
                     c["fte"] > 0, c["has_staff"] > 0], axis=-1)
    return value, met, appl


def target_bounds(t: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Numeric (lower, upper) bound of each target; NaN = none (waiting list: the plan's)."""
    nan = float("nan")
    return {
        "guarantee": (t["within_guarantee_share_pu"], nan),
        "waiting_list": (nan, nan),
        "occupancy": (nan, t["occupancy_max_pu"]),
        "overflow": (nan, t["overflow_probability_max_pu"]),
        "overtime": (nan, t["overtime_h_per_fte_year_max"]),
        "utilisation": (t["utilisation_min_pu"], t["utilisation_max_pu"]),
    }


def target_values(t: dict[str, float]) -> dict[str, str]:
    """Human-readable target per KPI."""
    return {
        "guarantee": f">= {t['within_guarantee_share_pu']:g}",
        "waiting_list": "<= plan target",
        "occupancy": f"<= {t['occupancy_max_pu']:g}",
        "overflow": f"<= {t['overflow_probability_max_pu']:g}",
        "overtime": f"<= {t['overtime_h_per_fte_year_max']:g}",
        "utilisation": f"{t['utilisation_min_pu']:g}-{t['utilisation_max_pu']:g}",
    }


def node_membership(p: SimParams, org_nodes: pd.DataFrame | None) -> tuple[
        list[str], list[str], np.ndarray, str | None]:
    """Nodes (units first, then their ancestors), node types, membership ``[node, unit]``, root."""
    units = list(p.units)
    if org_nodes is None or org_nodes.empty:
        nodes = units
        types = ["unit"] * len(units)
        return nodes, types, np.eye(len(units)), None
    tree = OrgTree(org_nodes)
    known = set(tree.nodes.index)
    anc: list[str] = []
    for u in units:
        if u in known:
            anc += [a for a in tree.ancestors(u) if a not in anc]
    nodes = units + [a for a in anc if a not in units]
    uidx = {u: i for i, u in enumerate(units)}
    m = np.zeros((len(nodes), len(units)))
    for i, n in enumerate(nodes):
        if n in uidx:
            m[i, uidx[n]] = 1
        else:
            for leaf in tree.leaves_under(n):
                if leaf in uidx:
                    m[i, uidx[leaf]] = 1
            for d in tree.descendants(n):
                if d in uidx:
                    m[i, uidx[d]] = 1
    types = [str(tree.nodes.at[n, "node_type"]) if n in known else "unit" for n in nodes]
    root = tree.root if tree.root in nodes else None
    return nodes, types, m, root


def key_kpi(p: SimParams, outputs: Sequence[ReplicationOutput]) -> np.ndarray:
    """The precision rule's key KPI per replication: the region's share within the guarantee."""
    comp = np.stack([unit_components(p, o) for o in outputs]).sum(axis=1)
    c = {n: comp[:, i] for i, n in enumerate(_COMP)}
    # the maximum only keeps the division quiet where np.where picks 1.0 anyway
    return np.where(c["g_den"] > 0, c["g_within"] / np.maximum(c["g_den"], _TINY), 1.0)


def node_kpis(p: SimParams, outputs: Sequence[ReplicationOutput],
              org_nodes: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """KPI per replication × node × target (long) and the verdicts per node × target."""
    nodes, types, member, _ = node_membership(p, org_nodes)
    comp_u = np.stack([unit_components(p, o) for o in outputs])  # [R, U, C]
    comp_n = np.einsum("nu,ruc->rnc", member, comp_u)
    for i in (12, 13, 14):  # flags: any unit
        comp_n[..., i] = comp_n[..., i] > 0
    value, met, appl = _kpis(comp_n, dict(p.targets))
    n_r, n_n, n_t = value.shape
    reps = np.array([o.replication for o in outputs])
    long = pd.DataFrame({
        "replication": np.repeat(reps, n_n * n_t),
        "node_id": np.tile(np.repeat(nodes, n_t), n_r),
        "target": np.tile(TARGETS, n_r * n_n),
        "value": value.ravel(),
        "met": met.ravel(),
    })
    long = long[np.broadcast_to(appl, value.shape).ravel()].reset_index(drop=True)
    k = met.sum(axis=0)
    lo, hi = wilson(k, n_r, p.cfg.alpha)
    tv = target_values(dict(p.targets))
    tb = target_bounds(dict(p.targets))
    prob = k / n_r
    names = nodes
    if org_nodes is not None and "name" in org_nodes:
        nm = dict(zip(org_nodes["node_id"].astype(str), org_nodes["name"].astype(str),
                      strict=True))
        names = [nm.get(n, n) for n in nodes]
    rows = pd.DataFrame({
        "node_id": np.repeat(nodes, n_t),
        "node_name": np.repeat(names, n_t),
        "node_type": np.repeat(types, n_t),
        "target": np.tile(TARGETS, n_n),
        "kpi_mean": value.mean(axis=0).ravel(),
        "kpi_p10": np.quantile(value, 0.1, axis=0).ravel(),
        "kpi_p90": np.quantile(value, 0.9, axis=0).ravel(),
        "target_value": [tv[t] for t in TARGETS] * n_n,
        "target_min": [tb[t][0] for t in TARGETS] * n_n,
        "target_max": [tb[t][1] for t in TARGETS] * n_n,
        "probability": prob.ravel(),
        "ci_low": lo.ravel(),
        "ci_high": hi.ravel(),
        "met": (prob >= p.cfg.required_probability - 1e-12).ravel(),
        "n_replications": n_r,
    })
    rows = rows[appl[0].ravel()].reset_index(drop=True)
    return long, rows


def _weeks_col(p: SimParams, n_rep_rows: int) -> np.ndarray:
    return np.tile(np.array(p.weeks), n_rep_rows)


def kpi_frames(p: SimParams, outputs: Sequence[ReplicationOutput]) -> dict[str, pd.DataFrame]:
    """Tidy per-week frames: ``sim_kpis`` (line), ``sim_beds`` (unit), ``sim_staff``."""
    n_l, n_w, n_r = p.n_lines, p.n_weeks, len(outputs)
    reps = np.array([o.replication for o in outputs])
    st = lambda name: np.stack([getattr(o, name) for o in outputs])  # noqa: E731
    served = st("served")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_wait = np.where(served > 0, st("wait_sum_days") / served, np.nan)
    cap = st("capacity_factor")[:, p.line_unit_idx, :]
    kp = {
        "arrivals_cases": st("arrivals"), "served_cases": served,
        "served_within_guarantee_cases": st("served_within"), "mean_wait_days": mean_wait,
        "waiting_list_cases": st("list_end"), "waiting_over_guarantee_cases": st("over_end"),
        "capacity_factor_pu": cap,
    }
    index = {
        "replication": np.repeat(reps, n_l * n_w),
        "unit_id": np.tile(np.repeat(np.array(p.line_unit, dtype=object), n_w), n_r),
        "care_type": np.tile(np.repeat(np.array(p.line_care_type, dtype=object), n_w), n_r),
        "week": _weeks_col(p, n_r * n_l),
    }
    kpis = pd.DataFrame({**index, **{k: v.ravel() for k, v in kp.items()}})
    # beds
    bu = np.flatnonzero(p.has_beds)  # units with beds
    nb = len(bu)
    census = st("census")[:, bu, :].reshape(n_r, nb, n_w, DAYS_PER_WEEK_INT)
    beds = p.beds[bu][None, :, :, None]
    over = np.maximum(census - beds, 0)
    bed = pd.DataFrame({
        "replication": np.repeat(reps, nb * n_w),
        "unit_id": np.tile(np.repeat(np.array(p.units, dtype=object)[bu], n_w), n_r),
        "week": _weeks_col(p, n_r * nb),
        "staffed_beds": np.broadcast_to(p.beds[bu][None], (n_r, nb, n_w)).ravel(),
        "occupied_beds_mean": census.mean(axis=3).ravel(),
        "occupied_beds_max": census.max(axis=3).ravel().astype(float),
        "overflow_days": (over > 0).sum(axis=3).ravel().astype(float),
        "overflow_bed_days": over.sum(axis=3).ravel().astype(float),
        "admissions_cases": st("admissions")[:, bu].ravel().astype(float),
        "full_admissions_cases": st("full_admissions")[:, bu].ravel().astype(float),
        "transfers_cases": st("transfers")[:, bu].ravel().astype(float),
    })
    # staff
    n_u, n_k = len(p.units), len(p.staff_categories)
    req, sup, avail, ot = st("required_h"), st("supply_h"), st("available_h"), st("overtime_h")
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(sup > 0, req / sup, np.nan)
    staff = pd.DataFrame({
        "replication": np.repeat(reps, n_u * n_k * n_w),
        "unit_id": np.tile(np.repeat(np.array(p.units, dtype=object), n_k * n_w), n_r),
        "staff_category": np.tile(np.repeat(np.array(p.staff_categories, dtype=object), n_w),
                                  n_r * n_u),
        "week": _weeks_col(p, n_r * n_u * n_k),
        "required_h": req.ravel(), "available_h": avail.ravel(), "supply_h": sup.ravel(),
        "overtime_h": ot.ravel(),
        "overtime_beyond_plan_h": np.maximum(ot - p.staff_overtime[None], 0).ravel(),
        "agency_h": np.broadcast_to(p.staff_agency[None], req.shape).ravel(),
        "utilisation_pu": util.ravel(),
    })
    staff = staff[np.broadcast_to((p.fte > 0)[None, :, :, None], req.shape).ravel()]
    return {"sim_kpis": kpis, "sim_beds": bed, "sim_staff": staff.reset_index(drop=True)}


def summarise_weekly(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Mean and 10/90 % quantiles over replications of every value column."""
    vals = [c for c in frame.columns if c not in [*keys, "replication"]]
    g = frame.groupby(keys, sort=False)[vals]
    mean = g.mean().add_suffix("_mean")
    q10 = g.quantile(0.1).add_suffix("_p10")
    q90 = g.quantile(0.9).add_suffix("_p90")
    return pd.concat([mean, q10, q90], axis=1).reset_index()


def patient_frame(p: SimParams, outputs: Sequence[ReplicationOutput]) -> pd.DataFrame:
    """Per-patient records of the replications that kept them (``patient_records``)."""
    parts = []
    demo = np.array(DEMOGRAPHICS, dtype=object)
    for o in outputs:
        r = o.patients
        if r is None:
            continue
        keep = np.arange(len(r["line"]))
        k = p.cfg.patient_sample_size
        if 0 < k < len(keep):
            rng = np.random.default_rng([p.cfg.seed, o.replication, PATIENT_SAMPLE_STREAM])
            keep = np.sort(rng.choice(len(keep), size=k, replace=False))
        r = {name: v[keep] for name, v in r.items()}
        line = r["line"]
        svc = r["service_day"]
        wait = svc - r["arrival_day"]
        g = p.guarantee_days[line]
        parts.append(pd.DataFrame({
            "replication": o.replication,
            "unit_id": np.array(p.line_unit, dtype=object)[line],
            "care_type": np.array(p.line_care_type, dtype=object)[line],
            "patient_no": keep,
            "priority_class": r["priority_class"],
            "sex": demo[r["demo"], 0],
            "age_band": demo[r["demo"], 1],
            "initial": r["initial"],
            "arrival_day": r["arrival_day"],
            "service_day": svc,
            "wait_days": wait,
            "within_guarantee": np.where(np.isnan(g), np.nan,
                                         np.where(np.isnan(svc), np.nan, wait <= g + WAIT_TOL)),
            "los_days": r["los_days"],
        }))
    if not parts:
        return pd.DataFrame(columns=["replication", "unit_id", "care_type", "patient_no"])
    return pd.concat(parts, ignore_index=True)


def compare(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Paired comparison of two runs' ``sim_node_kpis`` (plan B minus plan A).

    With common random numbers (same seed; :func:`pks.simulate.runner.run_batch`),
    replication ``r`` of both runs saw the same patients and the same sick leave, so the
    paired differences have a much narrower confidence interval than two independent runs.

    Returns one row per node × target with both means, the mean difference and its
    Student-t ``1 - alpha`` interval, and both probabilities of meeting the target.
    """
    keys = ["replication", "node_id", "target"]
    m = a[[*keys, "value", "met"]].merge(b[[*keys, "value", "met"]], on=keys,
                                         suffixes=("_a", "_b"))
    m["diff"] = m["value_b"] - m["value_a"]
    rows = []
    for (node, target), g in m.groupby(["node_id", "target"], sort=False):
        mean, half = mean_ci(g["diff"].to_numpy(), alpha)
        rows.append({"node_id": node, "target": target, "kpi_a": g["value_a"].mean(),
                     "kpi_b": g["value_b"].mean(), "diff_mean": mean,
                     "diff_ci_low": mean - half, "diff_ci_high": mean + half,
                     "probability_a": g["met_a"].mean(), "probability_b": g["met_b"].mean(),
                     "n_replications": len(g)})
    return pd.DataFrame(rows)
