"""Scenarios made in the strategist's workbench: a form → overrides → the user scenario file.

A workbench scenario starts from the base and changes some of six levers; each becomes an
entry of the ``overrides`` map of ``models/<instance>/user_scenarios.yaml``
(:data:`pks.config.loader.USER_SCENARIOS_FILE`, the form of ``scenarios.yaml``), which
the loader merges, so ``pks plan --scenario <name>`` and ``pks sweep --base <name>`` find
it. The human name is kept in the file's ``labels`` map.

Levers (percentages are changes against the base, ``p`` in %):

* population scenario → ``data.population_scenario``;
* agency path → ``staffing.agency_h_per_week_max`` × (1 + p/100) on every unit and
  category (``-30`` = 30 % less agency that can be bought);
* frames → ``budget_frames.frame_sek`` × (1 + p/100), on the chosen nodes or all;
* efficiency factor → ``budget_frames.efficiency_pu`` = p/100;
* staffing targets → ``staffing.staffing_target_fte`` × (1 + p/100);
* care guarantee → ``data.target_set``.

:func:`form_problems` lists every bad field at once as (field, code, value); the page
translates the code (``workbench.err.<code>``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pks.config.loader import USER_SCENARIOS_FILE, ConfigError, _read_yaml, scenario_names

PERCENT = 100.0
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
LABEL_MAX_CHARS = 80
AGENCY_CHANGE_PCT = (-100.0, 100.0)
FRAME_CHANGE_PCT = (-50.0, 50.0)
EFFICIENCY_PCT = (0.0, 20.0)
STAFFING_CHANGE_PCT = (-50.0, 50.0)
"""Allowed ranges of the levers in % (efficiency: the schema's 0..0,2 pu)."""


@dataclass(frozen=True)
class ScenarioForm:
    """What the strategist filled in; ``None`` = as the base."""

    name: str
    label: str
    population: str | None = None
    agency_change_pct: float | None = None
    frame_change_pct: float | None = None
    frame_nodes: tuple[str, ...] = field(default=())
    efficiency_pct: float | None = None
    staffing_change_pct: float | None = None
    target_set: str | None = None


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: its name, a message code and the value given."""

    field: str
    code: str
    value: Any


def _out_of(value: float | None, bounds: tuple[float, float]) -> bool:
    return value is not None and not bounds[0] <= value <= bounds[1]


def form_problems(form: ScenarioForm, taken: Collection[str], populations: Collection[str],
                  target_sets: Collection[str], nodes: Collection[str]) -> list[FieldProblem]:
    """Every problem of ``form`` (empty = valid); ``taken`` are existing scenario names."""
    out: list[FieldProblem] = []
    if not NAME_PATTERN.match(form.name):
        out.append(FieldProblem("name", "name_format", form.name))
    elif form.name in taken:
        out.append(FieldProblem("name", "name_taken", form.name))
    if not form.label.strip() or len(form.label) > LABEL_MAX_CHARS:
        out.append(FieldProblem("label", "label", form.label))
    if form.population is not None and form.population not in populations:
        out.append(FieldProblem("population", "unknown", form.population))
    if form.target_set is not None and form.target_set not in target_sets:
        out.append(FieldProblem("target_set", "unknown", form.target_set))
    for name, value, bounds in (("agency_change_pct", form.agency_change_pct, AGENCY_CHANGE_PCT),
                                ("frame_change_pct", form.frame_change_pct, FRAME_CHANGE_PCT),
                                ("efficiency_pct", form.efficiency_pct, EFFICIENCY_PCT),
                                ("staffing_change_pct", form.staffing_change_pct,
                                 STAFFING_CHANGE_PCT)):
        if _out_of(value, bounds):
            out.append(FieldProblem(name, "range", value))
    bad_nodes = [n for n in form.frame_nodes if n not in nodes]
    if bad_nodes:
        out.append(FieldProblem("frame_nodes", "unknown", bad_nodes))
    if all(v is None or v == 0 for v in (form.agency_change_pct, form.frame_change_pct,
                                         form.efficiency_pct, form.staffing_change_pct)) \
            and form.population is None and form.target_set is None:
        out.append(FieldProblem("name", "no_change", form.name))
    return out


def _scale(table: str, column: str, pct: float, where: dict[str, list[str]] | None = None
           ) -> dict[str, Any]:
    edit: dict[str, Any] = {"table": table, "scale": {column: 1.0 + pct / PERCENT}}
    if where:
        edit["where"] = where
    return edit


def form_overrides(form: ScenarioForm) -> dict[str, Any]:
    """The form as one override of ``scenarios.yaml`` (levers in the module docstring)."""
    data: dict[str, Any] = {}
    if form.population is not None:
        data["population_scenario"] = form.population
    if form.target_set is not None:
        data["target_set"] = form.target_set
    edits: list[dict[str, Any]] = []
    if form.agency_change_pct:
        edits.append(_scale("staffing", "agency_h_per_week_max", form.agency_change_pct))
    if form.frame_change_pct:
        where = {"node_id": list(form.frame_nodes)} if form.frame_nodes else None
        edits.append(_scale("budget_frames", "frame_sek", form.frame_change_pct, where))
    if form.efficiency_pct is not None:
        edits.append({"table": "budget_frames",
                      "set": {"efficiency_pu": form.efficiency_pct / PERCENT}})
    if form.staffing_change_pct:
        edits.append(_scale("staffing", "staffing_target_fte", form.staffing_change_pct))
    out: dict[str, Any] = {}
    if data:
        out["data"] = data
    if edits:
        out["data_edits"] = edits
    return out


def save_user_scenario(model_dir: str | Path, name: str, label: str,
                       overrides: dict[str, Any]) -> Path:
    """Add scenario ``name`` to the instance's user scenario file; returns the file.

    Raises
    ------
    ConfigError
        When the name is already a scenario or override of the instance.
    """
    if name in scenario_names(model_dir):
        raise ConfigError(f"scenario {name!r} exists already")
    path = Path(model_dir) / USER_SCENARIOS_FILE
    content = _read_yaml(path)
    content.setdefault("overrides", {})[name] = overrides
    content.setdefault("labels", {})[name] = label
    path.write_text("# Scenarios made in the dashboard's scenario workbench.\n"
                    + yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def scenario_labels(model_dir: str | Path) -> dict[str, str]:
    """Human names of the user scenarios (scenario → label)."""
    labels = _read_yaml(Path(model_dir) / USER_SCENARIOS_FILE).get("labels") or {}
    return {str(k): str(v) for k, v in labels.items()}
