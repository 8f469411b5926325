"""Fixtures of the forecast tests (tiny hand-built data in :mod:`tiny`)."""

from __future__ import annotations

import pytest

from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData

from .tiny import make_cfg, make_data


@pytest.fixture(scope="session")
def tiny_data() -> PlanningData:
    return make_data()


@pytest.fixture(scope="session")
def tiny_cfg() -> ScenarioConfig:
    return make_cfg()
