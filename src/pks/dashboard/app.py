"""The Dash app factory and the serve helper.

``create_app(settings)`` builds a Dash Pages app reading the store named in the settings;
nothing is loaded until the first request. ``serve(settings)`` runs it with waitress (a
production WSGI server) on ``settings.host:settings.port``; ``dashboards/app.py`` exposes
the WSGI ``server`` for other WSGI servers. Security (login, sessions, headers, limits,
errors) is set up by :mod:`pks.dashboard.auth`.
"""

from __future__ import annotations

import importlib
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
from pks.dashboard.access import AccessDenied, Principal, load_users
from pks.dashboard.auth.files import private_dir
from pks.dashboard.auth.users import UserStore
from pks.dashboard.auth.web import apply_hardening, callback_error, setup_login
from pks.dashboard.data import DataService
from pks.dashboard.pages import PAGE_MODULES
from pks.dashboard.pages.common import drill_view, lang_of
from pks.dashboard.settings import DashboardSettings
from pks.i18n import t
from pks.types import Language

log = logging.getLogger(__name__)

SYSTEM_ACTOR = Principal("pks", "admin")
"""Who imports a users file into the store (in the audit trail)."""


TREE_CSS = """
.dash-dropdown-option .tree-node { padding-left: calc(var(--depth, 0) * 1.1em); }
.dash-dropdown-option .tree-child::before { content: "\\2514\\00a0"; color: #8a94a6; }
.dash-dropdown-value .tree-node { padding-left: 0; }
"""
"""The node dropdown as a tree: indented with a ``└`` in the open list, flat when chosen."""


def package_css() -> str:
    """The dashboard's stylesheet shipped with the package (and the tree dropdown's rules)."""
    css = (resources.files("pks.dashboard") / "assets" / "pks.css").read_text(encoding="utf-8")
    return css + TREE_CSS


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


def user_store(settings: DashboardSettings, svc: DataService) -> UserStore | None:
    """The store's users (``None`` when login is off), with a users file imported first.

    A YAML users file (``--users`` / ``PKS_USERS_FILE`` / ``dashboard.users_file``) is
    migrated into the store at start; from then on users are administered in the store
    (page ``/admin``, ``pks dashboard-user``). Raises ``ValueError`` when login is required
    but there are no users at all.
    """
    if not settings.login_required:
        return None
    from pks.data.store import Store

    users = UserStore(Store.open(settings.db_url))
    path = _users_path(settings, svc)
    if path is not None and path.exists():
        n = users.import_records(SYSTEM_ACTOR, load_users(path))
        if n:
            log.info("imported %d dashboard users from %s into the store", n, path)
    if not users.users():
        raise ValueError("login is required (served on a non-loopback host) but there are no "
                         "users: add one with pks dashboard-user, or set --users / "
                         "PKS_USERS_FILE / dashboard.users_file to a users file")
    return users


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
    here = pathname or "/"
    links = []
    for path, key in pages:
        active = (pathname or "/") == path or ((pathname or "/") == "/" and path == pages[0][0])
        links.append(dcc.Link(t(key, lang), href=f"{path}?{urlencode(keep)}",
                              className="nav-link active" if active else "nav-link",
                              id=f"nav-{path.strip('/')}"))
    switch = []
    for lg in ("sv", "en"):
        qq = dict(q, lang=lg)
        if node:
            qq["node"] = node
        switch.append(html.A(lg.upper(), href=f"{here}?{urlencode(qq)}", id=f"lang-{lg}",
                             className="lang active" if lg == lang else "lang"))
    role = t("security.role.admin" if principal.may_admin else f"dash.role.{principal.role}",
             lang)
    user: list[Any] = [html.Span(t("dash.user", lang, user=principal.username, role=role),
                                 className="user")]
    if principal.may_admin:
        links.append(dcc.Link(t("security.admin.nav", lang), href=f"/admin?{urlencode(keep)}",
                              className="nav-link active" if here == "/admin" else "nav-link",
                              id="nav-admin"))
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
            return fns[table](svc, principal, state)
    raise KeyError(f"unknown table {table!r}")


