"""Load a model instance: ``model.yaml`` + ``scenarios.yaml`` overrides → ScenarioConfig.

``scenarios.yaml`` has two maps, as in Calliope::

    overrides:
      understaffed: {data_edits: [{table: staffing, scale: {staffing_target_fte: 0.8}}]}
    scenarios:
      lean: [understaffed, tight_frames]

A scenario is either a name in ``scenarios`` (a list of overrides) or a single override
name; overrides are deep-merged in list order; lists (``data_edits``) are concatenated.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pks.config.schema import ScenarioConfig


class ConfigError(ValueError):
    """A model instance or scenario that cannot be resolved; the message lists every problem."""


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into a copy of ``base``; dicts merge, lists concatenate, scalars replace."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = out[k] + copy.deepcopy(v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        content = yaml.safe_load(fh) or {}
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return content


USER_SCENARIOS_FILE = "user_scenarios.yaml"
"""Scenarios made in the dashboard's workbench (:mod:`pks.config.user_scenarios`), in the
form of ``scenarios.yaml``, next to it; merged over it (a user name never hides a YAML one:
the workbench refuses names already taken)."""


def read_scenario_maps(model_dir: str | Path) -> dict[str, Any]:
    """``scenarios.yaml`` with the user scenario file's ``overrides``/``scenarios`` merged in."""
    model_dir = Path(model_dir)
    sc = _read_yaml(model_dir / "scenarios.yaml")
    user = _read_yaml(model_dir / USER_SCENARIOS_FILE)
    for key in ("overrides", "scenarios"):
        sc[key] = {**(user.get(key) or {}), **(sc.get(key) or {})}
    return sc


def scenario_names(model_dir: str | Path) -> list[str]:
    """Scenario names and override names defined by the instance (``base`` first)."""
    sc = read_scenario_maps(model_dir)
    names = ["base", *sc.get("scenarios", {}), *sc.get("overrides", {})]
    return list(dict.fromkeys(names))


def resolve_scenario_dict(model_dir: str | Path, scenario: str = "base") -> dict[str, Any]:
    """Merged configuration dict of ``scenario`` (before validation)."""
    model_dir = Path(model_dir)
    base = _read_yaml(model_dir / "model.yaml")
    sc = read_scenario_maps(model_dir)
    overrides: dict[str, Any] = sc.get("overrides", {}) or {}
    scenarios: dict[str, list[str]] = sc.get("scenarios", {}) or {}
    if scenario == "base":
        names: list[str] = []
    elif scenario in scenarios:
        names = list(scenarios[scenario])
    elif scenario in overrides:
        names = [scenario]
    else:
        raise ConfigError(
            f"unknown scenario {scenario!r}; known: {', '.join(scenario_names(model_dir))}"
        )
    missing = [n for n in names if n not in overrides]
    if missing:
        raise ConfigError(f"scenario {scenario!r} uses undefined overrides: {missing}")
    merged = base
    for n in names:
        merged = deep_merge(merged, overrides[n])
    merged["name"] = scenario
    data = merged.setdefault("data", {})
    inst = Path(data.get("instance_dir", "data/demo_region"))
    if not inst.is_absolute():
        # instance_dir is relative to the repository root = the model dir's grandparent
        data["instance_dir"] = str((model_dir.resolve().parent.parent / inst).resolve())
    return merged


def load_scenario(model_dir: str | Path, scenario: str = "base") -> ScenarioConfig:
    """Resolve and validate one scenario of a model instance.

    Raises
    ------
    ConfigError
        With every validation problem listed, before anything is computed.
    """
    merged = resolve_scenario_dict(model_dir, scenario)
    try:
        return ScenarioConfig.model_validate(merged)
    except ValidationError as exc:
        lines = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        ]
        raise ConfigError(
            f"invalid configuration for scenario {scenario!r}:\n  " + "\n  ".join(lines)
        ) from None
