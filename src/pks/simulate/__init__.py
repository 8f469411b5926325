"""pks.simulate: check weekly production plans against waiting-time and workload targets.

A SimPy Monte Carlo simulator of a tactical or operative plan (R-12, R-13, R-17 in
docs/requirements.md).

Pipeline (pure functions; I/O only in :mod:`pks.simulate.store_io` and the CLI)::

    build_params(data, plan_production, plan_staff, plan_beds, forecast_demand, cfg)
        -> SimParams                                   (params.py)
    run_replication(params, r) -> ReplicationOutput     (model.py: SimPy processes)
    run_replications / simulate_params / simulate_plan / run_batch
        -> SimResult with tidy tables                   (runner.py, analysis.py)
    run_and_store(store, plan_run_id, scenario_cfg) -> SimulationRun (store_io.py)

Result tables (CONTRACTS.md "Simulator"):

- ``sim_verdicts``: ``node_id, node_name, node_type, target, kpi_mean, kpi_p10, kpi_p90,
  target_value, probability, ci_low, ci_high, met, n_replications`` for every unit and every
  ancestor node (area, division, region) and each target (guarantee, waiting_list,
  occupancy, overflow, overtime, utilisation);
- ``sim_node_kpis``: ``replication, node_id, target, value, met``;
- ``sim_kpis``: per replication × unit × care type × week: arrivals, treated, treated within
  the guarantee, mean wait, waiting list and waiting past the guarantee at week end, staff
  capacity factor (``kpi_detail="summary"``: mean, p10, p90 over replications instead);
- ``sim_beds``: per replication × inpatient unit × week: staffed and occupied beds,
  overflow days and bed-days, admissions, admissions finding the ward full, transfers;
- ``sim_staff``: per replication × unit × staff category × week: hours required, available
  (after random sick leave), supply, overtime, overtime beyond the plan, agency, utilisation;
- ``sim_patients``: per-patient records (first replication by default);
- ``sim_replications``: the key KPI per replication (precision rule).

Comparisons: :func:`pks.simulate.runner.run_batch` runs several plans or scenarios with common
random numbers and :func:`pks.simulate.analysis.compare` gives paired differences with their
confidence intervals; ``capacity_scale`` in :func:`pks.simulate.store_io.run_and_store`
(``pks simulate --cut UNIT=FACTOR``) simulates an under-staffed variant of a stored plan.

See :mod:`pks.simulate.model` for the process design, :mod:`pks.simulate.params` for the
initial waiting list, :mod:`pks.simulate.analysis` for targets and roll-up and
:mod:`pks.simulate.runner` for the replication rule.
"""

from __future__ import annotations

import importlib
from typing import Any

from pks.config.simulate import SimulateConfig

_LAZY = {
    "DaskExecutor": "executor", "Executor": "executor", "LocalExecutor": "executor",
    "ProcessExecutor": "executor", "make_executor": "executor",
    "ReplicationOutput": "model", "run_replication": "model", "compare": "analysis",
    "SimInputError": "params", "SimParams": "params", "build_params": "params",
    "SimResult": "runner", "run_batch": "runner", "run_replications": "runner",
    "simulate_params": "runner", "simulate_plan": "runner",
    "SimulationRun": "store_io", "run_and_store": "store_io",
}


def __getattr__(name: str) -> Any:
    """Import the heavy parts (SimPy, SciPy) only when used: the config stays light."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"pks.simulate.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'pks.simulate' has no attribute {name!r}")


__all__ = ["SimulateConfig", *_LAZY]
