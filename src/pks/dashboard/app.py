"""The Dash app factory and the serve helper.

``create_app(settings)`` builds a Dash Pages app reading the store named in the settings;
nothing is loaded until the first request. ``serve(settings)`` runs it (development server,
threaded) on ``settings.host:settings.port``; for production, ``dashboards/app.py`` exposes
the WSGI ``server`` for gunicorn.
"""

from __future__ import annotations

import importlib
import io
import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import diskcache
import flask
import pandas as pd
from dash import ALL, Dash, DiskcacheManager, Input, Output, State, ctx, dcc, html, no_update

from pks.dashboard import ids
from pks.dashboard.access import (
    LOCAL_USER,
    AccessDenied,
    Principal,
    UserRecord,
    authenticate,
    load_users,
)
from pks.dashboard.data import DataService
from pks.dashboard.pages import PAGE_MODULES
from pks.dashboard.pages.common import drill_view, lang_of
from pks.dashboard.settings import DashboardSettings
from pks.i18n import t

log = logging.getLogger(__name__)

PUBLIC_PATHS = ("/login", "/logout", "/_dash-component-suites/", "/assets/", "/favicon.ico",
                "/_favicon.ico")


def package_css() -> str:
    """The dashboard's stylesheet shipped with the package."""
    return (resources.files("pks.dashboard") / "assets" / "pks.css").read_text(encoding="utf-8")


def _users_path(settings: DashboardSettings, svc: DataService) -> Path | None:
    if settings.users_file:
        return Path(settings.users_file)
    try:
        configured = svc.config().dashboard.users_file
    except Exception:  # noqa: BLE001 - a broken model dir is reported on first page instead
        return None
    if not configured:
        return None
    p = Path(configured)
    return p if p.is_absolute() else Path(settings.model_dir) / p


class _LoginUser:
    """flask-login's view of a principal."""

    is_active = True
    is_anonymous = False

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.is_authenticated = True

    def get_id(self) -> str:
        return self.principal.username


def _setup_login(server: flask.Flask, settings: DashboardSettings, svc: DataService
                 ) -> Callable[[], Principal]:
    """Login routes, a guard on every other route, and the current-principal function."""
    if not settings.login_required:
        return lambda: LOCAL_USER
    from flask_login import LoginManager, current_user, login_user, logout_user

    path = _users_path(settings, svc)
    if path is None or not path.exists():
        raise ValueError("login is required (served on a non-loopback host) but no users "
                         "file is configured: set --users / PKS_USERS_FILE or "
                         "dashboard.users_file")
    users: dict[str, UserRecord] = load_users(path)
    lm = LoginManager()
    lm.init_app(server)

    @lm.user_loader
    def _load(user_id: str) -> _LoginUser | None:
        rec = users.get(user_id)
        return None if rec is None else _LoginUser(rec.principal)

    @server.before_request
    def _guard() -> Any:
        p = flask.request.path
        if any(p == x or (x.endswith("/") and p.startswith(x)) for x in PUBLIC_PATHS):
            return None
        if not current_user.is_authenticated:
            if p.startswith("/_dash-") or flask.request.method != "GET":
                return flask.Response("login required", status=401)
            return flask.redirect("/login?next=" + flask.request.full_path.rstrip("?"))
        return None

    @server.route("/login", methods=["GET", "POST"])
    def _login() -> Any:
        lang = lang_of(flask.request.args.get("lang"))
        error = ""
        if flask.request.method == "POST":
            who = authenticate(users, flask.request.form.get("username", ""),
                               flask.request.form.get("password", ""))
            if who is not None:
                login_user(_LoginUser(who))
                nxt = flask.request.args.get("next", "/")
                return flask.redirect(nxt if nxt.startswith("/") and not nxt.startswith("//")
                                      else "/")
            error = t("dash.login.failed", lang)
        return flask.render_template_string(
            _LOGIN_HTML, css=package_css(), title=t("dash.login.title", lang),
            u=t("dash.login.username", lang), p=t("dash.login.password", lang),
            b=t("dash.login", lang), error=error)

    @server.route("/logout")
    def _logout() -> Any:
        logout_user()
        return flask.redirect("/login")

    def principal() -> Principal:
        if flask.has_request_context() and current_user.is_authenticated:
            return current_user.principal  # type: ignore[no-any-return]
        raise AccessDenied("not signed in")
    return principal


