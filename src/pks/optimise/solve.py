"""Solving with HiGHS (highspy): typed frozen results, persistent re-solves, decomposition.

Routes (measured, see ``benchmarks/optimise``): ``direct`` (default) hands the model's
arrays to HiGHS as one column-wise ``HighsLp`` (no expression objects, no file); ``pyomo``
builds the same blocks as a named Pyomo model and hands it over through Pyomo's
standard-form compiler (:mod:`pks.optimise.pyomo_route`). A :class:`Resolver` keeps
the ``Highs`` object, so a re-solve after a parameter change (another scenario, the next
rolling week) only pushes changed bounds, costs and coefficients and HiGHS warm-starts
each objective stage from its own basis of the last solve. Decomposition: the constraint
matrix splits into connected components (units couple only through the frames of the
nodes above them and, at the operative level, through transfers inside an area; a region's
frame above its divisions' frames is relaxed and checked afterwards,
:func:`solve_decomposed`); each block is solved alone — in a local process pool, or as Dask
tasks when a scheduler address is given — and the solution is the union. Both the monolithic
and the decomposed solve hold each objective stage per component while the relaxed rows are
slack (:class:`pks.optimise.highs_run.Partition`), so both solve the same staged problem.

Objective stages (:meth:`pks.optimise.linear.LinearModel.stages`): every route solves the
same sequence in one ``Highs`` object — minimise a stage, add the row
``c_k·x ≤ z_k + rel_tol·max(1, |z_k|)`` that holds it at its optimum (one per component
while the region's frame is slack, :func:`partition`), switch the costs to the next stage and
re-run from the current basis. A stage whose largest cost coefficient
lies outside [1e-3, 1e6] is scaled by a power of two to a largest coefficient near 1
before it reaches HiGHS (the objective stays well scaled whatever the size of the region
or its demand); values and duals are scaled back.

Numerics: the coefficient ranges of the matrix, costs and bounds are checked before the
solve and HiGHS's residual infeasibilities after it; anything outside a sane range is
logged and returned in :attr:`SolveResult.warnings` (shown in the explanation) instead of
a silent "optimal".
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pks.config.optimise import SolveConfig
from pks.optimise.highs_run import (
    Partition,
    RawSolution,
    SolveStatus,
    StageRows,
    coefficient_warnings,
    part_weights,
    run_stages,
    set_options,
    solve_arrays,
)
from pks.optimise.linear import STAGE_COST, LinearModel

if TYPE_CHECKING:
    from highspy import HighsBasis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolveResult:
    """Result of one solve. Never printed, never written back into the inputs."""

    level: str
    status: SolveStatus
    objective_sek: float
    bound_sek: float
    gap: float
    solver_name: str
    solver_version: str
    timings: Mapping[str, float]
    """Seconds: build, handoff, build_pyomo (Pyomo route), to_solver, solve (HiGHS run),
    extract, total."""
    counts: Mapping[str, int]
    tables: Mapping[str, pd.DataFrame]
    duals: pd.DataFrame
    """constraint, index, dual, meaning (see :mod:`pks.optimise.extract`)."""
    n_blocks: int = 1
    iterations: int = 0
    """Simplex plus interior-point iterations (a warm-started re-solve needs fewer)."""
    x: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    row_dual: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    dual_parts: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    """Row duals of the parts in :func:`pks.optimise.extract.dual_part_weights` (monolithic
    simplex solves; empty for decomposed solves). Care parts are taken at the optimal
    basis of the care stage (what more capacity buys in care), the real-cost part at the
    last stage (what it saves with care held)."""
    objectives: Mapping[str, float] = field(default_factory=dict)
    """Optimal value of each objective stage in its own unit (``frame_overrun_sek``,
    ``care_weighted_case_weeks``, ``cost_sek``; the last includes the constant)."""
    warnings: tuple[str, ...] = ()
    """Numerical warnings (coefficient ranges, residual infeasibilities) and non-optimal
    stage outcomes; empty when the solve is clean."""

    @property
    def ok(self) -> bool:
        """True for an optimal solution."""
        return self.status is SolveStatus.OPTIMAL



def _finish(model: LinearModel, raw: RawSolution, cfg: SolveConfig, timings: dict[str, float],
            n_blocks: int = 1) -> SolveResult:
    from pks.optimise.extract import extract

    t0 = time.perf_counter()
    ok = raw.status is SolveStatus.OPTIMAL
    tables, duals = extract(model, raw.x, raw.row_dual if cfg.duals else None,
                            raw.dual_parts) if ok \
        else ({}, pd.DataFrame(columns=["constraint", "index", "dual", "meaning"]))
    timings["extract"] = time.perf_counter() - t0 + raw.dual_parts_s
    timings["total"] = sum(v for k, v in timings.items() if k != "total")
    warnings = tuple(dict.fromkeys((*model_warnings(model), *raw.warnings)))
    if not ok:
        warnings = (*warnings, f"status {raw.status.value}")
    return SolveResult(
        level=str(model.meta.get("level", model.name)), status=raw.status,
        objective_sek=raw.objective, bound_sek=raw.objective if ok else float("nan"),
        gap=0.0 if ok else float("nan"), solver_name="highs", solver_version=raw.version,
        timings=dict(timings), counts=model.counts(), tables=tables, duals=duals,
        n_blocks=n_blocks, iterations=raw.iterations, x=raw.x, row_dual=raw.row_dual,
        dual_parts=dict(raw.dual_parts), objectives=dict(raw.objectives), warnings=warnings)


def model_warnings(model: LinearModel) -> list[str]:
    """:func:`coefficient_warnings` of a built model."""
    return coefficient_warnings(model.matrix(), model.col_lo, model.col_hi, model.row_lo,
                                model.row_hi)


def solve(model: LinearModel, cfg: SolveConfig | None = None,
          timings: Mapping[str, float] | None = None) -> SolveResult:
    """Solve ``model`` with HiGHS and extract the result tables.

    ``timings`` carries earlier phases (build, handoff) into the result. With
    ``cfg.decompose`` the model is split into independent blocks first
    (:func:`solve_decomposed`).
    """
    cfg = cfg or SolveConfig()
    if cfg.decompose:
        return solve_decomposed(model, cfg, timings)
    tm = dict(timings or {})
    if cfg.route == "pyomo":
        from pks.optimise.pyomo_route import solve_pyomo

        raw = solve_pyomo(model, cfg, tm, partition(model))
    else:
        t0 = time.perf_counter()
        lp = model.to_highs_lp()
        groups = partition(model)
        tm["to_solver"] = time.perf_counter() - t0
        raw = solve_arrays(lp, cfg, model.n_vars, part_weights(model, cfg), model.stages(),
                           groups)
        tm["solve"] = raw.solve_s
    if raw.status is not SolveStatus.OPTIMAL:
        log.warning("%s model not solved to optimality: %s", model.name, raw.status.value)
    return _finish(model, raw, cfg, tm)


# ---------------------------------------------------------------------- persistent re-solve


BASIS_LOWER = 0
"""HiGHS's basis status of a non-basic column or row at its lower bound (the usual one)."""


