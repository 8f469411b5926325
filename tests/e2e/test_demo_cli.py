"""The README's main job, end to end, in a real subprocess on the demo region."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pks.data.store import Store

pytestmark = pytest.mark.slow


def test_pks_demo_runs_the_whole_chain(tmp_path, repo_root):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {**os.environ, "PKS_LANG": "en"}
    proc = subprocess.run(
        [sys.executable, "-m", "pks.cli.main", "demo", "--no-serve", "-n", "3", "--db", db,
         "--lang", "en"],
        cwd=repo_root, env=env, capture_output=True, text=True, timeout=1500, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "Traceback" not in proc.stderr
    # the summary of the region (issue 2 acceptance)
    for division in ("Division Närsjukvård", "Division Opererande specialiteter",
                     "Division Psykiatri"):
        assert division in out
    assert "2023-W01" in out and "2025-W52" in out
    # every level was planned and explained; the simulation printed verdicts
    assert out.count("optimal") >= 4  # three base levels + the compared strategic plan
    with Store.open(db) as store:
        runs = store.runs()
        plans = runs[runs["kind"] == "plan"]
        assert set(plans["level"]) == {"strategic", "tactical", "operative"}
        assert set(plans["scenario"]) == {"base", "industrial_growth"}
        adopted = plans[plans["status"] == "adopted"]
        assert list(adopted["level"]) == ["tactical"]
        sims = runs[runs["kind"] == "simulation"]
        assert list(sims["parent_run_id"]) == list(adopted["run_id"])
        verdicts = store.load_run_tables(sims["run_id"].iloc[0], ["sim_verdicts"])["sim_verdicts"]
        assert {"region", "division", "unit"} <= set(verdicts["node_type"])
        assert verdicts["probability"].between(0, 1).all()
