"""Decomposition by frame node equals the monolithic solve (locally and on Dask)."""

from __future__ import annotations

import numpy as np
import pytest

from pks.config.optimise import SolveConfig
from pks.optimise.levels.tactical import build_tactical
from pks.optimise.solve import blocks, solve
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

pytestmark = pytest.mark.solver


def model(frames=(("D1", 2026, 30_000.0), ("D2", 2026, 30_000.0))):
    cfg = tiny_cfg()
    data = tiny_data(units=(("U1", "D1"), ("U2", "D1"), ("U3", "D2"), ("U4", "D2")),
                     weeks=5, fte=7, acute=True, var_cost=800.0, ot_limit=30.0,
                     cost_per_fte=5200.0, frames=frames)
    return build_tactical(tiny_inputs(data, cfg, weeks=5), cfg)


def test_blocks_follow_frame_nodes():
    m = model()
    parts = blocks(m, max_block_nnz=1)
    assert len(parts) == 2  # units couple only through their division's frame
    assert sum(len(c) for c, _ in parts) == m.n_vars
    assert sum(len(r) for _, r in parts) == m.n_cons


def test_decomposed_equals_monolithic_locally():
    m = model()
    mono = solve(m)
    dec = solve(m, SolveConfig(decompose=True, max_block_nnz=1))
    assert dec.n_blocks == 2
    assert dec.objective_sek == pytest.approx(mono.objective_sek, rel=1e-9)
    c1, c2 = mono.tables["plan_cost"], dec.tables["plan_cost"]
    np.testing.assert_allclose(c1["frame_gap_sek"].fillna(0), c2["frame_gap_sek"].fillna(0),
                               rtol=1e-7, atol=1e-6)


def test_region_frame_couples_everything():
    m = model(frames=(("R", 2026, 60_000.0),))
    assert len(blocks(m, max_block_nnz=1)) == 1


def test_decomposed_equals_monolithic_on_dask():
    distributed = pytest.importorskip("distributed")
    m = model()
    mono = solve(m)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        dec = solve(m, SolveConfig(decompose=True, max_block_nnz=1,
                                   scheduler_address=cluster.scheduler_address))
    assert dec.n_blocks == 2
    assert dec.objective_sek == pytest.approx(mono.objective_sek, rel=1e-9)
