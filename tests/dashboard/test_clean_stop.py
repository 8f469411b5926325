"""A clean start and stop: Ctrl+C ends ``pks dashboard`` at once, quietly by default, and
``pks demo`` does not replace a store holding the users' work without ``--reset``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from pks.cli import app as cli_app
from pks.data.store import Store

STOP_WITHIN_S = 2.0
"""The acceptance bound: SIGINT stops the dashboard within two seconds."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db: Path, repo_root: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pks.cli.main", "dashboard", "--db", f"sqlite:///{db}",
         "--model", str(repo_root / "models" / "demo_region"), "--port", str(port), *extra],
        cwd=repo_root, env=dict(os.environ, PKS_CACHE_DIR=str(db.parent / "cache")),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "Ctrl+C" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc, port


def _get(port: int, path: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                return int(r.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[str]) -> tuple[float, str, str]:
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return time.monotonic() - started, out, err


def test_sigint_stops_the_dashboard_at_once_and_it_is_quiet(db_copy: Path, repo_root: Path):
    proc, port = _start(db_copy, repo_root)
    try:
        for path in ("/", "/operativ", "/taktisk", "/rapportering", "/_dash-layout"):
            assert _get(port, path) == 200
        took, out, err = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert took < STOP_WITHIN_S, f"stopped after {took:.2f} s"
    assert proc.returncode == 0
    assert "stoppats" in out
    # no request lines, no queue-depth or development-server warnings, no traceback
    assert "GET /" not in err and "Task queue depth" not in err
    assert "development server" not in err and "Traceback" not in err


def test_verbose_logs_every_request(db_copy: Path, repo_root: Path):
    proc, port = _start(db_copy, repo_root, "--verbose")
    try:
        assert _get(port, "/rapportering") == 200
        took, _, err = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "GET /rapportering 200" in err
    assert took < STOP_WITHIN_S


def test_demo_refuses_to_replace_uploaded_actuals_without_reset(db_copy: Path,
                                                               tmp_path: Path):
    from pks.cli.demo_cmds import user_work

    url = f"sqlite:///{db_copy}"
    runner = CliRunner()
    assert user_work(f"sqlite:///{tmp_path / 'new.db'}") == (False, 0)  # nothing to lose
    # the seeded store: loaded, one tactical plan adopted by its planners (not the demo)
    uploaded, adopted = user_work(url)
    assert not uploaded and adopted == 1
    with Store.open(url) as store:
        ap = store.read_table("actuals_unit")
        store.replace_actuals({"actuals_unit": ap.tail(1)})
        before = (store.input_checksum(), store.row_counts())
    assert user_work(url) == (True, 1)
    r = runner.invoke(cli_app, ["demo", "--db", url, "--no-serve"])
    assert r.exit_code == 1
    assert "--reset" in r.output and "uppladdat utfall: ja; fastställda planer: 1" in r.output
    with Store.open(url) as store:
        assert (store.input_checksum(), store.row_counts()) == before
