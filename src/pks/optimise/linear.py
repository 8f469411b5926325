"""An array-built linear model: named variable and constraint blocks over dense time grids.

Why not one Pyomo component per row? ``docs/performance-notes.md`` measured that building
Pyomo expressions row by row and handing them to HiGHS costs 5–40 × the solve at
realistic PKS sizes. Every PKS model here is *homogeneous blocks over a time grid*
(entity × period), so each formulation piece writes its block as coefficient arrays
(COO triplets) with numpy and pandas joins, and the whole model goes to HiGHS as one
column-wise matrix (:meth:`LinearModel.to_highs_lp`). The Pyomo route is kept as an
alternative back end (:func:`pks.optimise.pyomo_route.to_pyomo`) so the benchmark can
measure both and the tests can write the same model through Pyomo's MPS writer.

A block's variables are numbered ``start + e * n_periods + t`` for entity ``e`` (a row of
the block's index frame) and period ``t``; constraint rows the same way. Constraint and
variable names in MPS files are ``<block>[<entity key>,<period>]``.

Objective parts (:mod:`pks.config.optimise`): each variable's coefficient lies in the
real-cost part ``cost`` (SEK), the care part ``care`` (priority-weighted case-weeks) or the
frame part ``frame`` (SEK above a binding frame). :meth:`LinearModel.stages` orders them
for the solver: lexicographic ``frame → care → cost`` or weighted ``frame → cost + V·care``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

INF = float("inf")

STAGE_FRAME = "frame_overrun_sek"
STAGE_CARE = "care_weighted_case_weeks"
STAGE_COST = "cost_sek"


@dataclass
class Block:
    """A block of variables or constraints: ``entities`` × ``periods`` (dense over periods)."""

    name: str
    entities: pd.DataFrame
    periods: tuple[str, ...]
    start: int
    doc: str = ""

    @property
    def n_entities(self) -> int:
        """Number of entities (rows of the index frame)."""
        return len(self.entities)

    @property
    def n_periods(self) -> int:
        """Number of periods (1 for a period-free block)."""
        return max(len(self.periods), 1)

    @property
    def size(self) -> int:
        """Number of variables or rows in the block."""
        return self.n_entities * self.n_periods

    def ids(self, entity: np.ndarray, period: np.ndarray | int = 0) -> np.ndarray:
        """Global ids of ``(entity, period)`` positions (broadcasting)."""
        return self.start + np.asarray(entity) * self.n_periods + np.asarray(period)

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Entity and period position of every member, in id order."""
        e = np.repeat(np.arange(self.n_entities), self.n_periods)
        t = np.tile(np.arange(self.n_periods), self.n_entities)
        return e, t

    def frame(self, values: np.ndarray, column: str) -> pd.DataFrame:
        """Long frame: entity columns, ``period`` (if any) and ``column`` from ``values``."""
        e, t = self.grid()
        out = self.entities.iloc[e].reset_index(drop=True)
        if self.periods:
            out["period"] = np.asarray(self.periods, dtype=object)[t]
        out[column] = values[self.start:self.start + self.size]
        return out

    def names(self) -> list[str]:
        """Readable names ``block[key,...,period]`` for MPS files and dual tables."""
        keys = ["|".join(map(str, r)) for r in self.entities.itertuples(index=False)]
        if self.periods:
            return [f"{self.name}[{k},{p}]" for k in keys for p in self.periods]
        return [f"{self.name}[{k}]" for k in keys]


