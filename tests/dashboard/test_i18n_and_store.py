"""Message catalogue completeness, and reading while a planner writes (SQLite WAL)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pandas as pd

from pks.data.schema import SCHEMAS
from pks.followup.kpis import KPI_COLUMNS
from pks.i18n import catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "pks"


def test_every_dashboard_message_has_swedish_and_english():
    cat = catalogue()
    used: set[str] = set()
    for folder in ("dashboard", "followup", "cli"):
        for f in (SRC / folder).rglob("*.py"):
            used |= set(re.findall(r"""["'](dash\.[a-z0-9_.]+[a-z0-9_])["']""", f.read_text()))
    spec = SCHEMAS["org_nodes"]
    allowed = {c.name: c.allowed for c in spec.columns}
    used |= {f"dash.nodetype.{v}" for v in allowed["node_type"]}
    used |= {f"dash.ownerrole.{v}" for v in allowed["owner_role"]}
    used |= {f"dash.pkslevel.{v}" for v in allowed["pks_level"]}
    used |= {f"dash.kpiname.{k}" for k in KPI_COLUMNS} | {f"dash.kpi.{k}" for k in KPI_COLUMNS}
    used |= {f"dash.light.{k}" for k in ("green", "amber", "red", "none")}
    used |= {f"dash.month.{m}" for m in range(1, 13)}
    used |= {f"dash.period.{p}" for p in ("week", "month", "cumulative")}
    used |= {f"dash.role.{r}" for r in ("strategist", "planner", "first_line_manager")}
    used |= {f"dash.job.step.{s}" for s in ("load", "solve", "simulate", "save")}
    used |= {f"dash.cov.{s}" for s in ("complete", "partial", "late", "missing")}
    used = {k for k in used if not k.endswith(".")}
    missing = sorted(k for k in used if k not in cat or not cat[k].get("sv") or
                     not cat[k].get("en"))
    assert missing == []


def test_dashboard_reads_while_a_planner_writes(svc_rw, units):
    """A writer saves plan runs in a loop while the dashboard reloads snapshots and views."""
    from pks.dashboard.access import LOCAL_USER
    from pks.dashboard.pages.operative import operative_view
    from pks.data.store import Store

    errors: list[BaseException] = []
    stop = threading.Event()
    tables = {"plan_note": pd.DataFrame({"line": [1], "text": ["x"]})}

    def writer() -> None:
        w = Store.open(svc_rw.settings.db_url)
        try:
            while not stop.is_set():
                w.save_run("plan", tables, scenario="writer", level="tactical")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            w.close()

    th = threading.Thread(target=writer)
    th.start()
    try:
        n_before = len(svc_rw.store.runs())
        for _ in range(2):
            svc_rw.invalidate()
            v = operative_view(svc_rw, LOCAL_USER, units[1], None, "base", "unit", "sv")
            assert len(v["cards"]) == 8
    finally:
        stop.set()
        th.join(timeout=30)
    assert errors == []
    assert len(svc_rw.store.runs()) > n_before
