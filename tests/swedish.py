"""Scanners for untranslated text in Swedish output (shared by the house and output tests).

``giveaways`` finds English words and internal codes that never belong in Swedish text;
``snake_case_not_translated`` finds snake_case identifiers that no Swedish catalogue text
contains (internal ids leaking to users).
"""

from __future__ import annotations

import re
from functools import cache

GIVEAWAYS: tuple[str, ...] = (
    "the", "and", "of", "objective", "status draft", "status optimal", "(typ need)", "(adopted",
    "missing_column", "unknown_column", "Count by code",
    "Options", "Commands", "default:", "env var", "Scenario name", "Database URL",
    "with", "from", "week", "weeks", "cases", "beds", "deviation",
)
"""English words and internal codes that must not appear in Swedish output (whole words)."""

SNAKE_CASE = re.compile(r"(?<![\w./<-])[a-z]+(?:_[a-z0-9]+)+(?![\w.>-])")
"""A snake_case word not part of a path, URL, tag or longer identifier."""


def giveaways(text: str) -> list[str]:
    return [w for w in GIVEAWAYS
            if re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", text)]


@cache
def _swedish_catalogue_text() -> str:
    """Every Swedish catalogue text, joined."""
    from pks.i18n import catalogue

    return " ".join(str(v.get("sv", "")) for v in catalogue().values())


def snake_case_not_translated(text: str) -> list[str]:
    """snake_case words in ``text`` that no Swedish catalogue text contains (internal ids)."""
    swedish = _swedish_catalogue_text()
    return sorted(w for w in set(SNAKE_CASE.findall(text)) if w not in swedish)
