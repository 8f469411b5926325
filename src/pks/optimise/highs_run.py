"""Running HiGHS on one model's arrays: options, staged (lexicographic) solves, numerics.

Both solve routes (:mod:`pks.optimise.solve`'s direct route and
:mod:`pks.optimise.pyomo_route`) hand their LP to :func:`solve_arrays`, so HiGHS's options,
the staged objective, the numerical checks and the shadow-price parts live in one place.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np
import scipy.sparse as sp

from pks.config.optimise import SolveConfig
from pks.optimise.linear import STAGE_CARE, STAGE_COST, LinearModel

if TYPE_CHECKING:
    from highspy import Highs, HighsBasis, HighsLp

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


def set_options(h: Highs, cfg: SolveConfig, n_cols: int) -> None:
    """Set HiGHS's method, limits and tolerances from ``cfg`` on the instance ``h``."""
    method = cfg.method
    if method == "choose":
        method = "ipm" if n_cols >= cfg.ipm_threshold_cols else "simplex"
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", method)
    h.setOptionValue("time_limit", float(cfg.time_limit_s))
    h.setOptionValue("primal_feasibility_tolerance",
                     cfg.primal_feasibility_tolerance)
    h.setOptionValue("dual_feasibility_tolerance",
                     cfg.dual_feasibility_tolerance)
    h.setOptionValue("mip_rel_gap", cfg.mip_rel_gap)
    h.setOptionValue("threads", int(cfg.threads))


@dataclass(frozen=True)
class RawSolution:
    """What one HiGHS run returns: status, objective, values, duals and their parts."""

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


class BasisSolves(Protocol):
    """The two highspy basis methods its type stub does not declare (highspy 1.15)."""

    def getBasicVariables(self) -> tuple[object, np.ndarray]:  # noqa: N802 (highspy's name)
        """Status and the index of each basic variable (negative: a row's slack)."""

    def getBasisTransposeSolve(self, rhs: np.ndarray  # noqa: N802 (highspy's name)
                               ) -> tuple[object, np.ndarray]:
        """Status and ``B⁻ᵀ rhs`` at the current basis."""


def dual_parts(h: Highs, weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Row duals of other linear objectives under the optimal basis (one BTRAN each).

    At an optimal basis ``B`` the row duals are ``y = B⁻ᵀ c_B``; for any weight vector ``w``
    over the columns, ``y_w = B⁻ᵀ w_B`` is the marginal change of ``w·x`` per unit of each
    row's bound, holding the optimal basis — how one more FTE or case splits into real cost
    and care not given. Linear in ``w``: the parts of the cost vector sum to ``y``. Empty
    when HiGHS has no valid basis (IPM without crossover).
    """
    if not h.getBasis().valid:
        return {}
    solves = cast(BasisSolves, h)
    _, basic = solves.getBasicVariables()
    basic = np.asarray(basic, np.int64)
    structural = basic >= 0
    out = {}
    for name, w in weights.items():
        cb = np.zeros(len(basic))
        cb[structural] = np.asarray(w, float)[basic[structural]]
        _, z = solves.getBasisTransposeSolve(cb)
        out[name] = np.asarray(z, float)
    return out


def _run_highs(h: Highs, cfg: SolveConfig) -> RawSolution:
    t0 = time.perf_counter()
    h.run()
    dt = time.perf_counter() - t0
    st = map_status(h.getModelStatus())
    sol = h.getSolution()
    info = h.getInfo()
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
    return RawSolution(st, obj, x, y, dt, h.version(), its,
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


class StageRows:
    """Objective-stage rows and each stage's optimal basis, kept in one ``Highs`` across solves.

    A kept model (:class:`pks.optimise.solve.Resolver`) keeps the rows that hold the stages
    at their optima (added after its own ``m0`` rows by the first solve, exactly as a cold
    solve adds them) instead of deleting them. Later solves free the rows (bounds
    ``(-∞, +∞)``) and set row ``k``'s upper bound again once stage ``k`` has run. Because
    the rows stay, the optimal basis of every stage is a basis of the kept model, and the
    next solve starts stage ``k`` from the previous solve's stage-``k`` basis (rows added
    after it was taken enter as basic, which is what a free row is): after a small edit (a
    what-if) each stage is a few pivots from its optimum instead of a walk from the previous
    stage's optimum. If a stage's costs change, its rows are dropped and the bases
    forgotten.
    """

    def __init__(self, m0: int) -> None:
        self.m0 = m0
        self.row_of: dict[int, int] = {}
        self.coef: dict[int, np.ndarray] = {}
        self.bases: dict[int, HighsBasis] = {}

    def prepare(self, h: Highs, stages: list[tuple[str, np.ndarray]]) -> None:
        """Free the kept rows, or drop them if their stage's costs changed (before a solve)."""
        same = all(k < len(stages) and np.array_equal(
            np.asarray(stages[k][1], float) / cost_scale(np.asarray(stages[k][1], float)), c)
            for k, c in self.coef.items())
        if not same:
            h.deleteRows(len(self.row_of),
                         np.array(sorted(self.row_of.values()), dtype=np.int32))
            self.row_of, self.coef, self.bases = {}, {}, {}
        for row in self.row_of.values():
            h.changeRowBounds(row, -np.inf, np.inf)

    def start(self, h: Highs, k: int) -> None:
        """Start stage ``k`` from the last solve's optimal stage-``k`` basis, if any."""
        import highspy

        b = self.bases.get(k)
        if b is None:
            return
        missing = int(h.getNumRow()) - len(b.row_status)
        if missing > 0:
            b.row_status = list(b.row_status) + [highspy.HighsBasisStatus.kBasic] * missing
        if h.setBasis(b) != highspy.HighsStatus.kOk:
            del self.bases[k]  # not a basis of this model: start from the current one

    def record(self, h: Highs, k: int) -> None:
        """Keep the optimal basis of stage ``k``."""
        b = h.getBasis()
        if b.valid:
            self.bases[k] = b

    def hold(self, h: Highs, k: int, coef: np.ndarray, rhs: float) -> None:
        """Hold stage ``k`` (scaled costs ``coef``) at its optimum: ``coef·x ≤ rhs``."""
        row = self.row_of.get(k)
        if row is None:
            nz = np.flatnonzero(coef)
            self.row_of[k] = int(h.getNumRow())
            self.coef[k] = coef
            h.addRow(-np.inf, rhs, len(nz), nz.astype(np.int32), coef[nz])
        else:
            h.changeRowBounds(row, -np.inf, rhs)


