r"""Financial targets per plan year: value, limit, margin and verdict (R-44, R-46..R-48).

The target set in force is the one named in the settings, or else the set whose latest
version is valid on the evaluation date; within a set the latest version with
``valid_from`` on or before that date applies (versioned configuration, see R-46 in
docs/requirements.md). Measures, with :math:`S` = tax + general grants + equalisation:

* ``operating_result_share`` = operating result / :math:`S` (Norrbotten 2025: 1–3 %);
* ``balanced_result_share`` = balanced-budget result / :math:`S` (Norrbotten 2022: ≥ 1 %);
* ``equity_ratio_incl_pension`` = (equity − pension commitment) / total assets (≥ 16 %);
* ``self_financing`` = Σ operating cash flow / Σ investments over the first
  ``average_years`` plan years (≥ 60 %). The policy's wording reads investments ÷ cash
  flow [000:145–149]; the conventional ratio (cash flow ÷ investments) is used, because
  only it makes "at least 60 %" a meaningful lower bound (§7 note 2);
* ``net_cost_growth`` = net-cost growth − growth of :math:`S` (≤ 0, R-48);
* ``debt_share`` = interest-bearing debt / :math:`S`;
* ``pension_funding`` = pension assets / pension liability.

Margin = value − lower limit, or upper limit − value (the smaller of both when a target
has two); a negative margin fails. A failing binding target marks the budget as needing
an action plan (åtgärdsplan, [000:179–181]); a failing indicator (binding = false) warns.
For a failing target the drivers are the results-budget items that moved the wrong way
against the year before, largest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import SupportsFloat

import numpy as np
import pandas as pd

from pks.economy.results import ResultsBudget

RESULT_TARGETS = ("operating_result_share", "balanced_result_share")
"""Targets whose margin can be expressed in mnkr (share × revenue base)."""


class TargetSetError(ValueError):
    """No target set applies (unknown name or nothing valid on the date)."""


@dataclass(frozen=True)
class TargetVerdict:
    """One target in one plan year (or averaging window)."""

    target: str
    year: int
    period: str
    value_pu: float | None
    min_pu: float | None
    max_pu: float | None
    margin_pu: float | None
    margin_mnkr: float | None
    verdict: str
    """``pass``, ``fail`` (binding), ``warn`` (indicator) or ``no_data``."""
    binding: bool
    drivers: tuple[tuple[str, float], ...]
    """(item, adverse change in mnkr against the year before), largest first."""
    source: str


@dataclass(frozen=True)
class TargetEvaluation:
    """All verdicts of a scenario's plan years under one target-set version."""

    target_set: str
    version: int
    valid_from: dt.date
    verdicts: tuple[TargetVerdict, ...]

    @property
    def action_plan_required(self) -> bool:
        """True when a binding target fails in some year (R-44)."""
        return any(v.verdict == "fail" for v in self.verdicts)

    def table(self) -> pd.DataFrame:
        """The verdicts as a frame (drivers joined as text)."""
        rows = [{**{k: getattr(v, k) for k in ("target", "year", "period", "value_pu",
                                               "min_pu", "max_pu", "margin_pu", "margin_mnkr",
                                               "verdict", "binding", "source")},
                 "drivers": "; ".join(f"{i} {a:+.0f}" for i, a in v.drivers)}
                for v in self.verdicts]
        return pd.DataFrame(rows)

    def get(self, target: str, year: int) -> TargetVerdict:
        """The verdict of ``target`` in ``year``."""
        for v in self.verdicts:
            if v.target == target and v.year == year:
                return v
        raise KeyError((target, year))

    def in_year(self, year: int) -> tuple[TargetVerdict, ...]:
        """One verdict per target for ``year``, in target order.

        That year's verdict, or the averaging window's that covers it (a window's verdict
        carries its last year).
        """
        out: dict[str, TargetVerdict] = {}
        for v in self.verdicts:
            first, _, last = v.period.partition("–")
            covers = v.year == year or (bool(last) and first.isdigit() and last.isdigit()
                                        and int(first) <= year <= int(last))
            if covers and v.target not in out:
                out[v.target] = v
        return tuple(out.values())


def select_targets(targets: pd.DataFrame, on: dt.date, target_set: str = ""
                   ) -> pd.DataFrame:
    """Rows of the target-set version in force on ``on`` (see the module docstring)."""
    t = targets.assign(valid_from=pd.to_datetime(targets["valid_from"]))
    t = t[t["valid_from"] <= pd.Timestamp(on)]
    if target_set:
        t = t[t["target_set"] == target_set]
    if t.empty:
        known = sorted(targets["target_set"].unique().tolist())
        raise TargetSetError(f"no financial target set {target_set or ''!s} valid on {on} "
                             f"(known: {', '.join(known)})")
    latest = t.sort_values(["valid_from", "version"]).iloc[-1]
    chosen = t[(t["target_set"] == latest["target_set"]) & (t["version"] == latest["version"])]
    return chosen.reset_index(drop=True)


