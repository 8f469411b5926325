"""Financial-target verdicts in the workbench's table of differences, and saved analyses.

The demo region's base economy (budget year 2026, compared year 2027): with a plan cost
equal to the frames, the operating result of 2027 is 251 mnkr of 11 126 mnkr tax and
grants (2,26 %, target 1–3 %). A plan 140 mnkr dearer in 2027 leaves 111 mnkr (0,998 %):
not met; 139 mnkr dearer leaves 112 mnkr (1,007 %): met.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pks.dashboard.pages.economy import economy_view
from pks.dashboard.pages.workbench_panel import (
    _run_scenarios_of,
    difference_view,
    scenario_verdicts,
)
from pks.data.store import Store
from pks.economy.results import modelled_nodes
from pks.economy.scenario import load_economy_scenario
from pks.governance.analyses import get_analysis, list_analyses, save_analysis
from pks.sweep.compare import (
    scenario_sweep_id,
    stored_comparison,
    stored_plan_costs,
    stored_run_ids,
)
from pks.sweep.run import PLAN_COST_TABLE, RESULT_TABLE, SWEEP_PREFIX
from pks.sweep.store_io import SWEEP_RUN_KIND

YEAR = 2027
REPS = 3
SEK_PER_MNKR = 1e6


class _Svc:
    """The part of DataService the economy and workbench use: settings, snapshot, store."""

    def __init__(self, data: Any, model_dir: str, store: Store | None = None) -> None:
        self.settings = type("S", (), {"model_dir": model_dir, "scenario": "base"})()
        self._data = data
        self.store = store

    def snapshot(self) -> Any:
        return type("Snap", (), {"data": self._data})()


@pytest.fixture(scope="module")
def in_repo(repo_root: Path) -> Iterator[None]:
    cwd = os.getcwd()
    os.chdir(repo_root)  # the instance folder in model.yaml is relative to the repository
    try:
        yield
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def svc(in_repo: None) -> _Svc:
    sc = load_economy_scenario("models/demo_region", "base")
    return _Svc(sc.data, "models/demo_region")


def plan_cost(svc: _Svc, extra_2027_mnkr: float = 0.0) -> pd.DataFrame:
    """A strategic ``plan_cost`` equal to the modelled nodes' frames, plus ``extra`` in 2027."""
    data = svc.snapshot().data
    nodes = modelled_nodes(data, "strategic")
    bf = data.budget_frames
    pc = bf[bf["node_id"].isin(nodes)].rename(columns={"frame_sek": "net_cost_sek"})
    pc = pc.assign(kind="node")[["node_id", "kind", "year", "net_cost_sek"]].reset_index(
        drop=True)
    first = pc.index[(pc["year"] == YEAR)][0]
    pc.loc[first, "net_cost_sek"] += extra_2027_mnkr * SEK_PER_MNKR
    return pc


def rows_of(*names: str) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame({"scenario": list(names), "year": [YEAR] * n,
                         "cost_mnkr": [100.0] * n, "agency_share_pu": [0.0] * n,
                         "unmet_cases": [0.0] * n, "guarantee_probability_pu": [0.9] * n,
                         "status": ["optimal"] * n})


def table_cells(div: Any) -> dict[str, list[Any]]:
    """Row label → cells (Td components) of the difference view."""
    rows = div.children.children[1].children  # table → tbody → rows
    return {r.children[0].children: r.children[1:] for r in rows}


def operating(verdicts: Any) -> Any:
    return next(v for v in verdicts if v.target == "operating_result_share")


def test_plan_cost_pushing_the_result_below_the_target_is_not_met(svc: _Svc) -> None:
    dear = scenario_verdicts(svc, rows_of("base"), {"base": plan_cost(svc, 140.0)})["base"]
    v = operating(dear)
    assert v.period == str(YEAR) and v.verdict == "fail"
    assert v.value_pu == pytest.approx(111.0 / 11126.0)
    ok = operating(scenario_verdicts(svc, rows_of("base"),
                                     {"base": plan_cost(svc, 139.0)})["base"])
    assert ok.verdict == "pass" and ok.value_pu == pytest.approx(112.0 / 11126.0)
    # one verdict per target in the compared year; the 3-year self-financing window covers it
    assert [(x.target, x.period) for x in dear] == [
        ("equity_ratio_incl_pension", "2027"), ("operating_result_share", "2027"),
        ("self_financing", "2026–2028"), ("net_cost_growth", "2027")]


def test_a_scenario_without_a_plan_has_no_verdicts(svc: _Svc) -> None:
    failed = pd.DataFrame([{"scenario": "industrial_growth", "status": "infeasible"}])
    rows = pd.concat([rows_of("base"), failed], ignore_index=True)  # its year is NaN
    costs = {"base": plan_cost(svc), "industrial_growth": plan_cost(svc)}
    assert set(scenario_verdicts(svc, rows, costs)) == {"base"}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_verdict_rows_in_the_difference_table(svc: _Svc, lang: str) -> None:
    plain = scenario_verdicts(svc, rows_of("base"), {"base": plan_cost(svc)})["base"]
    dear = scenario_verdicts(svc, rows_of("base"), {"base": plan_cost(svc, 140.0)})["base"]
    div = difference_view(rows_of("base", "dyr"), {"dyr": "Dyr plan"}, {}, lang,  # type: ignore[arg-type]
                          {"base": plain, "dyr": dear})
    cells = table_cells(div)
    label = ("Finansiellt mål: Verksamhetens resultat / skatter och bidrag 2027" if lang == "sv"
             else "Financial target: Operating result / tax and grants 2027")
    base, other, diff = cells[label]
    met, not_met = ("uppfyllt", "ej uppfyllt") if lang == "sv" else ("met", "not met")
    target = "mål 1,0 % – 3,0 %" if lang == "sv" else "target 1.0 % – 3.0 %"
    assert base.children[0].className == "dot dot-green"
    assert base.children[2].replace("\u00a0", " ") == \
        f"{'2,3' if lang == 'sv' else '2.3'} % · {target} · {met}"
    assert other.children[0].className == "dot dot-red"
    assert other.children[2].replace("\u00a0", " ").endswith(f"· {not_met}")
    assert "verdict-fail" in other.className and "verdict-pass" in base.className
    # Δ = (111 − 251) / 11 126 = −1,26 percentage points
    unit = "procentenheter" if lang == "sv" else "percentage points"
    assert diff.children.replace("\u00a0", " ") == \
        f"{'−1,3' if lang == 'sv' else '-1.3'} {unit}"


