"""The economy dashboard page's view function (plain function, no browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pks.dashboard.components import data_table
from pks.dashboard.pages.economy import TARGET_COLS, economy_view
from pks.i18n import t


class _Svc:
    """The part of DataService the page uses: settings and a snapshot's planning data."""

    def __init__(self, data, model_dir: str) -> None:  # type: ignore[no-untyped-def]
        self.settings = type("S", (), {"model_dir": model_dir, "scenario": "base"})()
        self._data = data

    def snapshot(self):  # type: ignore[no-untyped-def]
        return type("Snap", (), {"data": self._data})()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_view_compares_scenarios_with_lights(demo_economy, repo_root: Path, lang) -> None:  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(repo_root)
    try:
        svc = _Svc(demo_economy["base"].data, "models/demo_region")
        v = economy_view(svc, ["base", "cost_up"], lang)  # type: ignore[arg-type]
    finally:
        os.chdir(cwd)
    tg = v["targets"]
    base, cost_up = (t(f"workbench.scenario.{s}", lang) for s in ("base", "cost_up"))
    assert set(tg["scenario"]) == {base, cost_up}  # scenarios by their names, not ids
    op = tg[(tg["target"] == "operating_result_share") & (tg["period"] == "2026")]
    assert dict(zip(op["scenario"], op["light"], strict=True)) == {base: "green",
                                                                   cost_up: "red"}
    assert set(v["required"]["year"]) == {2026, 2027, 2028}
    html = str(data_table(tg, TARGET_COLS, lang, "t", light_col="light"))
    assert ("dot-red" in html) and ("ej uppfyllt" in html if lang == "sv" else "not met" in html)
    assert len(v["fig_result"].data) == 4 and len(v["fig_frames"].data) == 4
