"""``pks demo``: the README's main job on the demo region, end to end.

validate → load into the store → summary → forecast and capacity/bed need → strategic,
tactical and operative plans (the tactical plan is agreed and adopted as the binding
production plan) → simulation of the adopted tactical plan → dashboard. Each step is the
same code as its own command (``pks validate``, ``pks load``, ``pks info``, ``pks need``,
``pks plan``, ``pks adopt``, ``pks simulate``, ``pks dashboard``), called in-process.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from pks.cli.common import (
    DEFAULT_DB_URL,
    DEFAULT_MODEL_DIR,
    EXIT_RUN_FAILED,
    DbOpt,
    LangOpt,
    ModelOpt,
)
from pks.i18n import format_number, t
from pks.types import Language

DEMO_NOTE = "pks demo"
"""Note on the plan-status changes the demo makes itself (not the users' work)."""


def user_work(db_url: str) -> tuple[bool, int]:
    """What re-loading the demo would throw away: the users' work since the last load.

    Returns (actuals uploaded after the inputs were loaded, number of plans adopted after
    that by someone other than the demo). An empty or missing store holds no work.
    """
    from pks.data.store import Store

    store = Store.open(db_url)
    try:
        meta = store.meta_info()
        loaded = meta.get("loaded_at", "")
        if "checksum" not in meta:
            return False, 0
        uploaded = meta.get("actuals_at", "") > loaded
        log = store.status_log()
        adopted = log[(log["status"] == "adopted") & (log["note"] != DEMO_NOTE)
                      & (log["at"].astype(str) > loaded)]
        return uploaded, int(adopted["run_id"].nunique())
    finally:
        store.close()


def _step(title: str) -> float:
    typer.echo("")
    typer.echo(f"== {title} ==")
    return time.perf_counter()


def demo_cmd(
    model: ModelOpt = DEFAULT_MODEL_DIR,
    db: DbOpt = DEFAULT_DB_URL,
    compare: Annotated[list[str] | None, typer.Option(
        "--compare", help="Further scenarios planned at the strategic level for the "
        "dashboard's scenario comparison.")] = None,
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n", help="Fixed number of simulation replications "
        "(default: the precision rule of the model instance).")] = None,
    serve: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Serve the dashboard at the end.")] = True,
    port: Annotated[int, typer.Option("--port", help="Dashboard port.")] = 8050,
    reset: Annotated[bool, typer.Option(
        "--reset", help="Replace the store even if it holds uploaded actuals or adopted "
        "plans.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", help="Log every dashboard request.")] = False,
    lang: LangOpt = "sv",
) -> None:
    """Run the whole PKS chain on the demo region and serve the dashboard."""
    from pks.cli.common import parse_lang

    lg = parse_lang(lang)
    from pks.cli.dashboard_cmds import serve_dashboard
    from pks.cli.data_cmds import info_cmd, load_cmd, validate_cmd
    from pks.cli.forecast_cmds import need_cmd
    from pks.cli.plan_cmds import plan_cmd
    from pks.cli.simulate_cmds import simulate_cmd
    from pks.config.loader import ConfigError, load_scenario
    from pks.data.store import Store

    compare = ["industrial_growth"] if compare is None else compare
    try:
        cfg = load_scenario(model, "base")
        for name in compare:
            load_scenario(model, name)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    instance = Path(cfg.data.instance_dir)
    if not reset:
        uploaded, adopted = user_work(db)
        if uploaded or adopted:
            typer.echo(t("week.demo.refuse", lg, db=db,
                         what=t("week.demo.what", lg, actuals=t(
                             "week.demo.yes" if uploaded else "week.demo.no", lg),
                             plans=adopted)), err=True)
            raise typer.Exit(1)
    started = time.perf_counter()

    _step(t("demo.step.validate", lg))
    validate_cmd(instance, lang=lang)
    _step(t("demo.step.load", lg))
    load_cmd(instance, db=db, lang=lang)
    _step(t("demo.step.info", lg))
    info_cmd(db=db, lang=lang)
    for scenario in ["base", *compare]:
        _step(t("demo.step.need", lg, scenario=scenario))
        need_cmd(scenario=scenario, model=model, db=db, lang=lang)
        levels = ("strategic", "tactical", "operative") if scenario == "base" else ("strategic",)
        for level in levels:
            _step(t("demo.step.plan", lg, level=t(f"level.{level}", lg), scenario=scenario))
            plan_cmd(level=level, scenario=scenario, model=model, db=db, lang=lang)

    _step(t("demo.step.adopt", lg))
    store = Store.open(db)
    tactical = store.latest_run("plan", scenario="base", level="tactical")
    if tactical is None:
        typer.echo(t("demo.error.no_plan", lg), err=True)
        raise typer.Exit(EXIT_RUN_FAILED)
    for status, who in (("proposed", "produktionsplanerare"), ("agreed", "verksamhetschefer"),
                        ("adopted", "regionstyrelsen")):
        store.set_plan_status(tactical.run_id, status, by=who, note=DEMO_NOTE)
        typer.echo(t("demo.status", lg, run_id=tactical.run_id, status=status, by=who))
    store.close()

    _step(t("demo.step.simulate", lg))
    simulate_cmd(plan=tactical.run_id, replications=replications, scenario="base", model=model,
                 db=db, lang=lang)
    _print_failing_targets(db, tactical.run_id, lg)
    typer.echo("")
    typer.echo(t("demo.done", lg,
                 seconds=format_number(time.perf_counter() - started, lg, 0)))
    if serve:
        serve_dashboard(db, model, port=port, verbose=verbose)


def _print_failing_targets(db: str, plan_run_id: str, lg: Language) -> None:
    """Name each region target the adopted plan misses in simulation, with its cause."""
    from pks.data.store import Store
    from pks.followup.target_causes import cause_lines
    from pks.report.sections import failing_targets

    store = Store.open(db)
    causes = failing_targets(store, "base", plan_run_id)
    store.close()
    if causes is None:
        return
    typer.echo("")
    for line in cause_lines(causes, lg):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``pks`` app."""
    app.command("demo")(demo_cmd)
