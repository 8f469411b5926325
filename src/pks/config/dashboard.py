"""Dashboard settings (section ``dashboard``): serving, access and traffic-light thresholds.

Traffic lights combine the model instance's target set (``targets`` table: occupancy ceiling,
overtime per FTE, agency-cost share, share within the care guarantee) with the margins here
(how far from plan or how close to a target ceiling turns a light amber or red).
"""

from __future__ import annotations

from typing import Literal

from pks.base import FrozenModel


class DashboardConfig(FrozenModel):
    """Dashboard serving and traffic-light settings."""

    host: str = "127.0.0.1"
    """Address to bind; anything but loopback requires login."""
    port: int = 8050
    """Port to serve on."""
    users_file: str | None = None
    """YAML file of dashboard users (username, role, units, password_hash); relative to the
    model folder or absolute. Required when served on another host than loopback."""
    require_login: bool | None = None
    """Force login on (true) or off (false); default: login whenever host is not loopback."""
    production_amber_pu: float = 0.05
    """Production below plan by more than this share of plan turns amber."""
    production_red_pu: float = 0.10
    """Production below plan by more than this share of plan turns red."""
    waiting_amber_pu: float = 0.05
    """Waiting list above its target by more than this share of the target turns amber."""
    waiting_red_pu: float = 0.15
    """Waiting list above its target by more than this share of the target turns red."""
    staffing_amber_pu: float = 0.05
    """Staff hours (own + overtime + agency) below plan by more than this share turns amber."""
    staffing_red_pu: float = 0.10
    """Staff hours below plan by more than this share turns red."""
    near_target_pu: float = 0.8
    """A KPI with a ceiling from the target set (overtime, agency share, patients past the
    guarantee) turns amber above this fraction of its ceiling, red above the ceiling."""
    occupancy_amber_margin_pu: float = 0.05
    """Bed occupancy within this margin below the target ceiling turns amber."""
    cost_amber_margin_pu: float = 0.01
    """Cost forecast within this share below the frame turns amber; above the frame red."""
    coverage_grace_weeks: int = 1
    """Most recent weeks whose missing actuals count as late rather than missing (R-16)."""
    forecast_method: Literal["plan", "run_rate"] = "plan"
    """Year-end cost forecast: actuals to date plus the plan for the rest of the year
    ('plan'), or the actual weekly run-rate extended to the whole year ('run_rate')."""
    kpp_benchmark_sek_per_drg_point: float = 65_000.0
    """National KPP benchmark: cost per DRG point of county and district hospitals
    (läns- och länsdelssjukhus), age-adjusted, SEK (R-32). The seeds give no value: the
    default is an assumed order of magnitude; set it from SKR's KPP database."""
    kpp_benchmark_source: str = "Antaget värde; ersätt med SKR:s KPP-databas (läns- och " \
        "länsdelssjukhus)"
    """Where the benchmark comes from (shown with it on the follow-up page and report)."""
    kpp_red_margin_pu: float = 0.05
    """Cost per DRG point above the benchmark is amber; above it by more than this, red."""
    kpp_excluded_node_ids: tuple[str, ...] = ()
    """Nodes whose units are not somatic (psychiatry, primary care): left out of KPP."""
