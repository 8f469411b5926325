"""The workbench panel's pure parts: human names, the difference table's cells, the charts."""

from __future__ import annotations

import math

import pandas as pd

from pks.dashboard.pages.common import scenario_label
from pks.dashboard.pages.workbench_panel import comparison_figures, difference_view, read_form

ROWS = pd.DataFrame({
    "scenario": ["base", "less"], "year": [2027, 2027], "cost_mnkr": [650.25, 637.0],
    "fte_nurse": [174.8, 167.4], "agency_share_pu": [0.031, 0.0217],
    "unmet_cases": [269.0, 957.0], "guarantee_probability_pu": [0.85, 0.6],
    "status": ["optimal", "optimal"]})
LABELS = {"less": "30 % mindre hyrpersonal"}


def test_scenarios_by_human_name_in_both_languages():
    assert scenario_label("base", {}, "sv") == "Bas"
    assert scenario_label("base", {}, "en") == "Base"
    assert scenario_label("industrial_growth", {}, "sv") == "Industriell tillväxt"
    assert scenario_label("less", LABELS, "en") == "30 % mindre hyrpersonal"
    assert scenario_label("my_own", {}, "sv") == "my own"


def test_difference_table_cells_swedish_and_signed():
    div = difference_view(ROWS, LABELS, {"nurse": "Sjuksköterska"}, "sv")
    rows = div.children.children[1].children  # table → tbody → rows
    cells = {r.children[0].children: [c.children for c in r.children[1:]] for r in rows}
    assert cells["Nettokostnad (mnkr)"] == ["650,2", "637,0", "−13,2"]
    assert cells["Årsarbetare Sjuksköterska"] == ["174,8", "167,4", "−7,4"]
    assert cells["Andel hyrpersonal (%)"][:2] == ["3,1", "2,2"]
    assert cells["Vård som inte ges (fall)"][2] == "+688"
    assert cells["Sannolikhet vårdgaranti (%)"][:2] == ["85,0", "60,0"]
    head = [h.children for h in div.children.children[0].children.children]
    assert head[1:3] == ["Bas", "30 % mindre hyrpersonal"] and "base" not in head


def test_charts_name_scenarios_and_are_never_empty():
    figs = comparison_figures(ROWS, LABELS, {"nurse": "Sjuksköterska"}, "en")
    assert len(figs) == 4
    for f in figs:
        assert list(f.data[0].x) == ["Base", "30 % mindre hyrpersonal"]
    assert list(figs[2].data[0].y) == [3.1, 2.17]  # agency share in %
    assert figs[1].data[0].name == "Sjuksköterska"


def test_form_reads_decimal_comma_and_flags_non_numbers():
    f = read_form(["x_y", "X", None, "-30", "−2,5", [], None, "abc", ""])
    assert f.agency_change_pct == -30.0 and f.frame_change_pct == -2.5
    assert f.efficiency_pct is None and math.isnan(f.staffing_change_pct or 0.0)
