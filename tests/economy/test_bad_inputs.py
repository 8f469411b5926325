"""Bad economic inputs give every problem at once and change nothing in the store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pks.data.checks import ValidationFailed
from pks.data.io import read_csv_tables
from pks.data.store import Store
from pks.economy.inputs import ECONOMY_TABLES, read_economy, store_economy

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo_region" / "economy"
YEARS = [2026, 2027, 2028]


def _tables() -> dict[str, pd.DataFrame]:
    tables, issues = read_csv_tables(DEMO)
    assert not issues
    return {n: t.copy() for n, t in tables.items() if n in ECONOMY_TABLES}


def _broken() -> dict[str, pd.DataFrame]:
    t = _tables()
    b = t["economy_budget"]
    t["economy_budget"] = b[b["year"] != "2027"].reset_index(drop=True)  # a missing year
    t["economy_budget"].loc[0, "tax_revenue_mnkr"] = "-7327"  # a negative tax base
    t["economy_budget"].loc[1, "balanced_result_mnkr"] = "-100"
    t["economy_budget"].loc[1, "exempt_mnkr"] = "150"  # exemption larger than the deficit
    t["financial_targets"].loc[2, "valid_from"] = ""  # a target set without valid-from
    t["economy_cost_items"] = t["economy_cost_items"][
        t["economy_cost_items"]["year"] != "2027"].reset_index(drop=True)
    return t


def test_demo_economy_is_valid() -> None:
    e = read_economy(DEMO, YEARS)
    assert e.years == [2023, 2024, 2025, 2026, 2027, 2028]


def test_every_problem_is_listed() -> None:
    t = _broken()
    with pytest.raises(ValidationFailed) as exc:
        store_economy(Store.open("sqlite://"), t, YEARS)
    codes = {(i.table, i.column, i.code) for i in exc.value.issues}
    assert ("economy_budget", "tax_revenue_mnkr", "negative_value") in codes
    assert ("financial_targets", "valid_from", "missing_value") in codes
    # the schema problems are reported first; fix them and the economy rules speak
    t["economy_budget"].loc[0, "tax_revenue_mnkr"] = "7327"
    t["financial_targets"].loc[2, "valid_from"] = "2025-06-24"
    with pytest.raises(ValidationFailed) as exc:
        store_economy(Store.open("sqlite://"), t, YEARS)
    codes = {(i.table, i.column, i.code, i.value) for i in exc.value.issues}
    assert ("economy_budget", "year", "economy_missing_year", "2027") in codes
    assert ("economy_budget", "exempt_mnkr", "economy_exempt_above_deficit", "150") in codes
    text = str(exc.value)
    assert "2027" in text and "150" in text


def test_nothing_changes_in_the_store(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'e.db'}")
    store_economy(store, _tables(), YEARS)
    before = {n: store.read_table(n) for n in ECONOMY_TABLES}
    for bad in (_broken(), {**_tables(), "economy_budget": _tables()["economy_budget"].drop(
            index=[3]).reset_index(drop=True)}):
        with pytest.raises(ValidationFailed):
            store_economy(store, bad, YEARS)
        for n in ECONOMY_TABLES:
            pd.testing.assert_frame_equal(store.read_table(n), before[n])
    assert len(before["economy_budget"]) == 6
    assert len(before["financial_targets"]) == 6
