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
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pks.optimise.config import SolveConfig
from pks.optimise.linear import LinearModel

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
    simplex solves; empty for decomposed solves)."""

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


def _with_parts(raw: _Raw, h: object, weights: Mapping[str, np.ndarray] | None) -> _Raw:
    if not weights or raw.status is not SolveStatus.OPTIMAL or not len(raw.row_dual):
        return raw
    t0 = time.perf_counter()
    parts = dual_parts(h, weights)
    return replace(raw, dual_parts=parts, dual_parts_s=time.perf_counter() - t0)


def _run_highs(h: object) -> _Raw:
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
    return _Raw(st, obj, x, y, dt, h.version(), its)  # type: ignore[attr-defined]


def _solve_arrays(lp: object, cfg: SolveConfig, n_cols: int,
                  weights: Mapping[str, np.ndarray] | None = None) -> _Raw:
    import highspy

    h = highspy.Highs()
    _options(h, cfg, n_cols)
    h.passModel(lp)  # type: ignore[call-overload]
    return _with_parts(_run_highs(h), h, weights)


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
    return SolveResult(
        level=str(model.meta.get("level", model.name)), status=raw.status,
        objective_sek=raw.objective, bound_sek=raw.objective if ok else float("nan"),
        gap=0.0 if ok else float("nan"), solver_name="highs", solver_version=raw.version,
        timings=dict(timings), counts=model.counts(), tables=tables, duals=duals,
        n_blocks=n_blocks, iterations=raw.iterations, x=raw.x, row_dual=raw.row_dual,
        dual_parts=dict(raw.dual_parts))


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
        raw = _solve_arrays(lp, cfg, model.n_vars, _weights(model, cfg))
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
        self.h.passModel(model.to_highs_lp())  # type: ignore[call-overload]
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
        raw = _with_parts(_run_highs(self.h), self.h, _weights(self.model, self.cfg))
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
            self.h.changeObjectiveOffset(float(new.offset))
            n += 1
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
    return {"cost": model.cost[cols], "col_lo": model.col_lo[cols], "col_hi": model.col_hi[cols],
            "row_lo": model.row_lo[rows], "row_hi": model.row_hi[rows],
            "indptr": a.indptr, "indices": a.indices, "data": a.data,
            "n_rows": np.int64(len(rows))}


def solve_block(arrays: dict[str, np.ndarray], cfg: SolveConfig) -> tuple[str, float, np.ndarray,
                                                                         np.ndarray, float]:
    """Solve one block given as arrays (picklable, for Dask workers)."""
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
    raw = _solve_arrays(lp, cfg, n)
    y = raw.row_dual if len(raw.row_dual) == m else np.zeros(m)
    return raw.status.value, raw.objective, raw.x, y, raw.solve_s


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
    obj = float(model.offset)
    status = SolveStatus.OPTIMAL
    for (cols, rows), (st, o, xb, yb, _) in zip(parts, results, strict=True):
        if st != SolveStatus.OPTIMAL.value:
            status = SolveStatus(st)
            continue
        x[cols] = xb
        y[rows] = yb
        obj += o
    import highspy

    raw = _Raw(status, obj if status is SolveStatus.OPTIMAL else float("nan"), x, y,
               tm["solve"], highspy.Highs().version())
    return _finish(model, raw, cfg, tm, n_blocks=len(parts))
