"""Governance pages: callback bodies called directly with principals (server-side rights)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pks.dashboard.access import Principal
from pks.dashboard.data import DataService
from pks.dashboard.pages import governance, measures_page
from pks.dashboard.settings import DashboardSettings
from pks.governance.agreements import history


@pytest.fixture
def svc(db_path: Path, repo_root: Path, tmp_path: Path) -> DataService:
    return DataService(DashboardSettings(
        db_url=f"sqlite:///{db_path}", model_dir=str(repo_root / "models" / "demo_region"),
        cache_dir=str(tmp_path / "cache"), cache_ttl_s=0.0))


def test_agreement_callbacks_check_rights(svc: DataService, plan_id: str, unit: str,
                                          area: str) -> None:
    ulla = Principal("ulla", "first_line_manager", (unit,))
    anders = Principal("anders", "first_line_manager", (area,))
    per = Principal("per", "planner")
    ok = governance.do_agreement(svc, ulla, plan_id, unit, "propose", "förslag", "sv")
    assert ok.id == "gov-agree-ok"
    for who in (ulla, per):
        assert governance.do_agreement(svc, who, plan_id, unit, "agree", "", "sv").id == \
            "gov-denied"
    other = [u for u in svc.tree().leaves_under(str(svc.tree().root)) if u != unit][0]
    # a unit manager cannot act on another unit's plan (not even see it)
    assert governance.do_agreement(svc, ulla, plan_id, other, "propose", "", "sv").id == \
        "gov-denied"
    assert governance.do_agreement(svc, anders, plan_id, unit, "agree", "", "sv").id == \
        "gov-agree-ok"
    assert list(history(svc.store, plan_id)["status"]) == ["proposed", "agreed"]
    view = governance.agreement_view(svc, Principal("stina", "strategist"), plan_id, "sv")
    assert "1 av" not in str(view[0].children)  # the flag counts every unagreed node
    assert str(len(svc.tree().nodes) - 1) in str(view[0].children)


def test_layouts_render_in_both_languages(svc: DataService, unit: str) -> None:
    for lang in ("sv", "en"):
        for mod in (governance, measures_page):
            lay = mod.make_layout(svc, lambda: Principal("stina", "strategist"))(lang=lang)
            assert lay is not None
        lay = governance.make_layout(svc, lambda: Principal("u", "first_line_manager",
                                                            (unit,)))(lang=lang)
        assert "gov-cal-current" in str(lay)


def test_measure_clears_deficit_warning(svc: DataService) -> None:
    stina = Principal("stina", "strategist")
    w = measures_page.warnings_frame(svc, stina)
    assert not w.empty and "deficit" in set(w["reason"])
    node = str(w["node_id"].iloc[-1])
    res = measures_page.do_save(svc, stina, {"node_id": node, "title": "Minska hyrpersonal",
                                             "owner_body": "Divisionen", "expected_mnkr": -2.0,
                                             "effect_year": 2027, "status": "planned"}, "sv")
    assert res.id == "gov-m-ok"
    assert node not in set(measures_page.warnings_frame(svc, stina)["node_id"])
    bad = measures_page.do_save(svc, stina, {"node_id": node, "title": "", "owner_body": "",
                                             "effect_year": None, "status": "planned"}, "sv")
    assert bad.id == "gov-m-invalid"
    unit_mgr = Principal("ulla", "first_line_manager", (svc.snapshot().unit_ids[0],))
    denied = measures_page.do_save(svc, unit_mgr, {"node_id": node, "title": "x",
                                                   "owner_body": "y", "effect_year": 2027,
                                                   "status": "planned"}, "sv")
    assert denied.id == "gov-m-denied"


def test_audit_visible_to_roles_that_see_the_node(svc: DataService, plan_id: str, unit: str,
                                                  area: str) -> None:
    ulla = Principal("ulla", "first_line_manager", (unit,))
    anders = Principal("anders", "first_line_manager", (area,))
    governance.do_agreement(svc, anders, plan_id, area, "propose", "områdets plan", "sv")
    governance.do_agreement(svc, ulla, plan_id, unit, "propose", "enhetens plan", "sv")
    own = str(governance.audit_view(svc, ulla, "sv"))
    assert "enhetens plan" in own and "områdets plan" not in own
    both = str(governance.audit_view(svc, anders, "sv"))
    assert "enhetens plan" in both and "områdets plan" in both
    assert "områdets plan" in str(governance.audit_view(svc, Principal("s", "strategist"),
                                                        "sv"))


def test_measures_export_scoped_to_the_user(svc: DataService, unit: str, area: str) -> None:
    from pks.dashboard.app import export_frame

    stina = Principal("stina", "strategist")
    for node, mid in ((unit, "U-1"), (area, "A-1")):
        assert measures_page.do_save(svc, stina, {
            "node_id": node, "measure_id": mid, "title": "t", "owner_body": "o",
            "effect_year": 2027, "status": "planned"}, "sv").id == "gov-m-ok"
    assert export_frame(svc, stina, "gov_measures", {"page": "measures"})[
        "measure_id"].tolist() == ["A-1", "U-1"]
    ulla = Principal("ulla", "first_line_manager", (unit,))
    assert export_frame(svc, ulla, "gov_measures", {"page": "measures"})[
        "measure_id"].tolist() == ["U-1"]


def test_pages_flag_a_plan_until_every_node_has_agreed(svc: DataService, plan_id: str,
                                                      unit: str, unit_manager, area_head):
    from pks.dashboard.data import PlanRef
    from pks.dashboard.pages.common import plan_note
    from pks.governance.agreements import act

    ref = PlanRef(plan_id, "base", "tactical", "draft", "2026-11-09")
    before = svc.unagreed(ref)
    assert before is not None and before[0] == before[1] > 0
    note = plan_note(ref, "sv", before)
    assert "plan-unagreed" in note.className
    assert f"inte överenskommen för {before[0]} av {before[1]} noder" in note.children
    act(svc.store, svc.tree(), unit_manager, plan_id, unit, "propose")
    act(svc.store, svc.tree(), area_head, plan_id, unit, "agree")
    after = svc.unagreed(ref)
    assert after == (before[0] - 1, before[1])
    assert "warn" not in plan_note(ref, "en", (0, before[1])).className
    adopted = PlanRef(plan_id, "base", "tactical", "adopted", "2026-11-09")
    assert svc.unagreed(adopted) is None  # the binding plan is not flagged
