"""Fixtures of the security tests: a seeded store, users, and the app with login on."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pks.dashboard.access import Principal
from pks.dashboard.settings import DashboardSettings

REPO = Path(__file__).resolve().parents[2]
PASSWORDS = {"anna": "pw-anna-12345", "admin": "pw-admin-12345", "per": "pw-per-123456"}


def _seed_module() -> Any:
    spec = importlib.util.spec_from_file_location("pks_test_seed",
                                                  REPO / "tests" / "dashboard" / "seed.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A seeded SQLite store (template) and its unit ids."""
    path = tmp_path_factory.mktemp("secstore") / "pks.db"
    store, data = _seed_module().seed_store(f"sqlite:///{path}", 4)
    store.close()
    return path, list(data.unit_ids)


@pytest.fixture
def db(seeded: tuple[Path, list[str]], tmp_path: Path) -> Path:
    dst = tmp_path / "pks.db"
    shutil.copy(seeded[0], dst)
    return dst


@pytest.fixture
def units(seeded: tuple[Path, list[str]]) -> list[str]:
    return seeded[1]


def settings_for(db: Path, tmp: Path, **kw: Any) -> DashboardSettings:
    base: dict[str, Any] = dict(db_url=f"sqlite:///{db}",
                                model_dir=str(REPO / "models" / "demo_region"),
                                cache_dir=str(tmp / "cache"), cache_ttl_s=0.0,
                                host="0.0.0.0")
    base.update(kw)
    return DashboardSettings(**base)


@pytest.fixture
def add_users(db: Path, units: list[str]) -> Callable[[], None]:
    """Put anna (manager of the first unit), per (planner) and admin into the store."""
    def add() -> None:
        from pks.dashboard.auth.users import UserStore
        from pks.data.store import Store

        actor = Principal("setup", "admin")
        with Store.open(f"sqlite:///{db}") as s:
            u = UserStore(s)
            u.add(actor, "anna", "first_line_manager", (units[0],), PASSWORDS["anna"])
            u.add(actor, "per", "planner", (), PASSWORDS["per"])
            u.add(actor, "admin", "admin", (), PASSWORDS["admin"])
    return add


@pytest.fixture
def app(db: Path, tmp_path: Path, add_users: Callable[[], None]) -> Any:
    """The dashboard served beyond loopback (login on, secure cookies) with three users."""
    from pks.dashboard.app import create_app

    add_users()
    return create_app(settings_for(db, tmp_path))


def csrf_of(html: bytes) -> str:
    marker = b'name="csrf_token" value="'
    i = html.index(marker) + len(marker)
    return html[i:html.index(b'"', i)].decode()


def login(client: Any, user: str, password: str | None = None, next_: str = "") -> Any:
    """GET the form, POST it with its CSRF token; returns the POST's response."""
    form = client.get("/login")
    url = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"username": user, "password": password or PASSWORDS[user],
                                  "csrf_token": csrf_of(form.data)})
