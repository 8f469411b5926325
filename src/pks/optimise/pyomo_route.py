"""The Pyomo route: the formulation pieces' blocks as a named Pyomo model, solved by HiGHS.

Select it with ``solve.route: pyomo`` in a scenario (or ``pks plan --route pyomo``). Every
variable block a formulation piece adds (``x``, ``overtime_h``, ``frame_gap_sek`` ...) becomes
one indexed ``pyo.Var`` of the same name, and every constraint block (``c_waiting_list_balance``,
``c_budget_frame`` ...) one indexed ``pyo.Constraint``, each carrying the piece's docstring as
its ``doc``; member ``i`` of a component is member ``i`` of the block (its label is
``Block.names()[i]``). The model is the same LP as the direct route, row for row, so results,
duals and explanations are identical (tested on every hand-solved instance and the demo).

Hand-off, chosen by measurement (``benchmarks/optimise``, ``docs/performance-notes.md``): rows are
``LinearExpression`` objects built from the block's coefficient and variable lists (the cheapest
bulk build of Pyomo expressions), and the model goes to highspy through Pyomo's
``LinearStandardFormCompiler`` as one ``HighsLp``: 1.2 s against 9.3 s for Pyomo's
``contrib.solver`` ``highs`` interface on the demo region's tactical model. HiGHS gets
exactly the same options as on the direct route. The direct route (the blocks' arrays
straight to highspy) stays the default: it spends 0.5–8 % of the run outside HiGHS, the
Pyomo route 6 % (1.87 M columns) to 44 % (the demo region).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from pks.optimise.linear import LinearModel

if TYPE_CHECKING:
    from pks.config.optimise import SolveConfig
    from pks.optimise.highs_run import Partition, RawSolution


@dataclass(frozen=True)
class PyomoBuild:
    """A Pyomo model of a :class:`LinearModel` and the maps back to its ids."""

    model: pyo.ConcreteModel
    col_of: dict[int, int]
    """``id(VarData)`` → global variable id of the linear model."""
    row_of: dict[int, int]
    """``id(ConstraintData)`` → global row id (rows without terms are not built)."""


def _bound(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def to_pyomo(m: LinearModel) -> PyomoBuild:
    """The Pyomo model of ``m``: one ``Var``/``Constraint`` component per block, in block order."""
    pm = pyo.ConcreteModel(name=m.name)
    lo, hi, cost = m.col_lo, m.col_hi, m.objective
    col_of: dict[int, int] = {}
    columns: list[Any] = []
    for b in m.var_blocks.values():
        s, e = b.start, b.start + b.size
        blo, bhi = lo[s:e], hi[s:e]
        uniform = b.size == 0 or (np.all(blo == blo[0]) and np.all(bhi == bhi[0]))
        bounds = (_bound(blo[0]), _bound(bhi[0])) if uniform and b.size else (0.0, None)
        comp = pyo.Var(range(b.size), dense=True, bounds=bounds, doc=b.doc or None)
        pm.add_component(b.name, comp)
        data = list(comp.values())
        if not uniform:
            for vd, lb, ub in zip(data, blo.tolist(), bhi.tolist(), strict=True):
                vd.setlb(None if lb == -math.inf else lb)
                vd.setub(None if ub == math.inf else ub)
        col_of.update(zip(map(id, data), range(s, e), strict=True))
        columns.extend(data)
    a = m.matrix().tocsr()
    ind, ptr, val = a.indices, a.indptr, a.data
    rlo, rhi = m.row_lo, m.row_hi
    row_of: dict[int, int] = {}
    for b in m.con_blocks.values():
        def rule(_: object, i: int, start: int = b.start) -> object:
            r = start + i
            s, e = ptr[r], ptr[r + 1]
            lb, ub = _bound(rlo[r]), _bound(rhi[r])
            if s == e or (lb is None and ub is None):  # no terms or no bounds: no row
                return pyo.Constraint.Skip
            # a bare variable for a coefficient of 1 (most terms) saves a monomial object
            body = LinearExpression([
                columns[j] if c == 1.0 else MonomialTermExpression((c, columns[j]))
                for j, c in zip(ind[s:e].tolist(), val[s:e].tolist(), strict=True)])
            return body == lb if lb is not None and lb == ub else (lb, body, ub)

        comp = pyo.Constraint(range(b.size), rule=rule, doc=b.doc or None)
        pm.add_component(b.name, comp)
        row_of.update((id(cd), b.start + i) for i, cd in comp.items())
    nz = np.flatnonzero(cost)
    pm.objective_sek = pyo.Objective(expr=LinearExpression(
        constant=float(m.offset), linear_coefs=cost[nz].tolist(),
        linear_vars=[columns[j] for j in nz]), sense=pyo.minimize)
    return PyomoBuild(pm, col_of, row_of)


def to_highs_lp(build: PyomoBuild) -> tuple[Any, np.ndarray, np.ndarray]:
    """Compile the Pyomo model to a ``HighsLp`` (standard-form compiler, mixed form).

    Returns the LP and, for its columns and rows, the global ids in the linear model (a
    ranged constraint is compiled into two rows, ≤ and ≥, with the same id).
    """
    import highspy
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    sf = LinearStandardFormCompiler().write(build.model, mixed_form=True, set_sense=None)
    a = sf.A.tocsc()
    n, mr = a.shape[1], a.shape[0]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, mr
    lp.col_cost_ = np.asarray(sf.c.todense(), float).ravel() if n else np.zeros(0)
    lp.col_lower_ = np.array([-np.inf if v.lb is None else v.lb for v in sf.columns], float)
    lp.col_upper_ = np.array([np.inf if v.ub is None else v.ub for v in sf.columns], float)
    kind = np.fromiter((r.bound_type for r in sf.rows), np.int64, count=mr)
    rhs = np.asarray(sf.rhs, float)
    lp.row_lower_ = np.where(kind <= 0, rhs, -np.inf)   # = (0) and ≥ (−1) rows
    lp.row_upper_ = np.where(kind >= 0, rhs, np.inf)    # = (0) and ≤ (+1) rows
    lp.offset_ = float(np.asarray(sf.c_offset, float).ravel()[0]) if np.size(sf.c_offset) else 0.0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, mr
    cols = np.fromiter((build.col_of[id(v)] for v in sf.columns), np.int64, count=n)
    rows = np.fromiter((build.row_of[id(r.constraint)] for r in sf.rows), np.int64, count=mr)
    return lp, cols, rows


def solve_pyomo(m: LinearModel, cfg: SolveConfig, timings: dict[str, float],
                groups: Partition) -> RawSolution:
    """Build ``m`` in Pyomo, hand it to HiGHS and map the solution back to ``m``'s ids.

    ``groups`` are the model's stage-holding groups (:func:`pks.optimise.solve.partition`).

    ``timings`` gains ``build_pyomo`` (Pyomo components), ``to_solver`` (standard-form
    compile) and ``solve`` (HiGHS's run). HiGHS runs exactly as on the direct route
    (:func:`pks.optimise.solve.solve_arrays`, shadow-price parts included). Variables that
    appear in no row and have no cost are absent from the compiled LP; they take the bound
    nearest zero.
    """
    from pks.optimise.highs_run import RawSolution, part_weights, solve_arrays

    t0 = time.perf_counter()
    build = to_pyomo(m)
    t1 = time.perf_counter()
    lp, cols, rows = to_highs_lp(build)
    t2 = time.perf_counter()
    weights = part_weights(m, cfg)
    raw = solve_arrays(lp, cfg, m.n_vars,
                        {k: w[cols] for k, w in weights.items()} if weights else None,
                        [(name, c[cols]) for name, c in m.stages()],
                        groups.take(cols))
    timings.update(build_pyomo=t1 - t0, to_solver=t2 - t1, solve=raw.solve_s)
    x = np.clip(np.zeros(m.n_vars), m.col_lo, m.col_hi)
    if len(raw.x) == len(cols):
        x[cols] = raw.x

    def to_rows(v: np.ndarray) -> np.ndarray:
        out = np.zeros(m.n_cons)
        np.add.at(out, rows, v)
        return out

    ok = len(raw.row_dual) == len(rows)
    return RawSolution(raw.status, raw.objective, x, to_rows(raw.row_dual) if ok else np.zeros(0),
                raw.solve_s, raw.version, raw.iterations,
                {k: to_rows(v) for k, v in raw.dual_parts.items()}, raw.dual_parts_s,
                raw.objectives, raw.warnings)
