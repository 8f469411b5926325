"""Issue 10: the operative proposal shows whole cases (the LP itself may stay continuous)."""

import json

import pandas as pd

from pks.dashboard.pages.operative import suggestion_tables


def test_operative_proposal_shows_whole_cases():
    prod = pd.DataFrame({"unit_name": ["Ortopedi"] * 2, "care_type": ["operation"] * 2,
                         "week": ["2026-W47", "2026-W48"], "production_cases": [82.4, 81.6],
                         "production_whole_cases": [82.0, 82.0]})
    text = json.dumps(suggestion_tables(None, prod, pd.DataFrame(), "sv").to_plotly_json(),
                      default=str)
    assert "164" in text and "82,4" not in text and "82,0" not in text
