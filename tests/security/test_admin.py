"""Users and roles in the store: admin page actions, audit trail, CLI and migration."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pks.dashboard import ids
from pks.dashboard.access import AccessDenied, Principal, UserRecord, hash_password, write_users
from pks.dashboard.auth.users import UserStore
from pks.dashboard.pages.admin import admin_action
from pks.data.audit import read_audit
from pks.data.store import Store

from .conftest import login

ADMIN = Principal("admin", "admin")


def test_admin_actions_are_audited(db: Path, units: list[str]) -> None:
    with Store.open(f"sqlite:///{db}") as s:
        users = UserStore(s)
        msg = admin_action(users, ADMIN, ids.ADMIN_ADD, "eva", "first_line_manager",
                           [units[0]], "pw-eva-12345", "en")
        assert "added" in msg
        assert "Nothing was changed" in admin_action(users, ADMIN, ids.ADMIN_ADD, "eva",
                                                     "planner", [], "pw-eva-12345", "en")
        assert "at least 8" in admin_action(users, ADMIN, ids.ADMIN_RESET, "eva", None, None,
                                            "short", "en")
        admin_action(users, ADMIN, ids.ADMIN_ASSIGN, "eva", "first_line_manager",
                     [units[0], units[1]], None, "en")
        admin_action(users, ADMIN, ids.ADMIN_RESET, "eva", None, None, "pw-eva-new-1", "en")
        admin_action(users, ADMIN, ids.ADMIN_DISABLE, "eva", None, None, None, "en")
        eva = users.get("eva")
        assert eva is not None and not eva.active and eva.principal.units == tuple(units[:2])
        with pytest.raises(AccessDenied):
            admin_action(users, Principal("per", "planner"), ids.ADMIN_ENABLE, "eva", None,
                         None, None, "en")
        log = read_audit(s, object_type="dashboard_user")
        assert list(log["action"]) == ["user.add", "user.assign", "user.reset_password",
                                       "user.disable"]
        assert set(log["user"]) == {"admin"}
        assert "pw-eva" not in " ".join(log["after_json"].astype(str))
        assert "scrypt" not in " ".join(log["after_json"].astype(str))


def _client(app: Any) -> Any:
    c = app.server.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"
    return c


def test_admin_page_only_for_admins(app: Any) -> None:
    c = _client(app)
    login(c, "per")
    r = c.post("/_dash-update-component", json={
        "output": "..admin-msg.children...admin-table-box.children..."
                  "admin-audit-box.children...admin-password.value..",
        "outputs": [{"id": "admin-msg", "property": "children"},
                    {"id": "admin-table-box", "property": "children"},
                    {"id": "admin-audit-box", "property": "children"},
                    {"id": "admin-password", "property": "value"}],
        "inputs": [{"id": a, "property": "n_clicks", "value": 1 if a == ids.ADMIN_ADD else None}
                   for a in (ids.ADMIN_ADD, ids.ADMIN_ASSIGN, ids.ADMIN_RESET,
                             ids.ADMIN_DISABLE, ids.ADMIN_ENABLE)],
        "state": [{"id": ids.ADMIN_USERNAME, "property": "value", "value": "mallory"},
                  {"id": ids.ADMIN_ROLE, "property": "value", "value": "admin"},
                  {"id": ids.ADMIN_UNITS, "property": "value", "value": []},
                  {"id": ids.ADMIN_PASSWORD, "property": "value", "value": "pw-mallory-1"},
                  {"id": ids.LANG, "property": "data", "value": "en"}],
        "changedPropIds": [f"{ids.ADMIN_ADD}.n_clicks"]})
    assert r.status_code == 403
    svc = app.server.config["PKS_DATA_SERVICE"]
    with Store.open(svc.settings.db_url) as s:
        assert UserStore(s).get("mallory") is None
    admin = _client(app)
    assert login(admin, "admin").status_code == 302
    assert admin.get("/admin").status_code == 200


def test_cli_dashboard_user_and_yaml_migration(db: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from pks.cli import app

    url = f"sqlite:///{db}"
    yaml_file = tmp_path / "users.yaml"
    write_users(yaml_file, {"old": UserRecord(Principal("old", "planner"),
                                              hash_password("pw-old-12345"))})
    monkeypatch.setenv("PKS_NEW_PASSWORD", "pw-new-12345")
    r = CliRunner().invoke(app, ["dashboard-user", "--users", str(yaml_file), "--username",
                                 "boss", "--role", "admin", "--db", url])
    assert r.exit_code == 0, r.output
    assert "pw-new" not in r.output
    with Store.open(url) as s:
        users = UserStore(s)
        assert set(users.users()) >= {"old", "boss"}
        actions = list(read_audit(s, object_type="dashboard_user")["action"])
        assert actions[-2:] == ["user.import", "user.add"]
    r = CliRunner().invoke(app, ["dashboard-user", "--username", "old", "--disable",
                                 "--db", url])
    assert r.exit_code == 0, r.output
    monkeypatch.setenv("PKS_NEW_PASSWORD", "short")
    r = CliRunner().invoke(app, ["dashboard-user", "--username", "x", "--role", "planner",
                                 "--db", url])
    assert r.exit_code == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_pks_dashboard_serves_with_waitress(db: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.Popen([sys.executable, "-m", "pks.cli.main", "dashboard", "--db",
                             f"sqlite:///{db}", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                    headers = r.headers
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.5)
        assert headers["Server"] == "pks"  # waitress (ident), not werkzeug's dev server
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        cache = tmp_path / "xdg" / "pks"
        assert any(p.stat().st_mode & 0o777 == 0o700 for p in cache.iterdir())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
