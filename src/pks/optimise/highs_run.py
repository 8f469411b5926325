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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np
import scipy.sparse as sp

from pks.config.optimise import SolveConfig
from pks.optimise.linear import STAGE_CARE, STAGE_COST, STAGE_FRAME, LinearModel

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


TOTAL_GROUP = -1
"""Key of the row that holds a stage on all its columns together (no :class:`Partition`, or
a partition whose groups are not independent at the stage's optimum)."""

COUPLING_SLACK_TOL = 1e-7
"""Relative margin by which a coupling row of a :class:`Partition` must be slack at a stage's
optimum before the stage is held group by group (HiGHS's primal feasibility tolerance)."""


@dataclass(frozen=True)
class Partition:
    r"""Groups of columns that are independent once some coupling rows are slack.

    ``labels[j]`` is the group of column :math:`j`: the connected components of the
    constraint matrix without the ``coupling`` rows (a region's frame above its divisions'
    frames), so every other row lies inside one group. ``coupling`` holds those rows with
    the columns that appear only in them (their frame gaps :math:`\gamma`) zeroed, and
    ``coupling_hi`` their upper bounds. :func:`run_stages` holds an objective stage group
    by group, :math:`c_{k,g}\cdot x \le z_{k,g} + \tau\max(1, |z_{k,g}|)`, instead of once
    on the total, while :meth:`separable` holds; then a monolithic solve and a solve of the
    groups one by one (:func:`pks.optimise.solve.solve_decomposed`) hold the same rows.
    """

    labels: np.ndarray
    coupling: sp.csr_matrix
    coupling_hi: np.ndarray

    @staticmethod
    def of(a: sp.spmatrix, row_hi: np.ndarray, labels: np.ndarray, coupling_rows: np.ndarray,
           only: np.ndarray) -> Partition:
        """The partition of matrix ``a`` into ``labels`` with ``coupling_rows`` relaxed.

        ``only`` marks the columns that appear in the coupling rows alone (zeroed in
        :attr:`coupling`).
        """
        rows = np.asarray(coupling_rows, np.int64)
        c = sp.csr_matrix(a)[rows] @ sp.diags((~np.asarray(only, bool)).astype(float))
        return Partition(np.asarray(labels, np.int64), sp.csr_matrix(c),
                         np.asarray(row_hi, float)[rows])

    def take(self, cols: np.ndarray) -> Partition:
        """The partition of the columns ``cols`` (a model handed over without some columns)."""
        return Partition(self.labels[cols], sp.csr_matrix(self.coupling[:, cols]),
                         self.coupling_hi)

    def separable(self, x: np.ndarray) -> bool:
        r"""Whether every coupling row is slack at ``x``: :math:`a_r x < h_r - \epsilon`.

        With :math:`\epsilon` = :data:`COUPLING_SLACK_TOL` :math:`\max(1, |h_r|)` and the
        frame gaps left out of :math:`a_r`.
        """
        if not len(self.coupling_hi):
            return True
        act = self.coupling @ x
        hi = self.coupling_hi
        return bool(np.all(act < hi - COUPLING_SLACK_TOL * np.maximum(1.0, np.abs(hi))))


def hold_rows(c: np.ndarray, x: np.ndarray, z: float, rel_tol: float,
              labels: np.ndarray | None) -> list[tuple[int, np.ndarray, float]]:
    r"""The rows ``(group, columns, rhs)`` that hold a stage (scaled costs ``c``) at ``x``.

    Without ``labels`` (or with one group among the stage's columns) one row on the total,
    :math:`c\cdot x \le \max(z, c\cdot x) + \tau\max(1, |\cdot|)` (``z`` HiGHS's optimal
    value); else one row per group, :math:`c_g\cdot x_g \le z_g + \tau\max(1, |z_g|)` with
    :math:`z_g = c_g\cdot x_g`. The groups' tolerances sum to at least the total's, but
    one group cannot spend another's: each group is held as it would be solved alone.
    """
    nz = np.flatnonzero(c)
    g = labels[nz] if labels is not None else np.zeros(len(nz), np.int64)
    keys, start = np.unique(g, return_index=True) if len(nz) else (np.zeros(0, np.int64), None)
    if len(keys) <= 1:
        zt = max(z, float(c[nz] @ x[nz]))
        return [(TOTAL_GROUP, nz, zt + rel_tol * max(1.0, abs(zt)))]
    order = np.argsort(g, kind="stable")
    bounds = np.searchsorted(g[order], keys)
    out = []
    for key, lo, hi in zip(keys, bounds, np.r_[bounds[1:], len(nz)], strict=True):
        cols = np.sort(nz[order[lo:hi]])
        zg = float(c[cols] @ x[cols])
        out.append((int(key), cols, zg + rel_tol * max(1.0, abs(zg))))
    return out


