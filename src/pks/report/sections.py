"""Sections the monthly board report gains from governance and the economy.

Follow-up computes the report's content; these sections come from the layers above it:
the managers' analysis per node for the month (:mod:`pks.governance.comments`, R-18/R-21),
the region targets the followed plan misses in its latest simulation, with their cause
(:mod:`pks.followup.target_causes`), the balanced-budget assessment
(*balanskravsutredning*, :mod:`pks.economy.assessment`, R-49/R-50), and the follow-up by
legal sex and the KPP benchmark (:mod:`pks.report.scorecard`, R-23/R-32). Each returns an
HTML fragment for :func:`pks.report.html.board_report_html`.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from pks.config.loader import ConfigError, load_scenario
from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.economy.assessment import assessment_html, balanced_budget_assessment
from pks.economy.scenario import load_economy_scenario
from pks.followup.plans import as_of_week, plan_run_to_follow, simulation_run_to_follow
from pks.followup.target_causes import (
    TargetCause,
    cause_items,
    causes_title,
    failing_causes,
    plan_list_targets,
)
from pks.governance.comments import comments_for_month
from pks.i18n import t
from pks.report.scorecard import dimension_sections
from pks.types import Language

log = logging.getLogger(__name__)


def comments_section(store: Store, year: int, month: int, names: dict[str, str],
                     lang: Language) -> str:
    """The month's analysis per node, as written by its managers (empty when none)."""
    df = comments_for_month(store, f"{year:04d}-{month:02d}")
    if df.empty:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(names.get(str(n), str(n)))}</td><td>{html.escape(str(c))}</td>"
        f"<td>{html.escape(str(u))}</td></tr>"
        for n, c, u in zip(df["node_id"], df["comment"], df["user"], strict=True))
    return (f"<h2>{html.escape(t('report.comments.title', lang))}</h2><table><thead><tr>"
            f"<th>{html.escape(t('dash.col.node', lang))}</th>"
            f"<th>{html.escape(t('report.comments.text', lang))}</th>"
            f"<th>{html.escape(t('report.comments.by', lang))}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def failing_targets(store: Store, scenario: str, plan_run_id: str | None = None
                    ) -> list[TargetCause] | None:
    """The region targets the plan misses in simulation, with their cause (None: no simulation).

    The simulation is the newest of ``plan_run_id`` (default: the scenario's followed
    tactical plan), else the scenario's newest; the waiting list's target in cases is read
    from the plan that simulation simulated.
    """
    runs = store.runs()
    if plan_run_id is None:
        plan = plan_run_to_follow(runs, scenario, "tactical")
        plan_run_id = None if plan is None else str(plan["run_id"])
    sim = simulation_run_to_follow(runs, scenario, plan_run_id)
    if sim is None:
        return None
    info = store.run(str(sim["run_id"]))
    if "sim_verdicts" not in info.tables:
        return None
    tables = store.load_run_tables(
        info.run_id, [n for n in ("sim_verdicts", "sim_beds") if n in info.tables])
    v, beds = tables["sim_verdicts"], tables.get("sim_beds")
    region = v.loc[v["node_type"] == "region", "node_id"]
    targets: dict[str, float] = {}
    if info.parent_run_id and beds is not None and not region.empty:
        plan_production = store.load_run_tables(info.parent_run_id,
                                                ["plan_production"])["plan_production"]
        targets = plan_list_targets(plan_production, str(beds["week"].max()),
                                    str(region.iloc[0]))
    return failing_causes(v, beds, targets)


def simulation_section(store: Store, scenario: str, lang: Language) -> str:
    """The region targets the plan misses in simulation (empty without a simulation)."""
    causes = failing_targets(store, scenario)
    if causes is None:
        return ""
    items = "".join(f"<li>{'<br>'.join(html.escape(x) for x in [line, *remedies])}</li>"
                    for line, remedies in cause_items(causes, lang))
    return (f"<h2>{html.escape(t('report.simulation.title', lang))}</h2>"
            f"<p>{html.escape(causes_title(causes, lang))}</p>"
            + (f"<ul>{items}</ul>" if items else ""))


def balanced_budget_section(store: Store, model_dir: str | Path, scenario: str,
                            lang: Language) -> str:
    """The balanced-budget assessment of ``scenario`` (empty when the model has no economy)."""
    try:
        econ = load_economy_scenario(model_dir, scenario, store=store, lang=lang)
        return assessment_html(balanced_budget_assessment(econ.outcome()), lang)
    except (ConfigError, ValidationFailed, ValueError, FileNotFoundError) as exc:
        log.info("board report without balanced-budget assessment: %s", str(exc)[:200])
        return ""


def dimensions_section(store: Store, model_dir: str | Path, scenario: str, year: int,
                       month: int, lang: Language) -> list[str]:
    """The month's split by legal sex and KPP per somatic unit (empty before the month)."""
    cfg = load_scenario(model_dir, scenario)
    data = store.read_inputs()
    week = as_of_week(cfg.data.as_of_week, data.actuals_production)
    return dimension_sections(data, cfg.dashboard, year, month, week, lang)


def board_sections(store: Store, model_dir: str | Path, scenario: str, year: int,
                   month: int, names: dict[str, str], lang: Language) -> list[str]:
    """Every section the board report gains beyond follow-up's content, in report order."""
    return [s for s in (comments_section(store, year, month, names, lang),
                        simulation_section(store, scenario, lang),
                        *dimensions_section(store, model_dir, scenario, year, month, lang),
                        balanced_budget_section(store, model_dir, scenario, lang)) if s]
