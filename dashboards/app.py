"""Deployable entry point of the PKS dashboard (WSGI).

    PKS_DATABASE_URL=postgresql+psycopg://... PKS_MODEL_DIR=models/demo_region \
    PKS_USERS_FILE=/etc/pks/users.yaml PKS_SECRET_KEY=... \
    gunicorn --workers 2 --threads 4 --bind 0.0.0.0:8050 dashboards.app:server

All code lives in the ``pks`` package; this file only builds the app from the environment
(see :func:`pks.dashboard.settings.settings_from_env`). Served on anything but loopback,
the app asks for a login (users file with hashed passwords, ``pks dashboard-user``).
Site-specific styling goes in ``dashboards/assets/`` (served after the package's CSS).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pks.dashboard.app import create_app
from pks.dashboard.settings import settings_from_env

ASSETS = Path(__file__).resolve().parent / "assets"

app = create_app(dataclasses.replace(settings_from_env(), assets_dir=str(ASSETS)))
server = app.server
