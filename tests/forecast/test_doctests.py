"""Run the Examples sections of the forecast modules as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["pks.forecast.queueing", "pks.forecast.calendar"])
def test_doctests(module: str) -> None:
    res = doctest.testmod(importlib.import_module(module))
    assert res.attempted > 0
    assert res.failed == 0
