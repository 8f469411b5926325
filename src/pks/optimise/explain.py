"""Planner-language explanation of a plan, in Swedish and English (via :mod:`pks.i18n`).

Works from the result tables only (a fresh :class:`~pks.optimise.solve.SolveResult` or a
stored run), so a stored plan can be explained again later. Every number carries its
unit: SEK (kr/tkr/mnkr), cases, case-weeks, FTE, hours, bed-days; no objective value in
"penalty kronor" is shown (docs/objective.md). Parts:

1. frame overruns as the headline (unavoidable under binding frames, priced under soft);
2. real net cost and care not given (case-weeks past the acceptable wait, acute cases,
   case-weeks over the guarantee queue, bed-days over the ceiling);
3. care not given per unit and priority class; guarantee breaches per unit;
4. binding frames and what they hold back (``plan_frame_need``: SEK and cases);
5. binding constraints by family (counts of rows);
6. shadow prices per division: what one more FTE, one more case or a week shorter
   guarantee changes in care units and real SEK, with an FTE's annual cost;
7. a financing proposal in the six-step order (R-36) for every frame gap and frame need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pks.data.tree import OrgTree
from pks.i18n import format_number, format_sek, t
from pks.optimise.extract import DUAL_PARTS
from pks.types import Language

STEPS = ("own_effects", "within_unit", "within_division", "between_divisions",
         "board", "council")


@dataclass(frozen=True)
class Reallocation:
    """One step of a financing proposal for a frame gap."""

    node_id: str
    year: int
    step: int
    step_name: str
    source_node: str
    amount_sek: float
    info_sek: float = 0.0
    """Step 1 only: revenue of the plan's production, already inside the net cost."""


