"""A manager's week: the actuals-only template round-trips through the upload."""

from __future__ import annotations

import base64
import io

import pandas as pd
import pytest

from pks.dashboard import actuals_template as tpl
from pks.dashboard.access import LOCAL_USER
from pks.dashboard.data import DataService
from pks.dashboard.pages.operative import operative_view
from pks.dashboard.pages.report import template_example, template_section
from pks.dashboard.upload import parse_upload, upload_actuals
from pks.data.io import write_template
from pks.data.schema import SCHEMAS

from .seed import AS_OF


def _b64(raw: bytes, mime: str = "application/octet-stream") -> str:
    return f"data:{mime};base64," + base64.b64encode(raw).decode()


def test_template_holds_only_actuals_with_swedish_headers():
    book = pd.read_excel(io.BytesIO(tpl.template_xlsx("sv")), sheet_name=None, engine="calamine")
    assert set(book) == {"Hjälp", *tpl.ACTUALS_TABLES}
    assert not any(SCHEMAS[n].group != "actuals" for n in tpl.ACTUALS_TABLES)
    staff = list(book["actuals_staff"].columns)
    assert staff[:3] == ["Enhet", "Personalkategori", "ISO-vecka"]
    assert "Sjukfrånvarotimmar" in staff and "sick_leave_h" not in staff
    help_ = book["Hjälp"]
    assert set(help_["Internt namn"]) == {c for n in tpl.ACTUALS_TABLES
                                          for c in SCHEMAS[n].column_names}


def test_headers_map_back_in_every_spelling():
    for table in tpl.ACTUALS_TABLES:
        for lang in ("sv", "en"):
            df = tpl.empty_frame(table, lang)
            assert tpl.table_for_headers(list(df.columns)) == table
            assert list(tpl.to_internal_columns(table, df).columns) == \
                list(SCHEMAS[table].column_names)
    df = pd.DataFrame({"Arbetade timmar": ["12,5"], "Övertidstimmar": [3.0]})
    out = tpl.to_internal_columns("actuals_staff", df)
    assert out["worked_h"].tolist() == ["12.5"] and out["overtime_h"].tolist() == [3.0]


def test_filled_swedish_template_uploads_and_moves_the_deviation(svc_rw: DataService, units):
    unit = units[1]
    before = operative_view(svc_rw, LOCAL_USER, unit, AS_OF, "base", "unit", "sv")["kpis"]
    ap = svc_rw.snapshot().data.actuals_production
    rows = ap[(ap["unit_id"] == unit) & (ap["week"] == AS_OF)].copy()
    rows["production_cases"] = rows["production_cases"] * 0.5
    labels = {s.name: tpl.column_label(s, "sv") for s in SCHEMAS["actuals_production"].columns}
    filled = rows[list(labels)].rename(columns=labels)
    text = filled.to_csv(index=False, sep=";", decimal=",")
    res = upload_actuals(svc_rw, LOCAL_USER, [_b64(text.encode("utf-8-sig"), "text/csv")],
                         [f"actuals_production_{unit}_{AS_OF}.csv"])
    assert res.ok, res.issues
    after = operative_view(svc_rw, LOCAL_USER, unit, AS_OF, "base", "unit", "sv")["kpis"]
    assert after["actual_cases"].iloc[0] == pytest.approx(0.5 * before["actual_cases"].iloc[0])


def test_pks_template_workbook_with_actuals_filled_is_accepted(tmp_path, svc: DataService,
                                                                units):
    from openpyxl import load_workbook

    path = tmp_path / "mall.xlsx"
    write_template(path, "sv")
    wb = load_workbook(path)
    ws = wb["actuals_unit"]
    ws.append([units[1], AS_OF, 10.5, 0.0, 123456.0])
    wb.save(path)
    tables, issues = parse_upload([_b64(path.read_bytes())], ["mall.xlsx"])
    assert not issues, issues
    assert set(tables) == {"actuals_unit"} and len(tables["actuals_unit"]) == 1
    # a non-actuals sheet with content is still refused
    ws = wb["org_nodes"]
    ws.append(["X", "x", "unit", "", "", ""])
    wb.save(path)
    _, issues = parse_upload([_b64(path.read_bytes())], ["mall.xlsx"])
    assert [i.code for i in issues] == ["unknown_actuals_table"]


def test_example_row_is_the_managers_unit_and_the_next_week(svc: DataService, manager):
    ex = template_example(svc, manager)
    assert ex.unit_id in manager.units
    assert ex.week > svc.as_of_week(svc.settings.scenario)
    csv = tpl.template_csv("actuals_staff", "sv", ex)
    back = pd.read_csv(io.StringIO(csv), sep=";", decimal=",")
    assert back["Enhet"].tolist() == [ex.unit_id] and back["Arbetade timmar"].tolist() == [0.0]
    assert "actuals-format-help" in str(template_section(svc, manager, "sv"))
