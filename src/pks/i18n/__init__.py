"""Swedish-first messages and labels, with English available.

Message catalogues are YAML files in this folder, one per area (``common.yaml``,
``data.yaml``, ``forecast.yaml``, ``optimise.yaml``, ``simulate.yaml``, ``dashboard.yaml``),
each mapping ``key -> {sv: ..., en: ...}``. Keys are namespaced by area (``data.``,
``plan.``...). Missing keys fall back to English, then to the key itself.

Examples
--------
>>> format_number(1234.5, "sv", 1) == "1" + chr(160) + "234,5"
True
>>> format_number(1234.5, "en", 1)
'1,234.5'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from pks.types import Language


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All message catalogues merged (later files never overwrite earlier keys)."""
    out: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files("pks.i18n").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            content = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
            for k, v in content.items():
                out.setdefault(k, v)
    return out


def t(key: str, lang: Language = "sv", **fmt: Any) -> str:
    """Translate ``key`` to ``lang`` and fill ``{placeholders}`` from ``fmt``."""
    entry = catalogue().get(key)
    text = key if entry is None else entry.get(lang) or entry.get("en") or key
    return text.format(**fmt) if fmt else text


def t_or(key: str, fallback: str, lang: Language = "sv") -> str:
    """``t(key, lang)`` when the catalogue has ``key``, else ``fallback`` (a name from data)."""
    return t(key, lang) if key in catalogue() else fallback


def target_set_name(name: str, lang: Language = "sv") -> str:
    """A target set's human name (``workbench.target.<name>``), else the name itself."""
    return t_or(f"workbench.target.{name}", name, lang)


def format_number(value: float, lang: Language = "sv", decimals: int = 0) -> str:
    """Format a number the Swedish way (``1 234,5``, non-breaking space) or the English way."""
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
    return text


def format_sek(value: float, lang: Language = "sv", scale: str = "") -> str:
    """Format an amount in SEK; ``scale`` in {'', 'k', 'M'} divides by 1, 1e3 or 1e6."""
    div = {"": 1.0, "k": 1e3, "M": 1e6}[scale]
    unit = {("", "sv"): "kr", ("k", "sv"): "tkr", ("M", "sv"): "mnkr",
            ("", "en"): "SEK", ("k", "en"): "kSEK", ("M", "en"): "MSEK"}[(scale, lang)]
    return f"{format_number(value / div, lang, 1 if scale else 0)} {unit}"


def format_pct(share: float, lang: Language = "sv", decimals: int = 1) -> str:
    """Format a share (0.123) as a percentage (``12,3 %``)."""
    return f"{format_number(100 * share, lang, decimals)}\u00a0%"
