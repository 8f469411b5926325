"""Optimiser settings: ``build`` (formulation switches, objective, prices) and ``solve``.

The objective (docs/objective.md)
---------------------------------
Real money and the value of care are kept apart. Every variable's objective coefficient
belongs to one of three parts, each in its own unit:

1. **frame overrun, SEK** — net cost above a *binding* budget frame. With the default
   ``frames: binding`` this is a last-resort slack: it is minimised first, so it is
   non-zero only when the frame cannot be kept whatever the plan does (fixed costs and
   contracted staff alone above it). It heads the explanation.
2. **care not given, priority-weighted case-weeks (dimensionless weights)** — one
   case-week over the care-guarantee queue weighs ``care_weight_guarantee`` (1); one
   case-week past the medically acceptable wait of class k weighs
   ``care_weight_max_wait[k]`` (8 / 4 / 2 / 1); an acute case not produced
   ``care_weight_acute_unmet`` (20); a bed-day above the ward's occupancy ceiling
   ``care_weight_bed_overflow`` (0.2).
3. **real net cost, SEK** — staff, overtime, agency, variable cost per case, purchased
   care, transfers, fixed costs less revenue and capitation, plus small tie-breakers in
   SEK that are not money: holding cost per case-week on the list (orders service by
   urgency), levelling and plan-deviation prices per case, the agency-share surcharge per
   krona above the target share, the hand-off budget surcharge and, with
   ``frames: soft``, the overrun price per krona.

``objective: lexicographic`` (default) minimises part 1, then part 2 with part 1 held at
its optimum, then part 3 with both held (sequential HiGHS solves, warm-started).
``objective: weighted`` minimises part 1 first, then part 3 + ``care_value_sek_per_case_week``
× part 2 in one solve: an explicit trade-off of care against money at a value anchored in
the Swedish cost-per-QALY scale (docs/objective.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from pks.base import FrozenModel


class BuildConfig(FrozenModel):
    """Formulation switches and penalty prices (SEK)."""

    strict: bool = False
    """Strict mode: no slack variables (for tests); the model may then be infeasible."""
    objective: Literal["lexicographic", "weighted"] = "lexicographic"
    """How care not given and real cost are combined (module docstring)."""
    frames: Literal["binding", "soft"] = "binding"
    """``binding``: a frame is a hard limit on planned net cost; only an unavoidable overrun
    passes, through a last-resort slack minimised first. ``soft``: the overrun is priced at
    ``frame_overrun_price_pu`` per krona in the real-cost part and heads the explanation."""
    frame_overrun_price_pu: float = Field(default=1.0, ge=0)
    """Soft frames only: extra SEK per krona of net cost above a frame."""
    care_weight_max_wait: tuple[float, ...] = (8.0, 4.0, 2.0, 1.0)
    """Weight of one case-week past the medically acceptable wait, by priority class 1..4
    (dimensionless, relative to one case-week over the guarantee queue; strictly
    decreasing: more urgent classes weigh more)."""
    care_weight_acute_unmet: float = Field(default=20.0, ge=0)
    """Weight of one acute case not produced in its period."""
    care_weight_guarantee: float = Field(default=1.0, ge=0)
    """Weight of one case-week of waiting list above the care-guarantee queue size."""
    care_weight_bed_overflow: float = Field(default=0.2, ge=0)
    """Weight of one bed-day above the ward's occupancy ceiling (up to full occupancy)."""
    care_value_sek_per_case_week: float = Field(default=2_400.0, ge=0)
    """``objective: weighted`` only: SEK per weight-1 case-week of care not given —
    500 000 SEK per QALY (the upper bound of Socialstyrelsen's "moderate" cost per QALY)
    × 0.25 QALY per year of waiting / 52 weeks (docs/objective.md)."""
    holding_cost_sek: tuple[float, ...] = (40.0, 30.0, 20.0, 10.0)
    """Tie-breaker per case-week on the waiting list by priority class 1..4 (orders service)."""
    agency_share_penalty_pu: float = Field(default=0.5, ge=0)
    """Surcharge (real-cost part) per krona of agency cost above the agency-share target."""
    agency_share_max_pu: float | None = None
    """Agency cost / own staff cost target; ``None`` = the target set's value (2 %)."""
    agency_share_path_pu: tuple[float, ...] = ()
    """Strategic agency reduction path: target share for budget year, plan year 1, ...
    (empty = the same target every year)."""
    levelling_penalty_sek: float = Field(default=50.0, ge=0)
    """Penalty per case of change in weekly production of a unit and care type."""
    levelling_max_change_pu: float = Field(default=0.5, ge=0)
    """Largest change of production between periods as a share of the mean period demand."""
    ramp_limit_pu: float | None = Field(default=0.15, ge=0)
    """Operative: largest change of weekly own production against the mean of the last
    ``ramp_weeks`` reported weeks, as a share of that mean (``None`` = no limit). Production
    outside the band is possible only through a slack weighing ``care_weight_ramp`` per
    case in the care part, reported in the explanation."""
    care_weight_ramp: float = Field(default=1000.0, ge=0)
    """Operative: weight (care part) of one case of weekly production outside the ramp
    limit; above every care a case can buy over an operative window, so the limit holds
    wherever the plan can keep it (it gives way only where capacity falls faster)."""
    ramp_weeks: int = Field(default=4, ge=1, le=26)
    """Operative: reported weeks whose mean production anchors the ramp limit."""
    overtime: bool = True
    """Allow overtime (within the annual limit per FTE)."""
    overtime_h_per_fte_year_max: float | None = Field(default=None, ge=0)
    """Override of the annual overtime limit per FTE (Arbetstidslagen: 200 h); None = data."""
    overtime_h_per_fte_week_max: float = Field(default=8.0, ge=0)
    """Weekly overtime ceiling per FTE."""
    agency: bool = True
    """Allow agency staff (hyrpersonal)."""
    external: bool = True
    """Allow purchased external care where a price and a weekly maximum exist."""
    ward_size_occupancy: bool = True
    """Derive each ward's occupancy ceiling from Erlang-B and its size (capped by the
    target set's occupancy_max_pu)."""
    time_grid: Literal["week", "quarter", "year"] | None = None
    """Period of the model; None = the level's default (strategic year, else week)."""
    strategic_by: Literal["unit", "area", "division"] = "unit"
    """Resolution of the strategic level: per unit, or units pooled per area or division
    (:mod:`pks.optimise.aggregate`; the plan is split back to units for the tactical level)."""
    strategic_outlook_years: int = Field(default=0, ge=0, le=5)
    """Extra outlook years after the plan years at the strategic level."""
    operative_weeks: int = Field(default=6, ge=1, le=12)
    """Length of the operative window in weeks (4–8 usual)."""
    transfer_cost_sek_per_h: float = Field(default=150.0, ge=0)
    """Cost of moving one staff hour between units of the same area (operative)."""
    deviation_penalty_sek: float = Field(default=2_000.0, ge=0)
    """Operative: penalty per case of deviation from the tactical plan."""
    handoff_gap_penalty_pu: float = Field(default=0.5, ge=0)
    """Tactical: extra cost per krona above the unit budget handed down by strategic."""

    @field_validator("care_weight_max_wait")
    @classmethod
    def _decreasing(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(b >= a for a, b in zip(v, v[1:], strict=False)) or any(x < 0 for x in v):
            raise ValueError("care_weight_max_wait must be non-negative and strictly decreasing "
                             "by class (class 1 most urgent)")
        return v

    @field_validator("holding_cost_sek")
    @classmethod
    def _holding(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(b > a for a, b in zip(v, v[1:], strict=False)) or any(x < 0 for x in v):
            raise ValueError("holding_cost_sek must be non-negative and non-increasing by class")
        return v

    @field_validator("agency_share_path_pu")
    @classmethod
    def _path(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(x < 0 or x > 1 for x in v):
            raise ValueError("agency_share_path_pu values must lie in [0, 1]")
        return v


class SolveConfig(FrozenModel):
    """Solver settings."""

    time_limit_s: float = Field(default=600.0, gt=0)
    """Wall-clock limit for one HiGHS solve."""
    method: Literal["simplex", "ipm", "choose"] = "choose"
    """HiGHS method; 'choose' = simplex below ``ipm_threshold_cols`` columns, else IPM."""
    ipm_threshold_cols: int = Field(default=1_000_000, ge=0)
    """Size at which 'choose' switches to the interior-point method. Measured on the
    tactical model (103 k columns): dual simplex 6.6 s, IPM 33 s CPU, so simplex is the
    default well beyond the sizes of one region."""
    primal_feasibility_tolerance: float = Field(default=1e-7, gt=0)
    """HiGHS primal feasibility tolerance."""
    dual_feasibility_tolerance: float = Field(default=1e-7, gt=0)
    """HiGHS dual feasibility tolerance."""
    mip_rel_gap: float = Field(default=1e-4, ge=0)
    """Relative gap (for MIP variants; LPs solve to optimality)."""
    threads: int = Field(default=1, ge=1)
    """HiGHS threads."""
    route: Literal["direct", "pyomo"] = "direct"
    """How the model reaches HiGHS: ``direct`` (the formulation blocks' arrays as one
    ``HighsLp``) or ``pyomo`` (a named Pyomo model through Pyomo's standard-form compiler,
    :mod:`pks.optimise.pyomo_route`). Same LP, same optimum; measured in
    ``benchmarks/optimise/RESULTS.md``. Decomposed solves and rolling re-solves hand their
    blocks to HiGHS directly."""
    decompose: bool = False
    """Solve independent blocks (units coupled only through their frame nodes) separately."""
    max_block_nnz: int = Field(default=200_000, ge=1)
    """Decomposition: independent components are merged into blocks of about this many
    non-zeros (fewer solver calls; exact either way). 1 = one block per component."""
    scheduler_address: str | None = None
    """Dask scheduler address; with ``decompose``, blocks run as Dask tasks there."""
    duals: bool = True
    """Extract shadow prices."""
    lexicographic_rel_tol: float = Field(default=1e-9, ge=0)
    """Relative tolerance with which an earlier objective part is held at its optimum while
    the next one is minimised (HiGHS's primal feasibility tolerance applies on top)."""
