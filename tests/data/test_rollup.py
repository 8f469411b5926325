"""Every per-unit figure aggregates exactly up the organisation tree, in both hierarchy styles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tiny_region import tiny_tables

from pks.data.parse import coerce_tables
from pks.data.planning_data import PlanningData
from pks.data.summary import summarise
from pks.data.tree import OrgTree, roll_up

FIGURES = [  # table, value columns, extra grouping
    ("demand_history", ["referrals_cases", "production_cases", "waiting_list_cases"], ["week"]),
    ("staffing", ["staffing_target_fte"], ["staff_category"]),
    ("unit_finance", ["fixed_cost_sek_per_year"], []),
    ("unit_capacity", ["staffed_beds", "theatre_h_per_week"], ["week"]),
    ("actuals_staff", ["worked_h", "overtime_h"], ["week"]),
]


def _check_exact_rollup(data: PlanningData) -> None:
    tree = OrgTree(data.org_nodes)
    assert tree.root is not None
    children: dict[str, list[str]] = {n: tree.children(n) for n in data.org_nodes.node_id}
    for table, cols, by in FIGURES:
        per_unit = getattr(data, table)
        if per_unit.empty:
            continue
        rolled = roll_up(per_unit, tree, cols, by).set_index(["node_id", *by])
        # 1. the root holds the total of the table
        if by:
            root = rolled.loc[tree.root][cols].reset_index(drop=True)
            total = per_unit.groupby(by)[cols].sum().reset_index(drop=True)
        else:
            root = rolled.loc[[tree.root], cols].reset_index(drop=True)
            total = per_unit[cols].sum().to_frame().T.reset_index(drop=True)
        pd.testing.assert_frame_equal(root.astype(float), total.astype(float),
                                      check_exact=False, rtol=1e-12, atol=1e-9)
        # 2. independent recursion: a node's figure is the sum over its children (or its own
        #    rows for a leaf)
        leaf_sums = per_unit.groupby(["unit_id", *by])[cols].sum()

        def value(node: str, key: tuple, by: list[str] = by, cols: list[str] = cols,
                  leaf_sums: pd.DataFrame = leaf_sums) -> pd.Series:
            kids = children[node]
            if not kids:
                idx = (node, *key) if by else node
                return leaf_sums.loc[idx] if idx in leaf_sums.index else pd.Series(
                    0.0, index=cols)
            return sum((value(k, key) for k in kids), start=pd.Series(0.0, index=cols))

        keys = ([tuple(k) if isinstance(k, tuple) else (k,) for k in
                 per_unit.groupby(by).size().index[:3]] if by else [()])
        for node in data.org_nodes.node_id:
            if not tree.leaves_under(node) or node not in rolled.index.get_level_values(0):
                continue
            for key in keys:
                expected = value(node, key)
                got = rolled.loc[(node, *key)] if by else rolled.loc[node]
                got = got.iloc[0] if isinstance(got, pd.DataFrame) else got
                # same figures, summed in another order: equal up to float rounding (a
                # missing or double-counted unit would be off by a whole unit's figure)
                assert got[cols].astype(float).tolist() == pytest.approx(
                    expected.astype(float).tolist(), rel=1e-12, abs=1e-9), (table, node, key)


def test_tiny_rolls_up_exactly(style: str) -> None:
    _check_exact_rollup(PlanningData.from_tables(coerce_tables(tiny_tables(style))))


def test_tiny_units_per_division(style: str) -> None:
    s = summarise(PlanningData.from_tables(coerce_tables(tiny_tables(style))))
    got = dict(zip(s.units_per_division.division_id, s.units_per_division.units, strict=True))
    assert got == ({"D1": 2, "D2": 1} if style == "norrbotten" else {"F1": 2, "F2": 1})
    assert s.n_weeks == 6 and s.first_week == "2025-W50" and s.last_week == "2026-W03"
    # frames of a division are the division's own frame
    fr = s.frames.set_index(["division_id", "year"])["frame_sek"]
    bf = tiny_tables(style)["budget_frames"].set_index(["node_id", "year"])["frame_sek"]
    for (d, y), v in fr.items():
        assert v == bf[(d, y)]


@pytest.mark.parametrize("folder", ["demo_region", "vasterbotten_style"])
def test_generated_regions_roll_up_exactly(folder: str, repo_root: Path) -> None:
    from pks.data.io import read_csv_folder

    path = repo_root / "data" / folder
    data = read_csv_folder(path)
    _check_exact_rollup(data)
    s = summarise(data)
    assert s.units_per_division["units"].sum() == len(data.unit_ids)
