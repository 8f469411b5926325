"""Store tests on SQLite and PostgreSQL: inputs, runs, provenance, plan statuses, atomicity."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from tiny_region import tiny_tables

from pks.data.checks import ValidationFailed
from pks.data.parse import coerce_tables
from pks.data.store import PlanStatusError, Store, StoreError, input_checksum_of


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert list(a) == list(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_inputs_round_trip_exactly(store: Store) -> None:
    tables = tiny_tables()
    checksum = store.write_inputs(tables, source="tiny")
    assert checksum == input_checksum_of(tables) == store.input_checksum()
    back = store.read_inputs().tables()
    assert_same_tables(coerce_tables(tables), back)
    assert back["targets"]["valid_from"].dtype == "datetime64[ns]"
    assert back["care_types"]["acute"].dtype == bool
    assert back["care_type_priorities"]["priority_class"].dtype == "int64"
    assert store.meta_info()["source"] == "tiny"


def test_write_inputs_replaces_everything(store: Store) -> None:
    store.write_inputs(tiny_tables("norrbotten"))
    store.write_inputs(tiny_tables("vasterbotten"))
    back = store.read_inputs()
    assert set(back.org_nodes["node_id"]) == set(tiny_tables("vasterbotten")["org_nodes"].node_id)
    assert store.input_checksum() == input_checksum_of(tiny_tables("vasterbotten"))


def test_invalid_inputs_leave_store_unchanged(store: Store) -> None:
    checksum = store.write_inputs(tiny_tables())
    counts = store.row_counts()
    bad = tiny_tables("vasterbotten")
    bad["staffing"].loc[0, "staffing_target_fte"] = 1700.0
    with pytest.raises(ValidationFailed) as err:
        store.write_inputs(bad)
    assert [i.code for i in err.value.issues] == ["wrong_magnitude"]
    assert store.input_checksum() == checksum
    assert store.row_counts() == counts
    assert input_checksum_of(store.read_inputs()) == checksum


def test_failure_mid_write_rolls_back(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    checksum = store.write_inputs(tiny_tables())
    counts = store.row_counts()
    original = Store._insert_input
    calls = {"n": 0}

    def failing(self: Store, conn: sa.Connection, name: str, df: pd.DataFrame,
                first_row: int = 0) -> None:
        calls["n"] += 1
        if calls["n"] == 6:  # after five tables were deleted and rewritten
            raise RuntimeError("disk full")
        original(self, conn, name, df, first_row)

    monkeypatch.setattr(Store, "_insert_input", failing)
    with pytest.raises(RuntimeError):
        store.write_inputs(tiny_tables("vasterbotten"))
    monkeypatch.undo()
    assert store.row_counts() == counts
    assert input_checksum_of(store.read_inputs()) == checksum == store.input_checksum()


def test_read_inputs_without_data(store: Store) -> None:
    assert not store.has_inputs()
    with pytest.raises(StoreError):
        store.read_inputs()


def test_replace_actuals_upserts_by_key(store: Store) -> None:
    tables = tiny_tables()
    del tables["actuals_unit"]
    store.write_inputs(tables)
    old = store.read_table("actuals_staff")
    new = old.iloc[[0]].assign(overtime_h=99.0)
    extra = old.iloc[[1]].assign(week="2026-W04", worked_h=1.0)
    store.replace_actuals({"actuals_staff": pd.concat([new, extra], ignore_index=True),
                           "actuals_unit": tiny_tables()["actuals_unit"]})
    got = store.read_table("actuals_staff")
    assert len(got) == len(old) + 1
    row = got[(got.unit_id == new.unit_id[0]) & (got.staff_category == new.staff_category[0])
              & (got.week == new.week[0])]
    assert row["overtime_h"].tolist() == [99.0]
    assert (got.week == "2026-W04").sum() == 1
    assert len(store.read_table("actuals_unit")) == len(tiny_tables()["actuals_unit"])
    assert store.input_checksum() == input_checksum_of(store.read_inputs())


def test_replace_actuals_rejects_unknown_ids(store: Store) -> None:
    store.write_inputs(tiny_tables())
    checksum, counts = store.input_checksum(), store.row_counts()
    bad = tiny_tables()["actuals_unit"].iloc[[0]].assign(unit_id="NOPE")
    with pytest.raises(ValidationFailed) as err:
        store.replace_actuals({"actuals_unit": bad})
    assert ("actuals_unit", "unit_id", "unknown_id") in {
        (i.table, i.column, i.code) for i in err.value.issues}
    with pytest.raises(ValidationFailed):
        store.replace_actuals({"staffing": tiny_tables()["staffing"]})
    assert store.input_checksum() == checksum and store.row_counts() == counts


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_id": pd.Series(["U1", "U2", None], dtype="str"),
        "week": ["2026-W01", "2026-W02", "2026-W53"],
        "production_cases": [1.5, np.nan, 1e-300],
        "count": np.array([1, 2, 3], dtype="int64"),
        "maybe": pd.array([1, None, 3], dtype="Int64"),
        "flag": [True, False, True],
        "at": pd.to_datetime(["2026-01-01 10:00:00", "2026-01-02 00:00:00",
                              "2026-01-03 23:59:59.5"], format="ISO8601"),
        "at_utc": pd.to_datetime(["2026-01-01", "2026-06-01", "2026-12-31"]).tz_localize(
            "Europe/Stockholm"),
        "kind": pd.Categorical(["b", "a", "b"], categories=["b", "a"], ordered=True),
        "obj": pd.Series(["x", None, "z"], dtype=object),
    })


def test_result_frames_round_trip_exactly(store: Store) -> None:
    store.write_inputs(tiny_tables())
    df = _frame()
    indexed = df.set_index(["unit_id", "week"])
    empty = df.iloc[0:0]
    rid = store.save_run("plan", {"plan_production": df, "plan_indexed": indexed,
                                  "plan_empty": empty}, scenario="base", level="tactical")
    got = store.load_run_tables(rid)
    pd.testing.assert_frame_equal(got["plan_production"], df, check_exact=True)
    pd.testing.assert_frame_equal(got["plan_indexed"], indexed, check_exact=True)
    pd.testing.assert_frame_equal(got["plan_empty"], empty.reset_index(drop=True),
                                  check_exact=True)
    assert list(store.load_run_tables(rid, ["plan_indexed"])) == ["plan_indexed"]
    with pytest.raises(KeyError):
        store.load_run_tables(rid, ["nope"])


def test_later_runs_may_add_columns_but_not_change_types(store: Store) -> None:
    df = pd.DataFrame({"a": [1.0, 2.0]})
    r1 = store.save_run("forecast", {"fc": df}, scenario="base")
    r2 = store.save_run("forecast", {"fc": df.assign(b=["x", "y"])}, scenario="base")
    pd.testing.assert_frame_equal(store.load_run_tables(r1)["fc"], df)
    pd.testing.assert_frame_equal(store.load_run_tables(r2)["fc"], df.assign(b=["x", "y"]))
    n_runs = len(store.runs())
    with pytest.raises(StoreError):
        store.save_run("forecast", {"fc": pd.DataFrame({"a": ["text"]})}, scenario="base")
    assert len(store.runs()) == n_runs  # nothing written
    with pytest.raises(TypeError):
        store.save_run("forecast", {"fc2": pd.DataFrame({"a": [(1, 2)]})}, scenario="base")


def test_provenance(store: Store) -> None:
    from pks.config import load_scenario

    checksum = store.write_inputs(tiny_tables())
    cfg = {"solve": {"time_limit_s": 60}, "data": {"budget_year": 2026}}
    before = dt.datetime.now(dt.UTC)
    rid = store.save_run("forecast", {"forecast_demand": _frame()}, scenario="base",
                         config=cfg, note="first")
    info = store.run(rid)
    assert info.kind == "forecast" and info.scenario == "base" and info.status == "draft"
    assert info.input_checksum == checksum
    assert info.config == cfg
    assert {"python", "pandas", "numpy", "sqlalchemy", "pks"} <= set(info.versions)
    assert before <= info.created_at <= dt.datetime.now(dt.UTC)
    assert info.created_at.tzinfo is not None
    assert info.tables == ("forecast_demand",) and info.note == "first"
    assert info.supersedes is None
    del load_scenario  # the config object path is exercised below when available


def test_pydantic_config_is_stored_resolved(store: Store, demo_model_dir: object) -> None:
    from pks.config import load_scenario

    cfg = load_scenario(demo_model_dir, "base")  # type: ignore[arg-type]
    rid = store.save_run("need", {}, scenario="base", config=cfg)
    assert store.run(rid).config == json.loads(json.dumps(cfg.model_dump(mode="json")))


def test_series_are_separate_and_supersede_in_order(store: Store) -> None:
    df = pd.DataFrame({"x": [1.0]})
    p1 = store.save_run("plan", {"p": df}, scenario="base", level="tactical")
    f1 = store.save_run("forecast", {"f": df}, scenario="base")
    p2 = store.save_run("plan", {"p": df}, scenario="base", level="tactical")
    s1 = store.save_run("plan", {"p": df}, scenario="base", level="strategic")
    o1 = store.save_run("plan", {"p": df}, scenario="other", level="tactical")
    f2 = store.save_run("forecast", {"f": df}, scenario="base")
    assert store.run(p2).supersedes == p1
    assert store.run(f1).supersedes is None and store.run(f2).supersedes == f1
    assert store.run(s1).supersedes is None and store.run(o1).supersedes is None
    # saving forecasts never touched the plans
    assert store.run(p1).status == store.run(p2).status == "draft"
    runs = store.runs()
    assert list(runs["run_id"]) == [f2, o1, s1, p2, f1, p1]  # newest first
    assert list(store.runs(kind="plan", level="tactical", scenario="base")["run_id"]) == [p2, p1]
    latest = store.latest_run("plan", scenario="base", level="tactical")
    assert latest is not None and latest.run_id == p2
    assert store.latest_run("simulation") is None
    with pytest.raises(KeyError):
        store.run("nope")
    with pytest.raises(StoreError):
        store.save_run("dream", {}, scenario="base")
    with pytest.raises(KeyError):
        store.save_run("simulation", {}, scenario="base", parent_run_id="nope")
    sim = store.save_run("simulation", {}, scenario="base", parent_run_id=p2)
    assert store.run(sim).parent_run_id == p2


def test_plan_status_transitions(store: Store) -> None:
    df = pd.DataFrame({"x": [1.0]})
    a = store.save_run("plan", {"p": df}, scenario="base", level="tactical")
    store.set_plan_status(a, "proposed", by="anna", note="to the board")
    with pytest.raises(PlanStatusError):
        store.set_plan_status(a, "draft", by="anna")  # backwards
    with pytest.raises(PlanStatusError):
        store.set_plan_status(a, "proposed", by="anna")  # no change
    store.set_plan_status(a, "agreed", by="bo")
    store.set_plan_status(a, "adopted", by="regionstyrelsen")
    assert store.run(a).status == "adopted"
    for status in ("draft", "proposed", "agreed", "adopted"):
        with pytest.raises(PlanStatusError):
            store.set_plan_status(a, status, by="x")
    f = store.save_run("forecast", {"f": df}, scenario="base")
    with pytest.raises(PlanStatusError):
        store.set_plan_status(f, "adopted", by="x")
    with pytest.raises(PlanStatusError):
        store.set_plan_status(a, "final", by="x")
    with pytest.raises(KeyError):
        store.set_plan_status("nope", "adopted", by="x")
    log = store.status_log(a)
    assert list(log["status"]) == ["draft", "proposed", "agreed", "adopted"]
    assert list(log["by"])[1:] == ["anna", "bo", "regionstyrelsen"]
    assert log["note"].iloc[1] == "to the board"


def test_adopting_supersedes_previous_adopted_plan_only_in_its_series(store: Store) -> None:
    df = pd.DataFrame({"x": [1.0, 2.0]})
    a = store.save_run("plan", {"p": df}, scenario="base", level="tactical")
    other = store.save_run("plan", {"p": df}, scenario="base", level="strategic")
    store.set_plan_status(a, "adopted", by="rs")
    store.set_plan_status(other, "adopted", by="rs")
    b = store.save_run("plan", {"p": df * 2}, scenario="base", level="tactical")
    store.set_plan_status(b, "adopted", by="rs")
    assert store.run(a).status == "superseded" and store.run(a).superseded_by == b
    assert store.run(b).status == "adopted"
    assert store.run(other).status == "adopted"  # another level is another series
    with pytest.raises(PlanStatusError):
        store.set_plan_status(a, "adopted", by="x")
    # the superseded plan's tables stay exactly as adopted
    pd.testing.assert_frame_equal(store.load_run_tables(a)["p"], df)
    c = store.save_run("plan", {"p": df}, scenario="base", level="tactical", status="adopted")
    assert store.run(b).status == "superseded" and store.run(c).status == "adopted"
    adopted = store.runs(kind="plan", status="adopted")
    assert set(adopted["run_id"]) == {other, c}


def test_sqlite_is_in_wal_mode_and_readers_see_committed_data(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/deep/er/pks.db"  # parent folders are created
    with Store.open(url) as writer, Store.open(url) as reader:
        with writer.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        writer.write_inputs(tiny_tables())
        # a write transaction in progress does not block a reader in WAL mode
        with writer.engine.begin() as wconn:
            wconn.execute(writer.inputs["staffing"].delete())
            assert len(reader.read_table("staffing")) == len(tiny_tables()["staffing"])
            wconn.rollback()
        assert reader.input_checksum() == input_checksum_of(tiny_tables())


def test_plain_path_and_postgres_url_normalisation(tmp_path: object) -> None:
    with Store.open(f"{tmp_path}/plain.db") as s:
        assert s.dialect == "sqlite"
    assert Store._normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")


def test_extreme_values_and_awkward_text_round_trip(store: Store) -> None:
    df = pd.DataFrame({
        "x": [np.inf, -np.inf, np.nan, 5e-324, 1.7976931348623157e308, -0.0, 0.1 + 0.2],
        "n": np.array([2**62, -(2**62), 0, 1, -1, 7, 9], dtype="int64"),
        "text": ["tab\there", "new\nline", "back\\slash", "'single' \"double\"", "åäö ÅÄÖ €",
                 "", "\\N"],
    })
    rid = store.save_run("backtest", {"extremes": df}, scenario="base")
    got = store.load_run_tables(rid)["extremes"]
    # (-0.0 compares equal to 0.0; SQLite stores it as 0)
    pd.testing.assert_frame_equal(got, df, check_exact=True)


def test_chunked_inserts_keep_order_and_values(store: Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import pks.data.store as store_mod

    original = store_mod._bulk_insert
    monkeypatch.setattr(store_mod, "_bulk_insert",
                        lambda conn, table, df, date_cols=(): original(conn, table, df,
                                                                       date_cols, chunk_rows=7))
    checksum = store.write_inputs(tiny_tables())
    assert input_checksum_of(store.read_inputs()) == checksum
    df = pd.DataFrame({"i": np.arange(50, dtype="int64")[::-1], "x": np.linspace(0, 1, 50)})
    rid = store.save_run("simulation", {"sim_kpis": df}, scenario="base")
    pd.testing.assert_frame_equal(store.load_run_tables(rid)["sim_kpis"], df, check_exact=True)