@dataclass(frozen=True)
class Basis:
    """A simplex basis: HiGHS status codes per column and row.

    Codes: 0 lower, 1 basic, 2 upper, 3 zero, 4 non-basic. Kept between processes, it
    warm-starts a model of the same size.
    """

    col_status: np.ndarray
    row_status: np.ndarray

    def fits(self, model: LinearModel) -> bool:
        """Whether the basis has one status per column and row of ``model``."""
        return len(self.col_status) == model.n_vars and len(self.row_status) == model.n_cons

    def to_table(self) -> pd.DataFrame:
        """Sparse long form ``axis`` (col/row), ``pos``, ``status``.

        Only statuses other than lower-bound, plus the sizes as ``pos = -1`` rows with
        ``status`` = size.
        """
        parts = []
        for axis, st in (("col", self.col_status), ("row", self.row_status)):
            nz = np.flatnonzero(st != BASIS_LOWER)
            parts.append(pd.DataFrame({"axis": axis, "pos": np.r_[-1, nz],
                                       "status": np.r_[len(st), st[nz].astype(np.int64)]}))
        return pd.concat(parts, ignore_index=True)

    @staticmethod
    def from_table(t: pd.DataFrame) -> Basis:
        """Inverse of :meth:`to_table`."""
        out = []
        for axis in ("col", "row"):
            a = t[t["axis"] == axis]
            n = int(a.loc[a["pos"] == -1, "status"].iloc[0])
            st = np.full(n, BASIS_LOWER, np.int8)
            nz = a[a["pos"] >= 0]
            st[nz["pos"].to_numpy(int)] = nz["status"].to_numpy(np.int8)
            out.append(st)
        return Basis(out[0], out[1])


