"""Callbacks, figure builders, access control and upload, called as plain functions."""

from __future__ import annotations

import base64
import io

import pandas as pd
import plotly.graph_objects as go
import pytest
from typer.testing import CliRunner

from pks.cli import app as cli_app
from pks.dashboard import figures
from pks.dashboard.access import (
    LOCAL_USER,
    AccessDenied,
    Principal,
    UserRecord,
    authenticate,
    hash_password,
    load_users,
    write_users,
)
from pks.dashboard.app import export_frame, header_view
from pks.dashboard.data import DataService, board_report
from pks.dashboard.pages.common import drill_view, node_options
from pks.dashboard.pages.jobs_panel import read_token, request_job
from pks.dashboard.pages.operative import operative_view
from pks.dashboard.pages.strategic import strategic_view
from pks.dashboard.pages.tactical import tactical_view
from pks.dashboard.settings import settings_from_env
from pks.dashboard.upload import upload_actuals

from .seed import AS_OF


def _csv_upload(df: pd.DataFrame) -> str:
    return "data:text/csv;base64," + base64.b64encode(df.to_csv(index=False).encode()).decode()


# ------------------------------------------------------------------ figure builders

def test_figures_use_swedish_separators_and_handle_empty():
    df = pd.DataFrame({"period": ["2026-W01", "2026-W02"], "plan_cases": [10.0, 12.0],
                       "plan_reported_cases": [10.0, 12.0], "actual_cases": [9.0, 13.0]})
    fig = figures.production_figure(df, "sv", "Produktion")
    assert isinstance(fig, go.Figure) and fig.layout.separators == ", "
    assert list(fig.data[0].y) == [9.0, 13.0] and list(fig.data[1].y) == [10.0, 12.0]
    assert figures.production_figure(df, "en", "P").layout.separators == ".,"
    empty = figures.production_figure(df.iloc[0:0], "sv", "P")
    assert len(empty.data) == 0 and "Inga uppgifter" in empty.layout.annotations[0].text


def test_cost_figure_frame_line_in_msek():
    m = pd.DataFrame({"month": [1, 2], "plan_cum_sek": [1e6, 2e6], "forecast_cum_sek": [1e6, 2.5e6],
                      "actual_cum_sek": [1.2e6, 0.0], "actual_cost_sek": [1.2e6, 0.0]})
    fig = figures.cost_figure(m, 3e6, "sv", "K")
    frame = [tr for tr in fig.data if tr.name == "Ram"][0]
    assert list(frame.y) == [3.0, 3.0]
    actual = [tr for tr in fig.data if tr.name == "Utfall"][0]
    assert list(actual.y) == [1.2]  # unreported months are not drawn as zero


# ------------------------------------------------------------------ pages as functions

def test_every_view_renders_region_and_unit(svc: DataService, units):
    root = svc.tree().root
    for node in (root, units[0]):
        op = operative_view(svc, LOCAL_USER, node, None, "base", "unit", "sv")
        # the default week is the node's latest complete one; one note + seven KPI cards
        assert op["week"] == svc.default_week(LOCAL_USER, node, "base") <= AS_OF
        assert op["completeness"].complete and len(op["cards"]) == 8
        tac = tactical_view(svc, LOCAL_USER, node, "base", "month", None, "unit", "en")
        assert not tac["production"].empty and not tac["cost_monthly"].empty
        st = strategic_view(svc, LOCAL_USER, node, ["base", "region_growth"], "unit", "sv")
        assert set(st["demand"]["scenario"]) == {"base", "region_growth"}
        assert not st["guarantee"].empty and not st["fte"].empty


def test_region_figures_equal_sum_of_units(svc: DataService, units):
    """R-24 on the callback data: every figure at region level is the sum of its units."""
    root = svc.tree().root
    for period in ("week", "month", "cumulative"):
        region = tactical_view(svc, LOCAL_USER, root, "base", period, None, "unit", "sv")
        per_unit = [tactical_view(svc, LOCAL_USER, u, "base", period, None, "unit", "sv")
                    for u in units]
        for key, cols in (("production", ["plan_cases", "actual_cases", "plan_reported_cases"]),
                          ("staff", ["actual_own_h", "actual_overtime_h", "actual_agency_h",
                                     "plan_total_h", "actual_sick_leave_h"])):
            r = region[key].set_index("period")[cols]
            s = sum(v[key].set_index("period")[cols] for v in per_unit)
            pd.testing.assert_frame_equal(r, s, check_exact=False, rtol=1e-9)
    r = region["cost_monthly"].set_index("month")[["actual_cost_sek", "forecast_cost_sek"]]
    s = sum(v["cost_monthly"].set_index("month")[["actual_cost_sek", "forecast_cost_sek"]]
            for v in per_unit)
    pd.testing.assert_frame_equal(r, s, check_exact=False, rtol=1e-9)
    w = region["waiting"].set_index("week")[["actual_waiting_cases", "past_guarantee_cases"]]
    ws = sum(v["waiting"].set_index("week")[["actual_waiting_cases", "past_guarantee_cases"]]
             for v in per_unit)
    pd.testing.assert_frame_equal(w, ws, check_exact=False, rtol=1e-9)
    op = operative_view(svc, LOCAL_USER, root, AS_OF, "base", "unit", "sv")["kpis"].iloc[0]
    op_units = pd.concat([operative_view(svc, LOCAL_USER, u, AS_OF, "base", "unit", "sv")["kpis"]
                          for u in units])
    for col in ("actual_cases", "plan_reported_cases", "actual_total_h", "overflow_bed_days"):
        assert op[col] == pytest.approx(op_units[col].sum())


