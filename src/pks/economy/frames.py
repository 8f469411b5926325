r"""Frame projection by cost type (R-28..R-31, [000:474–494], [003:812–816, 1221–1225]).

For every node :math:`n` and year :math:`t+1` the frame is projected from the year before:

.. math::

    F_{n,t+1} = F_{n,t} + \underbrace{F_{n,t} \sum_c s_{n,c}\, i_{c,t+1}}_{\text{index uprating}}
                + D_{n,t+1} - \varepsilon_{n,t+1} F_{n,t}

with :math:`s_{n,c}` the share of cost type :math:`c` in the node's frame (Σ = 1),
:math:`i_{c,t+1}` the cost type's uprating, :math:`D` the consequences of decisions taken
since the last budget and :math:`\varepsilon` the efficiency factor (per year, optionally
per node). The uprating of each cost type follows its rule (R-31):

* ``lpik`` – the LPIK component of the same name in ``cost_indices`` (hourly wage, social
  charges, consumption, pharmaceuticals, or the total);
* ``april_forecast`` – pharmaceuticals beyond index by the National Board's April forecast
  (a rate per year given in the configuration);
* ``contract`` – purchased care and air ambulance by contract price increases (a rate per
  year from the contracts).

Nodes listed as hard frames (psychiatry: "anpassa verksamheten till beslutad budget",
[001:177–181]) are projected the same way but flagged: their frame is a hard limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

SEK_PER_MNKR = 1_000_000.0
"""Kronor per million kronor (mnkr)."""


class FrameProjectionError(ValueError):
    """Inputs the projection cannot use; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class CostTypeRule:
    """How one cost type's share of a frame is uprated."""

    cost_type: str
    share_pu: float
    basis: str = "lpik"
    """``lpik`` (index ``index`` from cost_indices), ``april_forecast`` or ``contract``."""
    index: str = ""
    """LPIK component used when ``basis`` is ``lpik`` (default: the cost type itself)."""
    rate_by_year: tuple[tuple[int, float], ...] = ()
    """Uprating per year for ``april_forecast`` and ``contract`` (and overrides of LPIK)."""


@dataclass(frozen=True)
class FrameProjection:
    """Projected frames, one row per node × year × cost type.

    ``rows`` columns: ``node_id, year, cost_type, base_sek, uprating_pu, uprating_sek``;
    ``frames`` columns: ``node_id, year, base_sek, uprating_sek, decided_sek,
    efficiency_pu, efficiency_sek, frame_sek, hard_frame``.
    """

    rows: pd.DataFrame
    frames: pd.DataFrame


def _rates(rules: Sequence[CostTypeRule], indices: pd.DataFrame, years: Sequence[int]
           ) -> tuple[dict[tuple[str, int], float], list[str]]:
    idx = {(str(r.cost_type), int(r.year)): float(r.uprating_pu)
           for r in indices.itertuples(index=False)}
    out: dict[tuple[str, int], float] = {}
    problems: list[str] = []
    for rule in rules:
        given = dict(rule.rate_by_year)
        for y in years:
            if y in given:
                out[(rule.cost_type, y)] = given[y]
            elif rule.basis == "lpik" and (rule.index or rule.cost_type, y) in idx:
                out[(rule.cost_type, y)] = idx[(rule.index or rule.cost_type, y)]
            else:
                where = ("cost_indices" if rule.basis == "lpik"
                         else f"the {rule.basis.replace('_', ' ')} rates")
                problems.append(f"{rule.cost_type} {y}: no uprating in {where}")
    return out, problems


