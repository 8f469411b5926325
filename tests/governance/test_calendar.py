"""The planning and reporting calendar: demo date, due items, interim dates, validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pks.config.loader import load_scenario
from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.data.tree import OrgTree
from pks.governance import interim_report_dates
from pks.governance.agreements import act
from pks.governance.calendar import (
    calendar_status,
    current_steps,
    due_items,
    load_calendar,
    parse_calendar,
    tracked_done,
    week_date,
)

from .conftest import User


def test_demo_region_current_step_and_due_items(repo_root: Path) -> None:
    model = repo_root / "models" / "demo_region"
    cal = load_calendar(model)
    on = week_date(load_scenario(model).data.as_of_week)  # 2026-W46 → Monday 9 November
    assert on == dt.date(2026, 11, 9)
    st = calendar_status(cal, on)
    assert current_steps(st) == ["area_plans", "finansplan", "division_plans", "unit_plans"]
    s = st.set_index("step_id")
    assert s.at["strategic_plan", "state"] == "past" and s.at["close", "state"] == "upcoming"
    assert s.at["area_plans", "days_to_due"] == 21  # due 30 November
    assert bool(s.at["finansplan", "revision"])
    due = due_items(st)
    assert list(due["step_id"]) == ["area_plans", "finansplan", "division_plans", "unit_plans"]
    # the closing step (due in 52 days) becomes due within 60 days
    assert "close" in set(due_items(st, soon_days=60)["step_id"])


def test_tracked_steps_late_and_done(repo_root: Path, store: Store, tree: OrgTree,
                                     plan_id: str, strategist: User) -> None:
    cal = load_calendar(repo_root / "models" / "demo_region")
    done = tracked_done(store, tree, cal, "base")
    assert done == {"area_plans": False, "division_plans": False, "unit_plans": False}
    st = calendar_status(cal, dt.date(2026, 12, 20), done).set_index("step_id")
    assert st.at["area_plans", "state"] == "late"  # tracked, not agreed, due 30 November
    assert st.at["finansplan", "state"] == "past"  # not tracked
    division = [n for n in tree.nodes.index if tree.nodes.at[n, "node_type"] == "division"]
    for d in division:
        act(store, tree, strategist, plan_id, d, "propose")
        act(store, tree, strategist, plan_id, d, "agree")
    assert tracked_done(store, tree, cal, "base")["division_plans"] is True


def test_interim_report_dates(repo_root: Path) -> None:
    nb = load_calendar(repo_root / "models" / "demo_region")
    vb = load_calendar(repo_root / "models" / "vasterbotten_style")
    assert interim_report_dates(nb, 2026) == [dt.date(2026, 8, 31), dt.date(2026, 12, 31)]
    assert interim_report_dates(vb, 2026) == [dt.date(2026, 4, 30), dt.date(2026, 8, 31),
                                              dt.date(2026, 12, 31)]


def test_vasterbotten_cycle(repo_root: Path) -> None:
    cal = load_calendar(repo_root / "models" / "vasterbotten_style")
    st = calendar_status(cal, dt.date(2026, 3, 20))
    assert current_steps(st) == ["board_feedback"]


def test_bad_calendar_lists_every_problem(tmp_path: Path) -> None:
    content = {"steps": [
        {"id": "a", "name_sv": "A", "name_en": "A", "level": "political", "set_by": "rf",
         "start": "06-01", "due": "05-01"},
        {"id": "a", "name_sv": "B", "name_en": "B", "level": "medium", "set_by": "rf",
         "start": "02-30", "due": "06-30", "plan_level": "tactical"},
        {"id": "c", "name_en": "C", "level": "strategic", "set_by": "rd", "start": "01-01",
         "due": "01-31"},
    ], "reports": [{"kind": "interim", "date": "13-01"}]}
    with pytest.raises(ValidationFailed) as exc:
        parse_calendar(content)
    got = {(i.table, i.row, i.column, i.code) for i in exc.value.issues}
    assert got == {
        ("calendar.steps", 1, "due", "below_min"),
        ("calendar.steps", 2, "id", "duplicate_key"),
        ("calendar.steps", 2, "level", "not_allowed"),
        ("calendar.steps", 2, "start", "bad_date"),
        ("calendar.steps", 2, "node_type", "missing_value"),
        ("calendar.steps", 3, "name_sv", "missing_value"),
        ("calendar.reports", 1, "date", "bad_date"),
        ("calendar.reports", None, "kind", "not_allowed"),
    }
    path = tmp_path / "calendar.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    with pytest.raises(ValidationFailed):
        load_calendar(tmp_path)