def test_deviations_name_the_responsible_node(svc: DataService, units):
    tac = tactical_view(svc, LOCAL_USER, svc.tree().root, "base", "week", None, "unit", "sv")
    dev = tac["deviations"].set_index("node_id")
    assert dev.loc[units[0], "responsible_role"] == "forsta_linjens_chef"
    assert dev.loc[svc.tree().root, "responsible_level"] == "political"
    div = svc.snapshot().data.org_nodes.query("node_type == 'division'")["node_id"].iloc[0]
    _, annual = svc.cost(LOCAL_USER, div, "base")
    row = annual.set_index("node_id").loc[div]
    assert row["responsible_role"] == "divisionschef" and row["light"] in ("red", "amber", "green")


def test_drill_view_and_header(svc: DataService, units):
    tree = svc.tree()
    crumbs, chips = drill_view(svc, LOCAL_USER, tree.root, "sv")
    assert [c.id["node"] for c in chips[1:]] == tree.children(tree.root)
    crumbs, chips = drill_view(svc, LOCAL_USER, units[0], "sv")
    links = [c for c in crumbs if getattr(c, "id", None)]
    assert chips == [] and len(links) == tree.depth(units[0])
    head = header_view("/taktisk", "?lang=en&node=X", units[0], LOCAL_USER, False,
                       [("/operativ", "dash.nav.operative"), ("/taktisk", "dash.nav.tactical")])
    nav = head[1].children
    assert nav[1].children == "Tactical" and f"node={units[0]}" in nav[0].href


# ------------------------------------------------------------------ access control

def test_first_line_manager_sees_only_own_unit(svc: DataService, units, manager: Principal):
    own, other = units[0], units[1]
    opts = {o["value"] for o in node_options(svc, manager, "sv")}
    assert opts == {own}
    assert svc.default_node(manager) == own
    operative_view(svc, manager, own, None, "base", "unit", "sv")
    for view, args in ((operative_view, (other, None, "base", "unit", "sv")),
                       (tactical_view, (other, "base", "week", None, "unit", "sv")),
                       (strategic_view, (svc.tree().root, ["base"], "unit", "sv"))):
        with pytest.raises(AccessDenied):
            view(svc, manager, *args)
    with pytest.raises(AccessDenied):
        svc.weekly_production(manager, svc.tree().parent(own), "base")
    with pytest.raises(AccessDenied):
        export_frame(svc, manager, "op_deviations", {"node": other, "scenario": "base"})
    with pytest.raises(AccessDenied):
        board_report(svc, manager, "base", 2026, 10, "sv")
    kp = svc.kpis(manager, "base", AS_OF, AS_OF)
    assert set(kp["node_id"]) == {own}
    crumbs, _ = drill_view(svc, manager, own, "sv")
    assert not [c for c in crumbs if getattr(c, "id", None)]  # no link up to shared nodes


def test_users_file_and_passwords(tmp_path):
    path = tmp_path / "users.yaml"
    write_users(path, {"anna": UserRecord(Principal("anna", "first_line_manager", ("U1",)),
                                          hash_password("hemligt-1"))})
    users = load_users(path)
    assert "hemligt" not in path.read_text()
    assert authenticate(users, "anna", "hemligt-1") == Principal("anna", "first_line_manager",
                                                                 ("U1",))
    assert authenticate(users, "anna", "fel") is None and authenticate(users, "x", "y") is None
    path.write_text("users: [{username: b, role: boss, password_hash: x}]")
    with pytest.raises(ValueError, match="role"):
        load_users(path)


def test_job_tokens(svc: DataService, units, manager):
    tok = request_job(LOCAL_USER, svc, "simulate", "base", svc.tree().root, "s3cret")
    spec = read_token(tok, "s3cret")
    assert spec.kind == "simulate" and spec.username == LOCAL_USER.username
    from itsdangerous import BadSignature

    with pytest.raises(BadSignature):
        read_token(tok, "other-secret")
    with pytest.raises(AccessDenied):
        request_job(manager, svc, "replan", "base", units[0], "s3cret")


