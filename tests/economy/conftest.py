"""Shared fixtures of the economy tests: the demo region's economy scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from pks.economy.scenario import EconomyScenario, load_economy_scenario


@pytest.fixture(scope="session")
def demo_economy(demo_model_dir: Path, repo_root: Path) -> dict[str, EconomyScenario]:
    """Base, industrial growth and cost-up scenarios of the demo region."""
    import os

    cwd = os.getcwd()
    os.chdir(repo_root)  # the instance folder in model.yaml is relative to the repository
    try:
        return {n: load_economy_scenario(demo_model_dir, n)
                for n in ("base", "industrial_growth", "cost_up")}
    finally:
        os.chdir(cwd)
