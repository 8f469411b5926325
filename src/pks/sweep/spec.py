"""Sweep specifications: a list of named scenarios, each a set of configuration overrides.

Two forms, both resolved on top of a model instance's scenario (``model.yaml`` and
``scenarios.yaml``, :mod:`pks.config.loader`):

* a YAML file in the form of ``scenarios.yaml``'s ``overrides`` map — each entry is one
  sweep scenario::

      scenarios:
        lean_frames: {data_edits: [{table: budget_frames, scale: {frame_sek: 0.95}}]}
        growth: {data: {population_scenario: region}}

* a grid, ``key=v1,v2 ...``: every combination of the values is one scenario. A key is a
  dotted configuration path (``data.population_scenario``, ``simulate.replications``) or
  one of the levers in :data:`LEVERS`.

Every scenario is validated before anything runs; every problem is listed at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pks.config.loader import ConfigError, deep_merge, resolve_scenario_dict
from pks.config.schema import ScenarioConfig


class SweepSpecError(ValueError):
    """A sweep specification that cannot be run; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _data_edit(table: str, how: str, column: str) -> Callable[[str], dict[str, Any]]:
    def build(value: str) -> dict[str, Any]:
        return {"data_edits": [{"table": table, how: {column: float(value)}}]}
    return build


def _config_path(path: str) -> Callable[[str], dict[str, Any]]:
    def build(value: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        node = out
        keys = path.split(".")
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = yaml.safe_load(value)
        return out
    return build


LEVERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "population": _config_path("data.population_scenario"),
    "guarantee": _config_path("data.target_set"),
    "frame_level": _data_edit("budget_frames", "scale", "frame_sek"),
    "efficiency": _data_edit("budget_frames", "set", "efficiency_pu"),
    "agency": _config_path("build.agency_share_max_pu"),
}
"""Grid levers with human names: population scenario, target set (care guarantee), budget
frame level (× the frames), efficiency factor (set, pu) and agency path (the largest
agency share of staff hours the optimiser may plan, ``build.agency_share_max_pu``)."""


@dataclass(frozen=True)
class SweepScenario:
    """One scenario of a sweep: its name and the overrides applied on the base scenario."""

    name: str
    overrides: Mapping[str, Any]


def grid_scenarios(grid: Sequence[str]) -> list[SweepScenario]:
    """Scenarios of ``key=v1,v2`` terms (every combination; names ``key=value+key=value``).

    Raises
    ------
    SweepSpecError
        Listing every malformed term.
    """
    problems: list[str] = []
    axes: list[tuple[str, list[str]]] = []
    for term in grid:
        key, sep, values = term.partition("=")
        key = key.strip()
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key or not vals:
            problems.append(f"--grid {term!r}: expected key=v1,v2,...")
            continue
        if key not in LEVERS and "." not in key:
            problems.append(f"--grid {term!r}: unknown key {key!r}; use one of "
                            f"{', '.join(LEVERS)} or a dotted configuration path")
            continue
        axes.append((key, vals))
    if problems:
        raise SweepSpecError(problems)
    out = []
    for combo in itertools.product(*(vals for _, vals in axes)):
        merged: dict[str, Any] = {}
        for (key, _), value in zip(axes, combo, strict=True):
            build = LEVERS.get(key) or _config_path(key)
            try:
                merged = deep_merge(merged, build(value))
            except ValueError:
                problems.append(f"--grid {key}={value}: not a number")
        name = "+".join(f"{key}={value}" for (key, _), value in zip(axes, combo, strict=True))
        out.append(SweepScenario(name, merged))
    if problems:
        raise SweepSpecError(problems)
    return out


def file_scenarios(path: str | Path) -> list[SweepScenario]:
    """Scenarios of a YAML spec file (``scenarios:`` name → overrides, as ``overrides``)."""
    p = Path(path)
    if not p.exists():
        raise SweepSpecError([f"{p}: file not found"])
    try:
        content = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SweepSpecError([f"{p}: not valid YAML ({exc})"]) from None
    block = content.get("scenarios") if isinstance(content, dict) else None
    if not isinstance(block, dict) or not block:
        raise SweepSpecError([f"{p}: expected a non-empty 'scenarios:' map of name → overrides"])
    problems = [f"{p}: scenario {name!r}: overrides must be a mapping"
                for name, over in block.items() if not isinstance(over, dict)]
    if problems:
        raise SweepSpecError(problems)
    return [SweepScenario(str(name), over) for name, over in block.items()]


def resolve(model_dir: str | Path, base: str, scenarios: Sequence[SweepScenario]
            ) -> list[ScenarioConfig]:
    """Validated configuration of every scenario (``base`` + its overrides).

    Raises
    ------
    SweepSpecError
        Listing every invalid scenario and field, before anything is computed.
    """
    try:
        base_dict = resolve_scenario_dict(model_dir, base)
    except ConfigError as exc:
        raise SweepSpecError(str(exc).splitlines()) from None
    problems: list[str] = []
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"duplicate scenario names: {dupes}")
    out = []
    for s in scenarios:
        merged = deep_merge(base_dict, dict(s.overrides))
        merged["name"] = s.name
        try:
            out.append(ScenarioConfig.model_validate(merged))
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(x) for x in e["loc"])
                problems.append(f"scenario {s.name!r}: {loc}: {e['msg']} "
                                f"(got {e.get('input')!r})")
    if problems:
        raise SweepSpecError(problems)
    return out