def test_a_missing_verdict_is_a_dash_and_the_note_says_why(svc: _Svc) -> None:
    plain = scenario_verdicts(svc, rows_of("base"), {"base": plan_cost(svc)})["base"]
    div = difference_view(rows_of("base", "old"), {}, {}, "sv", {"base": plain},  # type: ignore[arg-type]
                          "Finansiella mål saknas för old")
    base, old, diff = table_cells(div)[
        "Finansiellt mål: Verksamhetens resultat / skatter och bidrag 2027"]
    assert old.children == "–" and diff.children == "–" and base.children[0].className
    foot = div.children.children[2]
    assert foot.children.children.children == "Finansiella mål saknas för old"


def test_base_verdict_equals_the_economy_page_for_the_same_plan(svc: _Svc) -> None:
    """Coherence: the workbench's base verdicts are the economy page's, light and words."""
    for extra in (0.0, 140.0):
        cost = plan_cost(svc, extra)
        page = economy_view(svc, ["base"], "sv", plan_costs={"base": cost})  # type: ignore[arg-type]
        bench = scenario_verdicts(svc, rows_of("base"), {"base": cost})["base"]
        tg = page["targets"].set_index(["target", "period"])
        div = difference_view(rows_of("base"), {}, {}, "sv", {"base": bench})  # type: ignore[arg-type]
        cells = table_cells(div)
        for v in bench:
            row = tg.loc[(v.target, v.period)]
            assert row["verdict"] == v.verdict
            assert row["value_pu"] == pytest.approx(v.value_pu)
            label = next(k for k in cells if isinstance(k, str) and v.period in k
                         and k.startswith("Finansiellt mål") and
                         k.split(": ", 1)[1].startswith(
                             {"operating_result_share": "Verksamhetens",
                              "equity_ratio_incl_pension": "Soliditet",
                              "self_financing": "Självfinansieringsgrad",
                              "net_cost_growth": "Nettokostnadsökning"}[v.target]))
            cell = cells[label][0]
            assert cell.children[0].className == f"dot dot-{row['light']}"
            words = {"pass": "uppfyllt", "fail": "ej uppfyllt", "warn": "varning"}
            assert cell.children[2].endswith(words[str(row["verdict"])])
        assert operating(bench).verdict == ("fail" if extra else "pass")
    # the page without a plan (frames) and the workbench with a plan equal to the frames agree
    frames = economy_view(svc, ["base"], "sv")["targets"]  # type: ignore[arg-type]
    same = scenario_verdicts(svc, rows_of("base"), {"base": plan_cost(svc)})["base"]
    fr = frames.set_index(["target", "period"])
    assert [fr.loc[(v.target, v.period), "verdict"] for v in same] == [v.verdict for v in same]


@dataclass(frozen=True)
class _User:
    username: str
    role: str
    units: tuple[str, ...] = ()


def _store_result(store: Store, name: str, cost: pd.DataFrame | None) -> str:
    key = f"{SWEEP_PREFIX}:{scenario_sweep_id(name, REPS)}:{name}"
    tables = {RESULT_TABLE: rows_of(name)}
    if cost is not None:
        tables[PLAN_COST_TABLE] = cost
    return store.save_run(SWEEP_RUN_KIND, tables, scenario=key, level="strategic")


def test_stored_comparison_with_plan_costs_saved_and_reopened(svc: _Svc, tmp_path: Path
                                                              ) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'pks.db'}")
    try:
        _store_result(store, "base", plan_cost(svc))
        _store_result(store, "industrial_growth", plan_cost(svc, 140.0))
        _store_result(store, "political_goal", None)  # stored before plan costs were kept
        names = ["base", "industrial_growth", "political_goal"]
        rows = stored_comparison(store, names, REPS)
        costs = stored_plan_costs(store, names, REPS)
        assert list(rows["scenario"]) == names and set(costs) == {"base", "industrial_growth"}
        pd.testing.assert_frame_equal(costs["base"], plan_cost(svc))
        verdicts = scenario_verdicts(svc, rows, costs)
        assert operating(verdicts["base"]).verdict == "pass"
        assert set(verdicts) == {"base", "industrial_growth"}
        # the comparison saved as an in-depth analysis with its narrative, then reopened
        run_ids = stored_run_ids(store, names[:2], REPS)
        strategist = _User("stina", "strategist")
        aid = save_analysis(store, strategist, 2026, "Tillväxt mot bas",
                            "Industriell tillväxt kostar mer än den ger.", run_ids)
        assert list(list_analyses(store, 2026)["analysis_id"]) == [aid]
        a = get_analysis(store, aid)
        assert (a.title, a.narrative, a.user) == (
            "Tillväxt mot bas", "Industriell tillväxt kostar mer än den ger.", "stina")
        assert _run_scenarios_of(store, a.run_ids) == ["base", "industrial_growth"]
        assert stored_comparison(store, _run_scenarios_of(store, a.run_ids), REPS).equals(
            rows.iloc[:2])
    finally:
        store.close()
