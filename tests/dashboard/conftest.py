"""Fixtures: a temporary SQLite store seeded with a small generated region and plan runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pks.dashboard.access import Principal
from pks.dashboard.data import DataService
from pks.dashboard.settings import DashboardSettings

from .seed import seed_store


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite file (session-wide template; tests copy it before writing)."""
    path = tmp_path_factory.mktemp("store") / "pks.db"
    store, _ = seed_store(f"sqlite:///{path}", 6)
    store.close()
    return path


@pytest.fixture
def db_copy(seeded_db: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded store for tests that write."""
    dst = tmp_path / "pks.db"
    shutil.copy(seeded_db, dst)
    return dst


def make_settings(db: Path, repo_root: Path, tmp: Path, **kw: object) -> DashboardSettings:
    return DashboardSettings(db_url=f"sqlite:///{db}",
                             model_dir=str(repo_root / "models" / "demo_region"),
                             cache_dir=str(tmp / "cache"), cache_ttl_s=0.0, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def svc(seeded_db: Path, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> DataService:
    """A read-only data service on the seeded store (shared; do not write through it)."""
    s = make_settings(seeded_db, repo_root, tmp_path_factory.mktemp("svc"))
    return DataService(s)


@pytest.fixture
def svc_rw(db_copy: Path, repo_root: Path, tmp_path: Path) -> DataService:
    """A data service on a private copy of the store (may write)."""
    return DataService(make_settings(db_copy, repo_root, tmp_path))


@pytest.fixture(scope="session")
def units(svc: DataService) -> list[str]:
    return svc.snapshot().unit_ids


@pytest.fixture(scope="session")
def manager(units: list[str]) -> Principal:
    """A first-line manager of the first unit only."""
    return Principal("anna", "first_line_manager", (units[0],))
