"""The ``pks`` command line (typer; never prompts; documented exit codes).

Exit codes: 0 success; 1 invalid input data or configuration (every problem listed);
2 usage error (unknown option, missing argument); 3 a run failed (solver or simulation
error, nothing written).

Each area registers its commands from its own module: ``data_cmds`` (validate, load,
export, info, template, docs), ``forecast_cmds`` (forecast, need, backtest), ``plan_cmds``
(plan, plans, adopt), ``simulate_cmds`` (simulate), ``dashboard_cmds`` (dashboard) and
``demo_cmds`` (demo: the README's main job) and ``dev_cmds`` (developer tools such as
regenerating the demo region).
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="pks",
    help="PKS – produktions- och kapacitetsstyrning: optimise, simulate and follow up "
    "production plans for a healthcare region.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in ("data_cmds", "forecast_cmds", "plan_cmds", "simulate_cmds", "sweep_cmds",
                "economy_cmds", "governance_cmds", "dashboard_cmds", "demo_cmds", "dev_cmds",
                "gaps_cmds", "help_sv"):
    importlib.import_module(f"pks.cli.{_module}").register(app)
