"""Solving with HiGHS (highspy): typed frozen results, persistent re-solves, decomposition.

Routes (measured, see ``benchmarks/optimise``): ``direct`` (default) hands the model's
arrays to HiGHS as one column-wise ``HighsLp`` (no expression objects, no file); ``pyomo``
builds the same blocks as a named Pyomo model and hands it over through Pyomo's
standard-form compiler (:mod:`pks.optimise.pyomo_route`). A :class:`Resolver` keeps
the ``Highs`` object, so a re-solve after a parameter change (another scenario, the next
rolling week) only pushes changed bounds, costs and coefficients and HiGHS warm-starts
from its basis. Decomposition: the constraint matrix splits into connected components
(units couple only through the frames of the nodes above them and, at the operative
level, through transfers inside an area); each block is solved alone — sequentially, or
as Dask tasks when a scheduler address is given — and the solution is the union.

Objective stages (:meth:`pks.optimise.linear.LinearModel.stages`): every route solves the
same sequence in one ``Highs`` object — minimise a stage, add the row
``c_k·x ≤ z_k + rel_tol·max(1, |z_k|)`` that holds it at its optimum, switch the costs to the
next stage and re-run from the current basis. A stage whose largest cost coefficient
lies outside [1e-3, 1e6] is scaled by a power of two to a largest coefficient near 1
before it reaches HiGHS (the objective stays well scaled whatever the size of the region
or its demand); values and duals are scaled back.

Numerics: the coefficient ranges of the matrix, costs and bounds are checked before the
solve and HiGHS's residual infeasibilities after it; anything outside a sane range is
logged and returned in :attr:`SolveResult.warnings` (shown in the explanation) instead of
a silent "optimal".
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pks.optimise.config import SolveConfig
from pks.optimise.linear import STAGE_CARE, STAGE_COST, LinearModel

log = logging.getLogger(__name__)


class SolveStatus(enum.Enum):
    """Outcome of a solve, mapped explicitly from HiGHS's model status."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    INTERRUPTED = "interrupted"
    MEMORY_LIMIT = "memory_limit"
    EMPTY = "empty"
    ERROR = "error"
    UNKNOWN = "unknown"
    NOT_SOLVED = "not_solved"


def _status_map() -> dict[object, SolveStatus]:
    import highspy

    s = highspy.HighsModelStatus
    return {
        s.kOptimal: SolveStatus.OPTIMAL,
        s.kInfeasible: SolveStatus.INFEASIBLE,
        s.kUnbounded: SolveStatus.UNBOUNDED,
        s.kUnboundedOrInfeasible: SolveStatus.INFEASIBLE_OR_UNBOUNDED,
        s.kTimeLimit: SolveStatus.TIME_LIMIT,
        s.kIterationLimit: SolveStatus.ITERATION_LIMIT,
        s.kInterrupt: SolveStatus.INTERRUPTED,
        getattr(s, "kHighsInterrupt", s.kInterrupt): SolveStatus.INTERRUPTED,
        s.kMemoryLimit: SolveStatus.MEMORY_LIMIT,
        s.kModelEmpty: SolveStatus.EMPTY,
        s.kObjectiveBound: SolveStatus.UNKNOWN,
        s.kObjectiveTarget: SolveStatus.UNKNOWN,
        s.kSolutionLimit: SolveStatus.UNKNOWN,
        s.kNotset: SolveStatus.NOT_SOLVED,
        s.kLoadError: SolveStatus.ERROR,
        s.kModelError: SolveStatus.ERROR,
        s.kPresolveError: SolveStatus.ERROR,
        s.kSolveError: SolveStatus.ERROR,
        s.kPostsolveError: SolveStatus.ERROR,
        s.kUnknown: SolveStatus.UNKNOWN,
    }


def map_status(model_status: object) -> SolveStatus:
    """Our status for a ``highspy.HighsModelStatus``."""
    return _status_map().get(model_status, SolveStatus.UNKNOWN)


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


