"""Planning commands: ``pks plan``, ``pks plans``, ``pks adopt``.

Exit codes: 0 success; 1 invalid configuration, input data or hand-off (every problem
listed, nothing solved or written); 2 usage error; 3 the solver found no optimal plan
(nothing written).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from pks.cli.common import (
    DEFAULT_MODEL_DIR,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    DbOpt,
    LangOpt,
    ModelOpt,
    ScenarioOpt,
    open_store,
    plan_row,
)
from pks.cli.common import fail as _fail
from pks.cli.common import parse_lang as _lang
from pks.i18n import t
from pks.types import LEVELS, Language, Level

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from pks.config.schema import ScenarioConfig
    from pks.data.planning_data import PlanningData
    from pks.data.store import Store
    from pks.optimise.run import LevelRun

log = logging.getLogger(__name__)

LevelOpt = Annotated[str, typer.Option("--level", "-l",
                                       help="strategic, tactical or operative.")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Write the result tables to a CSV folder or an .xlsx workbook.")]
BuildOnlyOpt = Annotated[bool, typer.Option(
    "--build-only", help="Build and check the model, print its size; do not solve or store.")]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Do not write to the database.")]
DecomposeOpt = Annotated[bool, typer.Option(
    "--decompose", help="Solve independent frame-node blocks separately (same optimum).")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address: solve the blocks as Dask tasks there.")]
RouteOpt = Annotated[str | None, typer.Option(
    "--route", help="direct (default: the model's arrays to HiGHS) or pyomo (a named Pyomo "
    "model through Pyomo's standard-form compiler); same optimum.")]
ColdOpt = Annotated[bool, typer.Option(
    "--cold", help="Operative: do not warm-start from the basis of the scenario's previous "
    "operative plan (same optimum, slower).")]


def plan_cmd(
    level: LevelOpt = "tactical",
    scenario: ScenarioOpt = "base",
    model: ModelOpt = DEFAULT_MODEL_DIR,
    db: DbOpt = "",
    out: OutOpt = None,
    build_only: BuildOnlyOpt = False,
    no_store: NoStoreOpt = False,
    decompose: DecomposeOpt = False,
    scheduler: SchedulerOpt = None,
    route: RouteOpt = None,
    cold: ColdOpt = False,
    lang: LangOpt = "sv",
) -> None:
    """Optimise a production and capacity plan at one level and store it as a draft."""
    lg = _lang(lang)
    if level not in LEVELS:
        typer.echo(f"--level: one of {', '.join(LEVELS)}, not {level!r}", err=True)
        raise typer.Exit(EXIT_USAGE)
    if route not in (None, "direct", "pyomo"):
        typer.echo(f"--route: direct or pyomo, not {route!r}", err=True)
        raise typer.Exit(EXIT_USAGE)
    from pks.config.loader import ConfigError, load_scenario
    from pks.data.checks import ValidationFailed
    from pks.optimise.handoff import HandoffError
    from pks.optimise.inputs import InputError, demand_for
    from pks.optimise.run import (
        build_level,
        horizon_weeks,
        plan_level,
        save_level,
        stored_demand,
        upper_plan,
    )

    try:
        cfg = load_scenario(model, scenario)
    except ConfigError as exc:
        _fail(str(exc).splitlines())
    if decompose or scheduler:
        cfg = cfg.model_copy(update={"solve": cfg.solve.model_copy(update={
            "decompose": True, "scheduler_address": scheduler})})
    if route:
        cfg = cfg.model_copy(update={"solve": cfg.solve.model_copy(update={"route": route})})
    store = None if no_store else open_store(db, lg)
    try:
        if store is not None and store.has_inputs():
            from pks.config.edits import apply_edits

            data = apply_edits(store.read_inputs(), cfg.data_edits)
        else:
            from pks.config.edits import apply_edits
            from pks.data.io import read_csv_folder

            data = apply_edits(read_csv_folder(cfg.data.instance_dir), cfg.data_edits)
    except ValidationFailed as exc:
        _fail([str(i) for i in exc.issues])
    except (ConfigError, FileNotFoundError) as exc:
        _fail(str(exc).splitlines())
    from pks.data.checks import frame_years_issues

    missing_years = frame_years_issues(data.budget_frames, cfg.data.years)
    if missing_years:
        _fail([i.message(lg) for i in missing_years])
    upper_id, upper = upper_plan(store, cfg.name, level)
    if upper_id:
        typer.echo(t("plan.handoff_used", lg, run_id=upper_id,
                     level=t(f"level.{ {'tactical': 'strategic', 'operative': 'tactical'}[level]}",
                             lg)))
    try:
        demand = stored_demand(store, cfg.name)
        if demand is None:
            demand = demand_for(data, cfg, horizon_weeks(cfg))
        lv = cast(Level, level)
        if build_only:
            m, _ = build_level(data, cfg, lv, upper, demand)
            typer.echo(t("plan.build_only", lg, level=t(f"level.{level}", lg), **m.counts()))
            return
        if lv == "operative" and not cold and store is not None and not cfg.solve.decompose:
            run = _warm_operative(store, data, cfg, upper, demand, lg)
        else:
            run = plan_level(data, cfg, lv, upper, demand)
    except (InputError, HandoffError, ConfigError, KeyError) as exc:
        _fail(str(exc).splitlines())
    if not run.result.ok:
        _fail([t("plan.not_optimal", lg, status=run.result.status.value)], EXIT_RUN_FAILED)
    for line in run.explanation(lg):
        typer.echo(line)
    if out is not None:
        from pks.data.io import write_tables
        from pks.optimise.rolling import BASIS_TABLE

        write_tables({k: v for k, v in run.tables.items() if k != BASIS_TABLE}, out)
        typer.echo(t("plan.written", lg, path=out))
    if store is not None:
        run_id = save_level(store, run, cfg, upper_id)
        typer.echo(t("plan.saved", lg, run_id=run_id, level=level, scenario=cfg.name,
                     status="draft"))
        store.close()


def _warm_operative(store: Store, data: PlanningData, cfg: ScenarioConfig,
                    upper: Mapping[str, pd.DataFrame] | None, demand: pd.DataFrame | None,
                    lg: Language) -> LevelRun:
    """The operative re-plan from the basis of the scenario's previous operative plan."""
    from pks.optimise.rolling import replan_operative, stored_basis

    prev_id, basis = stored_basis(store, cfg.name)
    run, warm = replan_operative(data, cfg, upper, demand, basis)
    typer.echo(t("whatif.warm_start", lg, run_id=prev_id) if warm
               else t("whatif.cold_start", lg))
    return run