@dataclass
class LinearModel:
    """Minimise ``c·x + offset`` s.t. ``row_lo ≤ A x ≤ row_hi``, ``col_lo ≤ x ≤ col_hi``.

    Pieces add blocks with :meth:`add_vars` and :meth:`add_cons`; the model keeps the
    arrays and builds the sparse matrix once (:meth:`matrix`).
    """

    name: str = "pks"
    var_blocks: dict[str, Block] = field(default_factory=dict)
    con_blocks: dict[str, Block] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    offset: float = 0.0
    objective_mode: str = "lexicographic"
    """``lexicographic`` or ``weighted`` (see :meth:`stages`)."""
    care_value_sek: float = 0.0
    """Weighted mode: SEK per weight-1 case-week of care not given."""
    _col_lo: list[np.ndarray] = field(default_factory=list)
    _col_hi: list[np.ndarray] = field(default_factory=list)
    _cost: list[np.ndarray] = field(default_factory=list)
    _care: list[np.ndarray] = field(default_factory=list)
    _frame: list[np.ndarray] = field(default_factory=list)
    _row_lo: list[np.ndarray] = field(default_factory=list)
    _row_hi: list[np.ndarray] = field(default_factory=list)
    _coo_r: list[np.ndarray] = field(default_factory=list)
    _coo_c: list[np.ndarray] = field(default_factory=list)
    _coo_v: list[np.ndarray] = field(default_factory=list)
    n_vars: int = 0
    n_cons: int = 0
    _matrix: sp.csc_matrix | None = None

    # ------------------------------------------------------------------ building
    def add_vars(self, name: str, entities: pd.DataFrame, periods: Sequence[str] = (),
                 lb: float | np.ndarray = 0.0, ub: float | np.ndarray = INF,
                 cost: float | np.ndarray = 0.0, doc: str = "",
                 care: float | np.ndarray = 0.0, frame: float | np.ndarray = 0.0) -> Block:
        """Add a variable block; bounds and objective coefficients broadcast.

        ``lb``, ``ub`` and the coefficients broadcast to ``(entities, periods)``: ``cost``
        SEK (real-cost part), ``care`` weighted case-weeks (care part), ``frame`` SEK above
        a binding frame (frame part).
        """
        if name in self.var_blocks:
            raise ValueError(f"variable block {name!r} exists")
        b = Block(name, entities.reset_index(drop=True), tuple(periods), self.n_vars, doc)
        shape = (b.n_entities, b.n_periods)
        self._col_lo.append(np.broadcast_to(np.asarray(lb, float), shape).ravel().copy())
        self._col_hi.append(np.broadcast_to(np.asarray(ub, float), shape).ravel().copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, float), shape).ravel().copy())
        self._care.append(np.broadcast_to(np.asarray(care, float), shape).ravel().copy())
        self._frame.append(np.broadcast_to(np.asarray(frame, float), shape).ravel().copy())
        self.var_blocks[name] = b
        self.n_vars += b.size
        self._matrix = None
        return b

    def add_cons(self, name: str, entities: pd.DataFrame, periods: Sequence[str] = (),
                 terms: Sequence[tuple[Any, Any, Any]] = (),
                 lo: float | np.ndarray = -INF, hi: float | np.ndarray = INF,
                 doc: str = "") -> Block:
        """Add a constraint block.

        ``terms`` are ``(local_row, var_id, coef)`` triplets (arrays of equal length, or
        ``coef`` scalar); ``local_row`` numbers rows inside the block
        (``entity * n_periods + period``, see :meth:`Block.ids` with ``start=0``).
        """
        if name in self.con_blocks:
            raise ValueError(f"constraint block {name!r} exists")
        b = Block(name, entities.reset_index(drop=True), tuple(periods), self.n_cons, doc)
        shape = (b.n_entities, b.n_periods)
        self._row_lo.append(np.broadcast_to(np.asarray(lo, float), shape).ravel().copy())
        self._row_hi.append(np.broadcast_to(np.asarray(hi, float), shape).ravel().copy())
        for r, c, v in terms:
            r = np.asarray(r, np.int64).ravel()
            c = np.asarray(c, np.int64).ravel()
            if r.shape != c.shape:
                raise ValueError(f"{name}: row and column arrays differ in length")
            if r.size and (r.min() < 0 or r.max() >= b.size):
                raise ValueError(f"{name}: local row out of range")
            self._coo_r.append(r + b.start)
            self._coo_c.append(c)
            self._coo_v.append(np.broadcast_to(np.asarray(v, float), r.shape).ravel())
        self.con_blocks[name] = b
        self.n_cons += b.size
        self._matrix = None
        return b

    # ------------------------------------------------------------------ arrays
    @property
    def col_lo(self) -> np.ndarray:
        """Lower variable bounds."""
        return _cat(self._col_lo)

    @property
    def col_hi(self) -> np.ndarray:
        """Upper variable bounds."""
        return _cat(self._col_hi)

    @property
    def cost(self) -> np.ndarray:
        """Objective coefficients (SEK per unit of each variable)."""
        return _cat(self._cost)

    @property
    def care(self) -> np.ndarray:
        """Care-part coefficients (priority-weighted case-weeks per unit of each variable)."""
        return _cat(self._care)

    @property
    def frame(self) -> np.ndarray:
        """Frame-part coefficients (SEK above a binding frame per unit of each variable)."""
        return _cat(self._frame)

    def stages(self) -> list[tuple[str, np.ndarray]]:
        """Objective vectors in solve order; later stages hold earlier ones at their optimum.

        Lexicographic: frame overrun (if any binding frame), care not given (if any care
        variable), real cost. Weighted: frame overrun, then real cost + ``care_value_sek`` ×
        care. The last stage always exists (it carries :attr:`offset`).
        """
        out: list[tuple[str, np.ndarray]] = []
        fr, care, cost = self.frame, self.care, self.cost
        if np.any(fr != 0):
            out.append((STAGE_FRAME, fr))
        if self.objective_mode == "weighted":
            out.append((STAGE_COST, cost + self.care_value_sek * care))
            return out
        if np.any(care != 0):
            out.append((STAGE_CARE, care))
        out.append((STAGE_COST, cost))
        return out

    @property
    def objective(self) -> np.ndarray:
        """Coefficients of the last stage (what a single-objective writer such as MPS gets)."""
        return self.stages()[-1][1]

    @property
    def row_lo(self) -> np.ndarray:
        """Lower row bounds."""
        return _cat(self._row_lo)

    @property
    def row_hi(self) -> np.ndarray:
        """Upper row bounds."""
        return _cat(self._row_hi)

    def matrix(self) -> sp.csc_matrix:
        """Constraint matrix (CSC; duplicate entries summed)."""
        if self._matrix is None:
            r, c, v = _cat(self._coo_r, np.int64), _cat(self._coo_c, np.int64), _cat(self._coo_v)
            a = sp.csc_matrix((v, (r, c)), shape=(self.n_cons, self.n_vars))
            a.sum_duplicates()
            a.eliminate_zeros()
            self._matrix = a
        return self._matrix

    def var_names(self) -> list[str]:
        """All variable names in id order."""
        return [n for b in self.var_blocks.values() for n in b.names()]

    def con_names(self) -> list[str]:
        """All constraint names in row order."""
        return [n for b in self.con_blocks.values() for n in b.names()]

    def counts(self) -> dict[str, int]:
        """Numbers of variables, constraints and non-zeros."""
        return {"n_vars": self.n_vars, "n_cons": self.n_cons, "n_nz": int(self.matrix().nnz)}

    def to_highs_lp(self, names: bool = False) -> Any:
        """The model as a ``highspy.HighsLp`` (column-wise matrix)."""
        import highspy

        a = self.matrix()
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_vars
        lp.num_row_ = self.n_cons
        lp.col_cost_ = self.objective
        lp.col_lower_ = self.col_lo
        lp.col_upper_ = self.col_hi
        lp.row_lower_ = self.row_lo
        lp.row_upper_ = self.row_hi
        lp.offset_ = float(self.offset)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        lp.a_matrix_.num_col_ = self.n_vars
        lp.a_matrix_.num_row_ = self.n_cons
        if names:
            lp.col_names_ = _mps_safe(self.var_names())
            lp.row_names_ = _mps_safe(self.con_names())
        return lp

    def write_mps(self, path: str) -> None:
        """Write the model as a free-format MPS file through HiGHS (names included)."""
        import highspy

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(self.to_highs_lp(names=True))
        h.writeModel(str(path))


def _mps_safe(names: list[str]) -> list[str]:
    return [n.replace(" ", "_") for n in names]


def _cat(parts: list[np.ndarray], dtype: type = float) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(parts).astype(dtype, copy=False)


def expand(local_entity: np.ndarray, n_periods: int, periods: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Repeat entity positions over ``periods`` (all by default): ``(entity, period)`` arrays."""
    p = np.arange(n_periods) if periods is None else np.asarray(periods)
    e = np.repeat(np.asarray(local_entity, np.int64), len(p))
    t = np.tile(p, len(local_entity))
    return e, t
