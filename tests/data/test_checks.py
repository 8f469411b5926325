"""Unit tests of validation: each rule, every issue at once, and planner-readable messages."""

from __future__ import annotations

import pandas as pd
import pytest
from tiny_region import tiny_tables

from pks.data.checks import Issue, ValidationFailed, format_issues, require_valid, validate
from pks.data.parse import coerce_tables, parse_column


def codes(issues: list[Issue]) -> set[tuple[str, str, str]]:
    return {(i.table, i.column, i.code) for i in issues}


def test_tiny_regions_are_valid(style: str) -> None:
    assert validate(tiny_tables(style)) == []


def test_canonical_and_text_forms_validate_alike() -> None:
    tables = tiny_tables()
    as_text = {n: df.astype(str).replace({"nan": "", "None": "", "NaT": ""})
               for n, df in tables.items()}
    assert validate(as_text) == []
    assert validate(coerce_tables(as_text)) == []


def test_every_problem_is_reported_at_once() -> None:
    t = tiny_tables()
    t["staffing"].loc[3, "staffing_target_fte"] = 1650.0
    t["demand_history"].loc[0, "week"] = "2025-W53"
    t["budget_frames"].loc[1, "node_id"] = "NOPE"
    del t["cost_indices"]
    issues = validate(t)
    found = codes(issues)
    assert ("staffing", "staffing_target_fte", "wrong_magnitude") in found
    assert ("demand_history", "week", "week_not_exist") in found
    assert ("budget_frames", "node_id", "unknown_id") in found
    assert ("cost_indices", "", "missing_table") in found


def test_rows_are_one_based_data_rows() -> None:
    t = tiny_tables()
    t["staffing"].loc[4, "staffing_target_fte"] = 1650.0  # 5th data row
    (issue,) = validate(t)
    assert issue.row == 5
    assert issue.message("sv") == (
        "staffing, rad 5, kolumn staffing_target_fte: värdet 1650 ser ut som timmar, "
        "förväntat årsarbetare (FTE) ≤ 500")
    assert "looks like hours" in issue.message("en")


def test_validation_failed_carries_issues_and_readable_text() -> None:
    t = tiny_tables()
    t["care_types"].loc[0, "care_type_kind"] = "surgery"
    with pytest.raises(ValidationFailed) as err:
        require_valid(t, "en")
    assert [i.code for i in err.value.issues] == ["not_allowed"]
    text = str(err.value)
    assert "1 problems" in text and "care_types, row 1, column care_type_kind" in text
    assert "surgery" in text and "first_visit|return_visit" in text


def test_format_issues_caps_lines() -> None:
    issues = [Issue("x", i, "c", "v", "e", "not_a_number") for i in range(1, 11)]
    text = format_issues(issues, "sv", max_lines=3)
    assert "7 fel till" in text
    assert text.count("\n  - ") == 3


@pytest.mark.parametrize(("value", "code"), [
    ("abc", "not_a_number"), ("1,5", "not_a_number"), ("inf", "not_a_number"),
    ("", "missing_value"),
])
def test_numeric_parse_problems(value: str, code: str) -> None:
    t = tiny_tables()
    df = t["resource_use"].astype({"staff_h_per_case": object})
    df.loc[2, "staff_h_per_case"] = value
    t["resource_use"] = df
    issues = validate(t)
    assert ("resource_use", "staff_h_per_case", code) in codes(issues)
    assert all(i.row == 3 for i in issues if i.table == "resource_use")


def test_integer_and_bool_parsing() -> None:
    p = parse_column(pd.Series(["1", "2.0", "2.5", " 3 ", "x"]), "int")
    assert p.bad.tolist() == [False, False, True, False, True]
    b = parse_column(pd.Series(["ja", "Nej", "TRUE", "0", "kanske", True]), "bool")
    assert b.bad.tolist() == [False, False, False, False, True, False]
    assert b.values.tolist()[:4] == [True, False, True, False]
    n = parse_column(pd.Series(["1 650,5".replace(",", "."), "\u22122", "12\u00a0000"]), "float")
    assert n.values.tolist() == [1650.5, -2.0, 12000.0]


