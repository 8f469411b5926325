"""The dashboard suite's seeded store and data service, reused for the follow-up page."""

from tests.dashboard.conftest import manager, seeded_db, svc, units

__all__ = ["manager", "seeded_db", "svc", "units"]
