import doctest

import pandas as pd
import pytest

import pks.data.tree
import pks.data.weeks
import pks.i18n
from pks.config import load_scenario
from pks.config.edits import apply_edits
from pks.config.loader import ConfigError, deep_merge
from pks.config.schema import DataEdit
from pks.data.tree import OrgTree, roll_up


@pytest.mark.parametrize("module", [pks.data.tree, pks.data.weeks, pks.i18n])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def _tree():
    nodes = pd.DataFrame({
        "node_id": ["R", "B", "D1", "D2", "A1", "U1", "U2", "U3"],
        "parent_id": [None, "R", "B", "B", "D1", "A1", "A1", "D2"],
        "node_type": ["region", "board", "division", "division", "area", "unit", "unit", "unit"],
    })
    return OrgTree(nodes)


def test_roll_up_sums_leaves_at_every_depth():
    t = _tree()
    per_unit = pd.DataFrame({"unit_id": ["U1", "U2", "U3", "U1"], "week": ["w1", "w1", "w1", "w2"],
                             "x": [1.0, 2.0, 4.0, 8.0]})
    out = roll_up(per_unit, t, ["x"], by=["week"]).set_index(["node_id", "week"])["x"]
    assert out[("R", "w1")] == 7.0
    assert out[("D1", "w1")] == 3.0
    assert out[("A1", "w2")] == 8.0
    assert out[("U3", "w1")] == 4.0
    assert t.ancestor_of_type("U2", "division") == "D1"
    assert t.path("U3") == ["R", "B", "D2", "U3"]


def test_deep_merge_concatenates_lists_and_replaces_scalars():
    base = {"a": 1, "b": {"c": 2, "d": [1]}}
    out = deep_merge(base, {"b": {"c": 3, "d": [2]}, "e": 5})
    assert out == {"a": 1, "b": {"c": 3, "d": [1, 2]}, "e": 5}
    assert base["b"]["d"] == [1]


def test_demo_scenarios_resolve(demo_model_dir):
    base = load_scenario(demo_model_dir)
    assert base.data.budget_year == 2026
    assert base.data.years == [2026, 2027, 2028]
    growth = load_scenario(demo_model_dir, "industrial_growth")
    assert growth.data.population_scenario == "industrial_growth"
    with pytest.raises(ConfigError, match="unknown scenario"):
        load_scenario(demo_model_dir, "no_such_scenario")


def test_invalid_config_lists_every_problem(tmp_path):
    (tmp_path / "model.yaml").write_text(
        "data: {budget_year: notayear, bogus: 1}\nsimulate: {replications: -x}\n")
    with pytest.raises(ConfigError) as exc:
        load_scenario(tmp_path)
    msg = str(exc.value)
    assert "data.budget_year" in msg and "data.bogus" in msg and "simulate.replications" in msg


def test_apply_edits_scales_selected_rows_only():
    from pks.data.planning_data import PlanningData, empty_table
    from pks.data.schema import TABLE_NAMES
    tables = {n: empty_table(n) for n in TABLE_NAMES}
    tables["staffing"] = pd.DataFrame({"unit_id": ["U1", "U2"], "staff_category": ["lakare"] * 2,
                                       "staffing_target_fte": [10.0, 20.0]})
    data = PlanningData.from_tables(tables)
    edited = apply_edits(data, [DataEdit(table="staffing", where={"unit_id": ["U2"]},
                                         scale={"staffing_target_fte": 0.5})])
    assert edited.staffing["staffing_target_fte"].tolist() == [10.0, 10.0]
    assert data.staffing["staffing_target_fte"].tolist() == [10.0, 20.0]
    with pytest.raises(ConfigError, match="no column"):
        apply_edits(data, [DataEdit(table="staffing", scale={"nope": 1.0})])


def test_swedish_number_format():
    assert pks.i18n.format_number(-1234567.891, "sv", 1) == "\u22121\u00a0234\u00a0567,9"
    assert pks.i18n.format_sek(2_500_000, "sv", "M") == "2,5 mnkr"
    assert pks.i18n.t("level.tactical", "en") == "Tactical level"


def test_vasterbotten_instance_resolves_to_its_own_data(repo_root):
    cfg = load_scenario(repo_root / "models" / "vasterbotten_style")
    assert cfg.data.county == "Västerbottens län"
    assert cfg.data.instance_dir == str(repo_root / "data" / "vasterbotten_style")