def test_weeks_bad_format_and_nonexistent() -> None:
    t = tiny_tables()
    t["unit_capacity"].loc[0, "week"] = "2026-53"
    t["unit_capacity"].loc[1, "week"] = "2027-W53"
    t["unit_capacity"].loc[2, "week"] = "2026-W00"
    found = [(i.row, i.code) for i in validate(t) if i.table == "unit_capacity"]
    assert (1, "bad_week") in found
    assert (2, "week_not_exist") in found
    assert (3, "week_not_exist") in found


def test_2020_w53_exists() -> None:
    assert not parse_column(pd.Series(["2020-W53"]), "week").bad.any()


def test_duplicate_key_points_to_first_row() -> None:
    t = tiny_tables()
    t["staffing"] = pd.concat([t["staffing"], t["staffing"].iloc[[4]]], ignore_index=True)
    (issue,) = validate(t)
    assert issue.code == "duplicate_key"
    assert issue.row == len(t["staffing"]) and issue.expected == "5"
    assert issue.column == "unit_id,staff_category"


def test_unknown_care_type_pair() -> None:
    t = tiny_tables()
    # 'operation' exists for U1 but not for U3: pairs, not single columns, are checked
    t["demand_age_profile"].loc[t["demand_age_profile"].unit_id == "U3", "care_type"] = (
        "operation")
    issues = validate(t)
    assert {i.code for i in issues} >= {"unknown_care_type"}
    assert all(i.value.startswith("U3/operation") for i in issues
               if i.code == "unknown_care_type")


def test_org_tree_orphan_cycle_and_roots() -> None:
    t = tiny_tables()
    nodes = t["org_nodes"]
    nodes.loc[nodes.node_id == "A2", "parent_id"] = "GONE"
    issues = validate(t)
    assert ("org_nodes", "parent_id", "orphan_node") in codes(issues)

    t = tiny_tables()
    nodes = t["org_nodes"]
    nodes.loc[nodes.node_id == "D1", "parent_id"] = "A1"  # D1 -> A1 -> D1
    cyc = [i for i in validate(t) if i.code == "cycle"]
    assert sorted(i.row for i in cyc) == [3, 5]

    t = tiny_tables()
    t["org_nodes"].loc[t["org_nodes"].node_id == "D2", "parent_id"] = None
    (issue,) = [i for i in validate(t) if i.code == "multiple_roots"]
    assert issue.value == "D2" and issue.row == 4


def test_producing_units_must_be_leaves() -> None:
    t = tiny_tables()
    extra = t["org_nodes"].iloc[[6]].assign(node_id="U1-sub", parent_id="U1")
    t["org_nodes"] = pd.concat([t["org_nodes"], extra], ignore_index=True)
    assert ("care_types", "unit_id", "unit_not_leaf") in codes(validate(t))


def test_shares_must_sum_to_one() -> None:
    t = tiny_tables()
    t["care_type_priorities"].loc[0, "share_pu"] = 0.5
    t["demand_age_profile"].loc[3, "share_pu"] = 0.2
    issues = [i for i in validate(t) if i.code == "shares_not_one"]
    assert {(i.table, i.row, i.value) for i in issues} == {
        ("care_type_priorities", 1, "1.25"), ("demand_age_profile", 1, "1.1")}


def test_availability_over_one_and_waiting_consistency() -> None:
    t = tiny_tables()
    t["staff_availability"].loc[5, "vacation_pu"] = 0.95
    t["demand_history"].loc[7, "waiting_over_guarantee_cases"] = 1e5
    found = codes(validate(t))
    assert ("staff_availability", "vacation_pu,sick_leave_pu,training_pu",
            "availability_over_one") in found
    assert ("demand_history", "waiting_over_guarantee_cases",
            "over_guarantee_exceeds_list") in found


