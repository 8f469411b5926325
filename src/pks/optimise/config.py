"""Optimiser settings: ``build`` (formulation switches, penalties) and ``solve`` sections.

Penalty scale (all in SEK, so the objective is one currency)
-----------------------------------------------------------
The objective is *real cost* (staff, overtime, agency, variable cost per case, purchased
care, fixed costs, minus revenue) plus *priced slack*. The penalties are ordered so the
model buys care whenever it can and breaks a budget frame only when care would otherwise
be lost:

* one case-week over the medically acceptable wait of class ``k`` costs
  ``max_wait_penalty_sek[k]`` (400 000 / 200 000 / 100 000 / 50 000 SEK for classes 1–4):
  far above the dearest way to produce a case (agency hours at 2–3 × an own hour, about
  1 000–1 500 SEK per hour × 5–30 h per case, or purchased care at its contract price), so
  capacity always goes to the most urgent class first and is bought if it exists;
* an acute case not produced in its week costs ``acute_unmet_penalty_sek`` (1 000 000);
* one case-week over the care-guarantee queue size costs ``guarantee_penalty_sek``
  (50 000): more than any production route per case, so the guarantee is met when
  capacity exists, but less than the medical max-wait penalties;
* a krona of net cost over a frame costs ``frame_overrun_penalty_pu`` (1.0) *extra*
  krona on top of the krona itself. Trade-off: the model overruns a frame to avoid a
  guarantee breach only when producing the case costs less than
  ``guarantee_penalty_sek / (1 + frame_overrun_penalty_pu)`` = 25 000 SEK per
  case-week avoided; it never overruns to save money;
* a krona of agency cost over the agency-share target costs
  ``agency_share_penalty_pu`` (0.5) extra kronor;
* a case-week on the list costs ``holding_cost_sek`` by class (40 / 30 / 20 / 10 SEK):
  small against overtime or agency per case, so extra hours are not bought to push a
  list below its guarantee size (the target queue of Fong et al. 2022), but enough that
  own staff, already paid for, produce cases whose net variable cost is below a few
  weeks of waiting, and it orders the service by urgency when capacity is short;
* a bed-day above the ward's Erlang occupancy ceiling (överbeläggning, up to full
  occupancy of the staffed beds) costs ``bed_overflow_penalty_sek`` (10 000): below an
  acute case's penalty, above the cost of the care itself;
* a case of week-to-week change of production costs ``levelling_penalty_sek`` (50).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from pks.base import FrozenModel


class BuildConfig(FrozenModel):
    """Formulation switches and penalty prices (SEK)."""

    strict: bool = False
    """Strict mode: no slack variables (for tests); the model may then be infeasible."""
    max_wait_penalty_sek: tuple[float, ...] = (400_000.0, 200_000.0, 100_000.0, 50_000.0)
    """Penalty per case-week over the medically acceptable wait, by priority class 1..4
    (must be strictly decreasing: more urgent classes cost more)."""
    acute_unmet_penalty_sek: float = Field(default=1_000_000.0, ge=0)
    """Penalty per acute case not produced in its period."""
    guarantee_penalty_sek: float = Field(default=50_000.0, ge=0)
    """Penalty per case-week of waiting list above the care-guarantee queue size."""
    holding_cost_sek: tuple[float, ...] = (40.0, 30.0, 20.0, 10.0)
    """Cost per case-week on the waiting list by priority class 1..4 (orders service)."""
    frame_overrun_penalty_pu: float = Field(default=1.0, ge=0)
    """Extra cost per krona of net cost above a budget frame (the frame gap)."""
    agency_share_penalty_pu: float = Field(default=0.5, ge=0)
    """Extra cost per krona of agency cost above the agency-share target."""
    agency_share_max_pu: float | None = None
    """Agency cost / own staff cost target; ``None`` = the target set's value (2 %)."""
    agency_share_path_pu: tuple[float, ...] = ()
    """Strategic agency reduction path: target share for budget year, plan year 1, ...
    (empty = the same target every year)."""
    bed_overflow_penalty_sek: float = Field(default=10_000.0, ge=0)
    """Penalty per bed-day above the ward's occupancy ceiling (up to full occupancy)."""
    levelling_penalty_sek: float = Field(default=50.0, ge=0)
    """Penalty per case of change in weekly production of a unit and care type."""
    levelling_max_change_pu: float = Field(default=0.5, ge=0)
    """Largest change of production between periods as a share of the mean period demand."""
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

    @field_validator("max_wait_penalty_sek")
    @classmethod
    def _decreasing(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(b >= a for a, b in zip(v, v[1:], strict=False)) or any(x < 0 for x in v):
            raise ValueError("max_wait_penalty_sek must be non-negative and strictly decreasing "
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
