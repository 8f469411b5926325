"""The one home of each domain rule, called by every layer.

Forecast, optimise, simulate, follow-up, report, dashboard and CLI all call these rules:

- :mod:`.targets` — the target set in force for a date (one fallback policy);
- :mod:`.guarantee` — the care-guarantee translation: limit days and share → target mean
  wait and queue (one wait factor, one default);
- :mod:`.lights` — each KPI's traffic-light judgement (:func:`judge`) and its thresholds;
- :mod:`.cost` — net cost: costs minus the revenues the plan counts, capitation included;
- :mod:`.completeness` — which units have reported a week or a month, per node.

This package sits just above :mod:`pks.data`: it imports only ``pks.data`` and the
standard scientific stack, never a layer above it or the configuration.
"""

from pks.rules.completeness import (
    Completeness,
    latest_complete_week,
    node_week_completeness,
    span_completeness,
    unit_week_reported,
)
from pks.rules.cost import net_actual_cost, weekly_capitation_sek
from pks.rules.guarantee import (
    DEFAULT_WAIT_FACTOR,
    guarantee_mean_wait,
    limit_days,
    limit_days_of,
    target_mean_wait_weeks,
    target_queue_cases,
    wait_factor,
)
from pks.rules.lights import (
    KINDS,
    KPI_KIND,
    KPIS,
    Light,
    LightMargins,
    Thresholds,
    at_least,
    at_most,
    judge,
    judge_series,
    resolve_thresholds,
)
from pks.rules.targets import (
    DEFAULT_TARGETS,
    TargetSetNotFound,
    target_set_in_force,
    targets_in_force,
)

__all__ = [
    "DEFAULT_TARGETS", "DEFAULT_WAIT_FACTOR", "KINDS", "KPIS", "KPI_KIND", "Completeness", "Light",
    "LightMargins", "TargetSetNotFound", "Thresholds", "at_least", "at_most",
    "guarantee_mean_wait", "judge",
    "judge_series", "latest_complete_week", "limit_days", "limit_days_of", "net_actual_cost",
    "node_week_completeness", "resolve_thresholds", "span_completeness",
    "target_mean_wait_weeks", "target_queue_cases", "target_set_in_force",
    "targets_in_force", "unit_week_reported", "wait_factor", "weekly_capitation_sek",
]