def reallocation_proposal(cost: pd.DataFrame, org_nodes: pd.DataFrame,
                          production: pd.DataFrame | None = None,
                          care_types: pd.DataFrame | None = None) -> pd.DataFrame:
    """Financing proposal for every frame gap, in the six-step order of R-36.

    1. own positive effects — revenue already earned by the plan's production (reported;
       it is inside the net cost, so it covers nothing more);
    2. within the unit — the net variable cost of the lowest-priority elective production
       of the node's units, freed by deprioritising it (care is then postponed);
    3. between units in the same division — headroom (frame − net cost) of frame nodes in
       the same division that neither contain nor lie under the node;
    4. between divisions — headroom of frame nodes in other divisions;
    5. the board within the RF frame — the part of an ancestor's frame not distributed
       to its children's frames, less what those children overrun;
    6. an RF decision for what remains.

    Headroom is used once across all gaps (largest gaps first). Returns
    ``node_id, year, step, step_name, source_node, amount_sek``.
    """
    rows: list[Reallocation] = []
    if cost is None or cost.empty or "kind" not in cost:
        return pd.DataFrame(columns=list(Reallocation.__dataclass_fields__))
    fr = cost[cost["kind"] == "frame"].copy()
    if fr.empty:
        return pd.DataFrame(columns=list(Reallocation.__dataclass_fields__))
    tree = OrgTree(org_nodes)
    fr["headroom"] = (fr["frame_sek"] - fr["net_cost_sek"]).clip(lower=0.0)
    used: dict[tuple[str, int], float] = {}

    def division(n: str) -> str | None:
        return tree.ancestor_of_type(n, "division")

    def related(a: str, b: str) -> bool:
        return a == b or a in tree.ancestors(b) or b in tree.ancestors(a)

    gaps = fr[fr["frame_gap_sek"] > 1.0].sort_values("frame_gap_sek", ascending=False)
    for g in gaps.itertuples():
        n, y, rem = str(g.node_id), int(g.year), float(g.frame_gap_sek)
        units_n = set(tree.leaves_under(n))
        # step 1: own positive effects (information: already netted)
        rev = 0.0
        if production is not None and care_types is not None and not production.empty:
            p = production[production["unit_id"].isin(units_n)
                           & (pd.to_numeric(production["year"]) == y)]
            p = p.merge(care_types[["unit_id", "care_type", "revenue_sek_per_case",
                                    "variable_cost_sek_per_case", "acute"]],
                        on=["unit_id", "care_type"], how="left")
            rev = float((p["production_cases"] * p["revenue_sek_per_case"]).sum())
        rows.append(Reallocation(n, y, 1, STEPS[0], n, 0.0, rev))
        # step 2: within the unit — deprioritise the lowest class of elective care
        if production is not None and care_types is not None and not production.empty and rem > 0:
            el = p[~p["acute"].astype(bool)]
            if not el.empty:
                low = el[el["priority_class"] == el["priority_class"].max()]
                free = float((low["production_cases"] * (low["variable_cost_sek_per_case"]
                              - low["revenue_sek_per_case"]).clip(lower=0)).sum())
                take = min(rem, free)
                if take > 0:
                    rows.append(Reallocation(n, y, 2, STEPS[1], n, take))
                    rem -= take
        div = division(n)
        cands = fr[(pd.to_numeric(fr["year"]) == y) & (fr["headroom"] > 0)]
        for step, same in ((3, True), (4, False)):
            if rem <= 0:
                break
            pool = []
            for c in cands.itertuples():
                m = str(c.node_id)
                if related(m, n) or tree.nodes.at[m, "node_type"] in ("region", "board",
                                                                       "administration"):
                    continue
                dm = division(m)
                if (dm == div) != same or dm is None:
                    continue
                pool.append((m, float(c.headroom) - used.get((m, y), 0.0)))
            # top-most candidates only (a division and its units are one pot)
            names = {m for m, _ in pool}
            pool = [(m, h) for m, h in pool if not (set(tree.ancestors(m)) & names) and h > 0]
            for m, h in sorted(pool, key=lambda z: -z[1]):
                take = min(rem, h)
                if take <= 0:
                    continue
                rows.append(Reallocation(n, y, step, STEPS[step - 1], m, take))
                used[(m, y)] = used.get((m, y), 0.0) + take
                rem -= take
                if rem <= 0:
                    break
        if rem > 0:  # step 5: undistributed part of an ancestor's frame
            for a in tree.ancestors(n):
                fa = fr[(fr["node_id"] == a) & (pd.to_numeric(fr["year"]) == y)]
                if fa.empty:
                    continue
                kids = fr[(pd.to_numeric(fr["year"]) == y)
                          & fr["node_id"].isin(tree.descendants(a))]
                top = [k for k in kids["node_id"] if not (set(tree.ancestors(k))
                                                           & set(kids["node_id"]))]
                distributed = float(kids[kids["node_id"].isin(top)]["frame_sek"].sum())
                free = float(fa["frame_sek"].iloc[0]) - distributed - used.get((a, y), 0.0)
                take = min(rem, max(free, 0.0))
                if take > 0:
                    rows.append(Reallocation(n, y, 5, STEPS[4], a, take))
                    used[(a, y)] = used.get((a, y), 0.0) + take
                    rem -= take
                break
        if rem > 0:
            rows.append(Reallocation(n, y, 6, STEPS[5], tree.root or "", rem))
    return pd.DataFrame([r.__dict__ for r in rows])


def _trajectories(tables: Mapping[str, pd.DataFrame], org_nodes: pd.DataFrame,
                  names: Mapping[str, str], lang: Language) -> list[str]:
    """Strategic plans: FTE per staff category and agency hours per division and year.

    A unit belongs to its nearest ancestor on the strategic PKS level (a division, or a
    region-wide branch).
    """
    fte = tables.get("plan_fte")
    if fte is None or fte.empty:
        return []
    tree = OrgTree(org_nodes)
    strategic = set(org_nodes.loc[org_nodes["pks_level"] == "strategic", "node_id"])
    div = {u: next((a for a in tree.ancestors(u) if a in strategic), u)
           for u in fte["unit_id"].unique()}
    f = fte.assign(division_id=fte["unit_id"].map(div)).groupby(
        ["division_id", "staff_category", "year"])["fte"].sum()
    staff = tables.get("plan_staff")
    ag = None
    if staff is not None and "agency_h" in staff:
        ag = staff.assign(division_id=staff["unit_id"].map(div)).groupby(
            ["division_id", "year"])["agency_h"].sum()
    lines = [t("plan.trajectory_title", lang)]
    for d in sorted(f.index.get_level_values(0).unique()):
        lines.append(t("plan.division", lang, division=_name(names, str(d))))
        for cat, g in f.loc[d].groupby(level=0):
            if g.abs().max() < 0.05:
                continue
            path = " → ".join(f"{y}: {format_number(v, lang, 1)}"
                              for (_, y), v in g.items())
            lines.append(t("plan.trajectory_fte", lang, what=t(f"staff.{cat}", lang),
                           path=path))
        if ag is not None and d in ag.index.get_level_values(0):
            path = " → ".join(f"{y}: {format_number(v, lang)}" for y, v in ag.loc[d].items())
            lines.append(t("plan.trajectory_agency", lang, path=path))
    return lines


