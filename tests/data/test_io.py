"""Reading and writing CSV folders, Swedish Excel exports, Excel workbooks and the template."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from tiny_region import tiny_tables

from pks.data.checks import ValidationFailed, validate
from pks.data.io import (
    read_csv_folder,
    read_excel,
    read_excel_tables,
    read_input,
    write_csv_folder,
    write_excel,
    write_template,
)
from pks.data.parse import coerce_tables
from pks.data.schema import SCHEMAS


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_csv_round_trip_is_exact_and_deterministic(tmp_path: Path) -> None:
    canon = coerce_tables(tiny_tables())
    write_csv_folder(canon, tmp_path / "a")
    _same(read_csv_folder(tmp_path / "a").tables(), canon)
    write_csv_folder(read_csv_folder(tmp_path / "a"), tmp_path / "b")
    for f in (tmp_path / "a").glob("*.csv"):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()
    text = (tmp_path / "a" / "care_types.csv").read_text(encoding="utf-8")
    assert ",false," in text and "\r" not in text


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_excel_readers_agree(engine: str, tmp_path: Path) -> None:
    canon = coerce_tables(tiny_tables())
    write_excel(canon, tmp_path / "in.xlsx")
    tables, issues = read_excel_tables(tmp_path / "in.xlsx", engine=engine)
    assert issues == [] and validate(tables) == []
    _same(coerce_tables(tables), canon)


def test_excel_round_trip_is_exact(tmp_path: Path) -> None:
    canon = coerce_tables(tiny_tables("vasterbotten"))
    write_excel(canon, tmp_path / "in.xlsx")
    _same(read_excel(tmp_path / "in.xlsx").tables(), canon)
    _same(read_input(tmp_path / "in.xlsx").tables(), canon)
    wb = openpyxl.load_workbook(tmp_path / "in.xlsx", read_only=True)
    assert wb.sheetnames == list(SCHEMAS)


def test_swedish_excel_csv_export(tmp_path: Path) -> None:
    """``;`` separators, decimal commas, Windows-1252 text: read like the UTF-8 original."""
    canon = coerce_tables(tiny_tables())
    write_csv_folder(canon, tmp_path / "utf8")
    folder = tmp_path / "sv"
    folder.mkdir()
    for f in (tmp_path / "utf8").glob("*.csv"):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        num = [c.name for c in SCHEMAS[f.stem].columns if c.dtype in ("int", "float")]
        for c in num:
            df[c] = df[c].str.replace(".", ",", regex=False)
        enc = "cp1252" if f.stem == "org_nodes" else "utf-8-sig"
        df.to_csv(folder / f.name, sep=";", index=False, encoding=enc)
    assert "Piteå".encode("cp1252") in (folder / "org_nodes.csv").read_bytes()
    assert ";0,25;" in (folder / "care_types.csv").read_text(encoding="utf-8-sig")
    _same(read_csv_folder(folder).tables(), canon)


def test_missing_path_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as err:
        read_input(tmp_path / "nowhere")
    assert [i.code for i in err.value.issues][0] == "not_found"
    (tmp_path / "broken.xlsx").write_text("not a workbook")
    with pytest.raises(ValidationFailed) as err:
        read_input(tmp_path / "broken.xlsx")
    assert err.value.issues[0].code == "unreadable"


def test_extra_files_and_help_sheets_are_ignored(tmp_path: Path) -> None:
    canon = coerce_tables(tiny_tables())
    write_csv_folder(canon, tmp_path / "f")
    (tmp_path / "f" / "README.md").write_text("notes")
    _same(read_csv_folder(tmp_path / "f").tables(), canon)
    (tmp_path / "f" / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValidationFailed) as err:
        read_csv_folder(tmp_path / "f")
    assert [(i.table, i.code) for i in err.value.issues] == [("notes", "unknown_table")]


def test_template_has_help_and_one_sheet_per_table(tmp_path: Path) -> None:
    write_template(tmp_path / "mall.xlsx", "sv")
    wb = openpyxl.load_workbook(tmp_path / "mall.xlsx")
    assert wb.sheetnames == ["Hjälp", *SCHEMAS]
    for name, schema in SCHEMAS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == list(schema.column_names)
        assert ws.cell(row=1, column=1).comment is not None
    help_text = "\n".join(str(c.value) for row in wb["Hjälp"].iter_rows() for c in row if c.value)
    assert SCHEMAS["staffing"].column("staffing_target_fte").description_sv in help_text
    assert "Bemanningsmål" in help_text and "FTE" in help_text
    node_type = wb["org_nodes"].data_validations.dataValidation
    assert any("division" in (dv.formula1 or "") for dv in node_type)
    # an unfilled template reads as "tables empty", never as a crash
    with pytest.raises(ValidationFailed) as err:
        read_excel(tmp_path / "mall.xlsx")
    assert {i.code for i in err.value.issues} == {"empty_table"}


def test_filled_template_reads_back(tmp_path: Path) -> None:
    write_template(tmp_path / "mall.xlsx", "en")
    wb = openpyxl.load_workbook(tmp_path / "mall.xlsx")
    assert wb.sheetnames[0] == "Help"
    canon = coerce_tables(tiny_tables())
    for name, df in tiny_tables().items():
        ws = wb[name]
        for row in df.itertuples(index=False):
            ws.append([None if pd.isna(v) else (v.to_pydatetime() if isinstance(v, pd.Timestamp)
                                                 else v) for v in row])
    wb.save(tmp_path / "filled.xlsx")
    _same(read_excel(tmp_path / "filled.xlsx").tables(), canon)


def test_results_to_excel_and_csv(tmp_path: Path) -> None:
    df = pd.DataFrame({"unit_id": ["U1"], "at": pd.to_datetime(["2026-01-01"]).tz_localize("UTC"),
                       "x": [1.5]})
    write_excel({"plan_cost": df}, tmp_path / "r.xlsx")
    back = pd.read_excel(tmp_path / "r.xlsx", sheet_name="plan_cost", engine="openpyxl")
    assert back["x"].tolist() == [1.5]
    write_csv_folder({"plan_cost": df}, tmp_path / "r")
    assert (tmp_path / "r" / "plan_cost.csv").read_text().startswith("unit_id,at,x\n")
    with pytest.raises(ValueError, match="31 characters"):
        write_excel({"x" * 40: df}, tmp_path / "long.xlsx")


def test_exports_never_write_live_formulas(tmp_path: Path) -> None:
    """CSV and xlsx exports (and the dashboard's download writers) escape formula-like text."""
    from openpyxl import load_workbook

    from pks.data.io import frame_to_csv_text, frame_to_xlsx_bytes, write_csv_folder, write_excel

    evil = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-cmd", "@SUM(A1)", "\t=1",
            "Ortopedi", "-5"]
    df = pd.DataFrame({"name": evil, "value_sek": [1.0, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    write_csv_folder({"result": df}, tmp_path / "csv")
    text = (tmp_path / "csv" / "result.csv").read_text(encoding="utf-8")
    for line in [*text.splitlines()[1:], *frame_to_csv_text(df).splitlines()[1:]]:
        cell = next(csv.reader([line]))[0]
        assert not cell.startswith(("=", "+", "@", "\t")) and not (
            cell.startswith("-") and cell not in ("-5",)), line
    write_excel({"result": df}, tmp_path / "r.xlsx")
    (tmp_path / "d.xlsx").write_bytes(frame_to_xlsx_bytes(df, "result"))
    for f in ("r.xlsx", "d.xlsx"):
        ws = load_workbook(tmp_path / f)["result"]
        cells = [ws.cell(row=r, column=1) for r in range(2, len(evil) + 2)]
        assert all(c.data_type == "s" for c in cells), [(c.value, c.data_type) for c in cells]
        assert [c.value for c in cells][:5] == ["'" + v for v in evil[:5]]
        assert cells[5].value == "Ortopedi" and cells[6].value == "-5"
