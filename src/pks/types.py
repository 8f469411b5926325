"""Typed domain ids and literals shared by every layer of pks."""

from __future__ import annotations

from typing import Literal, NewType

NodeId = NewType("NodeId", str)
UnitId = NewType("UnitId", str)
CareTypeId = NewType("CareTypeId", str)
StaffCategoryId = NewType("StaffCategoryId", str)
IsoWeek = NewType("IsoWeek", str)
"""ISO week as ``YYYY-Www``, e.g. ``2026-W27``."""

Level = Literal["strategic", "tactical", "operative"]
PksLevel = Literal["political", "strategic", "tactical", "operative"]
Sex = Literal["female", "male"]
PlanStatus = Literal["draft", "proposed", "agreed", "adopted"]
Language = Literal["sv", "en"]

LEVELS: tuple[Level, ...] = ("strategic", "tactical", "operative")
PLAN_STATUSES: tuple[PlanStatus, ...] = ("draft", "proposed", "agreed", "adopted")
AGE_BANDS: tuple[str, ...] = ("0-17", "18-44", "45-64", "65-79", "80+")