_LOGIN_HTML = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>{{title}}</title><style>{{css}}</style></head><body class="login-body">
<form method="post" class="login card"><h2>{{title}}</h2>
{% if error %}<div class="note warn" id="login-error">{{error}}</div>{% endif %}
<label>{{u}}<input name="username" id="username" autocomplete="username" required></label>
<label>{{p}}<input name="password" id="password" type="password"
 autocomplete="current-password" required></label>
<button class="btn" id="login-button" type="submit">{{b}}</button></form></body></html>"""


def _query(search: str | None) -> dict[str, str]:
    q = parse_qs((search or "").lstrip("?"))
    return {k: v[-1] for k, v in q.items()}


def header_view(pathname: str | None, search: str | None, node: str | None,
                principal: Principal, login: bool, pages: list[tuple[str, str]]) -> list[Any]:
    """Header: title, page links (keeping node and language), language switch, user."""
    q = _query(search)
    lang = lang_of(q.get("lang"))
    keep: dict[str, str] = {"lang": lang}
    if node:
        keep["node"] = node
    links = []
    for path, key in pages:
        active = (pathname or "/") == path or ((pathname or "/") == "/" and path == pages[0][0])
        links.append(dcc.Link(t(key, lang), href=f"{path}?{urlencode(keep)}",
                              className="nav-link active" if active else "nav-link",
                              id=f"nav-{path.strip('/')}"))
    here = pathname or "/"
    switch = []
    for lg in ("sv", "en"):
        qq = dict(q, lang=lg)
        if node:
            qq["node"] = node
        switch.append(html.A(lg.upper(), href=f"{here}?{urlencode(qq)}", id=f"lang-{lg}",
                             className="lang active" if lg == lang else "lang"))
    user: list[Any] = [html.Span(t("dash.user", lang, user=principal.username,
                        role=t(f"dash.role.{principal.role}", lang)), className="user")]
    if login:
        user.append(html.A(t("dash.logout", lang), href="/logout", className="nav-link"))
    return [html.Div([html.Span("PKS", className="logo"),
                      html.Span(t("dash.title", lang), className="title")], className="brand"),
            html.Nav(links, className="nav"),
            html.Div([*switch, *user], className="right")]


def export_frame(svc: DataService, principal: Principal, table: str, state: dict[str, Any]
                 ) -> pd.DataFrame:
    """Recompute an exportable table server-side (same access checks as the page)."""
    for name in PAGE_MODULES:
        mod = importlib.import_module(f"pks.dashboard.pages.{name}")
        fns: dict[str, Any] = getattr(mod, "export_tables", dict)()
        if table in fns:
            return fns[table](svc, principal, state)  # type: ignore[no-any-return]
    raise KeyError(f"unknown table {table!r}")


def frame_to_download(df: pd.DataFrame, name: str, fmt: str) -> dict[str, Any]:
    """``dcc.Download`` payload of a frame as Excel or CSV (UTF-8 with BOM for Excel)."""
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            df.to_excel(xl, sheet_name=name[:31], index=False)
        return dcc.send_bytes(buf.getvalue(), f"{name}.xlsx")
    return dcc.send_string(df.to_csv(index=False), f"{name}.csv")


def create_app(settings: DashboardSettings) -> Dash:
    """Build the dashboard app (nothing is read from the store until the first request)."""
    svc = DataService(settings)
    server = flask.Flask("pks.dashboard")
    server.secret_key = settings.resolved_secret()
    principal_fn = _setup_login(server, settings, svc)
    Path(settings.cache_dir).mkdir(parents=True, exist_ok=True)
    manager = DiskcacheManager(diskcache.Cache(settings.cache_dir))
    assets = settings.assets_dir or str(resources.files("pks.dashboard") / "assets")
    app = Dash("pks.dashboard", server=server,  # type: ignore[arg-type]
               use_pages=True, pages_folder="", assets_folder=assets,
               include_assets_files=settings.assets_dir is not None,
               suppress_callback_exceptions=True,
               background_callback_manager=manager, title="PKS",
               update_title=None)  # type: ignore[arg-type]
    app.index_string = app.index_string.replace(
        "{%css%}", "<style>" + package_css() + "</style>{%css%}")
    pages: list[tuple[str, str]] = []
    for order, name in enumerate(PAGE_MODULES):
        mod = importlib.import_module(f"pks.dashboard.pages.{name}")
        layout = mod.make_layout(svc, principal_fn)
        dash.register_page(f"pks.dashboard.pages.{name}", path=mod.PATH, name=name,
                           order=order + 1, layout=layout)
        if order == 0:  # the first page is also the start page
            dash.register_page("pks.dashboard.pages.home", path="/", name="home", order=0,
                               layout=layout)
        mod.register_callbacks(app, svc, principal_fn)
        pages.append((mod.PATH, mod.NAME_KEY))
    from pks.dashboard.pages import jobs_panel

    jobs_panel.register_callbacks(app, svc, principal_fn, settings)

    app.layout = html.Div([
        dcc.Location(id=ids.URL),
        dcc.Store(id=ids.NODE_STORE, storage_type="session"),
        dcc.Download(id=ids.DOWNLOAD),
        html.Header(id=ids.HEADER, className="header"),
        html.Main(dash.page_container, className="main"),
    ])

    @app.callback(Output(ids.HEADER, "children"), Input(ids.URL, "pathname"),
                  Input(ids.URL, "search"), Input(ids.NODE_STORE, "data"))
    def _header(pathname: str | None, search: str | None, node: str | None) -> Any:
        try:
            who = principal_fn()
        except AccessDenied:
            return no_update
        return header_view(pathname, search, node, who, settings.login_required, pages)

    @app.callback(Output(ids.BREADCRUMB, "children"), Output(ids.CHILDREN, "children"),
                  Output(ids.NODE_STORE, "data"), Input(ids.NODE, "value"),
                  State(ids.LANG, "data"))
    def _drill(node: str, lang: str) -> tuple[Any, Any, Any]:
        crumbs, chips = drill_view(svc, principal_fn(), node, lang_of(lang))
        return crumbs, chips, node

    @app.callback(Output(ids.NODE, "value"),
                  Input({"type": "drill", "node": ALL}, "n_clicks"), prevent_initial_call=True)
    def _drill_click(clicks: list[int | None]) -> Any:
        trig = ctx.triggered_id
        if not trig or not any(c for c in clicks if c):
            return no_update
        return trig["node"]

    @app.callback(Output(ids.DOWNLOAD, "data"),
                  Input({"type": "export", "table": ALL, "fmt": ALL}, "n_clicks"),
                  State({"type": "page-state", "page": ALL}, "data"), prevent_initial_call=True)
    def _export(clicks: list[int | None], states: list[dict[str, Any] | None]) -> Any:
        trig = ctx.triggered_id
        if not trig or not any(c for c in clicks if c) or not states or not states[0]:
            return no_update
        df = export_frame(svc, principal_fn(), trig["table"], states[0])
        return frame_to_download(df, trig["table"], trig["fmt"])

    del _header, _drill, _drill_click, _export
    app.server.config["PKS_DATA_SERVICE"] = svc
    return app


def serve(settings: DashboardSettings, debug: bool = False,
          announce: Callable[[str], None] | None = None) -> None:
    """Serve the dashboard until interrupted (Flask's threaded server).

    ``announce(address)`` is called once the app is built, before serving (the CLI prints
    the address with it). Raises ``ValueError`` when login is required but no users file
    is configured.
    """
    import threading

    app = create_app(settings)
    svc: DataService = app.server.config["PKS_DATA_SERVICE"]

    def warm_up() -> None:  # load the store once so the first page answers quickly
        try:
            svc.snapshot()
        except Exception:  # noqa: BLE001 - the first request reports the problem instead
            log.exception("dashboard warm-up failed")
    threading.Thread(target=warm_up, daemon=True).start()
    if announce is not None:
        announce(settings.address)
    app.run(host=settings.host, port=settings.port, debug=debug, use_reloader=False)