class StageRows:
    """Objective-stage rows and each stage's optimal basis, kept in one ``Highs`` across solves.

    A kept model (:class:`pks.optimise.solve.Resolver`) keeps the rows that hold the stages
    at their optima (added after its own ``m0`` rows by the first solve, exactly as a cold
    solve adds them) instead of deleting them. Later solves free the rows (bounds
    ``(-∞, +∞)``) and set a stage's rows' upper bounds again once the stage has run. A
    stage held group by group (:func:`hold_rows`) in one solve and on its total in another
    keeps both kinds of row, the unused ones free. Because the rows stay, the optimal basis
    of every stage is a basis of the kept model, and the next solve starts stage ``k`` from
    the previous solve's stage-``k`` basis (rows added after it was taken enter as basic,
    which is what a free row is): after a small edit (a what-if) each stage is a few pivots
    from its optimum instead of a walk from the previous stage's optimum. If a stage's costs
    or the groups change, the rows are dropped and the bases forgotten.
    """

    def __init__(self, m0: int) -> None:
        self.m0 = m0
        self.row_of: dict[tuple[int, int], int] = {}
        self.coef: dict[int, np.ndarray] = {}
        self.labels: np.ndarray | None = None
        self.bases: dict[int, HighsBasis] = {}

    def prepare(self, h: Highs, stages: list[tuple[str, np.ndarray]],
                labels: np.ndarray | None = None) -> None:
        """Free the kept rows, or drop them if their stage's costs or the groups changed."""
        same = all(k < len(stages) and np.array_equal(
            np.asarray(stages[k][1], float) / cost_scale(np.asarray(stages[k][1], float)), c)
            for k, c in self.coef.items())
        kept = self.labels
        same = same and (kept is None if labels is None
                         else kept is not None and np.array_equal(kept, labels))
        if not same:
            h.deleteRows(len(self.row_of),
                         np.array(sorted(self.row_of.values()), dtype=np.int32))
            self.row_of, self.coef, self.bases = {}, {}, {}
        self.labels = labels
        for row in self.row_of.values():
            h.changeRowBounds(row, -np.inf, np.inf)

    def start(self, h: Highs, k: int) -> bool:
        """Start stage ``k`` from the last solve's optimal stage-``k`` basis, if any.

        Returns whether HiGHS took that basis (else the stage starts from the current one).
        """
        import highspy

        b = self.bases.get(k)
        if b is None:
            return False
        missing = int(h.getNumRow()) - len(b.row_status)
        if missing > 0:
            b.row_status = list(b.row_status) + [highspy.HighsBasisStatus.kBasic] * missing
        if h.setBasis(b) != highspy.HighsStatus.kOk:
            del self.bases[k]  # not a basis of this model: start from the current one
            return False
        return True

    def record(self, h: Highs, k: int) -> None:
        """Keep the optimal basis of stage ``k``."""
        b = h.getBasis()
        if b.valid:
            self.bases[k] = b

    def hold(self, h: Highs, k: int, coef: np.ndarray,
             rows: list[tuple[int, np.ndarray, float]]) -> None:
        """Hold stage ``k`` (scaled costs ``coef``) by the rows of :func:`hold_rows`."""
        self.coef[k] = coef
        for group, cols, rhs in rows:
            row = self.row_of.get((k, group))
            if row is None:
                self.row_of[(k, group)] = int(h.getNumRow())
                h.addRow(-np.inf, rhs, len(cols), cols.astype(np.int32), coef[cols])
            else:
                h.changeRowBounds(row, -np.inf, rhs)


SIMPLEX_STRATEGY_DUAL = 1
"""HiGHS ``simplex_strategy``: dual simplex (HiGHS's default)."""
SIMPLEX_STRATEGY_PRIMAL = 4
"""HiGHS ``simplex_strategy``: primal simplex."""


def _choose_stage_method(h: Highs, cfg: SolveConfig, n_cols: int,
                         from_previous_stage: bool) -> None:
    """Primal simplex for a stage that starts from the previous stage's optimum, else ``cfg``.

    The previous stage's optimal basis stays primal feasible when its objective is held by
    new rows (their slacks enter basic and the rows hold at the optimum) and only the costs
    change, so primal simplex continues from it; dual simplex would first have to repair
    dual feasibility for the new costs. Measured on the tactical model (three stages of
    binding frames): 19 s instead of 46 s CPU on the demo region, 28 s instead of 87 s on
    the small one, same objective to 1e-12 (``benchmarks/RESULTS.md``).
    """
    if from_previous_stage:
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", SIMPLEX_STRATEGY_PRIMAL)
    else:
        set_options(h, cfg, n_cols)
        h.setOptionValue("simplex_strategy", SIMPLEX_STRATEGY_DUAL)