def _options(h: object, cfg: SolveConfig, n_cols: int) -> None:
    method = cfg.method
    if method == "choose":
        method = "ipm" if n_cols >= cfg.ipm_threshold_cols else "simplex"
    h.setOptionValue("output_flag", False)  # type: ignore[attr-defined]
    h.setOptionValue("solver", method)  # type: ignore[attr-defined]
    h.setOptionValue("time_limit", float(cfg.time_limit_s))  # type: ignore[attr-defined]
    h.setOptionValue("primal_feasibility_tolerance",  # type: ignore[attr-defined]
                     cfg.primal_feasibility_tolerance)
    h.setOptionValue("dual_feasibility_tolerance",  # type: ignore[attr-defined]
                     cfg.dual_feasibility_tolerance)
    h.setOptionValue("mip_rel_gap", cfg.mip_rel_gap)  # type: ignore[attr-defined]
    h.setOptionValue("threads", int(cfg.threads))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Raw:
    status: SolveStatus
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    solve_s: float
    version: str
    iterations: int = 0
    dual_parts: Mapping[str, np.ndarray] = field(default_factory=dict)
    dual_parts_s: float = 0.0
    objectives: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def dual_parts(h: object, weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Row duals of other linear objectives under the optimal basis (one BTRAN each).

    At an optimal basis ``B`` the row duals are ``y = B⁻ᵀ c_B``; for any weight vector ``w``
    over the columns, ``y_w = B⁻ᵀ w_B`` is the marginal change of ``w·x`` per unit of each
    row's bound, holding the optimal basis — how one more FTE or case splits into real cost
    and care not given. Linear in ``w``: the parts of the cost vector sum to ``y``. Empty
    when HiGHS has no valid basis (IPM without crossover).
    """
    if not h.getBasis().valid:  # type: ignore[attr-defined]
        return {}
    _, basic = h.getBasicVariables()  # type: ignore[attr-defined]
    basic = np.asarray(basic, np.int64)
    structural = basic >= 0
    out = {}
    for name, w in weights.items():
        cb = np.zeros(len(basic))
        cb[structural] = np.asarray(w, float)[basic[structural]]
        _, z = h.getBasisTransposeSolve(cb)  # type: ignore[attr-defined]
        out[name] = np.asarray(z, float)
    return out


def _run_highs(h: object, cfg: SolveConfig) -> _Raw:
    t0 = time.perf_counter()
    h.run()  # type: ignore[attr-defined]
    dt = time.perf_counter() - t0
    st = map_status(h.getModelStatus())  # type: ignore[attr-defined]
    sol = h.getSolution()  # type: ignore[attr-defined]
    info = h.getInfo()  # type: ignore[attr-defined]
    x = np.asarray(sol.col_value, float)
    y = np.asarray(sol.row_dual, float) if sol.dual_valid else np.zeros(0)
    obj = float(info.objective_function_value) if st is SolveStatus.OPTIMAL else float("nan")
    its = int(max(info.simplex_iteration_count, 0) + max(info.ipm_iteration_count, 0))
    warn: list[str] = []
    tol = 10.0 * cfg.primal_feasibility_tolerance
    if st is SolveStatus.OPTIMAL and float(info.max_primal_infeasibility) > tol:
        warn.append(f"residual primal infeasibility {float(info.max_primal_infeasibility):.1e}")
    dtol = 10.0 * cfg.dual_feasibility_tolerance
    if st is SolveStatus.OPTIMAL and float(info.max_dual_infeasibility) > dtol:
        warn.append(f"residual dual infeasibility {float(info.max_dual_infeasibility):.1e}")
    return _Raw(st, obj, x, y, dt, h.version(), its,  # type: ignore[attr-defined]
                warnings=tuple(warn))


RANGE_WARN = 1e10
"""Largest sane ratio of the largest to the smallest non-zero magnitude in the matrix, and
largest sane magnitude of a finite bound relative to the largest matrix coefficient."""


def coefficient_warnings(a: sp.spmatrix, lo: np.ndarray, hi: np.ndarray, rlo: np.ndarray,
                         rhi: np.ndarray) -> list[str]:
    """Warnings about coefficient ranges that make an LP numerically risky.

    The matrix's non-zero magnitudes should span less than :data:`RANGE_WARN`, and finite
    bounds should not exceed :data:`RANGE_WARN` in absolute value (HiGHS treats 1e20 as
    infinite; beyond 1e10 feasibility tolerances of 1e-7 lose meaning).
    """
    out = []
    v = np.abs(np.asarray(a.data if hasattr(a, "data") else [], float))
    v = v[v > 0]
    if v.size and v.max() / v.min() > RANGE_WARN:
        out.append(f"matrix coefficients span [{v.min():.1e}, {v.max():.1e}]")
    b = np.concatenate([lo, hi, rlo, rhi])
    b = np.abs(b[np.isfinite(b)])
    if b.size and b.max() > RANGE_WARN:
        out.append(f"bounds reach {b.max():.1e}")
    return out


def _stage_parts(weights: Mapping[str, np.ndarray] | None, stage: str, last: bool,
                 has_care: bool) -> dict[str, np.ndarray]:
    """The parts whose duals are taken at ``stage``.

    Real cost at the last stage, the care parts at the care stage (or the last stage when
    there is none).
    """
    if not weights:
        return {}
    out = {}
    for k, w in weights.items():
        at_last = k == "real_cost_sek" or not has_care
        if (at_last and last) or (not at_last and stage == STAGE_CARE):
            out[k] = w
    return out


COST_RANGE = (1e-3, 1e6)
"""Largest |cost coefficient| of a stage handed to HiGHS unscaled; outside it the stage is
scaled (:func:`cost_scale`)."""


def cost_scale(c: np.ndarray) -> float:
    """Divisor of a stage's costs.

    1 while the largest |coefficient| lies in :data:`COST_RANGE` (HiGHS then sees the
    model exactly as built), else the power of two nearest it, which brings the largest
    coefficient into [0.7, 1.4] and changes no digit of any coefficient (exact in
    floating point).
    """
    big = float(np.abs(c).max()) if c.size else 0.0
    if big == 0 or COST_RANGE[0] <= big <= COST_RANGE[1]:
        return 1.0
    return float(2.0 ** np.round(np.log2(big)))


def run_stages(h: object, stages: list[tuple[str, np.ndarray]], offset: float,
               cfg: SolveConfig, weights: Mapping[str, np.ndarray] | None = None) -> _Raw:
    """Solve ``stages`` in order in ``h`` (model already passed, offset zero).

    Stage ``k``: costs ``c_k / s_k`` (``s_k`` :func:`cost_scale`), run from the
    current basis, then (except for the last stage) add the row
    ``(c_k/s_k)·x ≤ z_k + rel_tol·max(1, |z_k|)`` holding the stage at its
    optimum. Returns the last stage's solution; its duals are scaled back (SEK per unit of
    each original row); the added rows are removed again so ``h`` holds the model as
    passed (for warm-started re-solves).
    """
    n = int(h.getNumCol())  # type: ignore[attr-defined]
    m0 = int(h.getNumRow())  # type: ignore[attr-defined]
    idx = np.arange(n, dtype=np.int32)
    has_care = any(name == STAGE_CARE for name, _ in stages)
    values: dict[str, float] = {}
    parts: dict[str, np.ndarray] = {}
    warn: list[str] = []
    total_s, its, parts_s = 0.0, 0, 0.0
    added = 0
    raw: _Raw | None = None
    scale = 1.0
    for i, (name, c) in enumerate(stages):
        last = i == len(stages) - 1
        c = np.asarray(c, float)
        scale = cost_scale(c)
        h.changeColsCost(n, idx, c / scale)  # type: ignore[attr-defined]
        raw = _run_highs(h, cfg)
        total_s += raw.solve_s
        its += raw.iterations
        warn += [f"{name}: {w}" for w in raw.warnings]
        if raw.status is not SolveStatus.OPTIMAL:
            if not last:
                warn.append(f"{name}: {raw.status.value}")
            break
        z = raw.objective
        values[name] = z * scale + (offset if last else 0.0)
        want = _stage_parts(weights, name, last, has_care)
        if want and len(raw.row_dual):
            t0 = time.perf_counter()
            parts.update({k: v[:m0] for k, v in dual_parts(h, want).items()})
            parts_s += time.perf_counter() - t0
        if not last and np.any(c != 0):
            nz = np.flatnonzero(c)
            z = max(z, float(c[nz] @ raw.x[nz]) / scale)  # the row as HiGHS will see it
            rhs = z + cfg.lexicographic_rel_tol * max(1.0, abs(z))
            h.addRow(-np.inf, rhs, len(nz), nz.astype(np.int32),  # type: ignore[attr-defined]
                     c[nz] / scale)
            added += 1
    assert raw is not None
    if added:
        h.deleteRows(added, np.arange(m0, m0 + added, dtype=np.int32))  # type: ignore[attr-defined]
    ok = raw.status is SolveStatus.OPTIMAL
    y = raw.row_dual[:m0] * scale if len(raw.row_dual) else raw.row_dual
    for w in warn:
        log.warning("HiGHS: %s", w)
    return _Raw(raw.status, values.get(stages[-1][0], float("nan")) if ok else float("nan"),
                raw.x, y, total_s, raw.version, its, parts if ok else {}, parts_s,
                values, tuple(warn))


def _solve_arrays(lp: object, cfg: SolveConfig, n_cols: int,
                  weights: Mapping[str, np.ndarray] | None = None,
                  stages: list[tuple[str, np.ndarray]] | None = None) -> _Raw:
    """Solve ``lp`` through its objective ``stages`` (default: its own costs, one stage)."""
    import highspy

    offset = float(lp.offset_)  # type: ignore[attr-defined]
    if stages is None:
        stages = [(STAGE_COST, np.asarray(lp.col_cost_, float))]  # type: ignore[attr-defined]
    lp.offset_ = 0.0  # type: ignore[attr-defined]
    h = highspy.Highs()
    _options(h, cfg, n_cols)
    h.passModel(lp)  # type: ignore[call-overload]
    return run_stages(h, stages, offset, cfg, weights)


def _finish(model: LinearModel, raw: _Raw, cfg: SolveConfig, timings: dict[str, float],
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

        raw = solve_pyomo(model, cfg, tm)
    else:
        t0 = time.perf_counter()
        lp = model.to_highs_lp()
        tm["to_solver"] = time.perf_counter() - t0
        raw = _solve_arrays(lp, cfg, model.n_vars, _weights(model, cfg), model.stages())
        tm["solve"] = raw.solve_s
    if raw.status is not SolveStatus.OPTIMAL:
        log.warning("%s model not solved to optimality: %s", model.name, raw.status.value)
    return _finish(model, raw, cfg, tm)


def _weights(model: LinearModel, cfg: SolveConfig) -> dict[str, np.ndarray] | None:
    """The shadow-price parts of :func:`pks.optimise.extract.dual_part_weights`, if wanted."""
    if not cfg.duals or "inputs" not in model.meta:
        return None
    from pks.optimise.extract import dual_part_weights

    return dual_part_weights(model)


# ---------------------------------------------------------------------- persistent re-solve


class Resolver:
    """A built model kept in HiGHS for warm-started re-solves after parameter changes.

    ``update(new_model)`` accepts a model of the same structure (same blocks and sizes;
    a level rebuilt from changed inputs) and pushes only what differs: column bounds,
    costs, row bounds and changed matrix coefficients. HiGHS then starts from the
    previous basis.
    """

    def __init__(self, model: LinearModel, cfg: SolveConfig | None = None) -> None:
        import highspy

        self.cfg = cfg or SolveConfig(method="simplex")
        self.model = model
        self.h = highspy.Highs()
        _options(self.h, self.cfg, model.n_vars)
        lp = model.to_highs_lp()
        lp.offset_ = 0.0
        self.h.passModel(lp)  # type: ignore[call-overload]
        self._arrays = self._snapshot(model)
        self.n_updates = 0

    @staticmethod
    def _snapshot(m: LinearModel) -> dict[str, np.ndarray]:
        a = m.matrix()
        return {"col_lo": m.col_lo, "col_hi": m.col_hi, "cost": m.cost, "row_lo": m.row_lo,
                "row_hi": m.row_hi, "a_data": a.data.copy(), "a_indices": a.indices.copy(),
                "a_indptr": a.indptr.copy()}

    def solve(self) -> SolveResult:
        """Solve (warm-started after the first call)."""
        raw = run_stages(self.h, self.model.stages(), self.model.offset, self.cfg,
                         _weights(self.model, self.cfg))
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
        self.n_updates += 1
        return n


# ---------------------------------------------------------------------- decomposition


def blocks(model: LinearModel, max_block_nnz: int = 200_000) -> list[tuple[np.ndarray, np.ndarray]]:
    """Independent blocks ``(cols, rows)`` of the model (connected components of A).

    Small components are merged into blocks of up to ``max_block_nnz`` non-zeros (merging
    independent components keeps the solution exact and saves solver calls).
    """
    a = model.matrix()
    n = model.n_vars
    g = sp.bmat([[None, a.T], [a, None]], format="csr")
    _, lab = connected_components(g, directed=False)
    col_lab, row_lab = lab[:n], lab[n:]
    nnz_per_col = np.diff(a.indptr)
    comp_nnz = np.bincount(col_lab, weights=nnz_per_col, minlength=lab.max() + 1)
    order = np.argsort(col_lab, kind="stable")
    bounds = np.searchsorted(col_lab[order], np.arange(lab.max() + 2))
    rorder = np.argsort(row_lab, kind="stable")
    rbounds = np.searchsorted(row_lab[rorder], np.arange(lab.max() + 2))
    out: list[tuple[np.ndarray, np.ndarray]] = []
    cur_c: list[np.ndarray] = []
    cur_r: list[np.ndarray] = []
    cur = 0.0
    for comp in range(lab.max() + 1):
        cols = order[bounds[comp]:bounds[comp + 1]]
        rows = rorder[rbounds[comp]:rbounds[comp + 1]]
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


def _block_lp(model: LinearModel, cols: np.ndarray, rows: np.ndarray) -> dict[str, np.ndarray]:
    a = model.matrix()[rows][:, cols].tocsc()
    stages = model.stages()
    return {"cost": model.objective[cols],
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
    optima is the model's.
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
    raw = _solve_arrays(lp, cfg, n, stages=list(zip(names, list(costs), strict=True)))
    y = raw.row_dual if len(raw.row_dual) == m else np.zeros(m)
    return raw.status.value, raw.objectives, raw.x, y, raw.solve_s


def solve_decomposed(model: LinearModel, cfg: SolveConfig,
                     timings: Mapping[str, float] | None = None) -> SolveResult:
    """Solve the independent blocks of ``model`` separately and join the solutions."""
    tm = dict(timings or {})
    t0 = time.perf_counter()
    parts = blocks(model, cfg.max_block_nnz)
    arrays = [_block_lp(model, c, r) for c, r in parts]
    tm["to_solver"] = time.perf_counter() - t0
    sub_cfg = cfg.model_copy(update={"decompose": False})
    t0 = time.perf_counter()
    if cfg.scheduler_address:
        from distributed import Client

        with Client(cfg.scheduler_address) as client:
            futs = [client.submit(solve_block, a, sub_cfg, pure=False) for a in arrays]
            results = client.gather(futs)
    else:
        results = [solve_block(a, sub_cfg) for a in arrays]
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
    import highspy

    raw = _Raw(status, values[last] if status is SolveStatus.OPTIMAL else float("nan"), x, y,
               tm["solve"], highspy.Highs().version(), objectives=values)
    return _finish(model, raw, cfg, tm, n_blocks=len(parts))
