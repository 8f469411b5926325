"""Benchmark regions of any size (sized_spec)."""

from __future__ import annotations

import pytest

from pks.data.checks import validate
from pks.demo import generate_region, sized_spec


@pytest.mark.parametrize("n_units,n_ct", [(5, 1), (23, 4), (60, 5)])
def test_sized_spec_scales(n_units: int, n_ct: int) -> None:
    data = generate_region(sized_spec(n_units, n_ct), 1)
    assert len(data.unit_ids) == n_units
    assert (data.care_types.groupby("unit_id").size() == n_ct).all()
    assert len(data.demand_history) == n_units * n_ct * 156 * 2
    assert len(data.staff_availability) == n_units * 4 * 313
    assert validate(data.tables()) == []


def test_sized_spec_ten_care_types() -> None:
    spec = sized_spec(10, 10)
    data = generate_region(spec, 2)
    assert set(data.care_types["care_type_kind"]) == {
        "first_visit", "return_visit", "procedure", "inpatient_episode", "digital_visit"}
    assert data.care_types["care_type"].nunique() == 10
    divisions = data.org_nodes[data.org_nodes["node_type"] == "division"]
    assert set(divisions["node_id"]) <= set(data.budget_frames["node_id"])


@pytest.mark.slow
def test_sized_spec_300_units() -> None:
    data = generate_region(sized_spec(300, 10), 3)
    assert len(data.unit_ids) == 300
    assert len(data.demand_history) == 300 * 10 * 156 * 2
    assert validate(data.tables()) == []


@pytest.mark.parametrize("args", [(0, 5), (10, 0), (10, 11)])
def test_sized_spec_rejects_bad_sizes(args: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        sized_spec(*args)