def _basis_of(hb: HighsBasis, n_rows: int) -> Basis:
    """Our :class:`Basis` of a HiGHS basis, its first ``n_rows`` rows (the model's own)."""
    return Basis(np.fromiter((int(s) for s in hb.col_status), np.int8),
                 np.fromiter((int(s) for s in hb.row_status), np.int8, count=n_rows))


class Resolver:
    """A built model kept in HiGHS for warm-started re-solves after parameter changes.

    ``update(new_model)`` accepts a model of the same structure (same blocks and sizes;
    a level rebuilt from changed inputs) and pushes only what differs: column bounds,
    costs, row bounds and changed matrix coefficients. The objective stages' rows stay in
    HiGHS (:class:`pks.optimise.highs_run.StageRows`), so every stage of the next solve
    starts from its own optimal basis of the last one.
    """

    def __init__(self, model: LinearModel, cfg: SolveConfig | None = None,
                 basis: Basis | None = None) -> None:
        import highspy

        self.cfg = cfg or SolveConfig(method="simplex")
        self.model = model
        self.h = highspy.Highs()
        set_options(self.h, self.cfg, model.n_vars)
        lp = model.to_highs_lp()
        lp.offset_ = 0.0
        self.h.passModel(lp)  # type: ignore[call-overload]
        self._arrays = self._snapshot(model)
        self._stages = StageRows(model.n_cons)
        self._partition = partition(model)
        self.warm_from_basis = basis is not None and self.set_basis(basis)

    def basis(self) -> Basis | None:
        """The optimal basis of the last solve's first stage (the model's own rows), or None."""
        hb = self._stages.bases.get(0)
        return _basis_of(hb, self.model.n_cons) if hb is not None else None

    def set_basis(self, basis: Basis) -> bool:
        """Start the next solve from ``basis`` (e.g. a previous process's); True if accepted."""
        import highspy

        if not basis.fits(self.model):
            return False
        hb = highspy.HighsBasis()
        hb.col_status = [highspy.HighsBasisStatus(int(s)) for s in basis.col_status]
        hb.row_status = [highspy.HighsBasisStatus(int(s)) for s in basis.row_status]
        hb.valid = True
        self._stages.bases = {0: hb}
        self._stages.start(self.h, 0)  # drops the basis if HiGHS refuses it
        return 0 in self._stages.bases

    @staticmethod
    def _snapshot(m: LinearModel) -> dict[str, np.ndarray]:
        a = m.matrix()
        return {"col_lo": m.col_lo, "col_hi": m.col_hi, "cost": m.cost, "row_lo": m.row_lo,
                "row_hi": m.row_hi, "a_data": a.data.copy(), "a_indices": a.indices.copy(),
                "a_indptr": a.indptr.copy()}

    def solve(self) -> SolveResult:
        """Solve, each objective stage warm from its basis of the last solve."""
        raw = run_stages(self.h, self.model.stages(), self.model.offset, self.cfg,
                         part_weights(self.model, self.cfg), self._stages, self._partition)
        return _finish(self.model, raw, self.cfg, {"solve": raw.solve_s})

    def update(self, new: LinearModel) -> int:
        """Push the differences of ``new`` into the solver; returns how many values changed."""
        if (new.n_vars, new.n_cons) != (self.model.n_vars, self.model.n_cons) or \
                [(k, b.size) for k, b in new.var_blocks.items()] != \
                [(k, b.size) for k, b in self.model.var_blocks.items()]:
            raise ValueError("Resolver.update needs a model of the same structure")
        s_new = self._snapshot(new)
        s_old = self._arrays
        n = 0
        c = np.flatnonzero((s_new["col_lo"] != s_old["col_lo"])
                           | (s_new["col_hi"] != s_old["col_hi"]))
        if len(c):
            self.h.changeColsBounds(len(c), c.astype(np.int32), s_new["col_lo"][c],
                                    s_new["col_hi"][c])
            n += len(c)
        c = np.flatnonzero(s_new["cost"] != s_old["cost"])
        if len(c):
            self.h.changeColsCost(len(c), c.astype(np.int32), s_new["cost"][c])
            n += len(c)
        r = np.flatnonzero((s_new["row_lo"] != s_old["row_lo"])
                           | (s_new["row_hi"] != s_old["row_hi"]))
        if len(r):
            self.h.changeRowsBounds(  # type: ignore[attr-defined]
                len(r), r.astype(np.int32), s_new["row_lo"][r],
                                    s_new["row_hi"][r])
            n += len(r)
        if not (np.array_equal(s_new["a_indices"], s_old["a_indices"])
                and np.array_equal(s_new["a_indptr"], s_old["a_indptr"])
                and np.array_equal(s_new["a_data"], s_old["a_data"])):
            old = sp.csc_matrix((s_old["a_data"], s_old["a_indices"], s_old["a_indptr"]),
                                shape=(new.n_cons, new.n_vars))
            diff = (new.matrix() - old).tocoo()
            newm = new.matrix().tocsr()
            for i, j in zip(diff.row, diff.col, strict=True):
                self.h.changeCoeff(int(i), int(j), float(newm[i, j]))
                n += 1
        if new.offset != self.model.offset:
            n += 1  # the offset is added to the last stage's value, not held in HiGHS
        self.model = new
        self._arrays = s_new
        self._partition = partition(new)
        return n


