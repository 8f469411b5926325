"""Workbench scenarios: form validation, overrides, the user scenario file and the loader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pks.config.loader import USER_SCENARIOS_FILE, ConfigError, load_scenario, scenario_names
from pks.config.user_scenarios import (
    ScenarioForm,
    form_overrides,
    form_problems,
    save_user_scenario,
    scenario_labels,
)
from pks.sweep.compare import difference_table

POPS = {"scb", "region"}
TARGETS = {"vardgaranti_0_3_90_90", "vardgaranti_60"}
NODES = {"NLL-RS", "DIV-A"}


def _form(**kw: object) -> ScenarioForm:
    base: dict[str, object] = {"name": "less_agency", "label": "Mindre hyrpersonal"}
    return ScenarioForm(**{**base, **kw})  # type: ignore[arg-type]


def test_form_with_every_lever_becomes_scenario_overrides():
    form = _form(population="region", agency_change_pct=-30.0, frame_change_pct=-2.0,
                 frame_nodes=("DIV-A",), efficiency_pct=1.0, staffing_change_pct=5.0,
                 target_set="vardgaranti_60")
    assert form_problems(form, {"base"}, POPS, TARGETS, NODES) == []
    assert form_overrides(form) == {
        "data": {"population_scenario": "region", "target_set": "vardgaranti_60"},
        "data_edits": [
            {"table": "staffing", "scale": {"agency_h_per_week_max": 0.7}},
            {"table": "budget_frames", "scale": {"frame_sek": 0.98},
             "where": {"node_id": ["DIV-A"]}},
            {"table": "budget_frames", "set": {"efficiency_pu": 0.01}},
            {"table": "staffing", "scale": {"staffing_target_fte": 1.05}},
        ]}


def test_every_bad_field_is_listed_at_once():
    form = ScenarioForm(name="Bad Name!", label="", population="mars", agency_change_pct=-130.0,
                        frame_change_pct=80.0, frame_nodes=("NOPE",), efficiency_pct=25.0,
                        staffing_change_pct=-60.0, target_set="none")
    probs = {(p.field, p.code) for p in form_problems(form, set(), POPS, TARGETS, NODES)}
    assert probs == {("name", "name_format"), ("label", "label"), ("population", "unknown"),
                     ("target_set", "unknown"), ("agency_change_pct", "range"),
                     ("frame_change_pct", "range"), ("efficiency_pct", "range"),
                     ("staffing_change_pct", "range"), ("frame_nodes", "unknown")}
    taken = form_problems(_form(agency_change_pct=-30.0), {"less_agency"}, POPS, TARGETS, NODES)
    assert [(p.field, p.code) for p in taken] == [("name", "name_taken")]
    same = form_problems(_form(), set(), POPS, TARGETS, NODES)
    assert [(p.field, p.code) for p in same] == [("name", "no_change")]


@pytest.fixture()
def model_dir(tmp_path: Path, demo_model_dir: Path) -> Path:
    out = tmp_path / "models" / "demo_region"
    shutil.copytree(demo_model_dir, out)
    # instance_dir is relative to the repository root: point it at the real demo data
    (tmp_path / "data").symlink_to(demo_model_dir.parent.parent / "data")
    return out


def test_saved_scenario_is_found_by_the_loader_with_its_edits(model_dir: Path):
    form = _form(agency_change_pct=-30.0, frame_change_pct=-2.0)
    path = save_user_scenario(model_dir, form.name, form.label, form_overrides(form))
    assert path.name == USER_SCENARIOS_FILE
    assert "less_agency" in scenario_names(model_dir)
    assert scenario_labels(model_dir) == {"less_agency": "Mindre hyrpersonal"}
    cfg = load_scenario(model_dir, "less_agency")
    assert cfg.name == "less_agency"
    assert [(e.table, dict(e.scale)) for e in cfg.data_edits] == [
        ("staffing", {"agency_h_per_week_max": 0.7}), ("budget_frames", {"frame_sek": 0.98})]
    assert load_scenario(model_dir, "industrial_growth").name == "industrial_growth"
    with pytest.raises(ConfigError):
        save_user_scenario(model_dir, "less_agency", "again", {})
    with pytest.raises(ConfigError):
        save_user_scenario(model_dir, "industrial_growth", "hides a YAML one", {})


def test_cli_plan_finds_a_workbench_scenario(model_dir: Path, tmp_path: Path):
    """``pks plan`` resolves the scenario before it opens the store: a workbench scenario
    gets past that check (it fails on the missing store), an unknown one does not."""
    from typer.testing import CliRunner

    from pks.cli import app

    form = _form(frame_change_pct=-2.0)
    save_user_scenario(model_dir, form.name, form.label, form_overrides(form))
    db = f"sqlite:///{tmp_path / 'missing.db'}"
    args = ["plan", "--model", str(model_dir), "--db", db, "--lang", "en", "--scenario"]
    unknown = CliRunner().invoke(app, [*args, "no_such_scenario"])
    assert unknown.exit_code == 1 and "no_such_scenario" in unknown.output
    known = CliRunner().invoke(app, [*args, "less_agency"])
    assert known.exit_code == 1
    assert "less_agency" not in known.output and "missing.db" in known.output


def test_difference_table_by_hand():
    rows = pd.DataFrame({
        "scenario": ["base", "less_agency"], "year": [2027, 2027],
        "cost_mnkr": [100.0, 97.5], "fte_nurse": [10.0, 10.5],
        "agency_share_pu": [0.04, 0.028], "unmet_cases": [0.0, 12.0],
        "guarantee_probability_pu": [0.9, 0.8], "status": ["optimal", "optimal"]})
    d = difference_table(rows).set_index("measure")
    assert list(d.index) == ["cost_mnkr", "fte_nurse", "agency_share_pu", "unmet_cases",
                             "guarantee_probability_pu"]
    assert list(d.columns) == ["base", "less_agency", "diff_less_agency"]
    assert d.loc["cost_mnkr", "diff_less_agency"] == pytest.approx(-2.5)
    assert d.loc["agency_share_pu", "diff_less_agency"] == pytest.approx(-0.012)
    assert d.loc["unmet_cases", "diff_less_agency"] == pytest.approx(12.0)
    assert difference_table(pd.DataFrame()).empty
