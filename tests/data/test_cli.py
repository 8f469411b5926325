"""The data commands: exit codes, messages in Swedish and English, export, info, template."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tiny_region import tiny_tables
from typer.testing import CliRunner

from pks.cli import app
from pks.data.io import read_csv_folder, write_csv_folder
from pks.data.parse import coerce_tables
from pks.data.schema import SCHEMAS
from pks.data.store import Store

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_csv_folder(tiny_tables(), tmp_path / "region")
    return tmp_path / "region"


def test_validate_ok_and_languages(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = runner.invoke(app, ["validate", str(folder)])
    assert r.exit_code == 0 and "indata är giltiga" in r.output
    r = runner.invoke(app, ["validate", str(folder), "--lang", "en"])
    assert r.exit_code == 0 and "the input data are valid" in r.output
    monkeypatch.setenv("PKS_LANG", "en")
    assert "valid (21 tables" in runner.invoke(app, ["validate", str(folder)]).output
    r = runner.invoke(app, ["validate", str(folder), "--lang", "fi"])
    assert r.exit_code == 2


def test_validate_lists_every_issue_as_a_table(folder: Path) -> None:
    st = pd.read_csv(folder / "staffing.csv")
    st.loc[1, "staffing_target_fte"] = 1650
    st.loc[2, "unit_id"] = "U99"
    st.to_csv(folder / "staffing.csv", index=False)
    r = runner.invoke(app, ["validate", str(folder)])
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert any(ln.startswith("Tabell") and "Rad" in ln and "Kolumn" in ln for ln in lines)
    row = next(ln for ln in lines if "1650" in ln)
    assert row.split()[:3] == ["staffing", "2", "staffing_target_fte"]
    assert "ser ut som timmar" in row
    assert any("U99" in ln and "finns inte i org_nodes.node_id" in ln for ln in lines)
    r = runner.invoke(app, ["validate", str(folder), "--max-issues", "1", "--lang", "en"])
    assert "and 2 more" in r.output  # U99 also leaves U3 without staffing


def test_missing_path_is_a_clean_error(tmp_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert r.exit_code == 1 and "Traceback" not in r.output and "hittades inte" in r.output


def test_load_info_export_round_trip(folder: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'pks.db'}"
    r = runner.invoke(app, ["load", str(folder), "--db", url])
    assert r.exit_code == 0, r.output
    with Store.open(url) as s:
        assert f"Kontrollsumma: {s.input_checksum()}" in r.output
        rid = s.save_run("plan", {"plan_cost": pd.DataFrame({"node_id": ["D1"], "year": [2026],
                                                               "net_cost_sek": [1.0e8]})},
                         scenario="base", level="strategic")
    r = runner.invoke(app, ["info", "--db", url])
    assert r.exit_code == 0, r.output
    for text in ("Division Närsjukvård", "Enheter per division", "2025-W50 – 2026-W03 (6 veckor)",
                 "100,0", "plan/utkast: 1", rid):
        assert text in r.output, text
    r = runner.invoke(app, ["info", "--db", url, "--lang", "en"])
    assert "Units per division" in r.output and "Net-cost frames" in r.output

    r = runner.invoke(app, ["export", "--db", url, "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    exported = read_csv_folder(tmp_path / "out").tables()
    canon = coerce_tables(tiny_tables())
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(exported[name], canon[name], check_exact=True)
    r = runner.invoke(app, ["export", "--db", url, "--out", str(tmp_path / "in.xlsx")])
    assert r.exit_code == 0 and (tmp_path / "in.xlsx").exists()
    r = runner.invoke(app, ["export", "--db", url, "--run", rid, "--out",
                            str(tmp_path / "plan.xlsx")])
    assert r.exit_code == 0, r.output
    got = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="plan_cost", engine="openpyxl")
    assert got["net_cost_sek"].tolist() == [1.0e8]
    r = runner.invoke(app, ["export", "--db", url, "--run", "nope", "--out",
                            str(tmp_path / "x")])
    assert r.exit_code == 1 and "finns inte" in r.output


def test_info_and_export_without_inputs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for args in (["info", "--db", url], ["export", "--db", url, "--out", str(tmp_path / "o")]):
        r = runner.invoke(app, args)
        assert r.exit_code == 1 and "pks load" in r.output


def test_unusable_database_url(folder: Path) -> None:
    r = runner.invoke(app, ["load", str(folder), "--db", "nosuchdb://x"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "Kan inte öppna databasen" in r.output


def test_template_and_docs_commands(tmp_path: Path) -> None:
    r = runner.invoke(app, ["template", "--out", str(tmp_path / "mall.xlsx")])
    assert r.exit_code == 0 and (tmp_path / "mall.xlsx").exists()
    assert runner.invoke(app, ["template", "--out", str(tmp_path / "mall.csv")]).exit_code == 2
    r = runner.invoke(app, ["docs", "--out", str(tmp_path / "dm.md")])
    assert r.exit_code == 0
    assert (tmp_path / "dm.md").read_text(encoding="utf-8").startswith("# Data model")


@pytest.mark.parametrize("cmd", ["validate", "load", "export", "info", "template", "docs"])
def test_help_documents_exit_codes(cmd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    r = runner.invoke(app, [cmd, "--help"])
    assert r.exit_code == 0 and "Slutkoder" in r.output
    monkeypatch.setenv("PKS_LANG", "en")
    r = runner.invoke(app, [cmd, "--help"])
    assert r.exit_code == 0 and "Exit codes" in r.output
