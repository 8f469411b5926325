"""Re-plan and simulation as background jobs with progress and cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update
from itsdangerous import BadSignature, URLSafeTimedSerializer

from pks.dashboard import ids
from pks.dashboard.access import Principal
from pks.dashboard.components import section
from pks.dashboard.data import DataService
from pks.dashboard.jobs import JobSpec, JobUnavailable, run_job
from pks.dashboard.pages.common import lang_of
from pks.dashboard.settings import DashboardSettings
from pks.i18n import t
from pks.types import Language

TOKEN_MAX_AGE_S = 120


def job_panel(lang: Language, principal: Principal) -> html.Section:
    """Buttons, progress bar and status of the background jobs."""
    from dash import dcc

    disabled = not principal.may_run
    return section(
        t("dash.sec.jobs", lang),
        html.Div([
            html.Button(t("dash.job.replan", lang), id=ids.JOB_REPLAN, className="btn",
                        disabled=disabled),
            html.Button(t("dash.job.simulate", lang), id=ids.JOB_SIMULATE, className="btn",
                        disabled=disabled),
            html.Button(t("dash.job.cancel", lang), id=ids.JOB_CANCEL, className="btn btn-grey",
                        disabled=True),
            html.Progress(id=ids.JOB_PROGRESS, value="0", max="1", className="progress"),
        ], className="job-row"),
        html.Div(t("dash.job.idle", lang) if principal.may_run else t("dash.job.denied", lang),
                 id=ids.JOB_STATUS, className="note"),
        html.Div(id=ids.JOB_RESULT, className="job-result"),
        dcc.Store(id=ids.JOB_TOKEN),
    )


def request_job(principal: Principal, svc: DataService, kind: str, scenario: str, node: str,
                secret: str) -> str:
    """Check the user may start ``kind`` here and sign a job token (raises AccessDenied)."""
    from pks.dashboard.access import AccessDenied

    svc.check(principal, node)
    if not principal.may_run:
        raise AccessDenied(f"{principal.username} may not start jobs")
    payload = {"kind": kind, "scenario": scenario, "node_id": node,
               "username": principal.username}
    return URLSafeTimedSerializer(secret, salt="pks-job").dumps(payload)


def read_token(token: str, secret: str) -> JobSpec:
    """Verify a job token and return the job (raises ``BadSignature`` when forged/old)."""
    p = URLSafeTimedSerializer(secret, salt="pks-job").loads(token, max_age=TOKEN_MAX_AGE_S)
    return JobSpec(kind=p["kind"], scenario=p["scenario"], node_id=p["node_id"],
                   username=p["username"])


def register_callbacks(app: Dash, svc: DataService, principal_fn: Callable[[], Principal],
                       settings: DashboardSettings) -> None:
    """The request callback (checks the role) and the background job callback."""
    secret = settings.resolved_secret()

    @app.callback(Output(ids.JOB_TOKEN, "data"), Output(ids.JOB_STATUS, "children"),
                  Input(ids.JOB_REPLAN, "n_clicks"), Input(ids.JOB_SIMULATE, "n_clicks"),
                  State(ids.NODE, "value"), State(ids.SCENARIO, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _request(_a: int | None, _b: int | None, node: str, scenario: str, lang: str
                 ) -> tuple[Any, Any]:
        from pks.dashboard.access import AccessDenied

        lg = lang_of(lang)
        kind = "replan" if ctx.triggered_id == ids.JOB_REPLAN else "simulate"
        try:
            token = request_job(principal_fn(), svc, kind, scenario, node, secret)
        except AccessDenied:
            return no_update, t("dash.job.denied", lg)
        return {"token": token, "lang": lg}, t("dash.job.running", lg,
                                               step=t("dash.job.step.load", lg))

    @app.callback(
        Output(ids.JOB_RESULT, "children"), Input(ids.JOB_TOKEN, "data"),
        background=True,
        running=[(Output(ids.JOB_REPLAN, "disabled"), True, False),
                 (Output(ids.JOB_SIMULATE, "disabled"), True, False),
                 (Output(ids.JOB_CANCEL, "disabled"), False, True)],
        cancel=[Input(ids.JOB_CANCEL, "n_clicks")],
        progress=[Output(ids.JOB_PROGRESS, "value"), Output(ids.JOB_PROGRESS, "max"),
                  Output(ids.JOB_STATUS, "children", allow_duplicate=True)],
        prevent_initial_call=True)
    def _run(set_progress: Callable[[tuple[str, str, str]], None], data: dict[str, Any]
             ) -> Any:
        lg = lang_of((data or {}).get("lang"))
        try:
            spec = read_token(str((data or {}).get("token", "")), secret)
        except (BadSignature, KeyError, TypeError):
            return html.Div(t("dash.job.denied", lg), className="note warn")

        def progress(done: int, total: int, step: str) -> None:
            set_progress((str(done), str(total),
                          t("dash.job.running", lg, step=t(f"dash.job.step.{step}", lg))))
        try:
            run_id = run_job(settings, spec, progress)
        except JobUnavailable as exc:
            set_progress(("0", "1", t("dash.job.idle", lg)))
            return html.Div(t("dash.job.unavailable", lg, what=str(exc)), className="note warn")
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged in full
            import logging

            logging.getLogger(__name__).exception("dashboard job failed")
            set_progress(("0", "1", t("dash.job.idle", lg)))
            return html.Div(t("dash.job.failed", lg, error=str(exc)[:300]),
                            className="note warn")
        set_progress(("1", "1", t("dash.job.idle", lg)))
        what = t("dash.job.replan" if spec.kind == "replan" else "dash.job.simulate", lg)
        return html.Div(t("dash.job.done", lg, what=what, run=run_id), className="note ok",
                        id="job-done")

    del _request, _run