def _shadow_parts(row: pd.Series, lang: Language) -> list[str]:
    """What one step of a shadow price changes, in care units and real SEK.

    Care not given is signed in its units, real cost in SEK. The weighted total only
    ranks steps; it is not printed.
    """
    out = []
    for part in DUAL_PARTS:
        if part == "care_weighted_case_weeks":
            continue
        v = row.get(part, np.nan)
        if v is None or not np.isfinite(v) or abs(v) < (1.0 if part == "real_cost_sek" else 0.05):
            continue
        sign = "+" if v > 0 else "−"
        amount = format_sek(abs(float(v)), lang) if part == "real_cost_sek" \
            else format_number(abs(float(v)), lang, 1)
        out.append(t(f"plan.part.{part}", lang, value=f"{sign}{amount}"))
    return out


def _name(names: Mapping[str, str], node: str) -> str:
    return f"{names.get(node, node)} ({node})" if node in names else node


def _value(obj: pd.DataFrame, component: str, part: str | None = None) -> float:
    sel = obj["component"] == component
    if part is not None:
        sel &= obj["part"] == part
    return float(obj.loc[sel, "value"].sum())


def _headline(tables: Mapping[str, pd.DataFrame], names: Mapping[str, str],
              lang: Language) -> list[str]:
    """Frame overruns first: unavoidable ones under binding frames, priced ones under soft."""
    cost = tables.get("plan_cost")
    obj = tables.get("plan_objective")
    if cost is None or cost.empty or "kind" not in cost:
        return []
    fr = cost[(cost["kind"] == "frame") & (cost["frame_gap_sek"] > 1.0)]
    if fr.empty:
        return []
    unavoidable = obj is not None and not obj.empty and "part" in obj \
        and _value(obj, "frame_gap_sek", "frame") > 1.0
    key = "plan.headline_unavoidable" if unavoidable else "plan.headline_soft"
    lines = [t(key, lang, n=len(fr), gap=format_sek(float(fr["frame_gap_sek"].sum()), lang, "M"))]
    for r in fr.sort_values("frame_gap_sek", ascending=False).itertuples():
        lines.append(t("plan.frame_gap_line", lang, node=_name(names, str(r.node_id)),
                       year=r.year, gap=format_sek(r.frame_gap_sek, lang, "M"),
                       net=format_sek(r.net_cost_sek, lang, "M"),
                       frame=format_sek(r.frame_sek, lang, "M")))
    return lines


def _objective_lines(obj: pd.DataFrame, lang: Language) -> list[str]:
    """Real net cost and care not given, each in its own unit (never penalty kronor)."""
    if "part" not in obj:
        return []
    real = float(obj.loc[obj["part"] == "real_cost", "value"].sum())
    lines = [t("plan.objective", lang, cost=format_sek(real, lang, "M"))]
    care = {r.component: r.value for r in obj[obj["part"] == "care"].itertuples()}
    if "ramp_slack_down" in care:
        care["ramp_slack"] = care.get("ramp_slack", 0.0) + care.pop("ramp_slack_down")
    parts = []
    for comp, key, dec in (("over_max_wait", "plan.care.over_max_wait", 0),
                           ("unmet_acute", "plan.care.unmet_acute", 0),
                           ("guarantee_breach", "plan.care.guarantee_breach", 0),
                           ("bed_overflow_days", "plan.care.bed_overflow", 0),
                           ("ramp_slack", "plan.care.ramp", 0)):
        if comp in care:
            parts.append(t(key, lang, value=format_number(float(care[comp]), lang, dec)))
    if parts:
        lines.append(t("plan.care_not_given", lang, parts="; ".join(parts),
                       weighted=format_number(float(care.get("care_weighted", 0.0)), lang)))
    return lines


