"""A corpus of broken inputs, as CSV folders and Excel workbooks.

Each case is the valid tiny region with one mutation. Each must yield its specific issue
(code, table, column), make ``pks validate`` and ``pks load`` exit 1 without a traceback,
and leave a store that already holds valid data unchanged.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from tiny_region import tiny_tables
from typer.testing import CliRunner

from pks.cli import app
from pks.data.checks import ValidationFailed
from pks.data.io import read_csv_folder, write_csv_folder, write_excel
from pks.data.store import Store, input_checksum_of
from pks.i18n import t
from pks.types import Language

Tables = dict[str, pd.DataFrame]


def _set(table: str, row: int, column: str, value: object) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        df = t[table].astype({column: object})
        df.loc[row, column] = value
        t[table] = df
    return mutate


def _dup_staffing(t: Tables) -> None:
    t["staffing"] = pd.concat([t["staffing"], t["staffing"].iloc[[2]]], ignore_index=True)


def _drop_resource_use(t: Tables) -> None:
    ru = t["resource_use"]
    t["resource_use"] = ru[~((ru.unit_id == "U3") & (ru.care_type == "return_visit"))]


def _cycle(t: Tables) -> None:
    t["org_nodes"].loc[t["org_nodes"].node_id == "D1", "parent_id"] = "A1"


def _gap(t: Tables) -> None:
    dh = t["demand_history"]
    t["demand_history"] = dh[~((dh.unit_id == "U1") & (dh.week == "2025-W52"))]


def _not_leaf(t: Tables) -> None:
    extra = t["org_nodes"].iloc[[6]].assign(node_id="U1-x", parent_id="U1")
    t["org_nodes"] = pd.concat([t["org_nodes"], extra], ignore_index=True)


def _drop_frame_year(t: Tables) -> None:
    bf = t["budget_frames"]
    t["budget_frames"] = bf[~((bf.node_id == "D1") & (bf.year == 2028))]


def _board_frame_far_below(t: Tables) -> None:
    bf = t["budget_frames"]
    t["budget_frames"] = bf.assign(frame_sek=bf.frame_sek.where(
        ~((bf.node_id == "B") & (bf.year == 2027)), 2e6))


def _zero_staff_hours(t: Tables) -> None:
    ru = t["resource_use"]
    t["resource_use"] = ru.assign(staff_h_per_case=ru.staff_h_per_case.where(
        ~((ru.unit_id == "U2") & (ru.care_type == "inpatient")), 0.0))


def _drop_col(table: str, column: str) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        t[table] = t[table].drop(columns=[column])
    return mutate


def _drop_table(table: str) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        del t[table]
    return mutate


def _add_col(t: Tables) -> None:
    t["staffing"] = t["staffing"].assign(kommentar="x")


CASES: dict[str, tuple[Callable[[Tables], None], tuple[str, str, str]]] = {
    "duplicate_key": (_dup_staffing, ("staffing", "unit_id,staff_category", "duplicate_key")),
    "unknown_unit": (_set("staffing", 0, "unit_id", "U9"),
                     ("staffing", "unit_id", "unknown_id")),
    "week_2025_w53": (_set("unit_capacity", 2, "week", "2025-W53"),
                      ("unit_capacity", "week", "week_not_exist")),
    "bad_week_format": (_set("staff_availability", 0, "week", "v.5 2026"),
                        ("staff_availability", "week", "bad_week")),
    "negative_volume": (_set("demand_history", 3, "referrals_cases", -5),
                        ("demand_history", "referrals_cases", "negative_value")),
    "missing_volume": (_set("demand_history", 4, "production_cases", None),
                       ("demand_history", "production_cases", "missing_value")),
    "missing_column": (_drop_col("care_types", "drg_weight"),
                       ("care_types", "drg_weight", "missing_column")),
    "unknown_column": (_add_col, ("staffing", "kommentar", "unknown_column")),
    "missing_table": (_drop_table("targets"), ("targets", "", "missing_table")),
    "hours_as_fte": (_set("staffing", 1, "staffing_target_fte", 1650),
                     ("staffing", "staffing_target_fte", "wrong_magnitude")),
    "minutes_as_hours": (_set("resource_use", 0, "staff_h_per_case", 240),
                         ("resource_use", "staff_h_per_case", "wrong_magnitude")),
    "percent_as_share": (_set("targets", 0, "within_guarantee_share_pu", 80),
                         ("targets", "within_guarantee_share_pu", "wrong_magnitude")),
    "frame_unknown_node": (_set("budget_frames", 1, "node_id", "D9"),
                           ("budget_frames", "node_id", "unknown_id")),
    "care_type_without_resource_use": (_drop_resource_use,
                                       ("care_types", "care_type", "no_resource_use")),
    "bad_allowed_value": (_set("org_nodes", 2, "node_type", "klinik"),
                          ("org_nodes", "node_type", "not_allowed")),
    "priority_shares": (_set("care_type_priorities", 1, "share_pu", 0.5),
                        ("care_type_priorities", "share_pu", "shares_not_one")),
    "age_shares": (_set("demand_age_profile", 0, "share_pu", 0.3),
                   ("demand_age_profile", "share_pu", "shares_not_one")),
    "cycle": (_cycle, ("org_nodes", "parent_id", "cycle")),
    "orphan_node": (_set("org_nodes", 5, "parent_id", "D7"),
                    ("org_nodes", "parent_id", "orphan_node")),
    "two_roots": (_set("org_nodes", 3, "parent_id", None),
                  ("org_nodes", "parent_id", "multiple_roots")),
    "text_in_numeric": (_set("unit_capacity", 0, "staffed_beds", "tolv"),
                        ("unit_capacity", "staffed_beds", "not_a_number")),
    "fraction_in_integer": (_set("care_type_priorities", 0, "priority_class", 1.5),
                            ("care_type_priorities", "priority_class", "not_an_integer")),
    "bad_bool": (_set("care_types", 0, "acute", "kanske"),
                 ("care_types", "acute", "not_a_bool")),
    "bad_date": (_set("targets", 0, "valid_from", "31/01/2026"),
                 ("targets", "valid_from", "bad_date")),
    "availability_over_one": (_set("staff_availability", 3, "vacation_pu", 0.97),
                              ("staff_availability", "vacation_pu,sick_leave_pu,training_pu",
                               "availability_over_one")),
    "gap_in_history": (_gap, ("demand_history", "week", "missing_weeks")),
    "unit_not_leaf": (_not_leaf, ("care_types", "unit_id", "unit_not_leaf")),
    "unknown_care_type": (_set("demand_history", 0, "care_type", "inpatient"),
                          ("demand_history", "care_type", "unknown_care_type")),
    "actuals_unknown_category": (_set("actuals_staff", 0, "staff_category", "lakare2"),
                                 ("actuals_staff", "staff_category", "unknown_id")),
    "waiting_over_list": (_set("demand_history", 5, "waiting_over_guarantee_cases", 1e5),
                          ("demand_history", "waiting_over_guarantee_cases",
                           "over_guarantee_exceeds_list")),
    # silent acceptances found in review (issue 13): each must now be refused
    "frames_missing_plan_year": (_drop_frame_year,
                                 ("budget_frames", "year", "missing_frame_year")),
    "board_frame_below_divisions": (_board_frame_far_below,
                                    ("budget_frames", "frame_sek", "frame_below_children")),
    "zero_staff_hours": (_zero_staff_hours,
                         ("resource_use", "staff_h_per_case", "no_staff_hours")),
    "formula_hyperlink_name": (_set("org_nodes", 6, "name",
                                    '=HYPERLINK("http://evil.example","klicka")'),
                               ("org_nodes", "name", "formula_text")),
    "formula_plus_site": (_set("org_nodes", 7, "site", "+cmd|' /C calc'!A0"),
                          ("org_nodes", "site", "formula_text")),
    "formula_minus_name": (_set("staff_categories", 0, "name_sv", "-2+3"),
                           ("staff_categories", "name_sv", "formula_text")),
    "formula_at_name": (_set("org_nodes", 3, "name", "@SUM(1+1)*cmd"),
                        ("org_nodes", "name", "formula_text")),
    "formula_tab_name": (_set("org_nodes", 4, "name", "\t=1+1"),
                         ("org_nodes", "name", "formula_text")),
    "year_with_blanks": (_set("budget_frames", 0, "year", " 20 26"),
                         ("budget_frames", "year", "bad_year")),
    "validity_date_1899": (_set("targets", 0, "valid_from", "1899-12-31"),
                           ("targets", "valid_from", "date_out_of_range")),
}


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    """A SQLite store holding the valid tiny region, and its state."""
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'pks.db'}"
    with Store.open(url) as s:
        checksum = s.write_inputs(tiny_tables(), source="tiny")
        state = {"checksum": checksum, "counts": s.row_counts()}
    yield url, state


def _write(tables: Tables, kind: str, where: Path) -> Path:
    if kind == "csv":
        write_csv_folder(tables, where / "in")
        return where / "in"
    write_excel(tables, where / "in.xlsx")
    return where / "in.xlsx"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20


def _code_name(code: str, lang: Language) -> str:
    """How the CLI's count-by-code line names an issue code (``cli.code.<code>``)."""
    return t(f"cli.code.{code}", lang)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_input(case: str, kind: str, tmp_path: Path,
                      loaded_store: tuple[str, dict]) -> None:
    mutate, (table, column, code) = CASES[case]
    tables = tiny_tables()
    mutate(tables)
    path = _write(tables, kind, tmp_path)

    if kind == "csv":  # the library reader raises the specific issue ...
        with pytest.raises(ValidationFailed) as err:
            read_csv_folder(path)
        found = {(i.table, i.column, i.code) for i in err.value.issues}
        assert (table, column, code) in found, err.value.issues

    runner = CliRunner()
    url, state = loaded_store
    for args in (["validate", str(path), "--lang", "en"], ["load", str(path), "--db", url]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        # the count-by-code line names it, in the command's language
        assert _code_name(code, "en" if "en" in args else "sv") in result.output
        # ... and so does the CLI's issue table: a row with the table and the column
        assert any(line.startswith(table) and (not column or column[:31] in line)
                   for line in result.output.splitlines()), result.output

    with Store.open(url) as s:
        assert s.input_checksum() == state["checksum"]
        assert s.row_counts() == state["counts"]
        if kind == "csv":
            assert input_checksum_of(s.read_inputs()) == state["checksum"]


def test_valid_input_loads_in_both_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    for kind in ("csv", "xlsx"):
        path = _write(tiny_tables(), kind, tmp_path / kind)
        url = f"sqlite:///{tmp_path / kind / 'pks.db'}"
        assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
        result = runner.invoke(app, ["load", str(path), "--db", url])
        assert result.exit_code == 0, result.output
        with Store.open(url) as s:
            assert s.input_checksum() in result.output
            assert s.input_checksum() == input_checksum_of(tiny_tables())


@pytest.mark.parametrize(("kind", "case"), [("csv", "hours_as_fte"), ("xlsx", "missing_table")])
def test_real_process_exits_1_without_traceback(case: str, kind: str, tmp_path: Path) -> None:
    tables = tiny_tables()
    CASES[case][0](tables)
    path = _write(tables, kind, tmp_path)
    pks = Path(sys.executable).parent / "pks"
    url = f"sqlite:///{tmp_path / 'pks.db'}"
    proc = subprocess.run([str(pks), "load", str(path), "--db", url, "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert _code_name(CASES[case][1][2], "en") in proc.stderr
    assert "The input data have" in proc.stderr  # --lang en
    with Store.open(url) as s:
        assert not s.has_inputs()
        assert sum(s.row_counts().values()) == 0
