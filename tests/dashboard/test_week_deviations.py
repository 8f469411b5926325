"""A manager's week: the deviation list by severity with counts, the scoped explanation."""

from __future__ import annotations

import pandas as pd

from pks.dashboard.access import LOCAL_USER
from pks.dashboard.data import DataService
from pks.dashboard.pages.operative import (
    PAGE_SIZE,
    deviation_counts,
    deviation_table,
    operative_view,
    page_count,
    scoped_explanation,
    sort_by_severity,
)

from .seed import AS_OF

EXPLANATION = [
    "Plan på Operativ nivå – lösningsstatus: optimal",
    "Verklig nettokostnad 303,3 mnkr.",
    "Ej given vård i 2 enheter, störst:",
    "  – Ortopedkliniken Gällivare (R-DOS-ORT-GAL): 36 fallveckor",
    "  – Hälsocentralen Jokkmokk (R-DPV-JOK): 3 akuta fall",
    "Marginalvärden per division:",
    "  Division Opererande (R-DOS)",
    "    – en årsarbetare till (Läkare i Ortopedkliniken Gällivare (R-DOS-ORT-GAL)): −36 kr",
    "        årslön 1 539 000 kr",
    "  Division Primärvård (R-DPV)",
    "    – ett fall till (Hälsocentralen Jokkmokk (R-DPV-JOK)): +379 kr",
]


def test_explanation_on_a_unit_page_holds_only_that_unit():
    got = scoped_explanation(EXPLANATION, {"R-DOS-ORT-GAL"}, {"R", "R-DOS"}, whole=False)
    texts = [x for _, x in got]
    assert texts == [
        "Plan på Operativ nivå – lösningsstatus: optimal",
        "Ej given vård i 2 enheter, störst:",
        "Ortopedkliniken Gällivare (R-DOS-ORT-GAL): 36 fallveckor",
        "Marginalvärden per division:",
        "Division Opererande (R-DOS)",
        "en årsarbetare till (Läkare i Ortopedkliniken Gällivare (R-DOS-ORT-GAL)): −36 kr",
        "årslön 1 539 000 kr",
    ]
    assert not any("Jokkmokk" in x or "Primärvård" in x for x in texts)
    assert not any(x.startswith(("–", "-")) for x in texts)  # no double bullets
    assert [d for d, _ in got] == [0, 0, 1, 0, 1, 2, 4]
    whole = scoped_explanation(EXPLANATION, set(), set(), whole=True)
    assert len(whole) == len(EXPLANATION)


def test_deviations_sorted_by_severity_with_counts():
    dev = pd.DataFrame({
        "node_id": ["a", "b", "c", "d"], "responsible_name": ["A", "B", "C", "D"],
        "node_type": ["unit"] * 4, "responsible_role": ["verksamhetschef"] * 4,
        "responsible_level": ["operative"] * 4, "kpi": ["production", "waiting",
                                                        "production", "agency"],
        "value": [-0.05, 0.30, -0.40, 0.12], "light": ["amber", "red", "red", "amber"],
        "value_text": ["-5 %", "+30 %", "-40 %", "12 %"]})
    out = sort_by_severity(dev)
    assert out["node_id"].tolist() == ["c", "b", "d", "a"]
    text = deviation_counts(out, "sv")
    assert text.startswith("4 avvikelser") and "Produktion mot plan: 2 (varav röda 1)" in text
    only = deviation_table(dev, "sv", ["production"])
    assert "2 avvikelser" in str(only.children[0]) and "Andel hyrpersonal" not in str(only)


def test_region_deviation_table_pages_and_counts(svc: DataService):
    v = operative_view(svc, LOCAL_USER, svc.tree().root, AS_OF, "base", "unit", "sv")
    n = len(v["deviations"])
    pages = page_count(n)
    assert pages == -(-n // PAGE_SIZE) or n == 0
    view = deviation_table(v["deviations"], "sv", None, pages + 5)  # clamped to the last
    assert view.children[0].children.startswith(f"{n} avvikelser") or n == 0
    assert view.children[2].children == f"Sida {pages} av {pages}"
    body = str(view.children[1])
    assert body.count("Tr(") <= PAGE_SIZE + 1
    assert page_count(0) == 1 and page_count(PAGE_SIZE) == 1 and page_count(PAGE_SIZE + 1) == 2
