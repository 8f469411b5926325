"""Root test configuration shared by every area."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (tests never depend on the working directory)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def demo_model_dir() -> Path:
    """The demo region's model instance folder."""
    return REPO_ROOT / "models" / "demo_region"
