"""Summary of a region's planning data: units per division, care types, history, frames.

Used by ``pks info`` and the demo job. A *division* is the nearest ancestor of type
``division`` (Norrbotten style) or, failing that, ``administration`` (Västerbotten style).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS
from pks.data.tree import OrgTree
from pks.i18n import format_number, t
from pks.types import Language

DIVISION_TYPES = ("division", "administration")


@dataclass(frozen=True)
class RegionSummary:
    """Key figures of one region's data."""

    region_name: str
    nodes_by_type: dict[str, int]
    units_per_division: pd.DataFrame
    """``division_id, division, units, care_types``."""
    care_types_by_kind: pd.DataFrame
    """``care_type_kind, lines`` (unit × care type lines)."""
    n_care_type_lines: int
    first_week: str | None
    last_week: str | None
    n_weeks: int
    frames: pd.DataFrame
    """``division_id, division, year, frame_sek`` (division frames, or the sum of the
    nearest framed nodes below a division)."""
    region_frames: pd.DataFrame
    """``year, frame_sek`` of the root node (or of the nodes directly framed below it)."""


def division_of(tree: OrgTree, node: str) -> str | None:
    """Nearest ancestor-or-self of ``node`` that is a division (or administration).

    Units outside every division (e.g. region-wide services) fall back to their
    top-level node under the root.
    """
    for kind in DIVISION_TYPES:
        found = tree.ancestor_of_type(node, kind)
        if found is not None:
            return found
    path = tree.path(node)
    return path[1] if len(path) > 2 else None


def _framed_under(tree: OrgTree, top: str, framed: set[str]) -> list[str]:
    """``top`` if it holds a frame, else the nearest framed nodes below it."""
    if top in framed:
        return [top]
    out: list[str] = []
    stack = list(tree.children(top))
    while stack:
        n = stack.pop()
        if n in framed:
            out.append(n)
        else:
            stack.extend(tree.children(n))
    return out


def _count_types(nodes: pd.DataFrame) -> dict[str, int]:
    order = SCHEMAS["org_nodes"].column("node_type").allowed or ()
    counts = nodes["node_type"].value_counts()
    return {k: int(counts[k]) for k in [*order, *sorted(set(counts.index) - set(order))]
            if k in counts.index}


def summarise(data: PlanningData) -> RegionSummary:
    """Compute the :class:`RegionSummary` of ``data``."""
    nodes = data.org_nodes
    tree = OrgTree(nodes)
    names = dict(zip(nodes["node_id"], nodes["name"], strict=True))
    root = tree.root or str(nodes["node_id"].iloc[0])
    ct = data.care_types
    units = sorted(ct["unit_id"].unique())
    divisions = [division_of(tree, u) for u in units]
    per_unit = pd.DataFrame({"unit_id": units, "division_id": divisions})
    lines = ct.groupby("unit_id").size().rename("care_types").reset_index()
    per_unit = per_unit.merge(lines, on="unit_id", how="left")
    per_unit["division_id"] = per_unit["division_id"].fillna("")
    upd = (per_unit.groupby("division_id", sort=True)
           .agg(units=("unit_id", "size"), care_types=("care_types", "sum")).reset_index())
    upd.insert(1, "division", upd["division_id"].map(lambda d: names.get(d, "—")))
    by_kind = (ct.groupby("care_type_kind").size().rename("lines").reset_index()
               .sort_values("care_type_kind", ignore_index=True))
    weeks = sorted(data.demand_history["week"].unique())
    frames = data.budget_frames
    framed = set(frames["node_id"])
    types = dict(zip(nodes["node_id"], nodes["node_type"], strict=True))
    div_ids = sorted(d for d in set(divisions) if d and types.get(d) in DIVISION_TYPES)
    rows = []
    for d in div_ids:
        for n in _framed_under(tree, d, framed):
            for _, r in frames[frames["node_id"] == n].iterrows():
                rows.append((d, names.get(d, d), int(r["year"]), float(r["frame_sek"])))
    fr = pd.DataFrame(rows, columns=["division_id", "division", "year", "frame_sek"])
    fr = fr.groupby(["division_id", "division", "year"], as_index=False, sort=True)[
        "frame_sek"].sum()
    top = _framed_under(tree, root, framed)
    rf = (frames[frames["node_id"].isin(top)].groupby("year", as_index=False)["frame_sek"]
          .sum().astype({"year": "int64"}))
    return RegionSummary(
        region_name=str(names.get(root, root)),
        nodes_by_type=_count_types(nodes),
        units_per_division=upd,
        care_types_by_kind=by_kind,
        n_care_type_lines=len(ct),
        first_week=weeks[0] if weeks else None,
        last_week=weeks[-1] if weeks else None,
        n_weeks=len(weeks),
        frames=fr,
        region_frames=rf,
    )


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def format_summary(s: RegionSummary, lang: Language = "sv") -> str:
    """Plain-text summary for the terminal (Swedish or English)."""
    out = [t("data.summary.title", lang, region=s.region_name), ""]
    nodes = ", ".join(f"{t('data.node_type.' + k, lang)} {v}" for k, v in s.nodes_by_type.items())
    out.append(t("data.summary.nodes", lang, nodes=nodes))
    out.append("")
    out.append(t("data.summary.units_per_division", lang))
    rows = [[r.division, str(r.division_id), str(r.units), str(r.care_types)]
            for r in s.units_per_division.itertuples()]
    out += _table([t("common.division", lang), "id", t("data.summary.units", lang),
                   t("data.summary.lines", lang)], rows, {2, 3})
    out.append("")
    kinds = ", ".join(f"{t(f'cli.kind.{r.care_type_kind}', lang)} {r.lines}"
                      for r in s.care_types_by_kind.itertuples())
    out.append(t("data.summary.care_types", lang, n=s.n_care_type_lines, kinds=kinds))
    out.append(t("data.summary.history", lang, first=s.first_week or "—",
                 last=s.last_week or "—", n=s.n_weeks))
    out.append("")
    out.append(t("data.summary.frames", lang))
    years = sorted(set(s.frames["year"]) | set(s.region_frames["year"]))
    rows = []
    for (_did, dname), g in s.frames.groupby(["division_id", "division"], sort=True):
        vals = dict(zip(g["year"], g["frame_sek"], strict=True))
        rows.append([str(dname), *(format_number(vals[y] / 1e6, lang, 1) if y in vals else "—"
                                   for y in years)])
    rvals = dict(zip(s.region_frames["year"], s.region_frames["frame_sek"], strict=True))
    rows.append([s.region_name, *(format_number(rvals[y] / 1e6, lang, 1) if y in rvals else "—"
                                  for y in years)])
    out += _table([t("data.summary.frame_node", lang), *(str(y) for y in years)], rows,
                  set(range(1, len(years) + 1)))
    return "\n".join(out)
