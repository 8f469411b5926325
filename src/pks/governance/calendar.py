"""The planning and reporting calendar of a region (R-52, R-20), as configuration.

``models/<instance>/calendar.yaml`` lists the steps of the annual planning cycle — each
with a PKS level, who sets it, a window (``start``/``due`` as ``MM-DD`` in the planning
year, the year before the budget year) and optionally the plan level and node type whose
agreements show it is done — and the reporting dates (interim reports and the annual
report; the monthly report is always made).

:func:`calendar_status` places a date in the cycle: a step is *done* when its tracked nodes
are all agreed, *current* inside its window, *late* after its due date when tracked and not
done, *past* after its due date when not tracked, *upcoming* before its window.
:func:`due_items` are the steps that need attention: current, late, or due within
``DUE_SOON_DAYS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pks.data.checks import Issue, ValidationFailed
from pks.governance.validation import Field, check_frame, check_unique

CALENDAR_FILE = "calendar.yaml"
DUE_SOON_DAYS = 45
"""An upcoming step whose due date is this close counts as due."""
PKS_LEVELS: tuple[str, ...] = ("political", "strategic", "tactical", "operative")
PLAN_LEVELS: tuple[str, ...] = ("strategic", "tactical", "operative")
STEP_FIELDS: tuple[Field, ...] = (
    Field("id", "str", required=True),
    Field("name_sv", "str", required=True),
    Field("name_en", "str", required=True),
    Field("level", "str", required=True, allowed=PKS_LEVELS),
    Field("set_by", "str", required=True),
    Field("start", "monthday", required=True),
    Field("due", "monthday", required=True),
    Field("plan_level", "str", allowed=PLAN_LEVELS),
    Field("node_type", "str"),
    Field("revision", "str", allowed=("true", "false")),
)
REPORT_FIELDS: tuple[Field, ...] = (
    Field("kind", "str", required=True, allowed=("interim", "annual")),
    Field("date", "monthday", required=True),
)


@dataclass(frozen=True)
class Step:
    """One step of the annual planning cycle (dates in the planning year)."""

    id: str
    name_sv: str
    name_en: str
    level: str
    set_by: str
    start: str
    due: str
    plan_level: str | None = None
    node_type: str | None = None
    revision: bool = False
    """The Finansplan-type revision: re-run the plan with updated prerequisites."""

    def name(self, lang: str) -> str:
        """The step's name in ``lang``."""
        return self.name_en if lang == "en" else self.name_sv

    def window(self, year: int) -> tuple[dt.date, dt.date]:
        """Start and due date in planning year ``year``."""
        return (dt.date.fromisoformat(f"{year}-{self.start}"),
                dt.date.fromisoformat(f"{year}-{self.due}"))


@dataclass(frozen=True)
class Calendar:
    """A region's planning cycle and reporting dates."""

    region: str
    steps: tuple[Step, ...]
    interim: tuple[str, ...]
    """Interim-report dates (``MM-DD``)."""
    annual: str
    """Annual-report date (``MM-DD``)."""


def parse_calendar(content: Mapping[str, Any]) -> Calendar:
    """A :class:`Calendar` from the YAML mapping.

    Raises :class:`ValidationFailed` listing every problem (table ``calendar.steps`` or
    ``calendar.reports``, row = 1-based entry).
    """
    issues: list[Issue] = []
    raw_steps = content.get("steps") or []
    raw_reports = content.get("reports") or []
    if not isinstance(raw_steps, list) or not raw_steps:
        issues.append(Issue("calendar", None, "steps", "", "a list of steps", "missing_value"))
        raw_steps = []
    if not isinstance(raw_reports, list):
        issues.append(Issue("calendar", None, "reports", "", "a list", "missing_value"))
        raw_reports = []
    steps = pd.DataFrame([{k: (str(v).lower() if isinstance(v, bool) else v)
                           for k, v in s.items()} for s in raw_steps if isinstance(s, dict)])
    sf, si = check_frame("calendar.steps", steps, STEP_FIELDS) if len(steps) else \
        (pd.DataFrame(columns=[f.name for f in STEP_FIELDS]), [])
    issues += si
    if len(sf):
        issues += check_unique("calendar.steps", sf["id"], "id")
        for pos, r in enumerate(sf.itertuples(index=False), start=1):
            if r.start and r.due and r.due < r.start:
                issues.append(Issue("calendar.steps", pos, "due", str(r.due), f"≥ {r.start}",
                                    "below_min"))
            if (r.plan_level is None) != (r.node_type is None):
                issues.append(Issue("calendar.steps", pos, "node_type" if r.node_type is None
                                    else "plan_level", "", "plan_level and node_type together",
                                    "missing_value"))
    reports = pd.DataFrame(raw_reports)
    rf, ri = check_frame("calendar.reports", reports, REPORT_FIELDS) if len(reports) else \
        (pd.DataFrame(columns=["kind", "date"]), [])
    issues += ri
    if len(rf) and (rf["kind"] == "annual").sum() != 1:
        issues.append(Issue("calendar.reports", None, "kind", str((rf["kind"] == "annual").sum()),
                            "exactly one annual report", "not_allowed"))
    if issues:
        raise ValidationFailed(issues)
    out = tuple(Step(id=r.id, name_sv=r.name_sv, name_en=r.name_en, level=r.level,
                     set_by=r.set_by, start=r.start, due=r.due, plan_level=r.plan_level,
                     node_type=r.node_type, revision=r.revision == "true")
                for r in sf.itertuples(index=False))
    annual = rf.loc[rf["kind"] == "annual", "date"]
    return Calendar(region=str(content.get("region", "")), steps=out,
                    interim=tuple(sorted(rf.loc[rf["kind"] == "interim", "date"])),
                    annual=str(annual.iloc[0]) if len(annual) else "12-31")


