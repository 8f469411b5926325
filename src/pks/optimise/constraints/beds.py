"""Bed capacity per unit and period (vårdplatser, ward-size aware occupancy)."""

from __future__ import annotations

import numpy as np

from pks.optimise.config import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand


def add_beds(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Bed-days of own inpatient production within staffed beds at the occupancy ceiling.

    .. math::
       :label: beds

       \sum_{c,k} \ell_{uc}\, x_{uckt} \le 7\, \rho_u \sum_{w \in t} B_{uw}

    :math:`\ell` mean length of stay (days), :math:`B` staffed beds of each week,
    :math:`\rho_u` the occupancy ceiling: the Erlang-B occupancy a ward of this size can
    sustain at the target set's overflow probability, capped by its maximum occupancy
    (de Bruin et al. 2010) — small wards get lower ceilings than a flat 85 %.
    """
    _add_physical(m, inputs, "mean_los_days", inputs.bed_days, "c_beds",
                  "bed-days within staffed beds")


def _add_physical(m: LinearModel, inputs: ModelInputs, col: str, cap: np.ndarray,
                  name: str, doc: str) -> None:
    T = inputs.grid.n
    uc, uck = inputs.uc, inputs.uck
    use = uc[col].to_numpy(float)
    unit_pos = uc[["unit_id"]].merge(
        inputs.units[["unit_id"]].assign(_u=np.arange(len(inputs.units))),
        on="unit_id", how="left")["_u"].to_numpy()
    users = np.unique(unit_pos[use > 0])
    if len(users) == 0:
        return
    row_of = -np.ones(len(inputs.units), np.int64)
    row_of[users] = np.arange(len(users))
    ucp = uck["uc_pos"].to_numpy()
    sel = np.flatnonzero(use[ucp] > 0)
    e, t = expand(sel, T)
    x = m.var_blocks["x"]
    rows = row_of[unit_pos[ucp[e]]] * T + t
    m.add_cons(name, inputs.units.iloc[users][["unit_id"]], inputs.grid.periods,
               terms=[(rows, x.ids(e, t), use[ucp[e]])], hi=cap[users], doc=doc)
