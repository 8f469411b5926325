"""The simulated scenario's failing region targets are each named with a cause."""

from __future__ import annotations

import pytest

from pks.followup.target_causes import cause_lines, failing_causes
from pks.i18n import t


def test_every_failing_region_target_of_the_simulation_is_named(scenario) -> None:  # type: ignore[no-untyped-def]
    v = scenario.sim["sim_verdicts"]
    failing = list(v[(v["node_type"] == "region") & ~v["met"].astype(bool)]["target"])
    causes = failing_causes(v, scenario.sim.get("sim_beds"))
    assert [c.target for c in causes] == failing
    for lang in ("sv", "en"):
        text = "\n".join(cause_lines(causes, lang))
        for target in failing:
            assert t(f"simulate.target.{target}", lang) in text
        if not failing:
            assert text == t("gaps.causes.none", lang)


def test_list_target_read_from_the_plan_is_the_simulators(scenario) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from pks.followup.target_causes import plan_list_targets

    p = scenario.sim_params
    beds_last = str(scenario.sim["sim_beds"]["week"].max())
    assert beds_last == p.weeks[-1]
    got = plan_list_targets(scenario.plan["plan_production"], beds_last, "REGION")
    assert got["REGION"] == pytest.approx(float(np.nansum(p.list_target)), rel=1e-12)
    assert got["REGION"] > 0


def test_board_report_names_the_same_failing_targets(scenario) -> None:  # type: ignore[no-untyped-def]
    import html

    from pks.dashboard.access import LOCAL_USER
    from pks.dashboard.data import board_report

    from .test_one_scenario import _month

    year, month, _ = _month(scenario)
    v = scenario.sim["sim_verdicts"]
    failing = list(v[(v["node_type"] == "region") & ~v["met"].astype(bool)]["target"])
    for lang in ("sv", "en"):
        page = html.unescape(board_report(scenario.svc, LOCAL_USER, "base", year, month, lang))
        part = page[page.index(t("report.simulation.title", lang)):]
        for target in failing:
            assert t(f"simulate.target.{target}", lang) in part
        if not failing:
            assert t("gaps.causes.none", lang) in part
