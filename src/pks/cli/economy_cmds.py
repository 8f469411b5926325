"""Economy commands: ``pks economy`` (show), ``pks economy load`` and ``pks economy plan``.

``pks economy [-s SCENARIO ...]`` prints, per scenario, the results budget, the financial
targets per plan year with verdicts, the result each year needs and the balanced-budget
schedule (restoration of negative results). ``load`` validates the economy tables of a
folder and stores them (nothing is written on any problem). ``plan`` plans the strategic
level under the frames the required result leaves and says whether the plan reaches it.

Exit codes: 0 success; 1 invalid configuration or inputs (every problem listed, nothing
written); 2 usage error; 3 the plan could not be made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, SupportsFloat

import typer

from pks.cli.common import (
    DEFAULT_MODEL_DIR,
    EXIT_RUN_FAILED,
    DbOpt,
    LangOpt,
    ModelOpt,
    open_store,
)
from pks.cli.common import fail as _fail
from pks.cli.common import parse_lang as _lang
from pks.i18n import format_number, format_pct, t
from pks.types import Language

economy_app = typer.Typer(help="Ekonomisk styrning / economic steering: results budget, "
                          "financial targets, balanced budget.", invoke_without_command=True)

ScenariosOpt = Annotated[list[str] | None, typer.Option(
    "--scenario", "-s", help="Scenario(s) of scenarios.yaml or economy.yaml variants "
    "(repeat to compare; default base).")]
UseDbOpt = Annotated[bool, typer.Option("--use-db", help="Read inputs from the database "
                                        "instead of the instance folder.")]

RESULT_ROWS = ("revenue_base_mnkr", "population_revenue_mnkr", "outside_cost_mnkr",
               "modelled_cost_mnkr", "net_cost_mnkr", "operating_result_mnkr",
               "financial_net_mnkr", "year_result_mnkr", "balanced_result_mnkr")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def _load(model: Path, scenario: str, db: str, use_db: bool, lg: Language) -> Any:
    from pks.config.loader import ConfigError
    from pks.data.checks import ValidationFailed
    from pks.economy.scenario import load_economy_scenario
    from pks.economy.settings import EconomySettingsError

    store = open_store(db, lg) if use_db else None
    try:
        return load_economy_scenario(model, scenario, store, lg)
    except ValidationFailed as exc:
        _fail([t("economy.cli.error", lg) + ":", *(f"  - {i.message(lg)}" for i in exc.issues)])
    except (ConfigError, EconomySettingsError, FileNotFoundError) as exc:
        _fail([t("economy.cli.error", lg) + ":", *str(exc).splitlines()])


def _pct(v: SupportsFloat | None, lg: Language) -> str:
    return "–" if v is None else format_pct(float(v), lg, 1)


def _mnkr(v: float, lg: Language) -> str:
    return format_number(v, lg, 0)


def outcome_lines(outcome: Any, region: str, lg: Language) -> list[str]:
    """The text report of one scenario's economy."""
    from pks.economy.assessment import assessment_table, balanced_budget_assessment

    tab = outcome.budget.table.set_index("year")
    years = [int(y) for y in tab.index]
    out = ["", t("economy.cli.header", lg, region=region, scenario=outcome.scenario), "",
           t("economy.sec.results", lg)]
    out += _table(["", *map(str, years)],
                  [[t(f"economy.row.{r}", lg), *(_mnkr(float(tab.loc[y, r]), lg) for y in years)]
                   for r in RESULT_ROWS])
    ev = outcome.evaluation
    out += ["", t("economy.sec.targets", lg) + " – " + t(
        "economy.targets_in_force", lg, name=ev.target_set, version=ev.version,
        date=ev.valid_from.isoformat())]
    rows = []
    for v in ev.verdicts:
        lim = " – ".join(x for x in (_pct(v.min_pu, lg) if v.min_pu is not None else "",
                                     _pct(v.max_pu, lg) if v.max_pu is not None else "") if x)
        rows.append([t(f"economy.target.{v.target}", lg), v.period, _pct(v.value_pu, lg), lim,
                     "–" if v.margin_mnkr is None else _mnkr(v.margin_mnkr, lg),
                     t(f"economy.verdict.{v.verdict}", lg),
                     ", ".join(f"{t('economy.item.' + i, lg)} {format_number(a, lg, 0)}"
                               for i, a in v.drivers)])
    out += _table([t(f"economy.col.{c}", lg) for c in ("target", "period", "value", "limit",
                                                       "margin_mnkr", "verdict", "drivers")],
                  rows)
    out.append(t("economy.action_plan" if ev.action_plan_required else "economy.no_action_plan",
                 lg))
    req = outcome.required.table
    out += ["", t("economy.sec.required", lg)]
    out += _table([t(f"economy.col.{c}", lg) for c in (
        "year", "required_operating_mnkr", "planned_operating_mnkr", "due_restoration_mnkr",
        "reason", "frame_factor_pu")],
        [[str(int(r.year)), _mnkr(r.required_operating_mnkr, lg),
          _mnkr(r.planned_operating_mnkr, lg), _mnkr(r.due_restoration_mnkr, lg),
          t(f"economy.reason.{r.reason}", lg), format_number(r.frame_factor_pu, lg, 3)]
         for r in req.itertuples(index=False)])
    a = balanced_budget_assessment(outcome)
    at = assessment_table(a, lg)
    out += ["", t("economy.assess.title", lg)]
    out += _table(["mnkr", *at.columns], [[str(i), *(_mnkr(float(v), lg) for v in row)]
                                          for i, row in at.iterrows()])
    out += [t("economy.assess.deadline", lg, origin=o, deadline=d, amount=_mnkr(-left, lg))
            for o, d, left in a.deadlines]
    return out