def _unmet_by_class(prod: pd.DataFrame, names: Mapping[str, str], lang: Language,
                    top: int) -> list[str]:
    """Care not given per unit and priority class.

    Case-weeks past the acceptable wait (elective) and acute cases not produced.
    """
    if "over_max_wait_case_weeks" not in prod:
        return []
    p = prod.assign(_cw=prod["over_max_wait_case_weeks"], _ac=prod["acute_unmet_cases"])
    u = p.groupby("unit_id")[["_cw", "_ac"]].sum()
    u = u[(u["_cw"] > 0.5) | (u["_ac"] > 0.5)]
    if u.empty:
        return [t("plan.no_unmet", lang)]
    lines = [t("plan.unmet_title", lang, n=len(u))]
    by_k = p.groupby(["unit_id", "priority_class"])["_cw"].sum()
    for unit, r in u.sort_values(["_ac", "_cw"], ascending=False).head(top).iterrows():
        ks = by_k.loc[unit]
        classes = ", ".join(t("plan.class_value", lang, k=int(k),
                              value=format_number(float(v), lang))
                            for k, v in ks.items() if v > 0.5)
        lines.append(t("plan.unmet_line", lang, unit=_name(names, str(unit)),
                       case_weeks=format_number(float(r["_cw"]), lang),
                       classes=classes or "–", acute=format_number(float(r["_ac"]), lang)))
    return lines


def _shadow_lines(sp: pd.DataFrame, names: Mapping[str, str], lang: Language) -> list[str]:
    """Per division, the step of each kind that buys most care (else saves most money).

    In care units and real SEK; an FTE also with its annual cost.
    """
    lines = [t("plan.shadow_title", lang)]
    rank = sp.get("care_weighted_case_weeks")
    sp = sp.assign(_care=rank.fillna(0.0) if rank is not None else 0.0,
                   _real=sp["real_cost_sek"].fillna(0.0) if "real_cost_sek" in sp else 0.0)
    for div, d in sp.groupby("division_id", sort=True):
        div_lines = []
        for kind in ("fte", "case", "guarantee_week"):
            k = d[d["kind"] == kind]
            if k.empty:
                continue
            # fte: most care bought (most negative), then most money saved;
            # case / guarantee week: most care lost, then most money spent
            k = k.sort_values(["_care", "_real"], ascending=kind == "fte")
            r = k.iloc[0]
            split = _shadow_parts(r, lang)
            if not split:
                continue
            key = t(f"staff.{r['key']}", lang) if kind == "fte" else str(r["key"])
            div_lines.append(t(f"plan.shadow_{kind}", lang,
                               unit=_name(names, str(r["unit_id"])), what=key,
                               parts="; ".join(split)))
            if kind == "fte" and np.isfinite(r.get("annual_cost_sek", np.nan)):
                div_lines.append(t("plan.shadow_fte_cost", lang,
                                   cost=format_sek(float(r["annual_cost_sek"]), lang)))
        if div_lines:
            lines.append(t("plan.division", lang, division=_name(names, str(div))))
            lines += div_lines
    return lines if len(lines) > 1 else []