def test_login_guard_and_routes(db_copy, repo_root, tmp_path, units):
    from pks.dashboard.app import create_app

    from .conftest import make_settings

    users = tmp_path / "users.yaml"
    write_users(users, {"anna": UserRecord(Principal("anna", "first_line_manager",
                                                     (units[0],)), hash_password("pw-anna-1"))})
    app = create_app(make_settings(db_copy, repo_root, tmp_path, host="0.0.0.0",
                                   users_file=str(users)))
    c = app.server.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"  # served beyond loopback: Secure cookies
    r = c.get("/operativ")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert c.post("/_dash-update-component", json={}).status_code == 401
    def token() -> str:  # the login form's CSRF token
        html = c.get("/login").data
        i = html.index(b'name="csrf_token" value="') + len(b'name="csrf_token" value="')
        return html[i:html.index(b'"', i)].decode()
    r = c.post("/login", data={"username": "anna", "password": "fel", "csrf_token": token()})
    assert b"login-error" in r.data
    r = c.post("/login", data={"username": "anna", "password": "pw-anna-1",
                               "csrf_token": token()})
    assert r.status_code == 302
    assert c.get("/operativ").status_code == 200


def test_login_required_without_users_fails(db_copy, repo_root, tmp_path):
    from pks.dashboard.app import create_app

    from .conftest import make_settings

    with pytest.raises(ValueError, match="users file"):
        create_app(make_settings(db_copy, repo_root, tmp_path, host="0.0.0.0"))


def test_settings_from_env():
    s = settings_from_env({"PKS_DATABASE_URL": "sqlite:///x.db", "PKS_MODEL_DIR": "m"})
    assert s.db_url == "sqlite:///x.db" and s.model_dir == "m" and s.login_required
    s = settings_from_env({"PKS_REQUIRE_LOGIN": "0"})
    assert not s.login_required


# ------------------------------------------------------------------ upload

def test_broken_upload_lists_every_error_and_changes_nothing(svc_rw: DataService, units):
    before = (svc_rw.store.input_checksum(), svc_rw.store.row_counts())
    good = svc_rw.snapshot().data.actuals_production
    rows = good[(good["unit_id"] == units[1]) & (good["week"] == AS_OF)].head(3).copy()
    rows.iloc[0, rows.columns.get_loc("unit_id")] = "NO-SUCH-UNIT"
    rows.iloc[1, rows.columns.get_loc("production_cases")] = -5
    rows.iloc[2, rows.columns.get_loc("week")] = "2026-W60"
    res = upload_actuals(svc_rw, LOCAL_USER, [_csv_upload(rows)], ["actuals_production.csv"])
    assert not res.ok
    codes = {(i.row, i.column) for i in res.issues}
    assert {(1, "unit_id"), (2, "production_cases"), (3, "week")} <= codes
    assert (svc_rw.store.input_checksum(), svc_rw.store.row_counts()) == before
    res = upload_actuals(svc_rw, LOCAL_USER, ["data:text/csv;base64,aGVq"], ["vad.csv"])
    assert [i.code for i in res.issues] == ["unknown_actuals_table"]


def test_valid_upload_updates_operative_deviations(svc_rw: DataService, units):
    unit = units[1]
    before = operative_view(svc_rw, LOCAL_USER, unit, AS_OF, "base", "unit", "sv")
    b = before["kpis"].iloc[0]
    ap = svc_rw.snapshot().data.actuals_production
    rows = ap[(ap["unit_id"] == unit) & (ap["week"] == AS_OF)].copy()
    rows["production_cases"] = rows["production_cases"] * 0.5
    res = upload_actuals(svc_rw, LOCAL_USER, [_csv_upload(rows)], ["actuals_production.csv"])
    assert res.ok, res.issues
    after = operative_view(svc_rw, LOCAL_USER, unit, AS_OF, "base", "unit", "sv")["kpis"].iloc[0]
    assert after["actual_cases"] == pytest.approx(0.5 * b["actual_cases"])
    assert after["production_deviation_pu"] < b["production_deviation_pu"]


def test_excel_upload_and_manager_cannot_report_for_others(svc_rw: DataService, units, manager):
    ap = svc_rw.snapshot().data.actuals_production
    other = ap[(ap["unit_id"] == units[1]) & (ap["week"] == AS_OF)]
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        other.to_excel(xl, sheet_name="actuals_production", index=False)
    content = "data:application/octet-stream;base64," + base64.b64encode(buf.getvalue()).decode()
    res = upload_actuals(svc_rw, manager, [content], ["vecka46.xlsx"])
    assert res.denied and not res.ok
    res = upload_actuals(svc_rw, LOCAL_USER, [content], ["vecka46.xlsx"])
    assert res.ok and res.saved == {"actuals_production": len(other)}