def _opt(v: SupportsFloat | None) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _drivers(tab: pd.DataFrame, items: pd.DataFrame, year: int, sign: float = 1.0
             ) -> tuple[tuple[str, float], ...]:
    """Items that moved the result down (``sign`` 1) or up (``sign`` −1), largest first.

    Moves are against the year before; the plans' cost and other activity are one item
    when the year before had no plan cost (the split starts with the planned years).
    """
    prev = year - 1
    if prev not in set(tab["year"]):
        return ()
    cur, old = tab.set_index("year").loc[year], tab.set_index("year").loc[prev]
    moves = {"revenue_base": -(cur["revenue_base_mnkr"] - old["revenue_base_mnkr"]),
             "modelled_cost": cur["modelled_cost_mnkr"] - old["modelled_cost_mnkr"],
             "financial_net": -(cur["financial_net_mnkr"] - old["financial_net_mnkr"])}
    by = items.pivot_table(index="item", columns="year", values="net_cost_mnkr", aggfunc="sum")
    for item in by.index:
        a = by.loc[item].get(year, 0.0)
        b = by.loc[item].get(prev, 0.0)
        moves[str(item)] = float((0.0 if pd.isna(a) else a) - (0.0 if pd.isna(b) else b))
    if old["modelled_cost_mnkr"] == 0 and cur["modelled_cost_mnkr"] > 0:
        moves["activity"] = moves.pop("modelled_cost") + moves.pop("other_activity", 0.0)
    bad = sorted(((k, float(sign * v)) for k, v in moves.items() if sign * v > 0.5),
                 key=lambda kv: -kv[1])
    return tuple(bad[:4])


def _values(target: str, tab: pd.DataFrame, years: Sequence[int], window: int
            ) -> list[tuple[int, str, float | None]]:
    t = tab.set_index("year")

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None or not b or pd.isna(a) or pd.isna(b) else a / b

    out: list[tuple[int, str, float | None]] = []
    if target == "self_financing" and window > 1:
        ws = [y for y in years[:window] if y in t.index]
        cash = [_opt(t.loc[y, "operating_cash_flow_mnkr"]) for y in ws]
        inv = [_opt(t.loc[y, "investments_mnkr"]) for y in ws]
        ok = len(ws) == window and all(c is not None for c in cash) and \
            all(i is not None for i in inv)
        val = ratio(sum(c or 0.0 for c in cash), sum(i or 0.0 for i in inv)) if ok else None
        return [(ws[-1] if ws else years[0], f"{ws[0]}–{ws[-1]}" if ws else "", val)]
    for y in years:
        if y not in t.index:
            out.append((y, str(y), None))
            continue
        r = t.loc[y]
        s = float(r["revenue_base_mnkr"])
        if target == "operating_result_share":
            v = ratio(float(r["operating_result_mnkr"]), s)
        elif target == "balanced_result_share":
            v = ratio(float(r["balanced_result_mnkr"]), s)
        elif target == "equity_ratio_incl_pension":
            v = _opt(r["equity_ratio_incl_pension_pu"])
        elif target == "self_financing":
            v = ratio(_opt(r["operating_cash_flow_mnkr"]), _opt(r["investments_mnkr"]))
        elif target == "net_cost_growth":
            p = y - 1
            v = (None if p not in t.index else
                 float(r["net_cost_mnkr"] / t.loc[p, "net_cost_mnkr"]
                       - r["revenue_base_mnkr"] / t.loc[p, "revenue_base_mnkr"]))
        elif target == "debt_share":
            v = ratio(_opt(r["interest_bearing_debt_mnkr"]), s)
        elif target == "pension_funding":
            v = ratio(_opt(r["pension_assets_mnkr"]), _opt(r["pension_liability_mnkr"]))
        else:
            raise ValueError(f"unknown financial target {target!r}")
        out.append((y, str(y), v))
    return out


def evaluate_targets(budget: ResultsBudget, targets: pd.DataFrame, years: Sequence[int],
                     on: dt.date, target_set: str = "") -> TargetEvaluation:
    """Evaluate the target-set version in force on ``on`` for every plan year."""
    chosen = select_targets(targets, on, target_set)
    tab = budget.table
    verdicts: list[TargetVerdict] = []
    for row in chosen.itertuples(index=False):
        lo, hi = _opt(row.min_pu), _opt(row.max_pu)
        first = int(row.first_year) if not pd.isna(row.first_year) else min(years)
        last = int(row.last_year) if not pd.isna(row.last_year) else max(years)
        window = int(row.average_years) if not pd.isna(row.average_years) else 1
        yrs = [y for y in years if first <= y <= last]
        if not yrs:
            continue
        for y, period, val in _values(str(row.target), tab, yrs, window):
            margins = ([val - lo] if lo is not None and val is not None else []) + \
                      ([hi - val] if hi is not None and val is not None else [])
            margin = min(margins) if margins else None
            if val is None:
                verdict = "no_data"
            elif margin is not None and margin < -1e-12:
                verdict = "fail" if bool(row.binding) else "warn"
            else:
                verdict = "pass"
            base = tab.set_index("year")["revenue_base_mnkr"].get(y, np.nan)
            mnkr = (margin * float(base) if margin is not None and
                    str(row.target) in RESULT_TARGETS else None)
            high = (str(row.target) in RESULT_TARGETS and hi is not None and val is not None
                    and val > hi)
            drivers = (_drivers(tab, budget.items, y, -1.0 if high else 1.0)
                       if verdict in ("fail", "warn") else ())
            verdicts.append(TargetVerdict(str(row.target), y, period, val, lo, hi, margin, mnkr,
                                          verdict, bool(row.binding), drivers, str(row.source)))
    first_row = chosen.iloc[0]
    return TargetEvaluation(str(first_row["target_set"]), int(first_row["version"]),
                            pd.Timestamp(first_row["valid_from"]).date(), tuple(verdicts))
