"""The balanced scorecard (R-22): every KPI kind in one of five perspectives, in one place.

The region follows up in five perspectives: *Samhälle* (society: equal care for women and
men), *Medborgare* (citizens: access — waiting lists and the care guarantee), *Verksamhet*
(operations: production against plan), *Medarbetare* (staff: workload — staffing, overtime
and bed occupancy) and *Ekonomi* (economy: cost against frame, agency-cost share and KPP
cost per DRG point). :data:`KIND_PERSPECTIVE` maps each KPI kind (those of
:data:`pks.rules.lights.KINDS` plus ``equality`` and ``kpp``) to its perspective; the
follow-up page and the board report both group by it.
"""

from __future__ import annotations

import pandas as pd

from pks.rules.lights import KPI_KIND

PERSPECTIVES: tuple[str, ...] = ("samhalle", "medborgare", "verksamhet", "medarbetare",
                                 "ekonomi")
KIND_PERSPECTIVE: dict[str, str] = {
    "equality": "samhalle",
    "waiting_list": "medborgare", "guarantee": "medborgare",
    "production": "verksamhet",
    "workload": "medarbetare",
    "cost": "ekonomi", "agency": "ekonomi", "kpp": "ekonomi",
}
"""Each KPI kind's perspective (every kind of :data:`pks.rules.lights.KINDS` has one)."""
EXTRA_KPI_KIND: dict[str, str] = {"past_guarantee_gap": "equality", "kpp": "kpp"}
"""KPIs of the scorecard beyond :data:`pks.rules.lights.KPI_KIND`, with their kind."""
SCORECARD_COLUMNS: list[str] = ["perspective", "kind", "kpi", "value", "light"]


def kind_of(kpi: str) -> str:
    """The kind of a KPI (``production``, ``workload``, ``kpp``, ...)."""
    return KPI_KIND.get(kpi) or EXTRA_KPI_KIND[kpi]


def perspective_of(kpi: str) -> str:
    """The scorecard perspective of a KPI."""
    return KIND_PERSPECTIVE[kind_of(kpi)]


def scorecard(values: dict[str, tuple[float, str]]) -> pd.DataFrame:
    """One row per KPI, grouped by perspective in :data:`PERSPECTIVES` order.

    ``values`` maps a KPI to its (value, light).
    """
    rows = [{"perspective": perspective_of(k), "kind": kind_of(k), "kpi": k, "value": v,
             "light": lt} for k, (v, lt) in values.items()]
    if not rows:
        return pd.DataFrame(columns=SCORECARD_COLUMNS)
    out = pd.DataFrame(rows)
    order = {p: i for i, p in enumerate(PERSPECTIVES)}
    out = out.assign(_p=out["perspective"].map(order)).sort_values(["_p"], kind="stable")
    return out[SCORECARD_COLUMNS].reset_index(drop=True)


def count_by_perspective(kinds: pd.Series) -> dict[str, int]:
    """How many entries (e.g. red deviations, by their ``kind``) fall in each perspective."""
    counts = kinds.map(KIND_PERSPECTIVE).value_counts()
    return {p: int(counts.get(p, 0)) for p in PERSPECTIVES}
