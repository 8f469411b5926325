"""Schema conformance of generated regions: columns, dtypes, ranges, allowed values, keys, refs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pks.data.checks import validate
from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS
from pks.data.weeks import is_valid_week
from pks.demo import generate_region, sized_spec


def _conformance_problems(data: PlanningData) -> list[str]:
    """Independent re-check of every schema rule (not through pks.data.checks)."""
    problems: list[str] = []
    tables = data.tables()
    for name, schema in SCHEMAS.items():
        df = tables[name]
        if schema.required and df.empty:
            problems.append(f"{name}: empty")
        if list(df.columns) != list(schema.column_names):
            problems.append(f"{name}: columns {list(df.columns)}")
            continue
        for c in schema.columns:
            s = df[c.name]
            if c.required and s.isna().any():
                problems.append(f"{name}.{c.name}: missing values")
            v = s.dropna()
            if c.dtype in ("int", "float"):
                if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
                    problems.append(f"{name}.{c.name}: dtype {s.dtype}")
                    continue
                if c.dtype == "int" and not pd.api.types.is_integer_dtype(s):
                    problems.append(f"{name}.{c.name}: not integer")
                if not np.isfinite(v.to_numpy(dtype=float)).all():
                    problems.append(f"{name}.{c.name}: non-finite")
                if c.min is not None and (v < c.min).any():
                    problems.append(f"{name}.{c.name}: below {c.min}: {v.min()}")
                if c.max is not None and (v > c.max).any():
                    problems.append(f"{name}.{c.name}: above {c.max}: {v.max()}")
            elif c.dtype == "bool":
                if not pd.api.types.is_bool_dtype(s):
                    problems.append(f"{name}.{c.name}: dtype {s.dtype}")
            elif c.dtype == "week":
                bad = [w for w in v.unique() if not is_valid_week(w)]
                if bad:
                    problems.append(f"{name}.{c.name}: invalid weeks {bad[:3]}")
            elif c.dtype == "date":
                if not pd.api.types.is_datetime64_any_dtype(s):
                    problems.append(f"{name}.{c.name}: dtype {s.dtype}")
                elif not (v.dt.normalize() == v).all():
                    problems.append(f"{name}.{c.name}: not whole days")
            else:
                if not all(isinstance(x, str) and x != "" for x in v):
                    problems.append(f"{name}.{c.name}: non-string or empty values")
            if c.allowed is not None:
                bad = set(v.astype(str)) - set(c.allowed)
                if bad:
                    problems.append(f"{name}.{c.name}: values {sorted(bad)} not allowed")
            if c.references is not None:
                ref_table, ref_col = c.references
                known = set(tables[ref_table][ref_col])
                unknown = set(v) - known
                if unknown:
                    problems.append(f"{name}.{c.name}: unknown {sorted(unknown)[:3]}")
        if schema.key and df.duplicated(list(schema.key)).any():
            problems.append(f"{name}: duplicate keys")
    return problems


@pytest.fixture(scope="module")
def benchmark_small() -> PlanningData:
    return generate_region(sized_spec(12, 10), 7)


@pytest.mark.parametrize("which", ["demo", "vasterbotten", "benchmark_small"])
def test_every_schema_rule_holds(which: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(which)
    assert _conformance_problems(data) == []


@pytest.mark.parametrize("which", ["demo", "vasterbotten", "benchmark_small"])
def test_validates_with_zero_issues(which: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(which)
    issues = validate(data.tables())
    assert issues == []


@pytest.mark.parametrize("which", ["demo", "vasterbotten"])
def test_tables_are_in_key_order(which: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(which)
    for name, df in data.tables().items():
        if name == "org_nodes":
            continue
        key = list(SCHEMAS[name].key)
        resorted = df.sort_values(key, kind="mergesort").reset_index(drop=True)
        pd.testing.assert_frame_equal(df, resorted, obj=name)


def test_conformance_check_catches_a_broken_table(demo: PlanningData) -> None:
    broken = demo.care_types.copy()
    broken.loc[0, "guarantee_stage"] = "someday"
    broken.loc[1, "mean_los_days"] = -1.0
    problems = _conformance_problems(demo.replace(care_types=broken))
    assert any("guarantee_stage" in p for p in problems)
    assert any("mean_los_days" in p for p in problems)


def test_producing_units_are_leaves(demo: PlanningData, vasterbotten: PlanningData) -> None:
    for data in (demo, vasterbotten):
        parents = set(data.org_nodes["parent_id"].dropna())
        assert not (set(data.care_types["unit_id"]) & parents)
        roots = data.org_nodes[data.org_nodes["parent_id"].isna()]
        assert len(roots) == 1
