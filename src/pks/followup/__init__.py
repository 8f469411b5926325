"""Follow-up of plans against actuals on every level of the organisation (R-15..R-24).

Pure functions, DataFrame in and DataFrame out: production, waiting list, staff hours and
beds against the plan per node and period (:mod:`.deviations`), cost against the frame with
a monthly forecast (:mod:`.cost`), coverage of the weekly reporting (:mod:`.coverage`),
KPIs with traffic lights and the node responsible for acting (:mod:`.kpis`,
:mod:`.thresholds`, :mod:`.responsibility`) and the monthly board report (:mod:`.report`).
Every figure is computed per unit and summed up the organisation tree, so a higher level is
always the sum of the levels below it (R-24).
"""

from pks.followup.cost import cost_forecast
from pks.followup.coverage import coverage_by_node, unit_coverage, unit_week_coverage
from pks.followup.deviations import (
    beds_vs_capacity,
    planned_sick_leave,
    production_vs_plan,
    staff_vs_plan,
    waiting_vs_target,
)
from pks.followup.kpis import FollowupInputs, deviation_list, node_kpis
from pks.followup.responsibility import tag_responsible
from pks.rules.lights import Thresholds, resolve_thresholds

__all__ = [
    "FollowupInputs", "Thresholds", "beds_vs_capacity", "cost_forecast", "coverage_by_node",
    "deviation_list", "node_kpis", "planned_sick_leave", "production_vs_plan",
    "resolve_thresholds", "staff_vs_plan", "tag_responsible", "unit_coverage",
    "unit_week_coverage", "waiting_vs_target",
]
