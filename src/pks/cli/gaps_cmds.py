"""``pks gaps``: why the stored plans of two levels differ per unit.

The four reasons (pooling, horizon, hand-off, new actuals) are stored in
``plan_level_gaps`` and printed in planner language.

Exit codes: 0 success; 1 invalid configuration or data, or no stored plan of a level;
2 usage error; 3 a re-solve of the chain found no plan (nothing written).
"""

from __future__ import annotations

from typing import Annotated

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
)
from pks.cli.common import fail as _fail
from pks.cli.common import parse_lang as _lang
from pks.i18n import t

PairOpt = Annotated[str, typer.Option(
    "--pair", "-p", help="strategic-tactical (budget year) or tactical-operative (the "
    "operative window).")]
TopOpt = Annotated[int, typer.Option("--top", "-n", min=1,
                                     help="Largest gaps shown per metric.")]


def gaps_cmd(pair: PairOpt = "strategic-tactical", scenario: ScenarioOpt = "base",
             model: ModelOpt = DEFAULT_MODEL_DIR, db: DbOpt = "", top: TopOpt = 5,
             lang: LangOpt = "sv") -> None:
    """Explain per unit why the plans of two planning levels differ.

    Each difference is split into pooling, horizon, hand-off and new actuals.
    """
    lg = _lang(lang)
    from pks.optimise.level_gap_chain import PAIRS, ChainSolveError, level_gaps

    if pair not in PAIRS:
        typer.echo(f"--pair: one of {', '.join(PAIRS)}, not {pair!r}", err=True)
        raise typer.Exit(EXIT_USAGE)
    from pks.config.edits import apply_edits
    from pks.config.loader import ConfigError, load_scenario
    from pks.data.checks import ValidationFailed
    from pks.optimise.handoff import HandoffError
    from pks.optimise.inputs import InputError, demand_for
    from pks.optimise.level_gaps_store import save_level_gaps
    from pks.optimise.level_gaps_text import summary_lines
    from pks.optimise.run import horizon_weeks, stored_demand

    try:
        cfg = load_scenario(model, scenario)
    except ConfigError as exc:
        _fail(str(exc).splitlines())
    store = open_store(db, lg)
    try:
        data = apply_edits(store.read_inputs(), cfg.data_edits)
    except ValidationFailed as exc:
        _fail([str(i) for i in exc.issues])
    runs = {}
    for level in PAIRS[pair]:
        info = store.latest_run("plan", scenario=cfg.name, level=level, status="adopted") \
            or store.latest_run("plan", scenario=cfg.name, level=level)
        if info is None:
            _fail([t("gaps.no_plans", lg, level=t(f"gaps.level.{level}", lg),
                     scenario=cfg.name)])
        runs[level] = info.run_id
    upper_id, lower_id = (runs[lv] for lv in PAIRS[pair])
    try:
        demand = stored_demand(store, cfg.name)
        if demand is None:
            demand = demand_for(data, cfg, horizon_weeks(cfg))
        res = level_gaps(pair, cfg, data, store.load_run_tables(upper_id),
                         store.load_run_tables(lower_id), demand)
    except ChainSolveError as exc:
        _fail([str(exc)], EXIT_RUN_FAILED)
    except (InputError, HandoffError, ConfigError, KeyError, ValueError) as exc:
        _fail(str(exc).splitlines())
    names = data.org_nodes.set_index("node_id")["name"].astype(str).to_dict()
    for line in summary_lines(res, names, lg, top):
        typer.echo(line)
    n = save_level_gaps(store, upper_id, lower_id, res)
    typer.echo(t("gaps.saved", lg, n=n, upper=upper_id, lower=lower_id))


def register(app: typer.Typer) -> None:
    """Add ``pks gaps`` to the CLI."""
    app.command("gaps")(gaps_cmd)
