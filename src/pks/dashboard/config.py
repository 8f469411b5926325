"""Dashboard settings (section ``dashboard``)."""

from __future__ import annotations

from pks.base import FrozenModel


class DashboardConfig(FrozenModel):
    """Dashboard serving and traffic-light settings."""

    host: str = "127.0.0.1"
    """Address to bind; anything but loopback requires login."""
    port: int = 8050
    """Port to serve on."""
