"""Governance: action plans, agreements, calendar, comments, analyses and plan versions.

Requirements R-03, R-06, R-18, R-20, R-21, R-40, R-41, R-43..R-45, R-52, R-53.

One module per concept; every record table lives in :mod:`pks.governance.records` on the
area's own ``MetaData`` and every change is written together with its audit record
(:mod:`pks.data.audit`) in one store transaction. Public entry points used by other areas:

* :func:`pks.governance.comments.comments_for_month` — the node-month comments of a month
  for the monthly board report;
* :func:`pks.governance.calendar.interim_report_dates` — the region's interim-report dates.
"""

from pks.governance.calendar import interim_report_dates
from pks.governance.comments import comments_for_month

__all__ = ["comments_for_month", "interim_report_dates"]
