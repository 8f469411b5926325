"""A tiny free-format MPS reader, independent of HiGHS, for cross-checking our LP route."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class MpsLp:
    c: np.ndarray
    offset: float
    a: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    col_names: list[str]
    row_names: list[str]


def read_mps(path: str) -> MpsLp:
    rows: dict[str, int] = {}
    rtype: list[str] = []
    obj = None
    cols: dict[str, int] = {}
    entries: list[tuple[int, int, float]] = []
    cobj: dict[int, float] = {}
    rhs: dict[int, float] = {}
    rng: dict[int, float] = {}
    lo: dict[int, float] = {}
    hi: dict[int, float] = {}
    offset = 0.0
    section = None
    with open(path) as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("*"):
                continue
            if not line[0].isspace():
                section = line.split()[0]
                continue
            f = line.split()
            if section == "ROWS":
                kind, name = f
                if kind == "N":
                    if obj is None:
                        obj = name
                    continue
                rows[name] = len(rtype)
                rtype.append(kind)
            elif section == "COLUMNS":
                if "MARKER" in f:
                    continue
                cname = f[0]
                j = cols.setdefault(cname, len(cols))
                for k in range(1, len(f), 2):
                    r, v = f[k], float(f[k + 1])
                    if r == obj:
                        cobj[j] = cobj.get(j, 0.0) + v
                    else:
                        entries.append((rows[r], j, v))
            elif section == "RHS":
                for k in range(1, len(f), 2):
                    r, v = f[k], float(f[k + 1])
                    if r == obj:
                        offset = -v
                    else:
                        rhs[rows[r]] = v
            elif section == "RANGES":
                for k in range(1, len(f), 2):
                    rng[rows[f[k]]] = float(f[k + 1])
            elif section == "BOUNDS":
                kind, cname = f[0], f[2]
                j = cols.setdefault(cname, len(cols))
                v = float(f[3]) if len(f) > 3 else 0.0
                if kind == "UP":
                    hi[j] = v
                elif kind == "LO":
                    lo[j] = v
                elif kind == "FX":
                    lo[j] = hi[j] = v
                elif kind == "FR":
                    lo[j], hi[j] = -np.inf, np.inf
                elif kind == "MI":
                    lo[j] = -np.inf
                elif kind == "PL":
                    hi[j] = np.inf
                else:
                    raise ValueError(f"unsupported bound {kind}")
    m, n = len(rtype), len(cols)
    r_lo = np.full(m, -np.inf)
    r_hi = np.full(m, np.inf)
    for i, kind in enumerate(rtype):
        b = rhs.get(i, 0.0)
        if kind == "L":
            r_hi[i] = b
            if i in rng:
                r_lo[i] = b - abs(rng[i])
        elif kind == "G":
            r_lo[i] = b
            if i in rng:
                r_hi[i] = b + abs(rng[i])
        else:
            r_lo[i] = r_hi[i] = b
            if i in rng:
                (r_hi if rng[i] > 0 else r_lo)[i] = b + rng[i]
    c = np.zeros(n)
    for j, v in cobj.items():
        c[j] = v
    c_lo = np.zeros(n)
    c_hi = np.full(n, np.inf)
    for j, v in lo.items():
        c_lo[j] = v
    for j, v in hi.items():
        c_hi[j] = v
    ri, ci, vv = (np.array(z) for z in zip(*entries, strict=True)) if entries else ([], [], [])
    a = sp.csr_matrix((vv, (ri, ci)), shape=(m, n))
    return MpsLp(c, offset, a, r_lo, r_hi, c_lo, c_hi, list(cols), list(rows))


def solve_linprog(lp: MpsLp) -> tuple[float, np.ndarray]:
    """Solve with scipy.optimize.linprog (rows split into ≤ and = parts)."""
    from scipy.optimize import linprog

    eq = np.isfinite(lp.row_lo) & np.isfinite(lp.row_hi) & (lp.row_lo == lp.row_hi)
    up = np.isfinite(lp.row_hi) & ~eq
    dn = np.isfinite(lp.row_lo) & ~eq
    a_ub = sp.vstack([lp.a[up], -lp.a[dn]]).tocsr()
    b_ub = np.concatenate([lp.row_hi[up], -lp.row_lo[dn]])
    bounds = list(zip(np.where(np.isfinite(lp.col_lo), lp.col_lo, None),
                      np.where(np.isfinite(lp.col_hi), lp.col_hi, None), strict=True))
    res = linprog(lp.c, A_ub=a_ub if a_ub.shape[0] else None, b_ub=b_ub if len(b_ub) else None,
                  A_eq=lp.a[eq] if eq.any() else None, b_eq=lp.row_lo[eq] if eq.any() else None,
                  bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"linprog: {res.message}")
    return float(res.fun) + lp.offset, res.x


def solve_with_highs_reader(path: str) -> float:
    """Objective of the MPS file as HiGHS reads and solves it itself (``readModel``)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    h.run()
    return float(h.getInfo().objective_function_value)
