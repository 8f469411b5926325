"""Plan versions that explain themselves and the Finansplan revision re-run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pks.config.schema import ScenarioConfig
from pks.data.audit import read_audit
from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance.versions import (
    bases_of,
    compare_bases,
    compare_figures,
    plan_figures,
    revise_plan,
)

from .conftest import User


def test_compare_bases_and_figures_hand_made() -> None:
    a = pd.DataFrame({"basis": ["cost_index", "cost_index", "frame", "config"],
                      "key": ["2027/hourly_wage", "2027/consumption", "D/2027", "solve.mip"],
                      "value": [0.03, 0.02, 100.0, np.nan], "text": [None, None, None, "0.01"]})
    b = a.copy()
    b.loc[0, "value"] = 0.041
    b.loc[2, "value"] = 90.0
    b.loc[3, "text"] = "0.02"
    c = compare_bases(a, b)
    assert list(c["key"]) == ["2027/hourly_wage", "D/2027", "solve.mip"]
    assert np.isclose(c["change"].iloc[0], 0.011) and c["change"].iloc[1] == -10.0
    assert (c["before"].iloc[2], c["after"].iloc[2]) == ("0.01", "0.02")
    fa = pd.DataFrame({"node_id": ["U1", "U2", "U1"], "figure": ["production_cases"] * 2
                       + ["net_cost_sek"], "year": 2027, "value": [100.0, 50.0, 1e6]})
    fb = fa.assign(value=[90.0, 70.0, 1e6])
    f = compare_figures(fa, fb)
    assert list(f["node_id"]) == ["U2", "U1"]  # +20 before −10; unchanged cost left out
    assert list(f["change"]) == [20.0, -10.0] and f["change_pu"].iloc[1] == -0.1


def test_plan_figures_roll_up(store: Store, tree: OrgTree, plan_id: str, area: str) -> None:
    t = store.load_run_tables(plan_id)
    f = plan_figures(t, tree)
    prod = f[f["figure"] == "production_cases"].groupby("node_id")["value"].sum()
    units = tree.leaves_under(area)
    direct = t["plan_production"].groupby("unit_id")["production_cases"].sum()
    assert np.isclose(prod[area], direct[units].sum())
    assert np.isclose(prod[tree.root], direct.sum())
    assert {"production_cases", "unmet_cases", "staff_h", "net_cost_sek"} <= set(f["figure"])


def test_finansplan_revision_creates_a_compared_version(store: Store, tree: OrgTree,
                                                        plan_id: str, cfg: ScenarioConfig,
                                                        strategist: User) -> None:
    data = store.read_inputs()
    ci = data.cost_indices.copy()
    wage = (ci["cost_type"] == "hourly_wage") & (ci["year"] == 2026)
    ci.loc[wage, "uprating_pu"] += 0.012  # the November wage forecast is 1.2 pp higher
    bf = data.budget_frames.copy()
    bf.loc[bf["year"] == 2026, "frame_sek"] *= 0.9  # frames 10 % lower
    st = data.staffing.copy()
    st["cost_sek_per_fte_year"] *= 1.04  # wages 4 % higher
    rev = revise_plan(store, cfg, "tactical", strategist,
                      {"cost_indices": ci, "budget_frames": bf, "staffing": st})
    assert rev.previous_run_id == plan_id and rev.run_id != plan_id
    new = store.run(rev.run_id)
    assert new.status == "draft" and new.supersedes == plan_id
    cmp_ = rev.comparison
    assert cmp_.bases_complete
    pre = cmp_.prerequisites
    assert set(pre["basis"]) == {"cost_index", "frame", "staff_cost"}  # nothing else changed
    row = pre[pre["basis"] == "cost_index"].iloc[0]
    assert row["key"] == "2026/hourly_wage" and np.isclose(row["change"], 0.012)
    n_frames = int((bf["year"] == 2026).sum())
    assert (pre["basis"] == "frame").sum() == n_frames
    assert (pre["basis"] == "staff_cost").sum() == len(st)
    # the largest plan changes come first within each figure
    ch = cmp_.plan_changes
    assert not ch.empty
    cost = ch[(ch["figure"] == "net_cost_sek") & (ch["node_id"] == tree.root)]
    # frames bind: 10 % lower frames outweigh dearer staff, so the revised plan costs less
    assert len(cost) == 1 and cost["change"].iloc[0] < 0
    for _, g in ch.groupby("figure", sort=False):
        assert list(g["change"].abs()) == sorted(g["change"].abs(), reverse=True)
    assert read_audit(store, object_type="plan")["action"].tolist() == ["plan.revise"]
    # bases of both versions are kept: comparing again gives the same prerequisites
    assert len(bases_of(store, plan_id)) == len(bases_of(store, rev.run_id))


def test_bad_revision_writes_nothing(store: Store, plan_id: str, cfg: ScenarioConfig,
                                     strategist: User) -> None:
    before = store.input_checksum()
    ci = store.read_inputs().cost_indices.astype({"uprating_pu": object})
    ci.loc[0, "uprating_pu"] = "tre procent"
    with pytest.raises(ValidationFailed) as exc:
        revise_plan(store, cfg, "tactical", strategist,
                    {"cost_indices": ci, "org_nodes": store.read_inputs().org_nodes})
    assert {i.table for i in exc.value.issues} == {"org_nodes"}  # not a prerequisite
    with pytest.raises(ValidationFailed) as exc2:
        revise_plan(store, cfg, "tactical", strategist, {"cost_indices": ci})
    assert [(i.table, i.row, i.column) for i in exc2.value.issues] == [
        ("cost_indices", 1, "uprating_pu")]
    assert store.input_checksum() == before
    assert len(store.runs(kind="plan")) == 1