def frame_to_download(df: pd.DataFrame, name: str, fmt: str, lang: Language = "sv",
                      filename: str = "") -> dict[str, Any]:
    """``dcc.Download`` payload of a frame as Excel or CSV (UTF-8 with BOM for Excel).

    ``fmt``: ``xlsx``, ``csv`` (the language's dialect) or ``csv_semicolon`` (``;`` and
    decimal comma whatever the language).

    Made ready for a spreadsheet in ``lang`` by :mod:`pks.dashboard.exports` (headers,
    rounding, ``;`` and decimal comma in Swedish); formula-like text is escaped.
    """
    from pks.dashboard.exports import CsvDialect, frame_to_csv, frame_to_xlsx

    stem = filename or name
    if fmt == "xlsx":
        return dcc.send_bytes(frame_to_xlsx(df, name, lang), f"{stem}.xlsx")
    dialect = CsvDialect.of("sv") if fmt == "csv_semicolon" else CsvDialect.of(lang)
    return dcc.send_string("\ufeff" + frame_to_csv(df, lang, dialect), f"{stem}.csv")


def export_name(svc: DataService, table: str, state: dict[str, Any], lang: Language) -> str:
    """File stem of an export: page and table, node name, period and the plan run shown."""
    from pks.dashboard.exports import export_filename
    from pks.dashboard.pages.common import node_names

    node = str(state.get("node") or "")
    scenario = str(state.get("scenario") or svc.settings.scenario)
    level = {"tac": "tactical", "op": "operative", "str": "strategic"}.get(
        table.split("_", 1)[0], "")
    try:
        period = str(state.get("week") or svc.as_of_week(scenario))
        run = svc.plan_ref(scenario, level).run_id if level else None
    except Exception:  # noqa: BLE001 - a name is never worth failing an export
        period, run = "", None
    return export_filename(table, lang, node_names(svc).get(node, node), period,
                           run or "").rsplit(".", 1)[0]


