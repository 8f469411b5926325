"""CLI: pks plan / plans / adopt on a small generated region (store in a temp SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pks.cli import app
from tests.optimise.tiny import sized_model_dir

pytestmark = pytest.mark.solver

runner = CliRunner()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return sized_model_dir(tmp_path_factory.mktemp("inst"))


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_build_only_prints_model_size(model_dir):
    r = invoke("plan", "--level", "tactical", "--model", str(model_dir), "--no-store",
               "--build-only", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "Model built" in r.output and "variables" in r.output


def test_plan_store_adopt_and_never_overwrite(model_dir, tmp_path):
    from pks.config import load_scenario

    db = f"sqlite:///{tmp_path / 'p.db'}"
    out = tmp_path / "tac.xlsx"
    r = invoke("load", load_scenario(model_dir, "base").data.instance_dir, "--db", db)
    assert r.exit_code == 0, r.output
    r = invoke("plan", "--level", "tactical", "--model", str(model_dir), "--db", db,
               "--out", str(out), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "Saved plan" in r.output and "Plan at the Tactical level" in r.output
    assert "plan_production" in pd.ExcelFile(out, engine="openpyxl").sheet_names
    run_id = r.output.split("Saved plan ")[1].split()[0]
    r = invoke("adopt", run_id, "--by", "Anna Andersson", "--db", db, "--lang", "en")
    assert r.exit_code == 0, r.output
    r = invoke("adopt", run_id, "--by", "x", "--status", "agreed", "--db", db)
    assert r.exit_code == 1
    r = invoke("plan", "--level", "operative", "--model", str(model_dir), "--db", db)
    assert r.exit_code == 0, r.output
    assert run_id in r.output  # the adopted tactical plan is the hand-off
    r = invoke("plan", "--level", "tactical", "--model", str(model_dir), "--db", db)
    assert r.exit_code == 0, r.output
    from pks.data.store import Store

    with Store.open(db) as s:
        assert s.run(run_id).status == "adopted"
        assert len(s.runs(kind="plan", level="tactical")) == 2
    r = invoke("plans", "--db", db, "--lang", "en")
    assert r.exit_code == 0 and run_id in r.output and "Anna Andersson" in r.output
    # issue 10: real net cost and care not given in their units, no objective value
    assert "real net cost" in r.output and "weighted case-weeks" in r.output
    assert "objective" not in r.output


def test_frame_for_unknown_node_exits_1_before_solving(model_dir, tmp_path):
    import shutil

    import yaml

    data = tmp_path / "data"
    src = Path(yaml.safe_load((model_dir / "model.yaml").read_text())["data"]["instance_dir"])
    shutil.copytree(src, data)
    bf = pd.read_csv(data / "budget_frames.csv")
    bf = pd.concat([bf, pd.DataFrame([{"node_id": "GHOST", "year": 2026, "frame_sek": 1.0,
                                       "efficiency_pu": 0.0}])])
    bf.to_csv(data / "budget_frames.csv", index=False)
    m = tmp_path / "model"
    m.mkdir()
    (m / "model.yaml").write_text(f"data:\n  instance_dir: {data}\n", encoding="utf-8")
    r = invoke("plan", "--level", "tactical", "--model", str(m), "--no-store")
    assert r.exit_code == 1
    assert "GHOST" in r.output


def test_frames_missing_for_a_planned_year_exit_1_and_write_nothing(model_dir, tmp_path):
    """Issue 13: frames that stop before the model's last plan year are refused, not planned."""
    import shutil

    import yaml

    from pks.config import load_scenario
    from pks.data.store import Store

    data = tmp_path / "data"
    src = Path(yaml.safe_load((model_dir / "model.yaml").read_text())["data"]["instance_dir"])
    shutil.copytree(src, data)
    last = max(load_scenario(model_dir, "base").data.years)
    bf = pd.read_csv(data / "budget_frames.csv")
    assert last in set(bf["year"])
    bf[bf["year"] != last].to_csv(data / "budget_frames.csv", index=False)
    m = tmp_path / "model"
    m.mkdir()
    (m / "model.yaml").write_text((model_dir / "model.yaml").read_text().replace(
        str(src), str(data)), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'f.db'}"
    assert invoke("load", str(data), "--db", db).exit_code == 0
    r = invoke("plan", "--level", "tactical", "--model", str(m), "--db", db, "--lang", "en")
    assert r.exit_code == 1
    assert "the model plans the years" in r.output and str(last) in r.output
    with Store.open(db) as s:
        assert s.runs(kind="plan").empty


def test_unknown_level_is_a_usage_error(model_dir):
    r = invoke("plan", "--level", "monthly", "--model", str(model_dir), "--no-store")
    assert r.exit_code == 2


def test_route_pyomo_gives_the_same_plan(model_dir, tmp_path):
    outs = {}
    for route in ("direct", "pyomo"):
        out = tmp_path / route
        r = invoke("plan", "--level", "strategic", "--model", str(model_dir), "--no-store",
                   "--route", route, "--out", str(out), "--lang", "en")
        assert r.exit_code == 0, r.output
        outs[route] = pd.read_csv(out / "plan_objective.csv")
    pd.testing.assert_frame_equal(outs["pyomo"], outs["direct"], rtol=1e-9)
    r = invoke("plan", "--model", str(model_dir), "--no-store", "--route", "gurobi")
    assert r.exit_code == 2 and "--route" in r.output
