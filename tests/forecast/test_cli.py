"""CLI: pks forecast / need / backtest (the demo-region runs are marked slow)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pks.cli import app

runner = CliRunner()


def test_unknown_scenario_is_invalid_input(demo_model_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["forecast", "--model", str(demo_model_dir), "--scenario",
                              "no_such", "--no-store"])
    assert res.exit_code == 1
    assert "no_such" in res.output


def test_bad_language_is_usage_error(demo_model_dir: Path) -> None:
    res = runner.invoke(app, ["need", "--model", str(demo_model_dir), "--lang", "fi",
                              "--no-store"])
    assert res.exit_code == 2


@pytest.mark.slow
def test_need_on_demo_region_stores_forecast_and_need(demo_model_dir: Path, tmp_path: Path
                                                      ) -> None:
    from pks.config import load_scenario
    from pks.data.store import Store

    db = f"sqlite:///{tmp_path / 'pks.db'}"
    out = tmp_path / "need_tables"
    instance = load_scenario(demo_model_dir, "base").data.instance_dir
    assert runner.invoke(app, ["load", str(instance), "--db", db]).exit_code == 0
    res = runner.invoke(app, ["need", "--model", str(demo_model_dir), "--db", db,
                              "--out", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Beds per hospital" in res.output and "Total" in res.output
    for name in ("forecast_demand", "need_capacity", "need_staff", "need_beds",
                 "need_ward_sizes"):
        assert (out / f"{name}.csv").exists()
    with Store.open(db) as store:
        runs = store.runs()
        assert set(runs["kind"]) == {"forecast", "need"}
        need_run = store.latest_run("need", scenario="base")
        fc_run = store.latest_run("forecast", scenario="base")
        assert need_run.parent_run_id == fc_run.run_id
        fc = store.load_run_tables(fc_run.run_id, ["forecast_demand"])["forecast_demand"]
    csv = pd.read_csv(out / "forecast_demand.csv")
    assert len(fc) == len(csv) > 0
    assert (csv["demand_cases"] >= 0).all()


@pytest.mark.slow
def test_backtest_command_small(demo_model_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["backtest", "--model", str(demo_model_dir), "--out",
                              str(tmp_path), "--max-demo-series", "3", "--public-dir",
                              str(tmp_path / "none"), "--no-progress", "--lang", "en"])
    assert res.exit_code == 0, res.output
    md = (tmp_path / "backtest.md").read_text(encoding="utf-8")
    assert "demo_region" in md and "not found" in md
    assert (tmp_path / "backtest_rel_mase.png").exists()
