"""The Flask side of the dashboard's security: login, sessions, headers, limits, errors.

* Login form with a CSRF token (a random token in the session, checked on POST), equal-time
  answers for unknown and known users, lockout with back-off (:mod:`.throttle`), and after
  login only a same-site ``next`` (:func:`.redirect.safe_next`).
* Sessions: the cookie carries the user's session version; logout (and disabling a user or
  resetting the password) raises the version in the store, so an old cookie is refused.
  Cookies are ``HttpOnly``, ``SameSite=Lax`` and ``Secure`` when served beyond loopback
  (behind TLS); a login lasts ``session_hours`` at most.
* Every answer carries security headers (CSP with ``frame-ancestors 'none'``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, ``X-Frame-Options``).
* Requests larger than ``max_request_bytes`` are refused (413) before they are read.
* Errors: a denied request is answered 403, bad input 400, too large 413 — each with a
  short message and one log line, never a traceback.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import flask
from werkzeug.exceptions import HTTPException

from pks.dashboard.access import LOCAL_USER, AccessDenied, Principal, verify_password
from pks.dashboard.auth.redirect import safe_next
from pks.dashboard.auth.throttle import LoginThrottle
from pks.dashboard.auth.users import UserStore
from pks.dashboard.settings import DashboardSettings
from pks.i18n import t
from pks.types import Language

log = logging.getLogger(__name__)

PUBLIC_PATHS = ("/login", "/logout", "/_dash-component-suites/", "/assets/", "/favicon.ico",
                "/_favicon.ico")
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "pks_session"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'")
"""Only this site's scripts, styles and requests; never inside another site's frame.
(Dash's renderer needs inline scripts and Plotly ``eval``; both stay within 'self'.)"""

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _lang() -> Language:
    return "en" if flask.request.args.get("lang") == "en" else "sv"


def _client() -> str:
    return flask.request.remote_addr or "-"


def apply_hardening(server: flask.Flask, settings: DashboardSettings) -> None:
    """Cookie flags, request size limit, security headers and clean error answers."""
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.cookies_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=settings.max_request_bytes)
    if settings.proxy_hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops)

    @server.after_request
    def _headers(resp: flask.Response) -> flask.Response:
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        if settings.cookies_secure:
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return resp

    @server.errorhandler(AccessDenied)
    def _denied(exc: AccessDenied) -> tuple[str, int]:
        log.warning("403 %s %s: %s", flask.request.method, flask.request.path, exc)
        return t("security.http.403", _lang()), 403

    @server.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        code = exc.code or 500
        if code >= 400:
            log.warning("%s %s %s: %s", code, flask.request.method, flask.request.path,
                        exc.description if code in (400, 403) else exc.name)
        if code == 413:
            return t("security.http.413", _lang(), mb=settings.max_upload_bytes // 2**20), 413
        if code in (400, 401, 403):
            return t(f"security.http.{code}", _lang()), code
        return exc


def callback_error(exc: Exception) -> Any:
    """Dash's ``on_error``: a denied callback → 403, bad input → 400, else a message.

    Each is one log line (no traceback). A crafted request (a node the user may not see,
    a month that does not exist) gets a clean HTTP error; an unexpected failure is shown
    to the user in the error banner and the callback's outputs stay as they were.
    """
    from dash import set_props

    from pks.dashboard import ids

    if isinstance(exc, AccessDenied):  # logged once by the HTTP error handler
        flask.abort(403, description=f"callback denied: {exc}")
    if isinstance(exc, (ValueError, KeyError, TypeError, LookupError)):
        flask.abort(400, description=f"bad callback input: {type(exc).__name__}: {exc}")
    path = flask.request.path if flask.has_request_context() else "-"
    log.error("callback %s failed: %s: %s", path, type(exc).__name__, exc)
    set_props(ids.ERROR_BANNER, {"children": t("security.callback_failed", _lang()),
                                 "className": "note warn"})
    return None


def setup_login(server: flask.Flask, settings: DashboardSettings, users: UserStore | None,
                throttle: LoginThrottle | None = None) -> Callable[[], Principal]:
    """Login routes, the guard on every other route and the current-principal function.

    ``users`` is ``None`` when login is off (loopback): everyone is :data:`LOCAL_USER`.
    """
    if not settings.login_required or users is None:
        return lambda: LOCAL_USER
    from flask_login import LoginManager, current_user, login_user, logout_user

    throttle = throttle or LoginThrottle()
    lm = LoginManager()
    lm.init_app(server)
    lm.session_protection = "basic"

    class _LoginUser:
        is_active = True
        is_anonymous = False
        is_authenticated = True

        def __init__(self, principal: Principal, version: int) -> None:
            self.principal = principal
            self.version = version

        def get_id(self) -> str:
            return f"{self.principal.username}:{self.version}"

    @lm.user_loader
    def _load(user_id: str) -> _LoginUser | None:
        name, _, version = user_id.rpartition(":")
        rec = users.get(name)
        if rec is None or not rec.active or str(rec.session_version) != version:
            return None  # logged out, disabled, password reset or role changed
        return _LoginUser(rec.principal, rec.session_version)

    @server.before_request
    def _guard() -> Any:
        p = flask.request.path
        if any(p == x or (x.endswith("/") and p.startswith(x)) for x in PUBLIC_PATHS):
            return None
        if not current_user.is_authenticated:
            if p.startswith("/_dash-") or flask.request.method != "GET":
                return flask.Response(t("security.http.401", _lang()), status=401)
            return flask.redirect("/login?next=" + flask.request.full_path.rstrip("?"))
        return None

    def _form(error: str = "", status: int = 200) -> Any:
        lang = _lang()
        token = secrets.token_urlsafe(32)
        flask.session[CSRF_FIELD] = token
        html = flask.render_template_string(
            LOGIN_HTML, css=_css(), title=t("dash.login.title", lang),
            u=t("dash.login.username", lang), p=t("dash.login.password", lang),
            b=t("dash.login", lang), error=error, csrf=token, field=CSRF_FIELD)
        return html, status

    @server.route("/login", methods=["GET", "POST"])
    def _login() -> Any:
        lang = _lang()
        if flask.request.method == "GET":
            return _form()
        expected = flask.session.pop(CSRF_FIELD, "")
        sent = flask.request.form.get(CSRF_FIELD, "")
        if not expected or not hmac.compare_digest(str(expected), sent):
            log.warning("400 login: missing or wrong CSRF token from %s", _client())
            return _form(t("security.login.csrf", lang), 400)
        name = flask.request.form.get("username", "")
        password = flask.request.form.get("password", "")
        wait = throttle.wait_s(name, _client())
        if wait > 0:
            log.warning("429 login: %r locked for %.0f s (from %s)", name, wait, _client())
            return _form(t("security.login.locked", lang, s=int(wait) + 1), 429)
        rec = users.get(name)
        ok = verify_password(rec.password_hash if rec else None, password)
        if not ok or rec is None or not rec.active:
            throttle.failed(name, _client())
            log.info("login failed for %r from %s", name, _client())
            return _form(t("dash.login.failed", lang), 401)
        throttle.succeeded(name)
        flask.session.clear()  # a fresh session: nothing carried over from before login
        flask.session.permanent = True
        login_user(_LoginUser(rec.principal, rec.session_version))
        log.info("login %s (%s) from %s", name, rec.principal.role, _client())
        return flask.redirect(safe_next(flask.request.args.get("next")))

    @server.route("/logout", methods=["GET", "POST"])
    def _logout() -> Any:
        if current_user.is_authenticated:
            users.revoke_sessions(current_user.principal.username)
            log.info("logout %s", current_user.principal.username)
        logout_user()
        flask.session.clear()
        return flask.redirect("/login")

    def principal() -> Principal:
        if flask.has_request_context() and current_user.is_authenticated:
            return current_user.principal
        raise AccessDenied("not signed in")
    return principal


def _css() -> str:
    from importlib import resources

    return (resources.files("pks.dashboard") / "assets" / "pks.css").read_text(encoding="utf-8")


LOGIN_HTML = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>{{title}}</title><style>{{css}}</style></head><body class="login-body">
<form method="post" class="login card" autocomplete="on"><h2>{{title}}</h2>
{% if error %}<div class="note warn" id="login-error">{{error}}</div>{% endif %}
<input type="hidden" name="{{field}}" value="{{csrf}}">
<label>{{u}}<input name="username" id="username" autocomplete="username" required></label>
<label>{{p}}<input name="password" id="password" type="password"
 autocomplete="current-password" required></label>
<button class="btn" id="login-button" type="submit">{{b}}</button></form></body></html>"""