def zero_bound_columns(h: Highs, c: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    r"""The columns of a stage that can be held by fixing them at 0, and their upper bounds.

    A stage whose costs are positive on its columns :math:`S` and whose columns are
    bounded below by 0 has value :math:`c\cdot x \ge 0`. If the model with
    :math:`x_S = 0` is feasible, the stage's value is 0 and its optima are exactly the
    feasible points with :math:`x_S = 0`, so the stage needs no solve: the next stage runs
    with :math:`x_S` fixed at 0. The tactical model's first stage (frame overrun: the
    frame gaps) is such a stage; skipping it saves the simplex walk to a feasible point
    that the next stage's dual simplex makes anyway. ``None`` when the stage is not of
    this kind.
    """
    nz = np.flatnonzero(c)
    if not len(nz) or np.any(c[nz] < 0):
        return None
    _, _, _, lo, hi, _ = h.getCols(len(nz), nz.astype(np.int32))
    if np.any(np.asarray(lo) != 0.0):
        return None
    return nz.astype(np.int32), np.asarray(hi, float)


def _fix_at_zero(h: Highs, cols: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fix columns ``cols`` (lower bounds 0, upper bounds ``hi``) at 0; returns what to restore."""
    cols = np.asarray(cols, np.int32)
    h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))
    return cols, hi


INFEASIBLE_STATUSES = frozenset({"infeasible", "infeasible_or_unbounded"})
"""Statuses after which a solve that fixed a stage's columns at 0 is redone without."""


def run_stages(h: Highs, stages: list[tuple[str, np.ndarray]], offset: float,
               cfg: SolveConfig, weights: Mapping[str, np.ndarray] | None = None,
               kept: StageRows | None = None, partition: Partition | None = None,
               skip_zero_stages: bool = True) -> RawSolution:
    r"""Solve ``stages`` in order in ``h`` (model already passed, offset zero).

    Stage ``k``: costs ``c_k / s_k`` (``s_k`` :func:`cost_scale`), run from the
    current basis, then (except for the last stage) add the row
    ``(c_k/s_k)·x ≤ z_k + rel_tol·max(1, |z_k|)`` holding the stage at its
    optimum — one row per group of ``partition`` (:func:`hold_rows`) while its coupling
    rows are slack at this and every earlier stage's optimum, else one on the total.

    Why per group: the tolerance :math:`\tau\max(1,|z|)` of a row on the total of
    independent groups may be spent in any group, and the next stage spends it where it buys
    the most (care held within :math:`\tau z` lets the cost stage give up care where care
    costs most: :math:`\Delta\text{cost} \approx \lambda_g \tau z`, with
    :math:`\lambda_g` the group's marginal cost of care, up to several million SEK per
    weighted case-week). Solved alone, each group may spend only its own
    :math:`\tau\max(1,|z_g|)`, so a monolithic and a decomposed solve end at different
    points of the band (1e-8 to 6e-6 of the objective). Exactness: let :math:`P` be the
    model (with the rows held so far) and :math:`R` it without the coupling rows and with
    their frame gaps at 0, separable over the groups. If the coupling rows are slack at
    :math:`P`'s stage optimum :math:`x^*` (gaps left out), :math:`P` and :math:`R` agree
    near :math:`x^*`, so :math:`x^*` is a local, hence global, optimum of :math:`R`:
    :math:`z_k = \sum_g z_{k,g}^R`. Every optimum :math:`x` of :math:`P` has
    :math:`c_{k,g}\cdot x \ge z_{k,g}^R` in each group and the sum is :math:`z_k`, so
    each holds with equality: the group rows cut off no optimum of the stage. Once a
    stage's coupling rows bind, this and the later stages are held on the total.
    Returns the last stage's solution; its duals are scaled back (SEK per unit of
    each original row); the added rows are removed again so ``h`` holds the model as
    passed. With ``kept`` the rows stay in ``h`` instead, switched by their bounds, and each
    stage starts from its own basis of the last solve (:class:`StageRows`).

    With ``skip_zero_stages`` the frame-overrun stage (:data:`STAGE_FRAME`, of the kind of
    :func:`zero_bound_columns`; frames are meant to be kept, so its value is 0 unless they
    cannot be) is held by fixing the frame gaps at 0 instead of solved, its columns'
    bounds restored afterwards. The stage after it starts by ``cfg``'s method, since the
    fixed columns may leave the previous basis primal infeasible. If a later stage finds
    the model infeasible, the stages are run again without skipping; the overrun stage,
    once solved, is held by bounds in the groups whose gaps are all 0 and by rows in the
    others, so a division is held the same way whether the stage was skipped (in a block
    solved alone) or solved (beside a division that overruns its frame).
    """
    n = int(h.getNumCol())
    m0 = kept.m0 if kept is not None else int(h.getNumRow())
    if kept is not None:
        kept.prepare(h, stages, partition.labels if partition is not None else None)
    separable = partition is not None
    idx = np.arange(n, dtype=np.int32)
    has_care = any(name == STAGE_CARE for name, _ in stages)
    values: dict[str, float] = {}
    parts: dict[str, np.ndarray] = {}
    warn: list[str] = []
    total_s, its, parts_s = 0.0, 0, 0.0
    added = 0
    raw: RawSolution | None = None
    scale = 1.0
    fixed: list[tuple[np.ndarray, np.ndarray]] = []
    solved_previous = False
    for i, (name, c) in enumerate(stages):
        last = i == len(stages) - 1
        c = np.asarray(c, float)
        want = _stage_parts(weights, name, last, has_care)
        zero = zero_bound_columns(h, c) if name == STAGE_FRAME and not last else None
        if zero is not None and skip_zero_stages:
            fixed.append(_fix_at_zero(h, *zero))
            values[name] = 0.0
            solved_previous = False
            continue
        scale = cost_scale(c)
        h.changeColsCost(n, idx, c / scale)
        own_basis = kept is not None and kept.start(h, i)
        _choose_stage_method(h, cfg, n, from_previous_stage=solved_previous and not own_basis)
        raw = _run_highs(h, cfg)
        solved_previous = True
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
        if want and len(raw.row_dual):
            t0 = time.perf_counter()
            parts.update({k: v[:m0] for k, v in dual_parts(h, want).items()})
            parts_s += time.perf_counter() - t0
        if not last and np.any(c != 0):
            separable = separable and partition is not None and partition.separable(raw.x)
            rows = hold_rows(c / scale, raw.x, z, cfg.lexicographic_rel_tol,
                             partition.labels if separable and partition is not None else None)
            if zero is not None:  # groups at 0: held by bounds, as when the stage is skipped
                at_zero = [r for r in rows if np.all(raw.x[r[1]] <= 0.0)]
                for _, cols, _ in at_zero:
                    fixed.append(_fix_at_zero(h, cols, zero[1][np.searchsorted(zero[0], cols)]))
                rows = [r for r in rows if not np.all(raw.x[r[1]] <= 0.0)]
            if kept is not None:
                kept.hold(h, i, c / scale, rows)
            else:
                for _, cols, rhs in rows:
                    h.addRow(-np.inf, rhs, len(cols), cols.astype(np.int32), c[cols] / scale)
                added += len(rows)
    assert raw is not None
    _choose_stage_method(h, cfg, n, from_previous_stage=False)
    for cols, hi in fixed:
        h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), hi)
    if added:
        h.deleteRows(added, np.arange(m0, m0 + added, dtype=np.int32))
    if fixed and raw.status.value in INFEASIBLE_STATUSES:
        log.info("frames cannot be kept: solving the frame-overrun stage")
        again = run_stages(h, stages, offset, cfg, weights, kept, partition,
                           skip_zero_stages=False)
        return replace(again, solve_s=again.solve_s + total_s, iterations=again.iterations + its)
    ok = raw.status is SolveStatus.OPTIMAL
    y = raw.row_dual[:m0] * scale if len(raw.row_dual) else raw.row_dual
    for w in warn:
        log.warning("HiGHS: %s", w)
    return RawSolution(raw.status, values.get(stages[-1][0], float("nan")) if ok else float("nan"),
                raw.x, y, total_s, raw.version, its, parts if ok else {}, parts_s,
                values, tuple(warn))


def solve_arrays(lp: HighsLp, cfg: SolveConfig, n_cols: int,
                  weights: Mapping[str, np.ndarray] | None = None,
                  stages: list[tuple[str, np.ndarray]] | None = None,
                  partition: Partition | None = None) -> RawSolution:
    """Solve ``lp`` through its objective ``stages`` (default: its own costs, one stage).

    ``partition``: hold the stages group by group where exact (:func:`run_stages`).
    """
    import highspy

    offset = float(lp.offset_)
    if stages is None:
        stages = [(STAGE_COST, np.asarray(lp.col_cost_, float))]
    lp.offset_ = 0.0
    h = highspy.Highs()
    set_options(h, cfg, n_cols)
    h.passModel(lp)
    return run_stages(h, stages, offset, cfg, weights, partition=partition)


def part_weights(model: LinearModel, cfg: SolveConfig) -> dict[str, np.ndarray] | None:
    """The shadow-price parts of :func:`pks.optimise.extract.dual_part_weights`, if wanted."""
    if not cfg.duals or "inputs" not in model.meta:
        return None
    from pks.optimise.extract import dual_part_weights

    return dual_part_weights(model)