def explain(tables: Mapping[str, pd.DataFrame], level: str, org_nodes: pd.DataFrame,
            care_types: pd.DataFrame | None = None, lang: Language = "sv",
            top: int = 5, status: str = "optimal",
            warnings: Sequence[str] = ()) -> list[str]:
    """Explanation lines for a plan's result tables, in ``lang``.

    Order: header (with numerical warnings), frame overruns (the headline when there are
    any), real net cost and care not given, care not given per unit and priority class,
    guarantee breaches, frames, what more funding would buy (frame need), binding
    constraints, trajectories, shadow prices in care units and SEK, the financing
    proposal, hand-off and ramp notes.
    """
    lines: list[str] = []
    names = dict(zip(org_nodes["node_id"], org_nodes["name"], strict=False))
    lines.append(t("plan.header", lang, level=t(f"level.{level}", lang), status=status))
    for w in warnings:
        lines.append(t("plan.numerics", lang, detail=w))
    lines += _headline(tables, names, lang)
    obj = tables.get("plan_objective")
    if obj is not None and not obj.empty:
        lines += _objective_lines(obj, lang)
    prod = tables.get("plan_production")
    if prod is not None and not prod.empty:
        lines += _unmet_by_class(prod, names, lang, top)
    g = tables.get("plan_guarantee")
    if g is not None and not g.empty:
        col = "guarantee_breach_case_weeks" if "guarantee_breach_case_weeks" in g \
            else "guarantee_breach_cases"
        gb = g.groupby("unit_id")[col].sum()
        gb = gb[gb > 0.5].sort_values(ascending=False)
        if gb.empty:
            lines.append(t("plan.no_breach", lang))
        else:
            lines.append(t("plan.breach_title", lang, n=len(gb)))
            for unit, v in gb.head(top).items():
                lines.append(t("plan.breach_line", lang, unit=_name(names, str(unit)),
                               cases=format_number(v, lang)))
    cost = tables.get("plan_cost")
    if cost is not None and not cost.empty:
        fr = cost[cost["kind"] == "frame"]
        gaps = fr[fr["frame_gap_sek"] > 1.0]
        binding = fr[(fr["net_cost_sek"] >= fr["frame_sek"] - 1.0)]
        if gaps.empty:
            lines.append(t("plan.frames_ok", lang, n=len(fr)))
        if not binding.empty:
            lines.append(t("plan.binding_frames", lang, nodes=", ".join(
                f"{_name(names, str(n))} {y}" for n, y in zip(binding["node_id"],
                                                               binding["year"], strict=True))))
    need = tables.get("plan_frame_need")
    if need is not None and not need.empty:
        lines += _need_lines(need, names, lang)
    duals = tables.get("plan_duals")
    if duals is not None and not duals.empty:
        cnt = duals.groupby("constraint").size().sort_values(ascending=False)
        lines.append(t("plan.binding_title", lang))
        for c, n in cnt.items():
            lines.append(t("plan.binding_line", lang, family=t(f"plan.family.{c}", lang),
                           n=format_number(n, lang)))
    lines += _trajectories(tables, org_nodes, names, lang)
    sp = tables.get("plan_shadow_prices")
    if sp is not None and not sp.empty:
        lines += _shadow_lines(sp, names, lang)
    re = tables.get("plan_reallocation")
    if re is None and cost is not None:
        re = reallocation_proposal(cost, org_nodes, prod, care_types)
    if re is not None and not re.empty:
        lines.append(t("plan.realloc_title", lang))
        for r in re[re["step"] == 1].itertuples():
            lines.append(t("plan.realloc_own", lang, node=_name(names, str(r.node_id)),
                           year=r.year, revenue=format_sek(r.info_sek, lang, "M")))
        for r in re[re["amount_sek"] > 0].itertuples():
            lines.append(t("plan.realloc_line", lang, node=_name(names, str(r.node_id)),
                           year=r.year, step=r.step, step_name=t(f"plan.step.{r.step_name}", lang),
                           source=_name(names, str(r.source_node)),
                           amount=format_sek(r.amount_sek, lang, "M")))
    gaps_t = tables.get("plan_gaps")
    if gaps_t is not None and not gaps_t.empty:
        big = gaps_t[gaps_t["gap_cases"].abs() > 0.5]
        lines.append(t("plan.handoff_gaps", lang, n=len(big),
                       cases=format_number(float(big["gap_cases"].sum()), lang)))
        if len(big):
            lines.append(t("gaps.see_cli", lang))
    return lines


def _need_lines(need: pd.DataFrame, names: Mapping[str, str], lang: Language) -> list[str]:
    """What the binding frames hold back: SEK needed and the care it would give."""
    lines = [t("plan.need_title", lang,
               sek=format_sek(float(need["funding_need_sek"].sum()), lang, "M"),
               cases=format_number(float(need["cases_given"].sum()), lang),
               case_weeks=format_number(float(need["case_weeks_avoided"].sum()), lang))]
    for r in need.sort_values("funding_need_sek", ascending=False).itertuples():
        lines.append(t("plan.need_line", lang, node=_name(names, str(r.node_id)), year=r.year,
                       sek=format_sek(float(r.funding_need_sek), lang, "M"),
                       cases=format_number(float(r.cases_given), lang),
                       case_weeks=format_number(float(r.case_weeks_avoided), lang)))
    return lines


def explanation_table(tables: Mapping[str, pd.DataFrame], level: str,
                      org_nodes: pd.DataFrame, care_types: pd.DataFrame | None = None,
                      status: str = "optimal", warnings: Sequence[str] = ()) -> pd.DataFrame:
    """Table ``plan_explanation``: ``line, sv, en``."""
    sv = explain(tables, level, org_nodes, care_types, "sv", status=status, warnings=warnings)
    en = explain(tables, level, org_nodes, care_types, "en", status=status, warnings=warnings)
    return pd.DataFrame({"line": range(len(sv)), "sv": sv, "en": en})
