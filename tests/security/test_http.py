"""Login and session hardening, headers, limits and clean errors, over HTTP (issue 13).

The app runs with login on (served beyond loopback) in Flask's test client; every test
speaks HTTP to it: forms, cookies, redirects, Dash callback requests.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORDS, csrf_of, login, settings_for


def _client(app: Any) -> Any:
    c = app.server.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"  # cookies are Secure: served behind TLS
    return c


# ----------------------------------------------------------------------- redirect (4)


@pytest.mark.parametrize("evil", ["/%09/evil.example", "//evil.example", "/\\evil.example",
                                  "https://evil.example/", "/%5Cevil.example",
                                  "%2F%2Fevil.example", "javascript:alert(1)", " //evil.example",
                                  "/\t/evil.example"])
def test_no_open_redirect_after_login(app: Any, evil: str) -> None:
    c = _client(app)
    r = login(c, "per", next_=evil)
    assert r.status_code == 302
    assert r.headers["Location"] in ("/", "http://localhost/", "https://localhost/"), \
        r.headers["Location"]


def test_same_site_next_is_kept(app: Any) -> None:
    r = login(_client(app), "per", next_="/taktisk%3Fnode%3DX")
    assert r.headers["Location"].endswith("/taktisk?node=X")


# ----------------------------------------------------------------------- login (6)


def test_csrf_token_required_on_login(app: Any) -> None:
    c = _client(app)
    form = c.get("/login")
    assert b'name="csrf_token"' in form.data
    r = c.post("/login", data={"username": "per", "password": PASSWORDS["per"]})
    assert r.status_code == 400 and b"login-error" in r.data
    r = c.post("/login", data={"username": "per", "password": PASSWORDS["per"],
                               "csrf_token": "forged"})
    assert r.status_code == 400
    # a token from another session does not work either
    other = _client(app)
    token = csrf_of(other.get("/login").data)
    r = c.post("/login", data={"username": "per", "password": PASSWORDS["per"],
                               "csrf_token": token})
    assert r.status_code == 400
    assert login(c, "per").status_code == 302


def test_lockout_after_repeated_failures(app: Any) -> None:
    c = _client(app)
    codes = [login(c, "anna", "wrong-password").status_code for _ in range(8)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    r = login(c, "anna")  # the right password is refused while locked
    assert r.status_code == 429 and b"login-error" in r.data
    assert c.get("/operativ").status_code == 302  # still not signed in


def test_unknown_and_known_users_take_equal_time(app: Any) -> None:
    def timed(user: str) -> float:
        c = _client(app)
        t0 = time.perf_counter()
        r = login(c, user, "wrong-password-x")
        assert r.status_code == 401
        return time.perf_counter() - t0
    timed("per")  # warm up (the dummy hash is made on first use)
    timed("nobody")
    known = statistics.median(timed("per") for _ in range(3))
    unknown = statistics.median(timed(f"nobody{i}") for i in range(3))
    assert abs(known - unknown) < 0.5 * max(known, unknown), (known, unknown)


def test_session_revoked_at_logout(app: Any) -> None:
    c = _client(app)
    assert login(c, "per").status_code == 302
    assert c.get("/operativ").status_code == 200
    stolen = c.get_cookie("pks_session")
    assert stolen is not None
    c.get("/logout")
    replay = _client(app)
    replay.set_cookie("pks_session", stolen.value, domain="localhost")
    r = replay.get("/operativ")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_disabled_user_is_signed_out(app: Any) -> None:
    from pks.dashboard.access import Principal
    from pks.dashboard.auth.users import UserStore
    from pks.data.store import Store

    c = _client(app)
    assert login(c, "per").status_code == 302
    svc = app.server.config["PKS_DATA_SERVICE"]
    with Store.open(svc.settings.db_url) as s:
        UserStore(s).set_active(Principal("admin", "admin"), "per", False)
    assert c.get("/operativ").status_code == 302
    assert login(_client(app), "per").status_code == 401


def test_cookie_flags_and_security_headers(app: Any) -> None:
    c = _client(app)
    r = login(c, "per")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    for path in ("/login", "/operativ"):
        h = c.get(path).headers
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin" and h["X-Frame-Options"] == "DENY"


def test_loopback_without_tls_keeps_cookies_usable(db: Path, tmp_path: Path) -> None:
    s = settings_for(db, tmp_path, host="127.0.0.1")
    assert not s.cookies_secure and not s.login_required


# ----------------------------------------------------------------------- errors


def _callback(c: Any, output: str, outputs: list[dict[str, str]],
              inputs: list[dict[str, Any]], state: list[dict[str, Any]]) -> Any:
    return c.post("/_dash-update-component", json={
        "output": output, "outputs": outputs, "inputs": inputs, "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]})


def test_denied_callback_is_403_with_one_log_line(app: Any, units: list[str],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    c = _client(app)
    login(c, "anna")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        r = _callback(c, "..breadcrumb.children...children.children...node-store.data..",
                      [{"id": "breadcrumb", "property": "children"},
                       {"id": "children", "property": "children"},
                       {"id": "node-store", "property": "data"}],
                      [{"id": "node-select", "property": "value", "value": units[1]}],
                      [{"id": "lang-store", "property": "data", "value": "sv"}])
    assert r.status_code == 403
    assert "Traceback" not in caplog.text and units[1] in caplog.text
    assert len([x for x in caplog.records if x.levelno >= logging.WARNING]) == 1


@pytest.mark.parametrize("month", [13, "x", None])
def test_bad_report_month_is_400_not_500(app: Any, month: Any,
                                         caplog: pytest.LogCaptureFixture) -> None:
    c = _client(app)
    login(c, "per")
    caplog.clear()
    r = _callback(c, "..report-download.data...report-msg.children..",
                  [{"id": "report-download", "property": "data"},
                   {"id": "report-msg", "property": "children"}],
                  [{"id": "report-html", "property": "n_clicks", "value": 1},
                   {"id": "report-pdf", "property": "n_clicks", "value": None}],
                  [{"id": "report-month", "property": "value", "value": month},
                   {"id": "lang-store", "property": "data", "value": "sv"}])
    assert r.status_code == 400, r.data[:300]
    assert "Traceback" not in caplog.text
    assert len([x for x in caplog.records if x.levelno >= logging.WARNING]) == 1


def test_request_too_large_is_413(db: Path, tmp_path: Path,
                                  add_users: Any) -> None:
    from pks.dashboard.app import create_app

    add_users()
    app = create_app(settings_for(db, tmp_path, max_upload_bytes=2**20))
    c = _client(app)
    login(c, "anna")
    body = json.dumps({"output": "x", "inputs": [{"id": "upload", "property": "contents",
                                                  "value": ["data:;base64," + "A" * 3 * 2**20]}]})
    r = c.post("/_dash-update-component", data=body, content_type="application/json")
    assert r.status_code == 413 and "MB" in r.get_data(as_text=True)


# ----------------------------------------------------------------------- files


def test_users_file_is_private(tmp_path: Path) -> None:
    from pks.dashboard.access import Principal, UserRecord, hash_password, write_users

    old = os.umask(0o022)
    try:
        p = tmp_path / "users.yaml"
        write_users(p, {"a": UserRecord(Principal("a", "planner"), hash_password("x" * 10))})
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_job_cache_is_private_and_per_user(app: Any, tmp_path: Path) -> None:
    from pks.dashboard.auth.files import private_dir
    from pks.dashboard.settings import DashboardSettings

    cache = tmp_path / "cache"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    default = DashboardSettings(db_url="sqlite:///x.db").resolved_cache_dir
    assert not default.startswith("/tmp") and str(Path.home()) in default or \
        os.environ.get("XDG_CACHE_HOME", "\0") in default
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    os.chmod(loose, 0o777)
    private_dir(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
    link = tmp_path / "link"
    link.symlink_to(loose)
    with pytest.raises(PermissionError):
        private_dir(link)
