"""Simulator settings (section ``simulate``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from pks.base import FrozenModel


class SimulateConfig(FrozenModel):
    """Monte Carlo settings of the weekly-plan simulator (see ``docs`` of :mod:`pks.simulate`)."""

    replications: int = Field(100, ge=1)
    """Fixed number of replications (used when ``precision_rule`` is ``fixed``)."""
    seed: int = Field(20260101, ge=0)
    """Master seed; every random stream is keyed by (seed, replication, unit, care type, kind)."""
    precision_rule: Literal["fixed", "sequential"] = "fixed"
    """``fixed``: run ``replications``; ``sequential``: add batches until the 95 % CI half-width
    of the key KPI (region share treated within the guarantee) is at most
    ``target_half_width``, between ``min_replications`` and ``max_replications``."""
    target_half_width: float = Field(0.005, gt=0)
    """Sequential rule: target absolute CI half-width of the key KPI (a share: 0.005 = ±0,5 pp)."""
    alpha: float = Field(0.05, gt=0, lt=1)
    """Significance level of every confidence interval (0.05 = 95 % intervals)."""
    min_replications: int = Field(20, ge=2)
    """Sequential rule: minimum number of replications."""
    max_replications: int = Field(400, ge=2)
    """Sequential rule: maximum number of replications."""
    batch_size: int = Field(10, ge=1)
    """Sequential rule: replications added per step."""
    required_probability: float = Field(0.8, ge=0, le=1)
    """A target counts as met (verdict) when the probability of meeting it is at least this."""
    overflow_policy: Literal["overflow", "transfer"] = "overflow"
    """A full ward either takes the patient anyway (överbeläggning) or transfers them out."""
    demand_noise: Literal["poisson", "negbin", "fixed"] = "poisson"
    """Week-to-week noise of arrivals around the demand path."""
    negbin_dispersion: float = Field(0.05, ge=0)
    """Negative-binomial over-dispersion: variance = mean + dispersion · mean²."""
    demand_level_correlation: float = Field(0.5, ge=0, le=1)
    """Share of the forecast's variance that is a year-long level error (the rest is weekly)."""
    use_forecast_uncertainty: bool = True
    """Draw demand paths consistent with the forecast's 80/95 % intervals."""
    capacity_noise: Literal["binomial", "poisson"] = "binomial"
    """``binomial``: the planned slots, thinned by cancellations and no-shows; ``poisson``:
    slots form a Poisson process with the planned rate (used for queueing-theory checks)."""
    arrival_times: Literal["uniform", "even"] = "uniform"
    """Arrival times within the week: random uniform, or evenly spaced (deterministic checks)."""
    slot_times: Literal["uniform", "even"] = "uniform"
    """Treatment slot times within the week: random uniform, or evenly spaced."""
    cancellation_rate: float = Field(0.03, ge=0, le=1)
    """Share of planned slots cancelled by the unit."""
    no_show_rate: float = Field(0.02, ge=0, le=1)
    """Share of booked patients who do not come (slot lost, patient stays on the list)."""
    absence_model: Literal["lognormal", "none"] = "lognormal"
    """Random sick leave per unit, staff category and week around the planned level."""
    absence_cv: float = Field(0.35, ge=0)
    """Coefficient of variation of the realised sick-leave share."""
    sick_leave_factor: float = Field(1.0, ge=0)
    """Multiplier on the planned sick leave (scenario lever: more sick leave than planned)."""
    los_distribution: Literal["gamma", "fixed"] = "gamma"
    """Length-of-stay distribution of inpatient episodes (mean = ``mean_los_days``)."""
    los_cv: float = Field(0.8, ge=0)
    """Coefficient of variation of the length of stay (gamma)."""
    process_grouping: Literal["line", "unit", "region"] = "region"
    """Which waiting lists one weekly SimPy process serves: one per unit × care type, one per
    unit, or one for the region. Results are identical; only the speed differs."""
    patient_records: Literal["none", "first", "all"] = "first"
    """Per-patient records kept: none, those of the first replication, or all."""
    patient_sample_size: int = Field(5000, ge=0)
    """At most this many per-patient records per replication go into ``sim_patients`` (a
    seeded random sample; 0 = all). The demo region has ≈ 570 000 patients a year."""
    kpi_detail: Literal["replication", "summary"] = "summary"
    """Per-week tables per replication, or their mean and 10/90 % quantiles over the
    replications (default: 100 replications of the demo region are ≈ 1 M rows per table,
    about 20 s to save and 40 s to load in SQLite). Node-level KPIs per replication are
    always kept (``sim_node_kpis``)."""
    scheduler: str | None = None
    """Dask scheduler address (``tcp://host:8786``); ``None`` runs locally."""
    progress: bool = True
    """Show a progress bar in the CLI for long runs."""

    @model_validator(mode="after")
    def _check_bounds(self) -> SimulateConfig:
        if self.max_replications < self.min_replications:
            raise ValueError("max_replications must be at least min_replications")
        if self.cancellation_rate + self.no_show_rate >= 1:
            raise ValueError("cancellation_rate + no_show_rate must be below 1")
        return self
