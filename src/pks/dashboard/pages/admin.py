"""User administration (role ``admin``): add, disable/enable, reset password, assign units.

Every change goes through :class:`pks.dashboard.auth.users.UserStore`, which writes it and
its audit record in one transaction. The callback checks the role server-side: anyone
else gets HTTP 403 (:func:`pks.dashboard.auth.web.callback_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from pks.dashboard import ids
from pks.dashboard.access import ROLES, AccessDenied, Principal
from pks.dashboard.auth.users import OBJECT_TYPE, UserAdminError, UserStore
from pks.dashboard.components import section
from pks.dashboard.data import DataService
from pks.dashboard.pages.common import lang_of
from pks.data.audit import read_audit
from pks.i18n import t
from pks.types import Language

PATH = "/admin"
AUDIT_ROWS = 20
"""Most recent user changes shown under the table."""
ACTIONS = (ids.ADMIN_ADD, ids.ADMIN_ASSIGN, ids.ADMIN_RESET, ids.ADMIN_DISABLE,
           ids.ADMIN_ENABLE)


def require_admin(principal: Principal) -> None:
    """Raise :class:`AccessDenied` unless ``principal`` administers users."""
    if not principal.may_admin:
        raise AccessDenied(f"{principal.username} may not administer users")


def users_table(users: UserStore, lang: Language) -> html.Table:
    """Every user: name, role, units, active."""
    head = [t(f"security.admin.col.{k}", lang) for k in ("user", "role", "units", "active")]
    rows = [html.Tr([html.Td(u.principal.username),
                     html.Td(t("security.role.admin", lang) if u.principal.may_admin
                             else t(f"dash.role.{u.principal.role}", lang)),
                     html.Td(", ".join(u.principal.units)),
                     html.Td(t("security.admin.yes" if u.active else "security.admin.no",
                               lang))])
            for u in users.users().values()]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      className="table", id=ids.ADMIN_TABLE)


def audit_list(users: UserStore, lang: Language) -> html.Ul:
    """The latest user changes from the audit trail (who, when, what, whom)."""
    log = read_audit(users.store, object_type=OBJECT_TYPE).tail(AUDIT_ROWS).iloc[::-1]
    return html.Ul([html.Li(f"{r.at_utc[:19].replace('T', ' ')} UTC – {r.user}: {r.action} "
                            f"{r.object_id}") for r in log.itertuples()],
                   id=ids.ADMIN_AUDIT)


def admin_action(users: UserStore, actor: Principal, action: str, username: str,
                 role: str | None, units: list[str] | None, password: str | None,
                 lang: Language) -> str:
    """Carry out one administrative action; returns the message to show.

    Raises :class:`AccessDenied` for anyone but an admin; a refused change (unknown user,
    short password, a first-line manager without units) is returned as its message.
    """
    require_admin(actor)
    name = (username or "").strip()
    unit_tuple = tuple(units or ())
    try:
        if action == ids.ADMIN_ADD:
            users.add(actor, name, role or "", unit_tuple, password or "")
        elif action == ids.ADMIN_ASSIGN:
            users.assign(actor, name, role or "", unit_tuple)
        elif action == ids.ADMIN_RESET:
            users.reset_password(actor, name, password or "")
        elif action in (ids.ADMIN_DISABLE, ids.ADMIN_ENABLE):
            users.set_active(actor, name, action == ids.ADMIN_ENABLE)
        else:
            raise UserAdminError(f"unknown action {action!r}")
    except UserAdminError as exc:
        return t("security.admin.refused", lang, error=str(exc))
    return t(f"security.admin.done.{action.removeprefix('admin-')}", lang, user=name)


def make_layout(svc: DataService, principal_fn: Callable[[], Principal], users: UserStore
                ) -> Callable[..., Any]:
    """The page as a function of the query string (only admins see the forms)."""
    def layout(lang: str = "sv", **_: Any) -> Any:
        lg = lang_of(lang)
        principal = principal_fn()
        if not principal.may_admin:
            return html.Div(t("dash.denied", lg), className="note warn", id=ids.DENIED)
        nodes = list(svc.tree().nodes.index)
        form = html.Div([
            html.Label([t("security.admin.col.user", lg),
                        dcc.Input(id=ids.ADMIN_USERNAME, type="text", autoComplete="off")]),
            html.Label([t("security.admin.col.role", lg), dcc.Dropdown(
                id=ids.ADMIN_ROLE, clearable=False, value="first_line_manager",
                options=[{"label": t("security.role.admin", lg) if r == "admin"
                          else t(f"dash.role.{r}", lg), "value": r} for r in ROLES])]),
            html.Label([t("security.admin.col.units", lg), dcc.Dropdown(
                id=ids.ADMIN_UNITS, multi=True, options=[{"label": n, "value": n}
                                                         for n in nodes])]),
            html.Label([t("security.admin.password", lg),
                        dcc.Input(id=ids.ADMIN_PASSWORD, type="password",
                                  autoComplete="new-password")]),
            html.Div([html.Button(t(f"security.admin.btn.{a.removeprefix('admin-')}", lg),
                                  id=a, className="btn") for a in ACTIONS],
                     className="job-row"),
            html.Div(id=ids.ADMIN_MSG),
        ], className="admin-form")
        return html.Div([
            dcc.Store(id=ids.LANG, data=lg),
            section(t("security.admin.title", lg), form),
            section(t("security.admin.users", lg), html.Div(users_table(users, lg),
                                                            id="admin-table-box")),
            section(t("security.admin.audit", lg), html.Div(audit_list(users, lg),
                                                            id="admin-audit-box")),
        ])
    return layout


def register_callbacks(app: Dash, svc: DataService, principal_fn: Callable[[], Principal],
                       users: UserStore) -> None:
    """One callback for every action button (the role is checked again server-side)."""
    @app.callback(Output(ids.ADMIN_MSG, "children"), Output("admin-table-box", "children"),
                  Output("admin-audit-box", "children"), Output(ids.ADMIN_PASSWORD, "value"),
                  *(Input(a, "n_clicks") for a in ACTIONS),
                  State(ids.ADMIN_USERNAME, "value"), State(ids.ADMIN_ROLE, "value"),
                  State(ids.ADMIN_UNITS, "value"), State(ids.ADMIN_PASSWORD, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _act(*args: Any) -> tuple[Any, Any, Any, Any]:
        username, role, units, password, lang = args[len(ACTIONS):]
        lg = lang_of(lang)
        action = str(ctx.triggered_id or "")
        if action not in ACTIONS:
            return no_update, no_update, no_update, no_update
        msg = admin_action(users, principal_fn(), action, username or "", role, units,
                           password, lg)
        return (html.Div(msg, className="note"), users_table(users, lg),
                audit_list(users, lg), "")

    del _act