def plans_cmd(
    scenario: Annotated[str | None, typer.Option("--scenario", "-s")] = None,
    level: Annotated[str | None, typer.Option("--level", "-l")] = None,
    db: DbOpt = "",
    lang: LangOpt = "sv",
) -> None:
    """List stored plan versions (newest first) with status and who changed it when."""
    lg = _lang(lang)
    store = open_store(db, lg)
    runs = store.runs(kind="plan", scenario=scenario, level=level)
    if runs.empty:
        typer.echo(t("plan.no_plans", lg))
        return
    logs = store.status_log()
    last = logs.groupby("run_id").tail(1).set_index("run_id") if not logs.empty else None
    for r in runs.itertuples():
        who = ""
        if last is not None and r.run_id in last.index:
            who = f"{last.at[r.run_id, 'by']} {last.at[r.run_id, 'at']}"
        typer.echo(plan_row(store, r, who, lg))
    store.close()


def adopt_cmd(
    run_id: Annotated[str, typer.Argument(help="Plan run id (see pks plans).")],
    by: Annotated[str, typer.Option("--by", help="Who agrees or adopts (name or role).")],
    status: Annotated[str, typer.Option("--status", help="proposed, agreed or adopted.")
                      ] = "adopted",
    note: Annotated[str, typer.Option("--note")] = "",
    db: DbOpt = "",
    lang: LangOpt = "sv",
) -> None:
    """Move a plan forward: draft → proposed → agreed → adopted (who and when recorded)."""
    lg = _lang(lang)
    from pks.data.store import StoreError

    store = open_store(db, lg)
    try:
        store.set_plan_status(run_id, status, by=by, note=note)
    except (KeyError, StoreError) as exc:
        _fail([str(exc)])
    typer.echo(t("plan.adopted", lg, run_id=run_id, status=status, by=by))
    store.close()


def register(app: typer.Typer) -> None:
    """Add ``plan``, ``plans`` and ``adopt`` to the ``pks`` app."""
    app.command("plan")(plan_cmd)
    app.command("plans")(plans_cmd)
    app.command("adopt")(adopt_cmd)
