"""Fixtures: a small generated region in a temporary SQLite store with one tactical plan.

The plan is solved by the optimiser itself (``pks.optimise.run``), as ``pks plan`` does, so
agreements and version comparisons run on a real plan version.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pks.config.loader import load_scenario
from pks.config.schema import ScenarioConfig
from pks.data.planning_data import PlanningData
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.demo import generate_region, sized_spec
from pks.optimise.inputs import demand_for
from pks.optimise.run import horizon_weeks, plan_level, save_level

N_UNITS = 6


@dataclass(frozen=True)
class User:
    """A test user (the same fields as the dashboard's Principal)."""

    username: str
    role: str
    units: tuple[str, ...] = ()


@pytest.fixture(scope="session")
def cfg(repo_root: Path) -> ScenarioConfig:
    return load_scenario(repo_root / "models" / "demo_region", "base")


@pytest.fixture(scope="session")
def region() -> PlanningData:
    return generate_region(sized_spec(N_UNITS), seed=7)


@pytest.fixture(scope="session")
def tree(region: PlanningData) -> OrgTree:
    return OrgTree(region.org_nodes)


@pytest.fixture(scope="session")
def template_db(region: PlanningData, cfg: ScenarioConfig,
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the region's inputs and one draft tactical plan (copied per test)."""
    path = tmp_path_factory.mktemp("gov") / "pks.db"
    store = Store.open(f"sqlite:///{path}")
    store.write_inputs(region, source="tests/governance")
    run = plan_level(region, cfg, "tactical", None,
                     demand_for(region, cfg, horizon_weeks(cfg)))
    assert run.result.ok
    root = str(region.org_nodes.loc[region.org_nodes["parent_id"].isna(), "node_id"].iloc[0])
    save_level(store, run, cfg, None, root)
    store.close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "pks.db"
    shutil.copy(template_db, dst)
    return dst


@pytest.fixture
def store(db_path: Path) -> Store:
    s = Store.open(f"sqlite:///{db_path}")
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture
def plan_id(store: Store) -> str:
    info = store.latest_run("plan", level="tactical")
    assert info is not None
    return info.run_id


@pytest.fixture(scope="session")
def unit(region: PlanningData) -> str:
    return region.unit_ids[0]


@pytest.fixture(scope="session")
def area(tree: OrgTree, unit: str) -> str:
    p = tree.parent(unit)
    assert p is not None and tree.nodes.at[p, "node_type"] == "area"
    return p


@pytest.fixture(scope="session")
def unit_manager(unit: str) -> User:
    return User("ulla", "first_line_manager", (unit,))


@pytest.fixture(scope="session")
def area_head(area: str) -> User:
    return User("anders", "first_line_manager", (area,))


@pytest.fixture(scope="session")
def strategist() -> User:
    return User("stina", "strategist")


@pytest.fixture(scope="session")
def planner() -> User:
    return User("per", "planner")


@pytest.fixture(scope="session")
def vb_tree(repo_root: Path) -> OrgTree:
    import pandas as pd

    return OrgTree(pd.read_csv(repo_root / "data" / "vasterbotten_style" / "org_nodes.csv"))
