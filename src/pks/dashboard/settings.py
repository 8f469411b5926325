"""Settings of one dashboard process: where the store and the model instance are."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class DashboardSettings:
    """How to serve the dashboard.

    Attributes
    ----------
    db_url : SQLAlchemy URL of the store (``sqlite:///var/pks.db``, ``postgresql+psycopg://...``).
    model_dir : model instance folder (``model.yaml``, ``scenarios.yaml``).
    scenario : scenario shown first.
    host, port : where to bind; anything but loopback requires login.
    users_file : YAML file of users (see :mod:`pks.dashboard.access`); ``None`` reads the
        model config's ``dashboard.users_file``.
    require_login : force login on or off; ``None``: on whenever ``host`` is not loopback.
    cache_dir : folder of the background-job cache (diskcache).
    secret_key : signs session cookies and job tokens; random per process when empty
        (set ``PKS_SECRET_KEY`` when several workers serve the same app).
    cache_ttl_s : how long a loaded snapshot of the store is reused before it is checked.
    assets_dir : folder of extra static assets (site CSS, logo), e.g. ``dashboards/assets``.
    """

    db_url: str = "sqlite:///var/pks.db"
    model_dir: str = "models/demo_region"
    scenario: str = "base"
    host: str = "127.0.0.1"
    port: int = 8050
    users_file: str | None = None
    require_login: bool | None = None
    cache_dir: str = field(default_factory=lambda: str(Path(tempfile.gettempdir())
                                                       / "pks-dashboard-cache"))
    secret_key: str = ""
    cache_ttl_s: float = 5.0
    assets_dir: str | None = None
    job_replications: int = 20
    """Replications of a simulation started from the dashboard (a quick look; the CLI's
    ``pks simulate`` uses the scenario's precision rule)."""
    """Folder of extra static assets (site CSS); the package's own CSS is always included."""

    @property
    def login_required(self) -> bool:
        """True when the app must ask for a login."""
        if self.require_login is not None:
            return self.require_login
        return self.host not in LOOPBACK

    @property
    def address(self) -> str:
        """The URL the app is served at."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def resolved_secret(self) -> str:
        """The secret key, or a random one."""
        return self.secret_key or _PROCESS_SECRET


_PROCESS_SECRET = secrets.token_hex(32)


def settings_from_env(env: dict[str, str] | None = None) -> DashboardSettings:
    """Settings from the environment.

    Reads ``PKS_DATABASE_URL``, ``PKS_MODEL_DIR``, ``PKS_SCENARIO``, ``PKS_DASHBOARD_HOST``,
    ``PKS_DASHBOARD_PORT``, ``PKS_USERS_FILE``, ``PKS_REQUIRE_LOGIN``, ``PKS_CACHE_DIR`` and
    ``PKS_SECRET_KEY``.

    A deployed app (gunicorn behind a proxy) requires login unless ``PKS_REQUIRE_LOGIN=0``.
    """
    e = dict(os.environ if env is None else env)
    req = e.get("PKS_REQUIRE_LOGIN")
    defaults = DashboardSettings()
    return DashboardSettings(
        db_url=e.get("PKS_DATABASE_URL", defaults.db_url),
        model_dir=e.get("PKS_MODEL_DIR", defaults.model_dir),
        scenario=e.get("PKS_SCENARIO", defaults.scenario),
        host=e.get("PKS_DASHBOARD_HOST", "0.0.0.0"),
        port=int(e.get("PKS_DASHBOARD_PORT", str(defaults.port))),
        users_file=e.get("PKS_USERS_FILE") or None,
        require_login=None if req is None else req.strip().lower() in ("1", "true", "yes"),
        cache_dir=e.get("PKS_CACHE_DIR", defaults.cache_dir),
        secret_key=e.get("PKS_SECRET_KEY", ""),
    )