def run_stages(h: Highs, stages: list[tuple[str, np.ndarray]], offset: float,
               cfg: SolveConfig, weights: Mapping[str, np.ndarray] | None = None,
               kept: StageRows | None = None) -> RawSolution:
    """Solve ``stages`` in order in ``h`` (model already passed, offset zero).

    Stage ``k``: costs ``c_k / s_k`` (``s_k`` :func:`cost_scale`), run from the
    current basis, then (except for the last stage) add the row
    ``(c_k/s_k)·x ≤ z_k + rel_tol·max(1, |z_k|)`` holding the stage at its
    optimum. Returns the last stage's solution; its duals are scaled back (SEK per unit of
    each original row); the added rows are removed again so ``h`` holds the model as
    passed. With ``kept`` the rows stay in ``h`` instead, switched by their bounds, and each
    stage starts from its own basis of the last solve (:class:`StageRows`).
    """
    n = int(h.getNumCol())
    m0 = kept.m0 if kept is not None else int(h.getNumRow())
    if kept is not None:
        kept.prepare(h, stages)
    idx = np.arange(n, dtype=np.int32)
    has_care = any(name == STAGE_CARE for name, _ in stages)
    values: dict[str, float] = {}
    parts: dict[str, np.ndarray] = {}
    warn: list[str] = []
    total_s, its, parts_s = 0.0, 0, 0.0
    added = 0
    raw: RawSolution | None = None
    scale = 1.0
    for i, (name, c) in enumerate(stages):
        last = i == len(stages) - 1
        c = np.asarray(c, float)
        scale = cost_scale(c)
        h.changeColsCost(n, idx, c / scale)
        if kept is not None:
            kept.start(h, i)
        raw = _run_highs(h, cfg)
        if kept is not None and raw.status is SolveStatus.OPTIMAL:
            kept.record(h, i)
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
            if kept is not None:
                kept.hold(h, i, c / scale, rhs)
            else:
                h.addRow(-np.inf, rhs, len(nz), nz.astype(np.int32), c[nz] / scale)
                added += 1
    assert raw is not None
    if added:
        h.deleteRows(added, np.arange(m0, m0 + added, dtype=np.int32))
    ok = raw.status is SolveStatus.OPTIMAL
    y = raw.row_dual[:m0] * scale if len(raw.row_dual) else raw.row_dual
    for w in warn:
        log.warning("HiGHS: %s", w)
    return RawSolution(raw.status, values.get(stages[-1][0], float("nan")) if ok else float("nan"),
                raw.x, y, total_s, raw.version, its, parts if ok else {}, parts_s,
                values, tuple(warn))


def solve_arrays(lp: HighsLp, cfg: SolveConfig, n_cols: int,
                  weights: Mapping[str, np.ndarray] | None = None,
                  stages: list[tuple[str, np.ndarray]] | None = None) -> RawSolution:
    """Solve ``lp`` through its objective ``stages`` (default: its own costs, one stage)."""
    import highspy

    offset = float(lp.offset_)
    if stages is None:
        stages = [(STAGE_COST, np.asarray(lp.col_cost_, float))]
    lp.offset_ = 0.0
    h = highspy.Highs()
    set_options(h, cfg, n_cols)
    h.passModel(lp)
    return run_stages(h, stages, offset, cfg, weights)


def part_weights(model: LinearModel, cfg: SolveConfig) -> dict[str, np.ndarray] | None:
    """The shadow-price parts of :func:`pks.optimise.extract.dual_part_weights`, if wanted."""
    if not cfg.duals or "inputs" not in model.meta:
        return None
    from pks.optimise.extract import dual_part_weights

    return dual_part_weights(model)


