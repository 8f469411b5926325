"""The dashboard suite's seeded store and data service, reused for the follow-up page."""

from tests.dashboard.conftest import db_copy, manager, seeded_db, svc, units

__all__ = ["db_copy", "manager", "seeded_db", "svc", "units"]
