"""Fixtures of the generator tests: each committed region is generated once per session."""

from __future__ import annotations

import pytest

from pks.cli.dev_cmds import DEMO_SEED
from pks.data.planning_data import PlanningData
from pks.demo import demo_spec, generate_region, vasterbotten_spec


@pytest.fixture(scope="session")
def demo() -> PlanningData:
    """The demo region exactly as committed (seed of ``pks dev generate-demo``)."""
    return generate_region(demo_spec(), DEMO_SEED)


@pytest.fixture(scope="session")
def vasterbotten() -> PlanningData:
    """The Västerbotten-style instance as committed."""
    return generate_region(vasterbotten_spec(), DEMO_SEED)
