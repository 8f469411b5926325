"""Settings of one dashboard process: where the store and the model instance are."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

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
    cache_dir : folder of the background-job cache (diskcache); empty: a private per-user
        folder (:func:`pks.dashboard.auth.files.default_cache_dir`), never the shared /tmp.
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
    cache_dir: str = ""
    secret_key: str = ""
    cache_ttl_s: float = 5.0
    assets_dir: str | None = None
    job_replications: int = 20
    """Replications of a simulation started from the dashboard (a quick look; the CLI's
    ``pks simulate`` uses the scenario's precision rule)."""
    """Folder of extra static assets (site CSS); the package's own CSS is always included."""
    secure_cookies: bool | None = None
    """Session cookie only over HTTPS; ``None``: whenever served beyond loopback (then
    behind a TLS-terminating reverse proxy, see the README's security section)."""
    proxy_hops: int = 0
    """Reverse proxies in front that set ``X-Forwarded-For/-Proto`` (trusted, e.g. 1)."""
    session_hours: float = 8.0
    """A login lasts this long at most (a working day)."""
    max_upload_bytes: int = 10 * 2**20
    """Largest uploaded file (and, with encoding overhead, request) accepted."""
    max_inflated_bytes: int = 100 * 2**20
    """Largest total uncompressed size of an uploaded workbook (an .xlsx is a zip)."""
    max_inflate_ratio: float = 100.0
    """Largest compression ratio of any member of an uploaded workbook (zip bombs: ~1000)."""
    max_upload_rows: int = 500_000
    """Most data rows in one upload (all files and sheets together)."""

    @property
    def resolved_cache_dir(self) -> str:
        """The job cache folder: ``cache_dir``, else a private per-user folder per store."""
        from pks.dashboard.auth.files import default_cache_dir

        return self.cache_dir or str(default_cache_dir(self.db_url))

    @property
    def cookies_secure(self) -> bool:
        """True when the session cookie carries the ``Secure`` flag."""
        return self.host not in LOOPBACK if self.secure_cookies is None else self.secure_cookies

    @property
    def max_request_bytes(self) -> int:
        """Largest HTTP request body: one upload in base64 (4/3) plus the callback's JSON."""
        return self.max_upload_bytes * 4 // 3 + 2**20

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
    ``PKS_DASHBOARD_PORT``, ``PKS_USERS_FILE``, ``PKS_REQUIRE_LOGIN``, ``PKS_CACHE_DIR``,
    ``PKS_SECRET_KEY``, ``PKS_SECURE_COOKIES``, ``PKS_PROXY_HOPS`` and ``PKS_MAX_UPLOAD_MB``.

    A deployed app (gunicorn behind a proxy) requires login unless ``PKS_REQUIRE_LOGIN=0``.
    """
    e = dict(os.environ if env is None else env)
    req = e.get("PKS_REQUIRE_LOGIN")
    sec = e.get("PKS_SECURE_COOKIES")
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
        secure_cookies=None if sec is None else sec.strip().lower() in ("1", "true", "yes"),
        proxy_hops=int(e.get("PKS_PROXY_HOPS", "0")),
        max_upload_bytes=int(float(e.get("PKS_MAX_UPLOAD_MB", "10")) * 2**20),
    )
