"""The region economy's input tables: read, validate, store (R-26, R-46..R-51).

Three schema tables (``src/pks/data/schema/``) hold the region-level economy:
``economy_budget`` (one row per year), ``economy_cost_items`` (net cost outside pks's
plans per year and item) and ``financial_targets`` (versioned targets). They live in the
``economy/`` sub-folder of a model instance's data folder, hand-authored with their
sources, apart from the generated planning tables.

Reading never half-succeeds: every problem (schema issues as in :mod:`pks.data.checks`
plus the economy's own rules below) is raised at once as
:class:`pks.data.checks.ValidationFailed`, and :func:`store_economy` writes nothing then.

Economy rules on top of the schemas:

* every year from the first economy year through the last plan year is present
  (``economy_missing_year``);
* every year has at least one cost item (``economy_no_cost_items``);
* an exemption (*synnerliga skäl*) is at most the deficit of a given balanced-budget
  result (``economy_exempt_above_deficit``);
* a target's lower limit is not above its upper limit (``min_above_max``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pks.data.checks import Issue, ValidationFailed, validate
from pks.data.io import read_csv_tables
from pks.data.parse import coerce_table
from pks.data.store import Store
from pks.types import Language

ECONOMY_TABLES: tuple[str, ...] = ("economy_budget", "economy_cost_items", "financial_targets")
"""The economy's schema tables, in schema order."""
ECONOMY_FOLDER = "economy"
"""Sub-folder of an instance's data folder that holds the economy tables."""


@dataclass(frozen=True)
class EconomyInputs:
    """The three economy tables in canonical dtypes (see ``docs/data-model.md``)."""

    budget: pd.DataFrame
    cost_items: pd.DataFrame
    targets: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name → frame."""
        return {"economy_budget": self.budget, "economy_cost_items": self.cost_items,
                "financial_targets": self.targets}

    @property
    def years(self) -> list[int]:
        """Years of the results budget, ascending."""
        return sorted(int(y) for y in self.budget["year"])


def economy_issues(tables: dict[str, pd.DataFrame], years: Sequence[int] = ()) -> list[Issue]:
    """Schema issues of the economy tables plus the economy rules (module docstring).

    ``years`` are the years the caller needs (budget year and plan years).
    """
    mine = {k: v for k, v in tables.items() if k in ECONOMY_TABLES}
    issues = [i for i in validate(mine) if i.table in ECONOMY_TABLES]
    for name in ECONOMY_TABLES:
        if name not in mine:
            issues.append(Issue(name, None, "", "", f"{name}.csv", "missing_table"))
    if issues:
        return issues
    budget = coerce_table("economy_budget", mine["economy_budget"])
    items = coerce_table("economy_cost_items", mine["economy_cost_items"])
    targets = coerce_table("financial_targets", mine["financial_targets"])
    have = sorted(int(y) for y in budget["year"])
    if have:
        want = range(min(have[0], *years) if years else have[0], max([have[-1], *years]) + 1)
        for y in want:
            if y not in have:
                issues.append(Issue("economy_budget", None, "year", str(y),
                                    f"{have[0]}–{max([have[-1], *years])}",
                                    "economy_missing_year"))
    with_items = set(items["year"].astype(int))
    for row, y in enumerate(budget["year"].astype(int)):
        if y not in with_items:
            issues.append(Issue("economy_budget", row + 1, "year", str(y), "economy_cost_items",
                                "economy_no_cost_items"))
    res = budget["balanced_result_mnkr"].to_numpy(dtype=float)
    ex = budget["exempt_mnkr"].to_numpy(dtype=float)
    for pos in np.flatnonzero(~np.isnan(ex) & (ex > 0)):
        deficit = max(0.0, -res[pos]) if not np.isnan(res[pos]) else None
        if deficit is not None and ex[pos] > deficit + 1e-9:
            issues.append(Issue("economy_budget", int(pos) + 1, "exempt_mnkr", f"{ex[pos]:g}",
                                f"≤ {deficit:g}", "economy_exempt_above_deficit"))
    lo = targets["min_pu"].to_numpy(dtype=float)
    hi = targets["max_pu"].to_numpy(dtype=float)
    for pos in np.flatnonzero(~np.isnan(lo) & ~np.isnan(hi) & (lo > hi)):
        issues.append(Issue("financial_targets", int(pos) + 1, "min_pu", f"{lo[pos]:g}",
                            f"≤ {hi[pos]:g}", "min_above_max"))
    return issues


def economy_from_tables(tables: dict[str, pd.DataFrame], years: Sequence[int] = (),
                        lang: Language = "sv") -> EconomyInputs:
    """Validate raw economy tables and return them canonical (raises ValidationFailed)."""
    issues = economy_issues(tables, years)
    if issues:
        raise ValidationFailed(issues, lang)
    return EconomyInputs(*(coerce_table(n, tables[n]) for n in ECONOMY_TABLES))


def read_economy(folder: str | Path, years: Sequence[int] = (), lang: Language = "sv"
                 ) -> EconomyInputs:
    """Read and validate the economy tables of ``folder`` (raises ValidationFailed)."""
    tables, issues = read_csv_tables(folder)
    if issues:
        raise ValidationFailed(issues, lang)
    return economy_from_tables(tables, years, lang)


def economy_folder(instance_dir: str | Path) -> Path:
    """The economy sub-folder of an instance's data folder."""
    return Path(instance_dir) / ECONOMY_FOLDER


def _records(name: str, df: pd.DataFrame) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for pos, row in enumerate(df.to_dict("records")):
        rec: dict[str, object] = {"_row": pos}
        for k, v in row.items():
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
                rec[k] = None
            elif isinstance(v, pd.Timestamp):
                rec[k] = v.date()
            elif isinstance(v, np.generic):
                rec[k] = v.item()
            else:
                rec[k] = v
        out.append(rec)
    return out


def store_economy(store: Store, tables: dict[str, pd.DataFrame], years: Sequence[int] = (),
                  source: str = "", user: str = "cli", lang: Language = "sv") -> EconomyInputs:
    """Validate the economy tables and replace them in ``store`` in one transaction.

    Raises
    ------
    ValidationFailed
        With every problem; the store is not touched then.
    """
    from pks.data.audit import ensure_audit_table, record_audit

    econ = economy_from_tables(tables, years, lang)
    ensure_audit_table(store)
    with store.transaction() as conn:
        for name, df in econ.tables().items():
            table = store.inputs[name]
            conn.execute(table.delete())
            recs = _records(name, df)
            if recs:
                conn.execute(table.insert(), recs)
        record_audit(conn, user=user, role="economy", action="economy_load",
                     object_type="economy_inputs", object_id=source or "economy",
                     after={n: len(df) for n, df in econ.tables().items()},
                     at=dt.datetime.now(dt.UTC))
    return econ
