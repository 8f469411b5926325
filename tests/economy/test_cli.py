"""`pks economy`: results budget, verdicts and balanced-budget schedule in sv and en."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pks.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_repo(repo_root: Path):
    cwd = os.getcwd()
    os.chdir(repo_root)
    yield
    os.chdir(cwd)


def test_economy_swedish_and_english() -> None:
    sv = runner.invoke(app, ["economy", "-s", "cost_up"])
    assert sv.exit_code == 0, sv.output
    assert "Balanskravsutredning" in sv.output and "ej uppfyllt" in sv.output
    assert "åtgärdsplan" in sv.output and "Verksamhetens resultat" in sv.output
    en = runner.invoke(app, ["economy", "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "Balanced-budget assessment" in en.output and "Results budget" in en.output
    assert "norrbotten_2025" in en.output and "10,813" in en.output


def test_economy_load_rejects_bad_folder_and_writes_nothing(tmp_path: Path,
                                                          repo_root: Path) -> None:
    src = repo_root / "data" / "demo_region" / "economy"
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in src.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        if f.name == "economy_budget.csv":
            text = text.replace("2025,budget,7767", "2025,budget,-7767")
        (bad / f.name).write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'e.db'}"
    r = runner.invoke(app, ["economy", "load", str(bad), "--db", db])
    assert r.exit_code == 1 and "tax_revenue_mnkr" in r.output
    ok = runner.invoke(app, ["economy", "load", str(src), "--db", db, "--lang", "en"])
    assert ok.exit_code == 0 and "Stored the economy tables (31 rows)" in ok.output
