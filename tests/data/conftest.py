"""Fixtures of the data-layer tests: tiny valid regions and a real PostgreSQL server.

The PostgreSQL server is started once per test session on 127.0.0.1 with the system's
``initdb``/``pg_ctl`` (``/usr/lib/postgresql/*/bin``), in a temporary folder, on a free
port, and stopped at the end. When running as root (initdb refuses root) the server runs
as the user ``nobody``. If it cannot start, PostgreSQL tests are skipped locally and fail
when ``CI=true``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tiny_region import tiny_tables  # noqa: E402

from pks.data.parse import coerce_tables  # noqa: E402


@pytest.fixture(params=["norrbotten", "vasterbotten"])
def style(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def tiny() -> dict[str, pd.DataFrame]:
    """A valid Norrbotten-style tiny region (fresh copy per test)."""
    return tiny_tables("norrbotten")


@pytest.fixture
def tiny_canon() -> dict[str, pd.DataFrame]:
    return coerce_tables(tiny_tables("norrbotten"))


# --------------------------------------------------------------------------- PostgreSQL


@dataclass
class PgServer:
    host: str
    port: int
    user: str

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host=self.host, port=self.port, user=self.user,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL server unavailable in CI: {reason}")
    pytest.skip(f"PostgreSQL server unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """A PostgreSQL server on loopback for the whole session."""
    bindir = _pg_bin()
    if bindir is None:
        _unavailable("initdb/pg_ctl not found (apt-get install postgresql)")
    assert bindir is not None
    base = Path(tempfile.mkdtemp(prefix="pks-pg-"))
    data, sock, logf = base / "data", base / "sock", base / "server.log"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody", str(base)], check=True)
        prefix = ["runuser", "-u", "nobody", "--"]
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "pks",
                        "--auth=trust", "-E", "UTF8", "--locale=C"], check=True,
                       capture_output=True, env=env, timeout=120)
        opts = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off -c max_connections=50")
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(logf),
                        "-o", opts, "-w", "-t", "60", "start"], check=True,
                       capture_output=True, env=env, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        log_text = logf.read_text(errors="replace")[-2000:] if logf.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        _unavailable(f"{exc}: {detail.decode(errors='replace')[-500:]} {log_text}")
    try:
        yield PgServer("127.0.0.1", port, "pks")
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], capture_output=True, env=env, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: PgServer) -> str:
    """URL of a fresh, empty PostgreSQL database."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty store URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sub' / 'pks.db'}"
    server: PgServer = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    from pks.data.store import Store

    s = Store.open(store_url)
    try:
        yield s
    finally:
        s.close()