@economy_app.callback()
def economy_cmd(ctx: typer.Context, model: ModelOpt = DEFAULT_MODEL_DIR,
                scenario: ScenariosOpt = None, db: DbOpt = "", use_db: UseDbOpt = False,
                lang: LangOpt = "sv") -> None:
    """Results budget, financial targets per plan year and the balanced-budget schedule."""
    if ctx.invoked_subcommand is not None:
        return
    lg = _lang(lang)
    for name in scenario or ["base"]:
        s = _load(model, name, db, use_db, lg)
        for line in outcome_lines(s.outcome(), s.cfg.data.region_name, lg):
            typer.echo(line)


@economy_app.command("load")
def load_cmd(folder: Annotated[Path, typer.Argument(help="Folder with economy_budget.csv, "
                                                    "economy_cost_items.csv, "
                                                    "financial_targets.csv.")],
             db: DbOpt = "", lang: LangOpt = "sv") -> None:
    """Validate the economy tables of FOLDER and store them (nothing written on errors)."""
    from pks.data.checks import ValidationFailed
    from pks.data.io import read_csv_tables
    from pks.economy.inputs import ECONOMY_TABLES, store_economy

    lg = _lang(lang)
    tables, issues = read_csv_tables(folder)
    if issues:
        _fail([i.message(lg) for i in issues])
    store = open_store(db, lg, need_inputs=False)  # a load command, like ``pks load``
    try:
        econ = store_economy(store, {n: v for n, v in tables.items() if n in ECONOMY_TABLES},
                             source=str(folder), lang=lg)
    except ValidationFailed as exc:
        _fail([t("economy.cli.error", lg) + ":", *(f"  - {i.message(lg)}" for i in exc.issues)])
    typer.echo(t("economy.cli.loaded", lg, rows=sum(len(v) for v in econ.tables().values()),
                 source=folder))


@economy_app.command("plan")
def plan_cmd(model: ModelOpt = DEFAULT_MODEL_DIR,
             scenario: Annotated[str, typer.Option("--scenario", "-s")] = "base",
             db: DbOpt = "", use_db: UseDbOpt = False, lang: LangOpt = "sv") -> None:
    """Plan the strategic level under the frames the required result leaves; check it."""
    from pks.economy.planning import plan_under_required_result

    lg = _lang(lang)
    s = _load(model, scenario, db, use_db, lg)
    run = plan_under_required_result(s.data, s.cfg, s.econ, s.settings, s.variant)
    for line in outcome_lines(run.before, s.cfg.data.region_name, lg):
        typer.echo(line)
    if run.check is None:
        typer.echo(t("economy.plan.failed", lg, status=run.status), err=True)
        raise typer.Exit(EXIT_RUN_FAILED)
    typer.echo("")
    ct = run.check.table
    typer.echo("\n".join(_table([t(f"economy.col.{c}", lg) for c in (
        "year", "required_operating_mnkr", "planned_operating_mnkr", "shortfall_mnkr",
        "frame_gap_mnkr", "unmet_cases")],
        [[str(int(r.year)), _mnkr(r.required_operating_mnkr, lg),
          _mnkr(r.planned_operating_mnkr, lg), format_number(r.shortfall_mnkr, lg, 1),
          format_number(r.frame_gap_mnkr, lg, 1), format_number(r.unmet_cases, lg, 0)]
         for r in ct.itertuples(index=False)])))
    if run.check.met:
        typer.echo(t("economy.plan.met", lg))
    for r in ct[~ct["met"]].itertuples(index=False):
        typer.echo(t("economy.plan.short", lg, year=int(r.year),
                     short=format_number(r.shortfall_mnkr, lg, 1),
                     gap=format_number(r.frame_gap_mnkr, lg, 1),
                     unmet=format_number(r.unmet_cases, lg, 0)))


def register(app: typer.Typer) -> None:
    """Add the ``economy`` command group to the main app."""
    app.add_typer(economy_app, name="economy")
