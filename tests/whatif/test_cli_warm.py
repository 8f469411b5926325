"""`pks plan --level operative` warm-starts from the previous operative plan's basis."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pks.cli import app
from tests.optimise.tiny import sized_model_dir

pytestmark = pytest.mark.solver

runner = CliRunner()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return sized_model_dir(tmp_path_factory.mktemp("inst"), "solve:\n  method: simplex\n")


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_second_operative_plan_starts_warm_with_the_same_optimum(model_dir, tmp_path):
    from pks.config import load_scenario
    from pks.data.store import Store
    from pks.optimise.rolling import BASIS_TABLE

    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert invoke("load", load_scenario(model_dir, "base").data.instance_dir,
                  "--db", db).exit_code == 0
    base = ("plan", "--level", "operative", "--model", str(model_dir), "--db", db,
            "--lang", "en")
    r1 = invoke(*base)
    assert r1.exit_code == 0, r1.output
    assert "Cold start" in r1.output
    r2 = invoke(*base)
    assert r2.exit_code == 0, r2.output
    first_id = r1.output.split("Saved plan ")[1].split()[0]
    assert f"Warm start from the optimal basis of operative plan {first_id}" in r2.output
    r3 = invoke(*base, "--cold")
    assert r3.exit_code == 0 and "Warm start" not in r3.output
    store = Store.open(db)
    runs = store.runs(kind="plan", level="operative")
    plans = [store.load_run_tables(rid, ["plan_objective"])["plan_objective"]
             for rid in runs["run_id"]]
    vals = [float(p["value"].sum()) for p in plans]
    assert vals[0] == pytest.approx(vals[1], rel=1e-6) == pytest.approx(vals[2], rel=1e-6)
    second_id = r2.output.split("Saved plan ")[1].split()[0]
    assert BASIS_TABLE in store.load_run_tables(second_id)
    store.close()