def test_gap_in_history_is_reported() -> None:
    t = tiny_tables()
    dh = t["demand_history"]
    t["demand_history"] = dh[~((dh.unit_id == "U2") & (dh.week == "2026-W01"))].reset_index(
        drop=True)
    gaps = [i for i in validate(t) if i.code == "missing_weeks"]
    assert len(gaps) == 4  # 2 care types x 2 sexes
    assert all("2026-W01" in i.value for i in gaps)


@pytest.mark.parametrize(("table", "column", "value", "hint"), [
    ("staffing", "staffing_target_fte", 1650.0, "hours_as_fte"),
    ("resource_use", "staff_h_per_case", 240.0, "minutes_as_hours"),
    ("staff_availability", "sick_leave_pu", 5.0, "percent_as_share"),
    ("staffing", "cost_sek_per_fte_year", 650.0, "ksek_as_sek"),
    ("budget_frames", "frame_sek", 850.0, "ksek_as_sek"),
])
def test_wrong_magnitude(table: str, column: str, value: float, hint: str) -> None:
    t = tiny_tables()
    t[table].loc[0, column] = value
    # (a region frame of 850 kr is also below its divisions' frames: a second, separate issue)
    issues = [i for i in validate(t) if i.table == table and i.code != "frame_below_children"]
    assert [(i.code, i.hint, i.column, i.row) for i in issues] == [
        ("wrong_magnitude", hint, column, 1)]


def test_negative_volume_and_missing_volume() -> None:
    t = tiny_tables()
    dh = t["demand_history"].astype({"production_cases": object})
    dh.loc[4, "referrals_cases"] = -3.0
    dh.loc[6, "production_cases"] = None
    t["demand_history"] = dh
    found = {(i.row, i.column, i.code) for i in validate(t)}
    assert (5, "referrals_cases", "negative_value") in found
    assert (7, "production_cases", "missing_value") in found


def test_structure_problems() -> None:
    t = tiny_tables()
    t["staffing"] = t["staffing"].drop(columns=["agency_cost_factor_pu"]).assign(bonus=1)
    t["unknown_table"] = pd.DataFrame({"a": [1]})
    t["targets"] = t["targets"].iloc[0:0]
    found = codes(validate(t))
    assert ("staffing", "agency_cost_factor_pu", "missing_column") in found
    assert ("staffing", "bonus", "unknown_column") in found
    assert ("unknown_table", "", "unknown_table") in found
    assert ("targets", "", "empty_table") in found


def test_optional_tables_may_be_missing() -> None:
    t = tiny_tables()
    for name in ("actuals_production", "actuals_staff", "actuals_unit"):
        del t[name]
    assert validate(t) == []


def test_cross_table_rules() -> None:
    t = tiny_tables()
    ru = t["resource_use"]
    t["resource_use"] = ru[~((ru.unit_id == "U3") & (ru.care_type == "return_visit"))]
    st = t["staffing"]
    t["staffing"] = st[~((st.unit_id == "U1") & (st.staff_category == "lakare"))]
    t["org_nodes"].loc[8, "county"] = "Västerbottens län"
    t["targets"].loc[0, "utilisation_min_pu"] = 0.99
    found = codes(validate(t))
    assert ("care_types", "care_type", "no_resource_use") in found
    assert ("resource_use", "staff_category", "no_staffing") in found
    assert ("org_nodes", "county", "unknown_county") in found
    assert ("targets", "utilisation_min_pu", "min_above_max") in found


def test_excel_cells_validate() -> None:
    t = tiny_tables()
    cells = {n: df.astype(object) for n, df in t.items()}
    cells["targets"].loc[0, "valid_from"] = "2026-13-01"
    (issue,) = validate(cells)
    assert (issue.code, issue.column) == ("bad_date", "valid_from")


def test_2026_has_53_iso_weeks() -> None:
    # 1 January 2026 is a Thursday, so ISO year 2026 has 53 weeks (2025 and 2027 have 52)
    p = parse_column(pd.Series(["2026-W53", "2025-W53", "2027-W53"]), "week")
    assert p.bad.tolist() == [False, True, True]