# ---------------------------------------------------------------------- decomposition


POOL_MIN_NNZ = 100_000
"""Decomposed solves of models with fewer non-zeros run their blocks in this process (a
process pool's start-up costs more than such blocks take)."""

RELAX_TOL = 1e-7
"""Relative tolerance of the check that a relaxed coupling row holds (HiGHS's primal
feasibility tolerance)."""


def components(model: LinearModel, relax: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Connected components of the model's matrix with the rows ``relax`` left out.

    Returns the component of each column, of each kept row, the kept rows' ids and each
    component's non-zeros.
    """
    keep = np.ones(model.n_cons, bool)
    if relax is not None:
        keep[np.asarray(relax, np.int64)] = False
    row_ids = np.flatnonzero(keep)
    a = model.matrix()[row_ids].tocsc()
    n = model.n_vars
    g = sp.bmat([[None, a.T], [a, None]], format="csr")
    _, lab = connected_components(g, directed=False)
    col_lab = lab[:n]
    comp_nnz = np.bincount(col_lab, weights=np.diff(a.indptr), minlength=lab.max() + 1)
    return col_lab, lab[n:], row_ids, comp_nnz


def blocks(model: LinearModel, max_block_nnz: int = 200_000,
           relax: np.ndarray | None = None,
           comps: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
           ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Independent blocks ``(cols, rows)`` of the model (connected components of A).

    Rows in ``relax`` are left out (they belong to no block). Small components are merged
    into blocks of up to ``max_block_nnz`` non-zeros (merging independent components keeps
    the solution exact and saves solver calls). ``comps``: :func:`components` of ``model``
    with ``relax`` left out, if already computed.
    """
    col_lab, row_lab, row_ids, comp_nnz = comps if comps is not None else components(model, relax)
    n_comp = len(comp_nnz)
    order = np.argsort(col_lab, kind="stable")
    bounds = np.searchsorted(col_lab[order], np.arange(n_comp + 1))
    rorder = np.argsort(row_lab, kind="stable")
    rbounds = np.searchsorted(row_lab[rorder], np.arange(n_comp + 1))
    out: list[tuple[np.ndarray, np.ndarray]] = []
    cur_c: list[np.ndarray] = []
    cur_r: list[np.ndarray] = []
    cur = 0.0
    for comp in range(n_comp):
        cols = order[bounds[comp]:bounds[comp + 1]]
        rows = row_ids[rorder[rbounds[comp]:rbounds[comp + 1]]]
        if len(cols) == 0 and len(rows) == 0:
            continue
        cur_c.append(cols)
        cur_r.append(rows)
        cur += comp_nnz[comp]
        if cur >= max_block_nnz:
            out.append((np.sort(np.concatenate(cur_c)), np.sort(np.concatenate(cur_r))))
            cur_c, cur_r, cur = [], [], 0.0
    if cur_c:
        out.append((np.sort(np.concatenate(cur_c)), np.sort(np.concatenate(cur_r))))
    return out


def coupling(model: LinearModel) -> tuple[np.ndarray, np.ndarray]:
    """Coupling rows the decomposition may relax, and the columns found only in them.

    Candidates are ``meta['coupling_rows']``, set by the frames piece for frames enclosing
    other frames.
    The rows qualify when their lower bounds are ``-inf`` and every variable that appears
    only in coupling rows (its frame gap) has lower bound 0 and non-negative coefficients in
    every objective stage, so dropping the rows and fixing those variables at 0 is a
    relaxation whose stage values are lower bounds (see :func:`solve_decomposed`). Returns
    ``(rows, only)``: the qualifying rows (empty if they do not qualify) and a mask of the
    columns that appear in them alone.
    """
    rows = np.asarray(model.meta.get("coupling_rows", np.zeros(0, np.int64)), np.int64)
    none = (np.zeros(0, np.int64), np.zeros(model.n_vars, bool))
    if not len(rows) or np.isfinite(model.row_lo[rows]).any():
        return none
    a = model.matrix()
    inside = np.zeros(model.n_cons, bool)
    inside[rows] = True
    per_col = np.diff(a.indptr)
    col_of = np.repeat(np.arange(model.n_vars), per_col)
    n_inside = np.bincount(col_of, weights=inside[a.indices], minlength=model.n_vars)
    only = (n_inside > 0) & (n_inside == per_col)
    if np.any(model.col_lo[only] != 0.0) or any(np.any(c[only] < 0) for _, c in model.stages()):
        return none
    return rows, only


def partition(model: LinearModel, cut: tuple[np.ndarray, np.ndarray] | None = None,
              labels: np.ndarray | None = None) -> Partition:
    """The model's columns grouped by the components left when the :func:`coupling` rows go.

    How every solve holds its objective stages (:func:`pks.optimise.highs_run.run_stages`).
    ``cut`` (:func:`coupling`'s result) and ``labels`` (the columns' components without
    its rows), if already computed.
    """
    relax, only = cut if cut is not None else coupling(model)
    if labels is None:
        labels = components(model, relax)[0]
    return Partition.of(model.matrix(), model.row_hi, labels, relax, only)


def _block_lp(model: LinearModel, cols: np.ndarray, rows: np.ndarray,
              groups: Partition, relax: np.ndarray, only: np.ndarray
              ) -> dict[str, np.ndarray]:
    """One block's arrays, with its columns' groups and the relaxed rows it contains.

    A block holds relaxed rows only when the model is solved in one block after all.
    """
    a = model.matrix()[rows][:, cols].tocsc()
    stages = model.stages()
    return {"groups": groups.labels[cols],
            "coupling_pos": np.flatnonzero(np.isin(rows, relax)), "only": only[cols],
            "cost": model.objective[cols],
            "stage_costs": np.array([c[cols] for _, c in stages]),
            "stage_names": np.array([nm for nm, _ in stages]),
            "col_lo": model.col_lo[cols], "col_hi": model.col_hi[cols],
            "row_lo": model.row_lo[rows], "row_hi": model.row_hi[rows],
            "indptr": a.indptr, "indices": a.indices, "data": a.data,
            "n_rows": np.int64(len(rows))}


def solve_block(arrays: dict[str, np.ndarray], cfg: SolveConfig
                ) -> tuple[str, Mapping[str, float], np.ndarray, np.ndarray, float]:
    """Solve one block given as arrays (picklable, for Dask workers), stage by stage.

    Returns status, the value of each stage, ``x``, the row duals and the solve time.
    Stages are separable over independent blocks, so the union of the blocks' stagewise
    optima is the model's. The stages are held per component (``groups``) as in the
    monolithic solve (:class:`pks.optimise.highs_run.Partition`).
    """
    import highspy

    lp = highspy.HighsLp()
    n = len(arrays["cost"])
    m = int(arrays["n_rows"])
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = arrays["cost"], arrays["col_lo"], arrays["col_hi"]
    lp.row_lower_, lp.row_upper_ = arrays["row_lo"], arrays["row_hi"]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = arrays["indptr"].astype(np.int32)
    lp.a_matrix_.index_ = arrays["indices"].astype(np.int32)
    lp.a_matrix_.value_ = arrays["data"]
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    names = [str(v) for v in arrays.get("stage_names", np.array([STAGE_COST]))]
    costs = arrays.get("stage_costs", np.asarray([arrays["cost"]]))
    groups = None
    if "groups" in arrays:
        a = sp.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(m, n))
        groups = Partition.of(a, arrays["row_hi"], arrays["groups"], arrays["coupling_pos"],
                              arrays["only"])
    raw = solve_arrays(lp, cfg, n, stages=list(zip(names, list(costs), strict=True)),
                       partition=groups)
    y = raw.row_dual if len(raw.row_dual) == m else np.zeros(m)
    return raw.status.value, raw.objectives, raw.x, y, raw.solve_s