def create_app(settings: DashboardSettings) -> Dash:
    """Build the dashboard app (nothing is read from the store until the first request)."""
    svc = DataService(settings)
    server = flask.Flask("pks.dashboard")
    server.secret_key = settings.resolved_secret()
    apply_hardening(server, settings)
    users = user_store(settings, svc)
    principal_fn = setup_login(server, settings, users)
    cache_dir = private_dir(settings.resolved_cache_dir)
    manager = DiskcacheManager(diskcache.Cache(str(cache_dir)))
    assets = settings.assets_dir or str(resources.files("pks.dashboard") / "assets")
    app = Dash("pks.dashboard", server=server,  # type: ignore[arg-type]
               use_pages=True, pages_folder="", assets_folder=assets,
               include_assets_files=settings.assets_dir is not None,
               suppress_callback_exceptions=True,
               background_callback_manager=manager, title="PKS",
               update_title=None, on_error=callback_error)  # type: ignore[arg-type]
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
    from pks.dashboard.pages import admin, jobs_panel

    jobs_panel.register_callbacks(app, svc, principal_fn, settings)
    if users is not None:
        dash.register_page("pks.dashboard.pages.admin", path=admin.PATH, name="admin",
                           order=len(PAGE_MODULES) + 1,
                           layout=admin.make_layout(svc, principal_fn, users))
        admin.register_callbacks(app, svc, principal_fn, users)

    app.layout = html.Div([
        dcc.Location(id=ids.URL),
        dcc.Store(id=ids.NODE_STORE, storage_type="session"),
        dcc.Download(id=ids.DOWNLOAD),
        html.Header(id=ids.HEADER, className="header"),
        html.Div(id=ids.ERROR_BANNER, role="alert"),
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
                  State({"type": "page-state", "page": ALL}, "data"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def _export(clicks: list[int | None], states: list[dict[str, Any] | None],
                search: str | None) -> Any:
        trig = ctx.triggered_id
        if not trig or not any(c for c in clicks if c) or not states or not states[0]:
            return no_update
        lang = lang_of(_query(search).get("lang"))
        df = export_frame(svc, principal_fn(), trig["table"], states[0])
        return frame_to_download(df, trig["table"], trig["fmt"], lang,
                                 export_name(svc, trig["table"], states[0], lang))

    del _header, _drill, _drill_click, _export
    app.server.config["PKS_DATA_SERVICE"] = svc
    return app


WSGI_THREADS = 8
"""Worker threads of the production server (waitress): concurrent requests served."""

STOP_SIGNALS = ("SIGINT", "SIGTERM")
"""Signals that stop the server (Ctrl+C, a service manager's stop)."""

QUIET_LOGGERS = ("waitress.queue", "werkzeug")
"""Per-request chatter (waitress's task-queue depth, the development server's request
lines and warning) shown only with ``verbose``."""


def configure_logging(verbose: bool) -> None:
    """Quiet by default (warnings of PKS only); ``verbose`` logs every request at INFO."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger().setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.ERROR)


def log_requests(server: flask.Flask) -> None:
    """Log one line per request (method, path, status) on ``pks.dashboard.requests``."""
    req_log = logging.getLogger("pks.dashboard.requests")

    @server.after_request
    def _log(response: flask.Response) -> flask.Response:
        req_log.info("%s %s %s", flask.request.method, flask.request.path,
                     response.status_code)
        return response
    del _log


def _stop_signals() -> set[Any]:
    import signal

    return {getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)}


def serve(settings: DashboardSettings, debug: bool = False,
          announce: Callable[[str], None] | None = None, verbose: bool = False) -> None:
    """Serve the dashboard with waitress (a production WSGI server) until interrupted.

    One process, ``WSGI_THREADS`` threads; background jobs run in their own processes.
    Beyond loopback it is meant to sit behind a TLS-terminating reverse proxy (README).
    ``debug`` uses Flask's development server instead. ``announce(address)`` is called
    once the app is built, before serving. ``verbose`` logs every request.

    Stopping: SIGINT and SIGTERM are blocked in every thread and awaited by the calling
    thread (``signal.sigwait``), so Ctrl+C is taken at once even while worker threads or
    a native library are busy, and the function returns at once: the server runs in
    daemon threads, so the caller ends the process (``pks dashboard`` does so at once,
    cutting short any request in flight; every store write is its own transaction).
    Raises ``ValueError`` when login is required but there are no users.
    """
    import signal
    import threading

    from pks.data.secrets import install_log_redaction

    configure_logging(verbose)
    install_log_redaction()
    can_wait = hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigwait") \
        and threading.current_thread() is threading.main_thread() and not debug
    stops = _stop_signals()
    if can_wait:  # threads started from here on inherit the mask
        signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        app = create_app(settings)
        if verbose:
            log_requests(app.server)
        svc: DataService = app.server.config["PKS_DATA_SERVICE"]

        def warm_up() -> None:  # load the store once so the first page answers quickly
            try:
                svc.snapshot()
            except Exception as exc:  # noqa: BLE001 - the first request reports the problem
                log.error("dashboard warm-up failed: %s: %s", type(exc).__name__, exc)
        threading.Thread(target=warm_up, daemon=True).start()
        if debug:
            if announce is not None:
                announce(settings.address)
            app.run(host=settings.host, port=settings.port, debug=True, use_reloader=False)
            return
        import waitress

        server = waitress.create_server(app.server, host=settings.host, port=settings.port,
                                        threads=WSGI_THREADS, ident="pks",
                                        max_request_body_size=settings.max_request_bytes)
        if announce is not None:
            announce(settings.address)
        if not can_wait:
            try:
                server.run()
            finally:
                server.close()
            return
        threading.Thread(target=server.run, name="waitress", daemon=True).start()
        signal.sigwait(stops)
    finally:
        if can_wait:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
