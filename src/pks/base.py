"""Base class for frozen, strict configuration models (Calliope-style)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """Frozen pydantic model that forbids unknown keys and documents fields by docstring."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
