"""Level gap report: the attribution sums exactly, by hand and on a solved small region."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pks.config import load_scenario
from pks.data.store import Store
from pks.demo import generate_region, sized_spec
from pks.optimise.inputs import demand_for
from pks.optimise.level_gap_chain import common_period, level_gaps
from pks.optimise.level_gaps import REASONS, Period, attribute, check_sums, unit_metrics
from pks.optimise.level_gaps_store import load_level_gaps, save_level_gaps
from pks.optimise.level_gaps_text import summary_lines
from pks.optimise.run import horizon_weeks, plan_level


def _m(values: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame([{"unit_id": u, "metric": m, "value": v}
                         for (u, m), v in values.items()])


def test_hand_checked_chain_attributes_each_step_to_its_reason() -> None:
    # Unit u: 100 case-weeks strategic (pooled); 80 per unit; 300 on the weekly grid alone;
    # 250 with the strategic targets handed off; 260 on the later actuals.
    chain = {s: _m({("u", "unmet_case_weeks"): v, ("v", "fte"): f})
             for s, v, f in (("A", 100, 10.0), ("B", 80, 10.0), ("C", 300, 12.0),
                             ("D", 250, 11.0), ("E", 260, 11.0))}
    g = attribute(chain).set_index(["unit_id", "metric"])
    row = g.loc[("u", "unmet_case_weeks")]
    assert row[list(REASONS)].tolist() == [-20.0, 220.0, -50.0, 10.0]
    assert row["gap"] == 160.0 and row["upper_value"] == 100 and row["lower_value"] == 260
    assert g.loc[("v", "fte"), list(REASONS)].tolist() == [0.0, 2.0, -1.0, 0.0]
    assert check_sums(attribute(chain)) == []


def test_a_chain_step_without_the_metric_fails_clearly() -> None:
    full = _m({("u", "fte"): 1.0})
    with pytest.raises(ValueError, match="C"):
        attribute({"A": full, "B": full, "C": _m({("w", "fte"): 1.0}), "D": full, "E": full})


def test_unit_metrics_reads_years_and_weeks_of_the_period() -> None:
    prod = pd.DataFrame({"unit_id": ["u"] * 3, "week": ["2026", "2026-W01", "2027-W01"],
                         "year": [2026, 2026, 2027], "over_max_wait_case_weeks": [5.0, 7.0, 11.0],
                         "acute_unmet_cases": [0.0, 1.0, 2.0]})
    staff = pd.DataFrame({"unit_id": ["u"] * 4, "staff_category": ["a", "a", "b", "b"],
                          "week": ["2026-W01", "2026-W02", "2026-W01", "2026-W02"],
                          "year": 2026, "fte": [2.0, 4.0, 1.0, 1.0]})
    m = unit_metrics({"plan_production": prod, "plan_staff": staff},
                     Period(2026, ("2026-W01", "2026-W02")))
    got = m.set_index("metric")["value"]
    assert got["unmet_case_weeks"] == 12.0 and got["unmet_acute_cases"] == 1.0
    assert got["fte"] == 4.0  # mean 3 FTE of category a + 1 FTE of b


@pytest.fixture(scope="module")
def pair(demo_model_dir: Path) -> dict[str, object]:
    d = generate_region(sized_spec(6), seed=7)
    base = load_scenario(demo_model_dir, "base")
    cfg = base.model_copy(update={"build": base.build.model_copy(
        update={"strategic_by": "area"})})
    demand = demand_for(d, cfg, horizon_weeks(cfg))
    s = plan_level(d, cfg, "strategic", None, demand)
    tac = plan_level(d, cfg, "tactical", s.tables, demand)
    assert s.result.ok and tac.result.ok
    res = level_gaps("strategic-tactical", cfg, d, s.tables, tac.tables, demand,
                     lower_same_run=True)
    return {"cfg": cfg, "s": s.tables, "t": tac.tables, "res": res, "data": d,
            "runs": (s, tac), "demand": demand}


def test_solved_chain_sums_to_the_level_difference(pair: dict[str, object]) -> None:
    res = pair["res"]
    g = res.gaps  # type: ignore[attr-defined]
    period = common_period(pair["cfg"], "strategic-tactical")  # type: ignore[arg-type]
    a = unit_metrics(pair["s"], period).set_index(["unit_id", "metric"])["value"]  # type: ignore[arg-type]
    e = unit_metrics(pair["t"], period).set_index(["unit_id", "metric"])["value"]  # type: ignore[arg-type]
    gi = g.set_index(["unit_id", "metric"])
    assert (gi["upper_value"] == a.reindex(gi.index)).all()
    assert (gi["lower_value"] == e.reindex(gi.index)).all()
    assert check_sums(g) == []
    assert set(g["metric"]) == {"unmet_case_weeks", "unmet_acute_cases", "fte", "net_cost_sek"}
    # the same run on the same data: nothing is due to new actuals
    assert (g["new_actuals"] == 0).all()
    # pooling is a real step here: the per-unit strategic plan differs from the pooled one
    assert g["pooling"].abs().sum() > 0


def test_gaps_are_stored_by_run_ids_and_summarised_with_units(
        pair: dict[str, object], tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'g.db'}")
    res = pair["res"]
    n = save_level_gaps(store, "run-s", "run-t", res)  # type: ignore[arg-type]
    assert save_level_gaps(store, "run-s", "run-t", res) == n  # replaced, not doubled
    back = load_level_gaps(store, "run-s", "run-t")
    store.close()
    assert len(back) == n == len(res.gaps)  # type: ignore[attr-defined]
    names = pair["data"].org_nodes.set_index("node_id")["name"].to_dict()  # type: ignore[attr-defined]
    units = {"sv": ("patientveckor", "fall", "åa", "mnkr"),
             "en": ("case-weeks", "cases", "FTE", "MSEK")}
    for lang in ("sv", "en"):
        lines = summary_lines(res, names, lang, top=3)  # type: ignore[arg-type]
        gap_lines = [ln for ln in lines if ln.startswith("    – ")]
        assert gap_lines
        for ln in gap_lines:
            # upper, lower, gap and the four reasons: seven numbers, each with its unit
            assert sum(ln.count(f" {u}") for u in units[lang]) == 7, ln


def test_pks_gaps_explains_the_stored_plans(pair: dict[str, object], tmp_path: Path,
                                            demo_model_dir: Path) -> None:
    from typer.testing import CliRunner

    from pks.cli import app
    from pks.optimise.run import save_level

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store.open(url)
    store.write_inputs(pair["data"], source="tests/level_gaps")  # type: ignore[arg-type]
    s, tac = pair["runs"]  # type: ignore[misc]
    cfg = pair["cfg"]
    s_id = save_level(store, s, cfg)  # type: ignore[arg-type]
    t_id = save_level(store, tac, cfg, s_id)  # type: ignore[arg-type]
    store.close()
    out = CliRunner().invoke(app, ["gaps", "--db", url, "--model", str(demo_model_dir),
                                   "--lang", "en", "--top", "2"])
    assert out.exit_code == 0, out.output
    assert "Differences between the strategic and tactical plans" in out.output
    store = Store.open(url)
    back = load_level_gaps(store, s_id, t_id)
    store.close()
    assert len(back) > 0 and check_sums(back) == []
    # the stored plans are the chain's ends: their values are A and E
    e = unit_metrics(tac.tables, common_period(cfg, "strategic-tactical"))  # type: ignore[arg-type]
    got = back.set_index(["unit_id", "metric"])["lower_value"]
    want = e.set_index(["unit_id", "metric"])["value"].reindex(got.index)
    assert got.to_numpy() == pytest.approx(want.to_numpy(), rel=1e-9, abs=1e-6)


def test_pks_gaps_without_stored_plans_fails_clearly(tmp_path: Path, demo_model_dir: Path,
                                                     pair: dict[str, object]) -> None:
    from typer.testing import CliRunner

    from pks.cli import app

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    store = Store.open(url)
    store.write_inputs(pair["data"], source="tests/level_gaps")  # type: ignore[arg-type]
    store.close()
    out = CliRunner().invoke(app, ["gaps", "--db", url, "--model", str(demo_model_dir),
                                   "--lang", "en"])
    assert out.exit_code == 1
    assert "no stored strategic plan" in out.output


def test_tactical_operative_pair_compares_the_operative_window(pair: dict[str, object]) -> None:
    cfg, d, demand = pair["cfg"], pair["data"], pair["demand"]
    op = plan_level(d, cfg, "operative", pair["t"], demand)  # type: ignore[arg-type]
    assert op.result.ok
    res = level_gaps("tactical-operative", cfg, d, pair["t"], op.tables,  # type: ignore[arg-type]
                     demand, lower_same_run=True)  # type: ignore[arg-type]
    assert res.period.weeks == tuple(sorted(op.tables["plan_production"]["week"].unique()))
    g = res.gaps
    assert check_sums(g) == [] and (g["pooling"] == 0).all() and (g["new_actuals"] == 0).all()
    # the operative plan carries no cost: the pair compares care and FTE only
    assert set(g["metric"]) == {"unmet_case_weeks", "unmet_acute_cases", "fte"}
