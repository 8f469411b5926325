"""Seed 004's restoration schedule and the in-depth analyses register."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pks.data.checks import ValidationFailed
from pks.data.store import Store
from pks.governance.analyses import (
    ANALYSES_PER_YEAR_MIN,
    analyses_missing,
    get_analysis,
    list_analyses,
    save_analysis,
)
from pks.governance.restoration import (
    by_origin,
    load_restoration,
    measures_by_year,
    validate_restoration,
)

from .conftest import User


def test_seed_restoration_table(repo_root: Path) -> None:
    s = load_restoration(repo_root / "models" / "vasterbotten_style")
    assert s is not None
    o = by_origin(s).pivot(index="year", columns="origin_year", values="remaining_mnkr")
    # the seed's rows "Varav från 2023 / 2024" [004:125-147]
    assert list(o[2023]) == [-239, -239, -191, 0, 0]
    assert list(o[2024].fillna(0)) == [0, -398, -398, -241, 0]
    m = pd.read_csv(repo_root / "models" / "vasterbotten_style" / "measures.csv")
    by = measures_by_year(m, s).set_index("year")
    assert by.at[2025, "measures_n"] == 5 and by.at[2025, "expected_mnkr"] == -250


def test_broken_restoration_table() -> None:
    df = pd.DataFrame({"year": ["2023", "2024"], "kind": ["outcome", "plan"],
                       "opening_mnkr": ["0", "-200"], "result_mnkr": ["-753", "48"],
                       "exceptional_mnkr": ["514", "0"], "closing_mnkr": ["-239", "-152"]})
    with pytest.raises(ValidationFailed) as exc:
        validate_restoration(df)
    assert {(i.row, i.column) for i in exc.value.issues} == {(2, "opening_mnkr")}


def test_analyses_saved_listed_reopened(store: Store, plan_id: str, strategist: User) -> None:
    assert analyses_missing(store, 2026) == ANALYSES_PER_YEAR_MIN
    with pytest.raises(ValidationFailed) as exc:
        save_analysis(store, strategist, 2026, "", "", [plan_id, "nope"])
    assert {i.code for i in exc.value.issues} == {"missing_value", "unknown_id"}
    new = save_analysis(store, strategist, 2026, "Ortopedins köer",
                        "Jämförelse av två planer.", [plan_id, plan_id])
    assert analyses_missing(store, 2026) == ANALYSES_PER_YEAR_MIN - 1
    lst = list_analyses(store, 2026)
    assert list(lst["title"]) == ["Ortopedins köer"]
    a = get_analysis(store, new)
    assert a.run_ids == (plan_id, plan_id) and a.narrative == "Jämförelse av två planer."
