"""Browser-test plumbing shared by the dashboard and governance suites.

Debian's Chromium driven by playwright (no browser download); the app served by werkzeug
on 127.0.0.1 in a background thread. In CI (``CI=true``) a missing Chromium fails the
tests; locally they are skipped.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PKS_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"


def require_chromium() -> None:
    """Skip (locally) or fail (CI) when Chromium is missing."""
    if Path(CHROMIUM).exists():
        return
    msg = f"Chromium not found at {CHROMIUM}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + " (CI=true: browser tests must run)")
    pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """The app served by werkzeug in a background thread."""

    def __init__(self, settings: Any) -> None:
        from werkzeug.serving import make_server

        from pks.dashboard.app import create_app

        self.app = create_app(settings)
        self.port = settings.port
        self.server = make_server("127.0.0.1", self.port, self.app.server, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def launch_browser() -> Iterator[Any]:
    """A headless Chromium for a module-scoped fixture (closed afterwards)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
