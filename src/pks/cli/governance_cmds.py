"""Governance commands: action plans, agreements, calendar, comments, versions, analyses.

``pks measures`` (list, import, export, warnings, followup), ``pks agree``,
``pks agreements``, ``pks calendar``, ``pks interim-report``, ``pks comment``,
``pks comments``, ``pks compare-versions``, ``pks revise`` (the Finansplan re-run) and
``pks analysis`` (add, list, show). Every write names the acting user (``--by``), their
role (``--role``) and, for a line manager, the nodes they answer for (``--unit``); the same
rights as in the dashboard are checked. Exit codes: 0 success; 1 invalid input, refused
right or illegal step (every problem listed, nothing written); 2 usage error; 3 the re-plan
did not solve (nothing written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import pandas as pd
import typer

from pks.cli.common import (
    DEFAULT_MODEL_DIR,
    EXIT_RUN_FAILED,
    DbOpt,
    LangOpt,
    ModelOpt,
    ScenarioOpt,
    open_store,
)
from pks.cli.common import fail as _fail
from pks.cli.common import parse_lang as _lang
from pks.i18n import t

if TYPE_CHECKING:
    from pks.data.store import Store
    from pks.data.tree import OrgTree
    from pks.governance.versions import VersionComparison

T = TypeVar("T")

ByOpt = Annotated[str, typer.Option("--by", help="Who acts (user name).")]
RoleOpt = Annotated[str, typer.Option(
    "--role", help="strategist, planner or first_line_manager.")]
UnitOpt = Annotated[list[str] | None, typer.Option(
    "--unit", help="Node the first-line manager answers for (repeatable).")]
YearOpt = Annotated[int | None, typer.Option("--year", help="Year (default: budget year).")]


@dataclass(frozen=True)
class CliUser:
    """The acting user of a CLI command."""

    username: str
    role: str
    units: tuple[str, ...] = ()


def _echo_frame(df: pd.DataFrame) -> None:
    if df.empty:
        typer.echo("-")
        return
    typer.echo(df.to_string(index=False, max_colwidth=60))


def _tree(store: Store) -> OrgTree:
    from pks.data.tree import OrgTree as Tree

    return Tree(store.read_table("org_nodes"))


def _guard(lang: str, action: Callable[[], T]) -> T:
    """Run ``action()``; turn governance and validation errors into exit 1 with every line."""
    from pks.data.checks import ValidationFailed
    from pks.governance.agreements import AgreementError
    from pks.governance.roles import GovernanceDenied

    try:
        return action()
    except ValidationFailed as exc:
        _fail([i.message(_lang(lang)) for i in exc.issues],
              header=t("data.validation_failed", _lang(lang), n=len(exc.issues)))
    except (GovernanceDenied, AgreementError, KeyError) as exc:
        _fail([str(exc).strip("'\"")])


measures_app = typer.Typer(help="The action-plan register (åtgärdsplaner).",
                           no_args_is_help=True)
analysis_app = typer.Typer(help="In-depth analyses: saved scenario comparisons.",
                           no_args_is_help=True)


@measures_app.command("list")
def measures_list(db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """List the measures of the register."""
    from pks.governance.measures import read_measures

    store = open_store(db, _lang(lang))
    _echo_frame(read_measures(store)[["measure_id", "node_id", "owner_body", "title",
                                      "expected_mnkr", "expected_pct", "effect_year",
                                      "status", "realised_mnkr"]])


@measures_app.command("import")
def measures_import(path: Annotated[Path, typer.Argument(help="CSV file or Excel workbook.")],
                    by: ByOpt, role: RoleOpt = "strategist", unit: UnitOpt = None,
                    db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Import measures (new ids are added, known ids updated; all or nothing)."""
    from pks.governance.io import read_records
    from pks.governance.measures import save_measures

    lg = _lang(lang)
    store = open_store(db, lg)
    user = CliUser(by, role, tuple(unit or ()))
    n = _guard(lang, lambda: save_measures(store, _tree(store), user,
                                           read_records(path, "measures")))
    typer.echo(t("gov.cli.measures_saved", lg, n=n))


