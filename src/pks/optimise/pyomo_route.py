"""The Pyomo route: the same LP as a Pyomo model, handed to HiGHS via the standard-form compiler.

Used to measure the alternative (``benchmarks/optimise``) and as an independent path in the
tests (Pyomo's own MPS writer). Rows become ``LinearExpression`` objects built from the
coefficient and variable lists of the CSR matrix, the cheapest way to build Pyomo
expressions in bulk; the model then goes to highspy through
``pyomo.repn.plugins.standard_form.LinearStandardFormCompiler``.
"""

from __future__ import annotations

import time

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from pks.optimise.linear import LinearModel


def to_pyomo(m: LinearModel) -> pyo.ConcreteModel:
    """A Pyomo ``ConcreteModel`` equal to ``m`` (variables ``v[j]``, rows ``c[i]``)."""
    pm = pyo.ConcreteModel(name=m.name)
    lo, hi = m.col_lo, m.col_hi
    pm.v = pyo.Var(range(m.n_vars), domain=pyo.Reals)
    v = [pm.v[j] for j in range(m.n_vars)]
    for j in range(m.n_vars):
        v[j].setlb(None if not np.isfinite(lo[j]) else float(lo[j]))
        v[j].setub(None if not np.isfinite(hi[j]) else float(hi[j]))
    a = m.matrix().tocsr()
    rlo, rhi = m.row_lo, m.row_hi
    pm.c = pyo.ConstraintList()
    ind, ptr, dat = a.indices, a.indptr, a.data
    for i in range(m.n_cons):
        s, e = ptr[i], ptr[i + 1]
        expr = LinearExpression(constant=0.0, linear_coefs=dat[s:e].tolist(),
                                linear_vars=[v[j] for j in ind[s:e]])
        lb = None if not np.isfinite(rlo[i]) else float(rlo[i])
        ub = None if not np.isfinite(rhi[i]) else float(rhi[i])
        if lb is not None and lb == ub:
            pm.c.add(expr == lb)
        else:
            pm.c.add((lb, expr, ub))
    c = m.cost
    nz = np.flatnonzero(c)
    pm.obj = pyo.Objective(expr=LinearExpression(
        constant=float(m.offset), linear_coefs=c[nz].tolist(),
        linear_vars=[v[j] for j in nz]), sense=pyo.minimize)
    return pm


def solve_pyomo(pm: pyo.ConcreteModel, timings: dict[str, float] | None = None) -> float:
    """Solve a Pyomo LP via the standard-form compiler and highspy; returns the objective."""
    import highspy
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    t0 = time.perf_counter()
    sf = LinearStandardFormCompiler().write(pm, mixed_form=True, set_sense=None)
    a = sf.A.tocsc()
    n, mr = a.shape[1], a.shape[0]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, mr
    lp.col_cost_ = np.asarray(sf.c.todense()).ravel() if hasattr(sf.c, "todense") \
        else np.asarray(sf.c, float).ravel()
    lb = np.array([-np.inf if x.lb is None else x.lb for x in sf.columns])
    ub = np.array([np.inf if x.ub is None else x.ub for x in sf.columns])
    lp.col_lower_, lp.col_upper_ = lb, ub
    r_lo = np.full(mr, -np.inf)
    r_hi = np.full(mr, np.inf)
    rhs = np.asarray(sf.rhs, float)
    for i, (_, kind) in enumerate(sf.rows):
        if kind == 0:
            r_lo[i] = r_hi[i] = rhs[i]
        elif kind > 0:  # bound_type 1: row ≤ rhs
            r_hi[i] = rhs[i]
        else:  # bound_type -1: row ≥ rhs
            r_lo[i] = rhs[i]
    lp.row_lower_, lp.row_upper_ = r_lo, r_hi
    lp.offset_ = float(np.asarray(sf.c_offset).ravel()[0]) if np.size(sf.c_offset) else 0.0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, mr
    t1 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.run()
    t2 = time.perf_counter()
    if timings is not None:
        timings["to_solver"] = t1 - t0
        timings["solve"] = t2 - t1
    return float(h.getInfo().objective_function_value)
