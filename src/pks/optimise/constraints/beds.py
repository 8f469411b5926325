"""Bed capacity per unit and period (vårdplatser, ward-size aware occupancy)."""

from __future__ import annotations

import numpy as np

from pks.calendar import DAYS_PER_WEEK
from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel, expand
from pks.optimise.piece import Piece


def add_beds(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Bed-days of own inpatient production within staffed beds at the occupancy ceiling.

    .. math::
       :label: beds

       \sum_{c,k} \ell_{uc}\, x_{uckt} \le 7\, \rho_u \sum_{w \in t} B_{uw}

    :math:`\ell` mean length of stay (days), :math:`B` staffed beds of each week,
    :math:`\rho_u` the occupancy ceiling: the Erlang-B occupancy a ward of this size can
    sustain at the target set's overflow probability, capped by its maximum occupancy
    (de Bruin et al. 2010) — small wards get lower ceilings than a flat 85 %.

    Bed-days above the ceiling, up to full occupancy of the staffed beds, are allowed as
    priced overcrowding (överbeläggning) :math:`\beta_{ut} \le 7 (1-\rho_u) \sum_w B_{uw}`
    weighing ``care_weight_bed_overflow`` per bed-day in the care part — a ward runs over
    its ceiling rather than refuse acute patients (strict mode drops it).
    """
    over = None
    if not cfg.strict:
        over = (inputs.staffed_beds * inputs.grid.length_weeks[None, :] * DAYS_PER_WEEK
                - inputs.bed_days).clip(min=0.0)
    _add_physical(m, inputs, "mean_los_days", inputs.bed_days, "c_beds",
                  "bed-days within staffed beds", over, cfg.care_weight_bed_overflow)


def _add_physical(m: LinearModel, inputs: ModelInputs, col: str, cap: np.ndarray,
                  name: str, doc: str, over_ub: np.ndarray | None = None,
                  over_care: float = 0.0) -> None:
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
    keys = inputs.units.iloc[users][["unit_id"]]
    terms = [(rows, x.ids(e, t), use[ucp[e]])]
    if over_ub is not None:
        ov = m.add_vars("bed_overflow_days", keys, inputs.grid.periods, ub=over_ub[users],
                        care=over_care, doc="bed-days above the occupancy ceiling")
        oe, ot = expand(np.arange(len(users)), T)
        terms.append((oe * T + ot, ov.ids(oe, ot), -1.0))
    m.add_cons(name, keys, inputs.grid.periods, terms=terms, hi=cap[users], doc=doc)


BEDS = Piece(
    "beds", add_beds,
    needs=("grid", "units", "uc", "uck", "bed_days", "staffed_beds"),
    reads=("x",),
    adds=("bed_overflow_days",),
    rows=("c_beds",),
)