def _solve_blocks(arrays: list[dict[str, np.ndarray]], cfg: SolveConfig, nnz: int
                  ) -> list[tuple[str, Mapping[str, float], np.ndarray, np.ndarray, float]]:
    """Solve the blocks: on Dask, in a local process pool, or in this process.

    Dask given a scheduler address; else a process pool (one process per core) for models
    of at least :data:`POOL_MIN_NNZ` non-zeros; else one block after another.
    """
    if cfg.scheduler_address:
        from distributed import Client

        with Client(cfg.scheduler_address) as client:
            futs = [client.submit(solve_block, a, cfg, pure=False) for a in arrays]
            return list(client.gather(futs))
    workers = min(len(arrays), os.cpu_count() or 1)
    if workers > 1 and nnz >= POOL_MIN_NNZ:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            return list(pool.map(solve_block, arrays, [cfg] * len(arrays)))
    return [solve_block(a, cfg) for a in arrays]


def solve_decomposed(model: LinearModel, cfg: SolveConfig,
                     timings: Mapping[str, float] | None = None) -> SolveResult:
    r"""Solve the blocks of ``model`` separately and join the solutions.

    Blocks are the connected components of the matrix once the coupling rows of
    :func:`coupling` (a region's frame above its divisions' frames) are left out.
    Exactness: the model without those rows and with their frame gaps :math:`\gamma = 0`
    is a relaxation of the full model stage by stage (dropping a row only widens the
    feasible set; dropping :math:`\gamma \ge 0` with non-negative stage costs only lowers
    each stage value). If the joined solution :math:`x^*` of the relaxation satisfies every
    left-out row, :math:`x^*` is feasible in the full model with the same stage values, so
    each stage of the full model attains the relaxation's bound: :math:`x^*` is optimal
    (and every full optimum has :math:`\gamma = 0`, so the next stage's comparison holds
    too). If a left-out row is violated the region frame binds across divisions and the
    model is solved monolithically (``n_blocks = 1``). Stages are separable over
    independent blocks, so the union of the blocks' stagewise optima is the relaxation's.

    Same rows as the monolithic solve: a block holds each earlier stage per component,
    :math:`c_{k,g}\cdot x \le z_{k,g} + \tau\max(1,|z_{k,g}|)`, and so does the
    monolithic solve while the relaxed rows are slack (exact there, see
    :func:`pks.optimise.highs_run.run_stages`). Held on the total instead, the monolithic
    solve could spend the whole tolerance :math:`\tau\sum_g z_{k,g}` in the component
    where the next stage gains most from it, which the blocks, each bounded by its own
    share, cannot: measured 1e-8 (demo), 1.3e-7 (small) and 5.7e-6 (medium) of the
    objective before this.
    """
    tm = dict(timings or {})
    t0 = time.perf_counter()
    relax, only = coupling(model)
    comps = components(model, relax)
    groups = partition(model, (relax, only), comps[0])
    parts = blocks(model, cfg.max_block_nnz, relax, comps)
    if len(parts) <= 1 and len(relax):
        parts = blocks(model, cfg.max_block_nnz)
    arrays = [_block_lp(model, c, r, groups, relax, only) for c, r in parts]
    relax = relax if len(parts) > 1 else np.zeros(0, np.int64)
    tm["to_solver"] = time.perf_counter() - t0
    sub_cfg = cfg.model_copy(update={"decompose": False})
    t0 = time.perf_counter()
    results = _solve_blocks(arrays, sub_cfg, int(model.matrix().nnz))
    tm["solve"] = time.perf_counter() - t0
    x = np.zeros(model.n_vars)
    y = np.zeros(model.n_cons)
    values = {name: 0.0 for name, _ in model.stages()}
    last = list(values)[-1]
    values[last] = float(model.offset)
    status = SolveStatus.OPTIMAL
    for (cols, rows), (st, o, xb, yb, _) in zip(parts, results, strict=True):
        if st != SolveStatus.OPTIMAL.value:
            status = SolveStatus(st)
            continue
        x[cols] = xb
        y[rows] = yb
        for k, v in o.items():
            values[k] = values.get(k, 0.0) + v
    if len(relax) and status is SolveStatus.OPTIMAL:
        act = model.matrix()[relax] @ x
        hi = model.row_hi[relax]
        if np.any(act > hi + RELAX_TOL * np.maximum(1.0, np.abs(hi))):
            log.info("decomposition: %d coupling row(s) bind; solving monolithically",
                     int(np.sum(act > hi)))
            return solve(model, sub_cfg, timings=timings)
    import highspy

    raw = RawSolution(status, values[last] if status is SolveStatus.OPTIMAL else float("nan"), x, y,
               tm["solve"], highspy.Highs().version(), objectives=values)
    return _finish(model, raw, cfg, tm, n_blocks=len(parts))
