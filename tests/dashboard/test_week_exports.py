"""Swedish Excel conventions: exports read back as numbers with ``;`` and decimal comma."""

from __future__ import annotations

import base64
import io

import pandas as pd
import pytest

from pks.dashboard.access import LOCAL_USER
from pks.dashboard.app import export_frame, export_name, frame_to_download
from pks.dashboard.data import DataService
from pks.dashboard.exports import (
    column_header,
    decimals_for,
    export_filename,
    export_ready,
    frame_to_csv,
)

from .seed import AS_OF


def test_rounding_follows_the_unit_and_shares_become_per_cent():
    df = pd.DataFrame({"care_type": ["inpatient_acute"], "plan_cases": [12.46],
                       "staffing_target_fte": [3.456], "plan_cost_sek": [1234.56],
                       "deviation_pu": [-0.12345], "light": ["red"]})
    out = export_ready(df, "sv")
    assert list(out.columns) == ["Vårdtyp", "Plan (fall)", "Bemanningsmål (åa)",
                                 "Plankostnad (kr)", "Avvikelse (%)", "Signal"]
    assert out.iloc[0].tolist() == ["Akut slutenvård", 12.0, 3.5, 1235.0, -12.3, "röd"]
    assert [decimals_for(c) for c in ("x_cases", "x_fte", "x_sek", "x_msek", "x_pu")] == \
        [0, 1, 0, 1, 1]
    assert list(export_ready(df, "sv", internal_names=True).columns) == list(df.columns)
    assert column_header("plan_cases", "en") == "Plan (cases)"


def test_swedish_csv_reads_back_with_semicolon_and_decimal_comma():
    df = pd.DataFrame({"node_id": ["U1", "U2"], "staffing_target_fte": [1234.56, 7.04],
                       "deviation_pu": [0.0512, -0.5]})
    text = frame_to_csv(df, "sv")
    assert text.splitlines()[1] == "U1;1234,6;5,1"
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["Bemanningsmål (åa)"].tolist() == [1234.6, 7.0]
    assert back["Avvikelse (%)"].tolist() == [5.1, -50.0]
    assert pd.api.types.is_float_dtype(back["Avvikelse (%)"])
    en = pd.read_csv(io.StringIO(frame_to_csv(df, "en")))
    assert en["Staffing target (FTE)"].tolist() == [1234.6, 7.0]


def test_file_name_carries_page_table_node_period_and_run():
    assert export_filename("tac_care_types", "sv", "Ortopedi Sunderby", "2026-W47", "12") \
        == "taktisk_vardtyper_Ortopedi-Sunderby_2026-W47_run12.csv"
    assert export_filename("op_deviations", "en", "Öron Näsa Hals", "2026-W01", "", "xlsx") \
        == "operative_deviations_Oron-Nasa-Hals_2026-W01.xlsx"


def test_dashboard_export_of_a_real_table(svc: DataService):
    root = svc.tree().root
    state = {"node": root, "scenario": "base", "level_type": "unit", "week": AS_OF}
    df = export_frame(svc, LOCAL_USER, "tac_deviations", state)
    stem = export_name(svc, "tac_deviations", state, "sv")
    assert stem.startswith("taktisk_avvikelser_") and AS_OF in stem and "_run" in stem
    c = frame_to_download(df, "tac_deviations", "csv", "sv", stem)
    assert c["filename"] == stem + ".csv"
    back = pd.read_csv(io.StringIO(c["content"]), sep=";", decimal=",", encoding="utf-8")
    back.columns = [str(x).lstrip("\ufeff") for x in back.columns]
    assert len(back) == len(df)
    assert back["Plan (fall)"].tolist() == pytest.approx(df["plan_cases"].round(0).tolist())
    assert pd.api.types.is_numeric_dtype(back["Produktionsavvikelse (%)"])
    x = frame_to_download(df, "tac_deviations", "xlsx", "sv", stem)
    book = pd.read_excel(io.BytesIO(base64.b64decode(x["content"])), engine="openpyxl")
    assert "Nod-id" in book.columns and pd.api.types.is_numeric_dtype(book["Plan (fall)"])


def test_english_users_may_choose_the_swedish_dialect():
    from pks.dashboard.components import export_buttons

    df = pd.DataFrame({"node_id": ["U1"], "plan_cases": [12.4], "deviation_pu": [0.051]})
    c = frame_to_download(df, "tac_deviations", "csv_semicolon", "en", "x")
    back = pd.read_csv(io.StringIO(c["content"].lstrip("\ufeff")), sep=";", decimal=",")
    assert back.columns.tolist() == ["Node id", "Plan (cases)", "Deviation (%)"]
    assert back.iloc[0].tolist() == ["U1", 12.0, 5.1]
    assert "csv_semicolon" in str(export_buttons("tac_deviations", "en"))
    assert "csv_semicolon" not in str(export_buttons("tac_deviations", "sv"))