def project_frames(base_sek: Mapping[str, float], base_year: int, years: Sequence[int],
                   rules: Sequence[CostTypeRule], indices: pd.DataFrame,
                   efficiency_pu: Mapping[tuple[str, int], float] | None = None,
                   decided_sek: Mapping[tuple[str, int], float] | None = None,
                   hard_nodes: Sequence[str] = (),
                   node_rules: Mapping[str, Sequence[CostTypeRule]] | None = None
                   ) -> FrameProjection:
    """Project each node's frame from ``base_year`` through ``years`` (see module docstring).

    Parameters
    ----------
    base_sek : node → frame of ``base_year`` (SEK).
    years : the years to project, each after ``base_year``, ascending.
    rules : cost-type rules (shares summing to 1) used for every node without its own.
    indices : ``cost_indices`` rows (``year, cost_type, uprating_pu``).
    efficiency_pu : (node, year) → efficiency factor; a node ``"*"`` applies to all nodes.
    decided_sek : (node, year) → consequence of decisions taken since the last budget.
    hard_nodes : nodes whose frame is a hard limit (flagged in the result).
    node_rules : node → its own cost-type rules.

    Raises
    ------
    FrameProjectionError
        With every problem (shares not summing to 1, missing rates, years not after the base).
    """
    eff = dict(efficiency_pu or {})
    dec = dict(decided_sek or {})
    per_node = {n: tuple(node_rules.get(n, rules)) if node_rules else tuple(rules)
                for n in base_sek}
    problems: list[str] = []
    if any(y <= base_year for y in years) or list(years) != sorted(years):
        problems.append(f"years {list(years)} must be ascending and after {base_year}")
    rates: dict[tuple[str, int], float] = {}
    for n, rs in sorted(per_node.items()):
        total = sum(r.share_pu for r in rs)
        if abs(total - 1.0) > 1e-6:
            problems.append(f"{n}: cost-type shares sum to {total:g}, not 1")
        got, missing = _rates(rs, indices, years)
        rates.update(got)
        problems += [m for m in missing if m not in problems]
    if problems:
        raise FrameProjectionError(problems)
    rows: list[dict[str, object]] = []
    frames: list[dict[str, object]] = []
    for n, rs in sorted(per_node.items()):
        frame = float(base_sek[n])
        for y in years:
            up_total = 0.0
            for r in rs:
                part = frame * r.share_pu
                up = part * rates[(r.cost_type, y)]
                up_total += up
                rows.append({"node_id": n, "year": y, "cost_type": r.cost_type,
                             "base_sek": part, "uprating_pu": rates[(r.cost_type, y)],
                             "uprating_sek": up})
            e = eff.get((n, y), eff.get(("*", y), 0.0))
            d = dec.get((n, y), 0.0)
            new = frame + up_total + d - e * frame
            frames.append({"node_id": n, "year": y, "base_sek": frame,
                           "uprating_sek": up_total, "decided_sek": d, "efficiency_pu": e,
                           "efficiency_sek": e * frame, "frame_sek": new,
                           "hard_frame": n in hard_nodes})
            frame = new
    return FrameProjection(pd.DataFrame(rows), pd.DataFrame(frames))


def fill_frames(budget_frames: pd.DataFrame, years: Sequence[int],
                rules: Sequence[CostTypeRule], indices: pd.DataFrame,
                hard_nodes: Sequence[str] = ()) -> pd.DataFrame:
    """``budget_frames`` with every node's missing ``years`` projected from its latest frame.

    Frames given explicitly are kept; a node's missing later years come from
    :func:`project_frames` starting at its last given year (its ``efficiency_pu`` carried).
    """
    out = [budget_frames]
    for node, g in budget_frames.groupby("node_id", sort=True):
        have = set(g["year"].astype(int))
        last = g.loc[g["year"].astype(int).idxmax()]
        todo = [y for y in years if y not in have and y > int(last["year"])]
        if not todo:
            continue
        eff = {(str(node), y): float(last["efficiency_pu"]) for y in todo}
        proj = project_frames({str(node): float(last["frame_sek"])}, int(last["year"]), todo,
                              rules, indices, eff, hard_nodes=hard_nodes)
        out.append(proj.frames[["node_id", "year", "frame_sek", "efficiency_pu"]])
    return pd.concat(out, ignore_index=True).sort_values(["node_id", "year"]
                                                         ).reset_index(drop=True)
