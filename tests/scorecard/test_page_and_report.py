"""The follow-up page and the board report show the scorecard, the sex split and KPP."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pks.dashboard.access import LOCAL_USER, Principal
from pks.dashboard.data import AccessDenied, DataService, board_report
from pks.dashboard.pages.followup import followup_view
from pks.data.tree import OrgTree
from pks.data.weeks import weeks_of_year
from pks.followup.kpp import KppBenchmark, kpp_by_unit
from pks.followup.scorecard import PERSPECTIVES
from pks.followup.sex_split import sex_split
from pks.i18n import t
from pks.report.scorecard import kpp_html, scorecard_reds_html, sex_split_html
from pks.types import Language

from . import tiny

BM = KppBenchmark(sek_per_drg_point=15_000.0, source="Testkälla", red_margin_pu=0.05)


def _tiny_kpp() -> pd.DataFrame:
    return kpp_by_unit(tiny.actuals_production(), tiny.actuals_unit(), tiny.care_types(),
                       tiny.unit_finance(), ["U1", "U2", "U3"], *tiny.WEEKS, BM)


def _row_of(html_text: str, name: str) -> str:
    start = html_text.index(f"<td class=''>{name}</td>")
    return html_text[start:html_text.index("</tr>", start)]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_report_kpp_flags_the_exception_unit_not_red(lang: Language) -> None:
    names = dict(zip(tiny.org_nodes()["node_id"], tiny.org_nodes()["name"], strict=True))
    text = kpp_html(_tiny_kpp(), names, BM, lang)
    flagged, red = t("scorecard.light.flagged", lang), t("scorecard.light.red", lang)
    u2 = _row_of(text, "Enhet 2")  # 25 000 kr per point, 67 % above, with the exception
    assert "dot flagged" in u2 and flagged in u2 and red not in u2
    u1 = _row_of(text, "Enhet 1")
    assert "dot red" in u1
    assert "Testkälla" in text
    if lang == "sv":
        assert "25\u00a0000" in u2 and "15\u00a0000" in u2


def test_report_sex_split_shows_women_and_men_by_hand() -> None:
    tree = OrgTree(tiny.org_nodes())
    split = sex_split(tiny.actuals_production(), tree, *tiny.WEEKS)
    text = sex_split_html(split, ["R", "D1"], {"R": "Region", "D1": "Div 1"}, "sv")
    assert text.count("Kvinnor") == 2 and text.count("Män") == 2
    # D1 men: past the guarantee 7 of 30 waiting = 23,3 %
    assert "23,3\u00a0%" in text


def test_report_reds_per_perspective_counts_every_red() -> None:
    reds = pd.DataFrame({"kind": ["cost", "workload", "workload", "guarantee"]})
    text = scorecard_reds_html(reds, "sv")
    for p in PERSPECTIVES:
        assert t(f"scorecard.perspective.{p}", "sv") in text
    assert "4 röda avvikelser" in text


def test_board_report_holds_the_new_sections(svc: DataService) -> None:
    year = svc.year("base")
    month = 10
    text = board_report(svc, LOCAL_USER, "base", year, month, "sv")
    for key in ("scorecard.sec.reds", "scorecard.sec.sex", "scorecard.sec.kpp"):
        assert t(key, "sv") in text
    assert "Kvinnor" in text and "Män" in text
    # the existing content stays
    assert "Röda avvikelser och vem som äger åtgärden" in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_page_view_at_region_division_and_unit(svc: DataService, lang: Language) -> None:
    nodes = svc.snapshot().data.org_nodes
    root = svc.default_node(LOCAL_USER)
    division = str(nodes.loc[nodes["node_type"] == "division", "node_id"].iloc[0])
    unit = svc.tree().leaves_under(division)[0]
    for node in (root, division, unit):
        v = followup_view(svc, LOCAL_USER, node, "base", "unit", lang)
        sc = v["scorecard"]
        assert set(sc["perspective"]) <= set(PERSPECTIVES)
        assert {"medborgare", "verksamhet", "medarbetare", "ekonomi"} <= set(sc["perspective"])
        sex = v["sex"]
        assert set(sex.loc[sex["node_id"] == node, "sex"]) == {"female", "male"}
        # the split adds up to the node's production in the actuals
        d = svc.snapshot().data.actuals_production
        first, last = weeks_of_year(svc.year("base"))[0], svc.as_of_week("base")
        a = d[(d["week"] >= first) & (d["week"] <= last)
              & d["unit_id"].isin(svc.tree().leaves_under(node))]
        assert sex.loc[sex["node_id"] == node, "production_cases"].sum() == pytest.approx(
            a["production_cases"].sum())
        assert not v["kpp"].empty
        assert (v["kpp"].loc[v["kpp"]["kpp_exception"], "light"] == "flagged").all()


def test_page_view_refuses_a_node_outside_the_managers_units(svc: DataService,
                                                            manager: Principal) -> None:
    root = svc.default_node(LOCAL_USER)
    with pytest.raises(AccessDenied):
        followup_view(svc, manager, root, "base", "unit", "sv")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_page_kpp_table_shows_the_exception_flagged_not_red(lang: Language) -> None:
    from pks.dashboard.components import data_table
    from pks.dashboard.pages.followup import KPP_COLS, LIGHT_COLOURS

    names = dict(zip(tiny.org_nodes()["node_id"], tiny.org_nodes()["name"], strict=True))
    k = _tiny_kpp()
    k = k.assign(name=k["unit_id"].map(names), cost_msek=k["cost_sek"] / 1e6)
    table = data_table(k, KPP_COLS, lang, "t")
    rows = table.children[0].children[1].children  # type: ignore[union-attr,index]
    by_unit = {str(r.children[0].children): repr(r) for r in rows}
    assert t("scorecard.light.flagged", lang) in by_unit["Enhet 2"]
    assert LIGHT_COLOURS["red"] not in by_unit["Enhet 2"]
    assert LIGHT_COLOURS["flagged"] in by_unit["Enhet 2"]
    assert LIGHT_COLOURS["red"] in by_unit["Enhet 1"]


def test_page_shows_the_forecast_split_by_sex(db_copy: Path, repo_root: Path,
                                              tmp_path: Path) -> None:
    from pks.data.store import Store
    from pks.data.weeks import add_weeks
    from tests.dashboard.conftest import make_settings

    svc = DataService(make_settings(db_copy, repo_root, tmp_path))
    assert "pks forecast" in followup_view(
        svc, LOCAL_USER, svc.default_node(LOCAL_USER), "base", "unit", "sv")["forecast_note"]
    units = svc.snapshot().unit_ids
    week = add_weeks(svc.as_of_week("base"), 1)
    fd = pd.DataFrame({"unit_id": [units[0], units[0], units[1], units[1]],
                       "care_type": ["x"] * 4, "week": [week] * 4,
                       "sex": ["female", "male", "female", "male"],
                       "demand_cases": [3.0, 1.0, 2.0, 2.0]})
    store = Store(f"sqlite:///{db_copy}")
    store.save_run("forecast", {"forecast_demand": fd}, scenario="base")
    store.close()
    svc = DataService(make_settings(db_copy, repo_root, tmp_path / "b"))
    v = followup_view(svc, LOCAL_USER, svc.default_node(LOCAL_USER), "base", "unit", "sv")
    f = v["forecast"]
    root = f[f["node_id"] == svc.default_node(LOCAL_USER)].set_index("sex")
    assert root.at["female", "forecast_demand_cases"] == 5.0
    assert root.at["male", "forecast_share_pu"] == pytest.approx(3 / 8)
    assert week in v["forecast_note"]


def test_board_report_region_scorecard_is_the_reports_own_figures(svc: DataService) -> None:
    from pks.i18n import format_pct
    from pks.report.scorecard import region_scorecard_html

    rep = svc.board_content(LOCAL_USER, "base", svc.year("base"), 10)
    text = region_scorecard_html(rep, "sv")
    root = rep.waiting["node_id"].iloc[0]
    past = float(rep.waiting.loc[rep.waiting["node_id"] == root, "past_guarantee_pu"].iloc[0])
    prod = float(rep.production.loc[rep.production["node_id"] == root,
                                    "production_deviation_pu"].iloc[0])
    for p in ("medborgare", "verksamhet", "medarbetare", "ekonomi"):
        assert t(f"scorecard.perspective.{p}", "sv") in text
    assert format_pct(past, "sv") in text and format_pct(prod, "sv") in text
    assert text.index("Medborgare") < text.index("Verksamhet") < text.index("Ekonomi")
    full = board_report(svc, LOCAL_USER, "base", svc.year("base"), 10, "sv")
    assert text in full