def load_calendar(model_dir: str | Path) -> Calendar:
    """Read and validate ``<model_dir>/calendar.yaml``."""
    path = Path(model_dir) / CALENDAR_FILE
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationFailed([Issue("calendar", None, "", str(path), str(exc)[:200],
                                      "unreadable")]) from exc
    if not isinstance(content, dict):
        raise ValidationFailed([Issue("calendar", None, "", str(path), "a mapping",
                                      "unreadable")])
    return parse_calendar(content)


def calendar_status(cal: Calendar, on: dt.date, done: Mapping[str, bool] | None = None
                    ) -> pd.DataFrame:
    """Every step of the cycle running in ``on``'s year with its state on ``on``.

    Columns ``step_id, level, set_by, start, due, state, days_to_due, revision``;
    ``done`` maps tracked step ids to whether all their nodes are agreed.
    """
    done = done or {}
    rows = []
    for s in cal.steps:
        start, due = s.window(on.year)
        if done.get(s.id):
            state = "done"
        elif start <= on <= due:
            state = "current"
        elif on > due:
            state = "late" if s.id in done else "past"
        else:
            state = "upcoming"
        rows.append({"step_id": s.id, "level": s.level, "set_by": s.set_by, "start": start,
                     "due": due, "state": state, "days_to_due": (due - on).days,
                     "revision": s.revision})
    return pd.DataFrame(rows, columns=["step_id", "level", "set_by", "start", "due", "state",
                                       "days_to_due", "revision"])


def due_items(status: pd.DataFrame, soon_days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """Steps needing attention: current, late, or upcoming and due within ``soon_days``."""
    keep = status["state"].isin(["current", "late"]) | (
        (status["state"] == "upcoming") & (status["days_to_due"] <= soon_days))
    return status[keep].sort_values("due").reset_index(drop=True)


def current_steps(status: pd.DataFrame) -> list[str]:
    """Ids of the steps whose window contains the date."""
    return status.loc[status["state"] == "current", "step_id"].tolist()


def interim_report_dates(cal: Calendar, year: int) -> list[dt.date]:
    """The interim-report dates and the annual-report date of ``year``, in order."""
    return sorted([dt.date.fromisoformat(f"{year}-{d}") for d in cal.interim]
                  + [dt.date.fromisoformat(f"{year}-{cal.annual}")])


def week_date(iso_week: str) -> dt.date:
    """The Monday of an ISO week ``YYYY-Www`` (the date a week-stamped instance is at)."""
    y, w = iso_week.split("-W")
    return dt.date.fromisocalendar(int(y), int(w), 1)


def tracked_done(store: Any, tree: Any, cal: Calendar, scenario: str) -> dict[str, bool]:
    """Whether each tracked step is done: all its nodes agreed in the latest plan of its level.

    ``store`` is a :class:`pks.data.store.Store`, ``tree`` an
    :class:`pks.data.tree.OrgTree`. A step without a stored plan of its level is not done.
    """
    from pks.governance.agreements import overview

    out: dict[str, bool] = {}
    for s in cal.steps:
        if s.plan_level is None or s.node_type is None:
            continue
        info = store.latest_run("plan", scenario=scenario, level=s.plan_level)
        nodes = [str(n) for n in tree.nodes.index
                 if str(tree.nodes.at[n, "node_type"]) == s.node_type]
        if info is None or not nodes:
            out[s.id] = False
            continue
        ov = overview(store, tree, info.run_id, nodes)
        out[s.id] = bool((~ov["unagreed"]).all())
    return out