@measures_app.command("export")
def measures_export(out: Annotated[Path, typer.Argument(help=".csv or .xlsx")],
                    db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Export the register as CSV or Excel."""
    from pks.governance.io import write_records
    from pks.governance.measures import read_measures

    store = open_store(db, _lang(lang))
    write_records(read_measures(store), out, "measures")
    typer.echo(t("gov.cli.written", _lang(lang), path=out))


def _warnings(store: Store, model: Path, scenario: str, year: int | None) -> pd.DataFrame:
    from pks.config.loader import load_scenario
    from pks.governance.measures import action_plan_warnings, economy_triggers, read_measures

    cfg = load_scenario(model, scenario)
    tree = _tree(store)
    info = store.latest_run("plan", scenario=cfg.name, level="tactical")
    if info is None:
        raise KeyError(f"no tactical plan of scenario {cfg.name!r}")
    plan_cost = store.load_run_tables(info.run_id, ["plan_cost"])["plan_cost"]
    trig = economy_triggers(store.read_inputs(), plan_cost, tree,
                            year or cfg.data.budget_year, cfg.data.as_of_week)
    return action_plan_warnings(trig, read_measures(store), tree)


@measures_app.command("warnings")
def measures_warnings(model: ModelOpt = DEFAULT_MODEL_DIR, scenario: ScenarioOpt = "base",
                      year: YearOpt = None, db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Nodes with a deficit or a budget cut and no action plan (exit 0 either way)."""
    store = open_store(db, _lang(lang))
    w = _guard(lang, lambda: _warnings(store, model, scenario, year))
    _echo_frame(w)


@measures_app.command("followup")
def measures_followup(year: Annotated[int, typer.Option("--year")], db: DbOpt = "",
                      lang: LangOpt = "sv") -> None:
    """Expected against realised effect of the measures due in ``--year``, up the tree."""
    from pks.governance.measures import followup, read_measures

    store = open_store(db, _lang(lang))
    _echo_frame(followup(read_measures(store), _tree(store), year))


def agree_cmd(run_id: Annotated[str, typer.Argument(help="Plan run id (see pks plans).")],
              node: Annotated[str, typer.Argument(help="Organisation node.")],
              action: Annotated[str, typer.Option(
                  "--action", help="propose, agree, adopt or send_back.")] = "agree",
              by: ByOpt = "", role: RoleOpt = "strategist", unit: UnitOpt = None,
              comment: Annotated[str, typer.Option("--comment")] = "",
              db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Propose, agree, adopt or send back the plan of one node (rights checked)."""
    from pks.governance.agreements import act

    lg = _lang(lang)
    if not by:
        _fail(["--by: who acts"], 2)
    store = open_store(db, lg)
    user = CliUser(by, role, tuple(unit or ()))
    step = _guard(lang, lambda: act(store, _tree(store), user, run_id, node,
                                    action, comment))
    typer.echo(t("gov.cli.agreed", lg, node=node, status=step.status, by=by))


def agreements_cmd(run_id: Annotated[str, typer.Argument(help="Plan run id.")],
                   db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Agreement state per node of a plan (unagreed nodes flagged)."""
    from pks.governance.agreements import overview

    store = open_store(db, _lang(lang))
    ov = _guard(lang, lambda: overview(store, _tree(store), run_id))
    _echo_frame(ov[["node_id", "status", "user", "line_role", "at_utc", "approver_role",
                    "unagreed", "comment"]])


def calendar_cmd(model: ModelOpt = DEFAULT_MODEL_DIR,
                 date: Annotated[str | None, typer.Option(
                     "--date", help="YYYY-MM-DD (default: the instance's as-of week).")] = None,
                 scenario: ScenarioOpt = "base", db: DbOpt = "",
                 lang: LangOpt = "sv") -> None:
    """The planning cycle on a date: current step, what is due or late."""
    from pks.config.loader import load_scenario
    from pks.data.checks import ValidationFailed
    from pks.governance.calendar import (
        calendar_status,
        due_items,
        load_calendar,
        tracked_done,
        week_date,
    )

    lg = _lang(lang)
    try:
        cal = load_calendar(model)
    except ValidationFailed as exc:
        _fail([i.message(lg) for i in exc.issues])
    on = dt.date.fromisoformat(date) if date else week_date(
        load_scenario(model, scenario).data.as_of_week)
    done = {}
    if db:
        store = open_store(db, lg)
        done = tracked_done(store, _tree(store), cal, scenario)
    st = calendar_status(cal, on, done)
    names = {s.id: s.name(lg) for s in cal.steps}
    st.insert(1, "step", st["step_id"].map(names))
    typer.echo(t("gov.cli.calendar_on", lg, region=cal.region, date=on))
    _echo_frame(st.drop(columns=["step_id", "revision"]))
    due = due_items(st)
    typer.echo(t("gov.cli.due", lg, steps=", ".join(due["step"]) or "-"))


def interim_cmd(out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
                model: ModelOpt = DEFAULT_MODEL_DIR, year: YearOpt = None,
                scenario: ScenarioOpt = "base", db: DbOpt = "",
                lang: LangOpt = "sv") -> None:
    """Write the interim and annual governance reports for the configured dates reached."""
    from pks.config.loader import load_scenario
    from pks.governance.calendar import interim_report_dates, load_calendar, week_date
    from pks.governance.interim import interim_report_html

    lg = _lang(lang)
    cfg = load_scenario(model, scenario)
    cal = load_calendar(model)
    y = year or cfg.data.budget_year
    today = week_date(cfg.data.as_of_week)
    store = open_store(db, lg)
    tree = _tree(store)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for d in interim_report_dates(cal, y):
        if d > today:
            continue
        path = out / f"delarsrapport-{d.isoformat()}.html"
        path.write_text(interim_report_html(store, tree, d, cfg.data.region_name,
                                            cfg.name, lang=lg), encoding="utf-8")
        typer.echo(t("gov.cli.written", lg, path=path))
        n += 1
    if n == 0:
        typer.echo(t("gov.cli.no_interim", lg, year=y, date=today))


def comment_cmd(node: Annotated[str, typer.Argument()],
                month: Annotated[str, typer.Argument(help="YYYY-MM")],
                text: Annotated[str, typer.Argument()],
                by: ByOpt = "", role: RoleOpt = "strategist", unit: UnitOpt = None,
                db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Write the analysis comment of a node and month (replaces an earlier one)."""
    from pks.governance.comments import save_comments

    lg = _lang(lang)
    if not by:
        _fail(["--by: who writes"], 2)
    store = open_store(db, lg)
    user = CliUser(by, role, tuple(unit or ()))
    frame = pd.DataFrame({"node_id": [node], "month": [month], "comment": [text]})
    _guard(lang, lambda: save_comments(store, _tree(store), user, frame))
    typer.echo(t("gov.cli.comment_saved", lg, node=node, month=month))


def comments_cmd(month: Annotated[str, typer.Argument(help="YYYY-MM")],
                 db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """The comments of one month (as the monthly report includes them)."""
    from pks.governance.comments import comments_for_month

    store = open_store(db, _lang(lang))
    _echo_frame(comments_for_month(store, month, None))


def compare_cmd(before: Annotated[str, typer.Argument(help="Earlier plan run id.")],
                after: Annotated[str, typer.Argument(help="Later plan run id.")],
                top: Annotated[int, typer.Option("--top", help="Plan changes shown.")] = 20,
                db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """What changed between two plan versions: prerequisites, then largest plan changes."""
    from pks.governance.versions import compare_runs

    lg = _lang(lang)
    store = open_store(db, lg)
    c = _guard(lang, lambda: compare_runs(store, _tree(store), before, after))
    _print_comparison(c, top, lg)


def _print_comparison(c: VersionComparison, top: int, lg: str) -> None:
    typer.echo(t("gov.cli.prerequisites", _lang(lg)))
    _echo_frame(c.prerequisites)
    if not c.bases_complete:
        typer.echo(t("gov.cli.bases_incomplete", _lang(lg)))
    typer.echo(t("gov.cli.plan_changes", _lang(lg)))
    ch = c.plan_changes
    ch = ch.assign(_a=ch["change"].abs()).sort_values("_a", ascending=False).drop(columns="_a")
    _echo_frame(ch.groupby("figure", sort=False).head(top))


def revise_cmd(update: Annotated[list[str], typer.Option(
                   "--update", help="table=path.csv with the updated prerequisite (repeatable).")],
               by: ByOpt, role: RoleOpt = "strategist", unit: UnitOpt = None,
               level: Annotated[str, typer.Option("--level", "-l")] = "tactical",
               scenario: ScenarioOpt = "base", model: ModelOpt = DEFAULT_MODEL_DIR,
               top: Annotated[int, typer.Option("--top")] = 10,
               db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """The Finansplan revision: re-plan a level with updated prerequisites as a new version."""
    from pks.config.loader import load_scenario
    from pks.data.io import read_csv_table
    from pks.governance.versions import RevisionFailed, revise_plan

    lg = _lang(lang)
    updates = {}
    for u in update:
        name, _, path = u.partition("=")
        if not path:
            _fail([t("cli.revise.bad_update", lg, value=repr(u))], 2)
        updates[name] = read_csv_table(Path(path), name)
    cfg = load_scenario(model, scenario)
    store = open_store(db, lg)
    user = CliUser(by, role, tuple(unit or ()))
    try:
        rev = _guard(lang, lambda: revise_plan(store, cfg, level, user, updates))
    except RevisionFailed as exc:
        _fail([str(exc)], EXIT_RUN_FAILED)
    typer.echo(t("gov.cli.revised", lg, prev=rev.previous_run_id, run=rev.run_id))
    _print_comparison(rev.comparison, top, lg)


@analysis_app.command("add")
def analysis_add(title: Annotated[str, typer.Option("--title")],
                 narrative: Annotated[str, typer.Option("--narrative")],
                 run: Annotated[list[str], typer.Option("--run", help="Plan run (repeat).")],
                 by: ByOpt, year: YearOpt = None, role: RoleOpt = "strategist",
                 db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Save an in-depth analysis: a comparison of runs with its narrative."""
    from pks.governance.analyses import analyses_missing, save_analysis

    lg = _lang(lang)
    store = open_store(db, lg)
    y = year or dt.date.today().year
    new = _guard(lang, lambda: save_analysis(store, CliUser(by, role), y, title, narrative,
                                             run))
    typer.echo(t("gov.cli.analysis_saved", lg, id=new, missing=analyses_missing(store, y)))


@analysis_app.command("list")
def analysis_list(year: YearOpt = None, db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """List saved in-depth analyses."""
    from pks.governance.analyses import list_analyses

    _echo_frame(list_analyses(open_store(db, _lang(lang)), year))


@analysis_app.command("show")
def analysis_show(analysis_id: Annotated[int, typer.Argument(
                      metavar="ANALYS-ID", help="Analysis id (see pks analysis list).")],
                  db: DbOpt = "",
                  lang: LangOpt = "sv") -> None:
    """Reopen an analysis: its narrative and the comparison of its first two runs."""
    from pks.governance.analyses import get_analysis
    from pks.governance.versions import compare_runs

    store = open_store(db, _lang(lang))
    a = _guard(lang, lambda: get_analysis(store, analysis_id))
    typer.echo(f"{a.title} ({a.year}, {a.user})\n\n{a.narrative}\n")
    runs = a.run_ids
    _print_comparison(compare_runs(store, _tree(store), runs[0], runs[1]), 10, lang)


def register(app: typer.Typer) -> None:
    """Add the governance commands to the ``pks`` app."""
    app.add_typer(measures_app, name="measures")
    app.add_typer(analysis_app, name="analysis")
    app.command("agree")(agree_cmd)
    app.command("agreements")(agreements_cmd)
    app.command("calendar")(calendar_cmd)
    app.command("interim-report")(interim_cmd)
    app.command("comment")(comment_cmd)
    app.command("comments")(comments_cmd)
    app.command("compare-versions")(compare_cmd)
    app.command("revise")(revise_cmd)
