"""The data-model reference in docs/ is generated from the schemas and must not be stale."""

from __future__ import annotations

from pathlib import Path

from pks.data.docs import render_data_model
from pks.data.schema import SCHEMAS


def test_data_model_reference_is_current(repo_root: Path) -> None:
    path = repo_root / "docs" / "data-model.md"
    assert path.exists(), "docs/data-model.md is missing: run `pks docs` to generate it"
    assert path.read_text(encoding="utf-8") == render_data_model(), (
        "docs/data-model.md is stale: regenerate it with `pks docs` and commit it")


def test_reference_covers_every_table_and_column() -> None:
    text = render_data_model()
    for name, schema in SCHEMAS.items():
        assert f"### {name}\n" in text
        for col in schema.columns:
            assert f"| `{col.name}` | {col.dtype} |" in text
            assert col.description_sv.replace("|", "\\|") in text
    assert "`wrong_magnitude.hours_as_fte`" in text  # validation codes are listed
