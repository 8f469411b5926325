"""Readable charts: actual lines stop at the last reported week; the beds axes are whole."""

from __future__ import annotations

import pandas as pd

from pks.dashboard import figures


def _staff() -> pd.DataFrame:
    weeks = [f"2026-W{w:02d}" for w in range(40, 46)]
    reported = [True, True, True, True, False, False]
    r = [1.0 if x else 0.0 for x in reported]
    return pd.DataFrame({"period": weeks, "actual_own_h": [100 * x for x in r],
                         "actual_overtime_h": [5 * x for x in r],
                         "actual_agency_h": [2 * x for x in r],
                         "actual_sick_leave_h": [8 * x for x in r],
                         "plan_total_h": [110.0] * 6, "plan_sick_leave_h": [7.0] * 6})


def test_actual_sick_leave_stops_at_the_last_reported_week():
    from pks.i18n import t

    fig = figures.staff_figure(_staff(), "sv", "Personal")
    by_name = {tr.name: tr for tr in fig.data}
    sick = by_name[t("dash.sick_actual", "sv")]
    assert list(sick.x) == ["2026-W40", "2026-W41", "2026-W42", "2026-W43"]
    assert 0.0 not in list(sick.y)
    assert len(by_name[t("dash.sick_plan", "sv")].x) == 6  # the plan goes on
    assert len(by_name[t("dash.own_h", "sv")].x) == 4


def test_beds_axes_start_at_zero_and_reach_100_per_cent():
    df = pd.DataFrame({"week": ["2026-W40", "2026-W41", "2026-W42"], "reported_units": [3] * 3,
                       "plan_reported_staffed_beds": [40.0] * 3,
                       "occupancy_pu": [0.84, 0.90, 0.87],
                       "overflow_bed_days": [0.07, 4.52, 8.98]})
    fig = figures.beds_figure(df, 0.9, "sv", "Vårdplatser")
    assert list(fig.layout.yaxis.range) == [0, 100.0]
    lo, hi = fig.layout.yaxis2.range
    # max 8,98 bed-days over five grid intervals: step 2 (not 1,796), axis 0-10
    assert (lo, hi, fig.layout.yaxis2.dtick) == (0, 10.0, 2.0)
    assert fig.layout.yaxis.dtick * 5 == 100.0  # both axes share the five grid lines
    crowded = df.assign(occupancy_pu=[1.02, 1.15, 1.08])
    top = figures.beds_figure(crowded, 0.9, "sv", "Vårdplatser").layout.yaxis.range[1]
    assert top >= 115.0  # never truncated at the top either


def test_node_dropdown_is_a_tree_without_indentation_spaces(svc):
    from pks.dashboard.access import LOCAL_USER
    from pks.dashboard.app import TREE_CSS
    from pks.dashboard.pages.common import node_options

    opts = node_options(svc, LOCAL_USER, "sv")
    tree = svc.tree()
    assert opts[0]["value"] == tree.root
    for o in opts:
        label = o["label"]
        assert not label.children.startswith(("\u2003", " "))
        assert label.style["--depth"] == str(tree.depth(o["value"]))
        assert ("tree-child" in label.className) == (tree.depth(o["value"]) > 0)
    assert ".dash-dropdown-value .tree-node { padding-left: 0; }" in TREE_CSS
