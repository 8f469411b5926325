"""Edges of the forecast layer: load inputs, store runs, summaries for the text report.

Inputs come from the store when it holds inputs, else from the instance folder of the
scenario (``cfg.data.instance_dir``); the scenario's ``data_edits`` are applied. Each
forecast and need is stored as its own run (kinds ``forecast`` and ``need``) with the
scenario and the resolved configuration as provenance; plans are never touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pks.calendar import WEEKS_PER_YEAR
from pks.config.edits import apply_edits
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.tree import OrgTree
from pks.data.weeks import week_year
from pks.forecast.demand import ForecastResult
from pks.forecast.need import NeedResult

if TYPE_CHECKING:  # pragma: no cover
    from pks.data.store import Store

log = logging.getLogger(__name__)


def load_inputs(cfg: ScenarioConfig, store: Store | None = None) -> tuple[PlanningData, str]:
    """Planning inputs of the scenario and where they came from (``store`` or the folder).

    Raises
    ------
    pks.data.checks.ValidationFailed
        If the instance folder has invalid tables (every problem listed).
    """
    if store is not None and store.has_inputs():
        data, source = store.read_inputs(), f"store {store.url}"
    else:
        from pks.data.io import read_csv_folder

        data, source = read_csv_folder(cfg.data.instance_dir), str(cfg.data.instance_dir)
    return apply_edits(data, cfg.data_edits), source


def save_forecast(store: Store, result: ForecastResult, cfg: ScenarioConfig) -> str:
    """Store a forecast run (kind ``forecast``); returns the run id."""
    note = f"population scenario {result.population_scenario}"
    return store.save_run("forecast", result.tables(), scenario=cfg.name, config=cfg,
                          note=note)


def save_need(store: Store, need: NeedResult, cfg: ScenarioConfig,
              forecast_run_id: str | None) -> str:
    """Store a need run (kind ``need``) with the forecast run as parent."""
    return store.save_run("need", need.tables(), scenario=cfg.name, config=cfg,
                          parent_run_id=forecast_run_id)


def _division_of(data: PlanningData) -> dict[str, str]:
    tree = OrgTree(data.org_nodes)
    out = {}
    for unit in data.care_types["unit_id"].unique():
        div = tree.ancestor_of_type(str(unit), "division") or \
            tree.ancestor_of_type(str(unit), "administration") or str(unit)
        out[str(unit)] = div
    return out


@dataclass(frozen=True)
class ForecastSummary:
    """Tables behind the text report of ``pks forecast`` / ``pks need``."""

    by_division: pd.DataFrame
    """division, name, history_cases (last history year), one column per forecast year."""
    biggest_changes: pd.DataFrame
    """unit_id, care_type, history_cases, first/last forecast year cases, change_pu."""


def summarise_forecast(data: PlanningData, result: ForecastResult, top: int = 5
                       ) -> ForecastSummary:
    """Totals per division and year vs the last full history year; biggest changes."""
    div = _division_of(data)
    names = data.org_nodes.set_index("node_id")["name"].to_dict()
    hist = data.demand_history
    hist = hist.assign(year=hist["week"].map(week_year))
    last_year = int(hist["year"].max())
    if (hist["year"] == last_year).sum() and hist.loc[hist["year"] == last_year, "week"].nunique(
    ) < WEEKS_PER_YEAR:
        last_year -= 1  # last history year incomplete: compare with the last full year
    h = hist[hist["year"] == last_year].groupby(["unit_id", "care_type"])[
        "referrals_cases"].sum().rename("history_cases")
    f = result.forecast_demand
    f = f.assign(year=f["week"].map(week_year))
    fy = f.groupby(["unit_id", "care_type", "year"])["demand_cases"].sum().unstack("year")
    both = fy.join(h, how="left").fillna(0.0).reset_index()
    both["division"] = both["unit_id"].map(div)
    years = [c for c in fy.columns]
    by_div = both.groupby("division")[["history_cases", *years]].sum().reset_index()
    by_div.insert(1, "name", by_div["division"].map(names).fillna(by_div["division"]))
    by_div.attrs["history_year"] = last_year
    first, last = years[0], years[-1]
    ch = both[["unit_id", "care_type", "history_cases", first, last]].copy()
    ch["change_pu"] = (ch[last] - ch["history_cases"]) / ch["history_cases"].where(
        ch["history_cases"] > 0)
    ch = ch.dropna(subset=["change_pu"])
    ch = ch.reindex(ch["change_pu"].abs().sort_values(ascending=False).index).head(top)
    return ForecastSummary(by_division=by_div, biggest_changes=ch.reset_index(drop=True))


def beds_by_site(data: PlanningData, need: NeedResult) -> pd.DataFrame:
    """Mean beds needed vs planned staffed beds per hospital (site) and year."""
    b = need.need_beds
    if b.empty:
        return pd.DataFrame(columns=["site", "year", "beds_needed", "staffed_beds_planned"])
    sites = data.org_nodes.set_index("node_id")["site"].to_dict()
    per_unit = b.groupby(["unit_id", "year"], as_index=False)[
        ["beds_needed", "staffed_beds_planned"]].mean()
    per_unit["site"] = per_unit["unit_id"].map(sites).fillna("?")
    return per_unit.groupby(["site", "year"], as_index=False)[
        ["beds_needed", "staffed_beds_planned"]].sum()
