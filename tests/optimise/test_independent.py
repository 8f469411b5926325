"""Independent checks: the same model written to MPS and solved by other routes.

Route 1: HiGHS reads the MPS file itself (``readModel``). Route 2: our own MPS reader
builds the matrix and ``scipy.optimize.linprog`` solves it. Route 3: the model built in
Pyomo from the same arrays, written by Pyomo's MPS writer and read by route 2.
Objectives agree to 1e-6 relative, key variables (by name) too. The models use the
weighted objective with soft frames: a single objective, as an MPS file can hold.
"""

from __future__ import annotations

import numpy as np
import pytest

from pks.optimise.levels.tactical import build_tactical
from pks.optimise.solve import solve
from tests.optimise.mps_reader import read_mps, solve_linprog, solve_with_highs_reader
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver

CASES = {
    "balance": {"fte": 8},
    "priority": {"fte": 3, "classes": ((1, 0.5, 7), (2, 0.5, 365))},
    "acute_overtime": {"fte": 8, "acute": True, "ot_limit": 6.5},
    "guarantee_external": {"fte": 10, "guarantee_stage": "treatment", "initial_list": 100.0,
                           "ext_price": 1000.0, "ext_max": 50.0},
    "beds_frames": {"fte": 10, "los": 2.0, "beds": 2.0, "var_cost": 1000.0,
                    "frames": (("D1", 2026, 23_000.0),), "units": (("U1", "D1"), ("U2", "D1"))},
    "agency_share": {"fte": 8, "acute": True, "ag_max": 5.0, "agency_share": 0.1},
}


def build(case: dict):
    # one objective stage (weighted, soft frames), so an MPS file holds the whole model;
    # the staged lexicographic solve is checked route against route in test_families
    cfg = tiny_cfg(objective="weighted", frames="soft")
    data = tiny_data(cost_per_fte=5200.0, **case)
    return build_tactical(tiny_inputs(data, cfg, weeks=4), cfg)


@pytest.mark.parametrize("name", sorted(CASES))
def test_mps_routes_agree(name, tmp_path):
    m = build(CASES[name])
    ours = solve(m)
    path = tmp_path / "m.mps"
    m.write_mps(str(path))
    direct = solve_with_highs_reader(str(path))
    lp = read_mps(str(path))
    lin, x = solve_linprog(lp)
    assert direct == pytest.approx(ours.objective_sek, rel=1e-6)
    assert lin == pytest.approx(ours.objective_sek, rel=1e-6)
    # key variables: total production and waiting lists by name
    names = np.array(lp.col_names)
    xs = dict(zip(names, x, strict=True))
    ours_x = dict(zip(m.var_names(), ours.x, strict=True))
    for prefix in ("x[", "L["):
        a = sum(v for k, v in xs.items() if k.startswith(prefix))
        b = sum(v for k, v in ours_x.items() if k.startswith(prefix))
        assert a == pytest.approx(b, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pyomo_route_agrees(name, tmp_path):
    """The named Pyomo model: same optimum, plan and duals as the direct route, and
    Pyomo's own MPS writer read by our reader and solved by linprog agrees too."""
    from pks.config.optimise import SolveConfig
    from pks.optimise.pyomo_route import to_pyomo

    m = build(CASES[name])
    ours = solve(m)
    via_pyomo = solve(m, SolveConfig(route="pyomo"))
    assert via_pyomo.ok
    assert via_pyomo.objective_sek == pytest.approx(ours.objective_sek, rel=1e-9)
    assert "build_pyomo" in via_pyomo.timings
    np.testing.assert_allclose(via_pyomo.x, ours.x, atol=1e-6)
    np.testing.assert_allclose(via_pyomo.row_dual, ours.row_dual, atol=1e-6)
    pm = to_pyomo(m).model
    # one component per block, named as the formulation piece named it
    for block in [*m.var_blocks.values(), *m.con_blocks.values()]:
        assert pm.find_component(block.name) is not None, block.name
    path = tmp_path / "p.mps"
    pm.write(str(path), io_options={"symbolic_solver_labels": False})
    lin, _ = solve_linprog(read_mps(str(path)))
    assert lin == pytest.approx(ours.objective_sek, rel=1e-6)
