"""Model-instance configuration: frozen pydantic sections and the scenario loader."""

from pks.config.loader import load_scenario
from pks.config.schema import DataConfig, ScenarioConfig

__all__ = ["DataConfig", "ScenarioConfig", "load_scenario"]
