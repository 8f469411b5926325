"""Print the board report's HTML to PDF with headless Chromium (the report's edge)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
)


def find_chromium() -> str | None:
    """Path of a Chromium executable (``PKS_CHROMIUM`` or the usual names)."""
    env = os.environ.get("PKS_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def html_to_pdf(html_text: str, out: str | Path, chromium: str | None = None,
                timeout_s: float = 60.0) -> Path:
    """Print HTML to PDF with headless Chromium (``--print-to-pdf``).

    Raises
    ------
    RuntimeError
        If Chromium is missing or fails.
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise RuntimeError("Chromium not found (install the chromium package or set "
                           "PKS_CHROMIUM)")
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="pks-report-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html_text, encoding="utf-8")
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                              check=False)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-500:]}")
    return out
