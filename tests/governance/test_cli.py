"""The governance commands: exit codes, every problem listed, rights checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from pks.cli import app
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance import comments_for_month
from pks.governance.measures import COLUMNS, read_measures

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.output


def test_calendar_command(repo_root: Path) -> None:
    code, out = run("calendar", "--model", str(repo_root / "models" / "demo_region"),
                    "--lang", "en")
    assert code == 0
    assert "2026-11-09" in out and "Area (VO) plans" in out
    assert "Due now or soon: Area (VO) plans, Finansplan" in out


def test_agree_via_cli_with_rights(db_path: Path, store: Store, tree: OrgTree, plan_id: str,
                                   unit: str, area: str) -> None:
    db = f"sqlite:///{db_path}"
    code, out = run("agree", plan_id, unit, "--action", "propose", "--by", "ulla",
                    "--role", "first_line_manager", "--unit", unit, "--db", db)
    assert code == 0, out
    code, out = run("agree", plan_id, unit, "--by", "ulla", "--role", "first_line_manager",
                    "--unit", unit, "--db", db)
    assert code == 1 and "may not agree" in out
    code, out = run("agree", plan_id, unit, "--by", "anders", "--role", "first_line_manager",
                    "--unit", area, "--db", db, "--comment", "ok")
    assert code == 0, out
    code, out = run("agreements", plan_id, "--db", db)
    assert code == 0 and "agreed" in out


def test_measures_import_export_and_errors(db_path: Path, tmp_path: Path, unit: str) -> None:
    db = f"sqlite:///{db_path}"
    row = {c: "" for c in COLUMNS}
    row.update(measure_id="M1", node_id=unit, owner_body="VO", pks_level="operative",
               title="Minska hyrpersonal", effect_year="2027", start_date="2027-01-01",
               end_date="2027-12-31", status="planned", expected_mnkr="-0,8")
    bad = dict(row, measure_id="M2", node_id="X", status="?")
    src = tmp_path / "m.csv"
    pd.DataFrame([row, bad]).to_csv(src, index=False)
    code, out = run("measures", "import", str(src), "--by", "stina", "--db", db)
    assert code == 1
    assert "measures, rad 2, kolumn node_id" in out and "kolumn status" in out
    assert read_measures(Store.open(db)).empty
    pd.DataFrame([row]).to_excel(tmp_path / "m.xlsx", sheet_name="measures", index=False)
    code, out = run("measures", "import", str(tmp_path / "m.xlsx"), "--by", "stina",
                    "--db", db)
    assert code == 0, out
    assert read_measures(Store.open(db))["expected_mnkr"].tolist() == [-0.8]
    code, _ = run("measures", "export", str(tmp_path / "out.csv"), "--db", db)
    assert code == 0 and pd.read_csv(tmp_path / "out.csv")["measure_id"].tolist() == ["M1"]
    code, out = run("measures", "followup", "--year", "2027", "--db", db)
    assert code == 0 and unit in out


def test_comment_and_interim_report(db_path: Path, tmp_path: Path, unit: str,
                                    repo_root: Path) -> None:
    db = f"sqlite:///{db_path}"
    code, out = run("comment", unit, "2026-08", "Sommarstängning enligt plan.", "--by",
                    "ulla", "--role", "first_line_manager", "--unit", unit, "--db", db)
    assert code == 0, out
    assert list(comments_for_month(Store.open(db), "2026-08", [unit])["comment"]) == [
        "Sommarstängning enligt plan."]
    code, out = run("interim-report", "--out", str(tmp_path / "rep"), "--model",
                    str(repo_root / "models" / "demo_region"), "--db", db)
    assert code == 0, out
    files = sorted(p.name for p in (tmp_path / "rep").iterdir())
    assert files == ["delarsrapport-2026-08-31.html"]  # 31 December not reached at W46
    text = (tmp_path / "rep" / files[0]).read_text(encoding="utf-8")
    assert "Sommarstängning enligt plan." in text and "Delårsrapport" in text


def test_compare_versions_unknown_run(db_path: Path, plan_id: str) -> None:
    code, out = run("compare-versions", plan_id, "nope", "--db", f"sqlite:///{db_path}")
    assert code == 1 and "unknown run" in out
