"""The board report straight from a store, for ``pks report`` (no dashboard involved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pks.data.weeks import week_monday
from pks.followup.board import board_report_content
from pks.followup.kpis import FollowupInputs
from pks.followup.plans import as_of_week, plan_run_to_follow
from pks.report.html import board_report_html
from pks.report.sections import board_sections
from pks.rules.lights import LightMargins, resolve_thresholds
from pks.types import Language


def board_report_from_store(store: Any, cfg: Any, scenario: str, year: int, month: int,
                            lang: Language, model_dir: str | Path | None = None) -> str:
    """HTML of the monthly board report of ``scenario`` (its adopted, else newest, tactical plan).

    ``store`` is a :class:`pks.data.store.Store`, ``cfg`` the scenario's resolved
    configuration. Raises ``ValueError``/``KeyError`` when the month or target set is unknown.
    """
    data = store.read_inputs()
    run = plan_run_to_follow(store.runs(), scenario, "tactical")
    plan = {} if run is None else store.load_run_tables(str(run["run_id"]))
    week = as_of_week(cfg.data.as_of_week, data.actuals_production)
    th = resolve_thresholds(data.targets, cfg.data.target_set, week_monday(week),
                            LightMargins.of(cfg.dashboard))
    content = board_report_content(
        FollowupInputs(data, plan, week), th, year=year, month=month,
        region_name=cfg.data.region_name, forecast_method=cfg.dashboard.forecast_method,
        grace_weeks=cfg.dashboard.coverage_grace_weeks)
    names = dict(zip(data.org_nodes["node_id"].astype(str),
                     data.org_nodes["name"].astype(str), strict=True))
    extra = [] if model_dir is None else board_sections(store, model_dir, scenario, year,
                                                          month, names, lang)
    return board_report_html(content, lang, extra)