# ------------------------------------------------------------------ CLI

def test_cli_report_html_and_bad_month(seeded_db, tmp_path, repo_root):
    runner = CliRunner()
    out = tmp_path / "rapport.html"
    r = runner.invoke(cli_app, ["report", "--month", "2026-10", "--out", str(out), "--db",
                                f"sqlite:///{seeded_db}", "--model",
                                str(repo_root / "models" / "demo_region")])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "Månadsrapport okt 2026" in text and "<svg" in text and "Divisionschef" in text
    r = runner.invoke(cli_app, ["report", "--month", "2026-13", "--out", str(out)])
    assert r.exit_code == 2
    r = runner.invoke(cli_app, ["report", "--month", "2026-12", "--out", str(out), "--db",
                                f"sqlite:///{seeded_db}", "--model",
                                str(repo_root / "models" / "demo_region")])
    assert r.exit_code == 1  # no week of December reached yet


@pytest.mark.slow
@pytest.mark.solver
def test_replan_job_saves_an_operative_plan(svc_rw: DataService, units):
    """The dashboard's re-plan job runs the optimiser like `pks plan --level operative`."""
    from pks.dashboard.jobs import JobSpec, run_job

    steps: list[str] = []
    before = len(svc_rw.store.runs(kind="plan", level="operative"))
    rid = run_job(svc_rw.settings, JobSpec("replan", "base", units[0], "test"),
                  lambda d, n, step: steps.append(step))
    runs = svc_rw.store.runs(kind="plan", level="operative")
    assert len(runs) == before + 1 and runs.iloc[0]["run_id"] == rid
    assert steps == ["load", "solve", "save"]
    tables = svc_rw.store.load_run_tables(rid, ["plan_production", "plan_staff"])
    assert set(tables["plan_production"]["unit_id"]) == set(units)
    svc_rw.invalidate()
    ref, prod, staff = svc_rw.operative_suggestion(LOCAL_USER, units[0], "base")
    assert ref.run_id == rid and not prod.empty and set(prod["unit_id"]) == {units[0]}


def test_export_tables_to_excel_and_csv(svc: DataService, units):
    from pks.dashboard.app import frame_to_download

    state = {"node": svc.tree().root, "scenario": "base", "level_type": "unit", "lang": "sv",
             "week": AS_OF, "scenarios": ["base"]}
    for key in ("op_deviations", "op_suggestion", "tac_deviations", "tac_cost",
                "tac_production", "str_coverage", "str_coverage_units", "str_demand",
                "str_fte", "str_cost", "str_guarantee"):
        df = export_frame(svc, LOCAL_USER, key, state)
        assert isinstance(df, pd.DataFrame), key
    df = export_frame(svc, LOCAL_USER, "tac_deviations", state)
    assert set(units) <= set(df["node_id"])
    x = frame_to_download(df, "tac_deviations", "xlsx")
    back = pd.read_excel(io.BytesIO(base64.b64decode(x["content"])), engine="openpyxl")
    assert len(back) == len(df) and x["filename"] == "tac_deviations.xlsx"
    c = frame_to_download(df, "tac_deviations", "csv")
    assert c["filename"].endswith(".csv") and c["content"].lstrip("\ufeff").startswith("Nod-id")
    with pytest.raises(KeyError):
        export_frame(svc, LOCAL_USER, "no_such_table", state)


def test_deployable_entry_exposes_a_wsgi_server(db_copy, repo_root, tmp_path, monkeypatch):
    import runpy

    monkeypatch.setenv("PKS_DATABASE_URL", f"sqlite:///{db_copy}")
    monkeypatch.setenv("PKS_MODEL_DIR", str(repo_root / "models" / "demo_region"))
    monkeypatch.setenv("PKS_REQUIRE_LOGIN", "0")
    monkeypatch.setenv("PKS_CACHE_DIR", str(tmp_path / "cache"))
    ns = runpy.run_path(str(repo_root / "dashboards" / "app.py"))
    client = ns["server"].test_client()
    r = client.get("/operativ")
    assert r.status_code == 200 and b"pks" in r.data.lower()
    assert client.get("/assets/site.css").status_code == 200


def test_care_type_table_sums_to_the_node(svc: DataService, units):
    from pks.dashboard.pages.tactical import care_type_table

    v = tactical_view(svc, LOCAL_USER, units[1], "base", "cumulative", None, "unit", "sv")
    ct = care_type_table(svc, LOCAL_USER, units[1], "base")
    dev = v["deviations"].set_index("node_id").loc[units[1]]
    assert ct["actual_cases"].sum() == pytest.approx(dev["actual_cases"])
    assert ct["plan_reported_cases"].sum() == pytest.approx(dev["plan_reported_cases"])
    assert set(ct["light"]) <= {"green", "amber", "red", "none"}
