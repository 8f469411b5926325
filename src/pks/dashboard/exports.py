"""Exports the Swedish way: ``;`` and decimal comma, Swedish headers, sensible rounding.

A table leaving the dashboard is made ready for a spreadsheet in the user's language
(:func:`export_ready`): every column's header comes from the translation files
(``dash.col.<name>``, ``week.col.<name>``, else the schemas' help text, else the internal
name), with its unit in brackets; numbers are rounded to what their unit deserves
(:func:`decimals_for`) and shares (``_pu``) are given in per cent; traffic lights, node
types and care types are translated. CSV in Swedish uses ``;`` between fields and a
decimal comma (what a Swedish-locale spreadsheet expects), in English ``,`` and a point;
either can be chosen. The internal names can be kept as the header instead
(``internal_names``). File names carry page, table, node, period and plan run
(:func:`export_filename`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from pks.data.io import escape_formulas, frame_to_xlsx_bytes
from pks.data.schema import SCHEMAS
from pks.i18n import catalogue, t
from pks.types import Language

PERCENT_PER_PU = 100.0
"""A share of 1 pu is 100 %."""

UNIT_DECIMALS: tuple[tuple[str, int], ...] = (
    ("_cases", 0), ("_fte", 1), ("_sek", 0), ("_msek", 1), ("_mnkr", 1), ("_pu", 1),
    ("_h", 0), ("_beds", 1), ("_count", 0), ("_fte_year", 0),
)
"""Decimals by the column's unit suffix: whole cases, FTE to a tenth, whole kronor,
million kronor to a tenth, shares to a tenth of a per cent, whole hours."""

DEFAULT_DECIMALS = 2
"""Decimals of a number whose unit says nothing better."""

LABEL_CATALOGUES = ("dash.col.", "week.col.")
"""Where a column's display name is looked up, first match wins."""


@dataclass(frozen=True)
class CsvDialect:
    """Field separator and decimal mark of a CSV export."""

    sep: str
    decimal: str

    @classmethod
    def of(cls, lang: Language) -> CsvDialect:
        """Swedish spreadsheets: ``;`` and decimal comma; English: ``,`` and a point."""
        return cls(";", ",") if lang == "sv" else cls(",", ".")


def unit_suffix(column: str) -> str:
    """The unit suffix of a column name (``_cases``, ``_pu``...), or ``""``."""
    for suffix, _ in UNIT_DECIMALS:
        if column.endswith(suffix):
            return suffix
    return ""


def decimals_for(column: str) -> int:
    """Decimals a column's numbers deserve, by its unit suffix (``DEFAULT_DECIMALS`` else)."""
    return dict(UNIT_DECIMALS).get(unit_suffix(column), DEFAULT_DECIMALS)


def _schema_label(column: str, lang: Language) -> str:
    for schema in SCHEMAS.values():
        if column in schema.column_names:
            spec = schema.column(column)
            return (spec.description_sv if lang == "sv" else spec.description).rstrip(".")
    return ""


def column_header(column: str, lang: Language) -> str:
    """The column's header in ``lang``, its unit in brackets unless the name has one."""
    cat = catalogue()
    label = next((t(p + column, lang) for p in LABEL_CATALOGUES if p + column in cat), "")
    label = label or _schema_label(column, lang) or column
    suffix = unit_suffix(column)
    if suffix and "(" not in label:
        label = f"{label} ({t('week.unit.' + suffix.lstrip('_'), lang)})"
    return label


def _translate_cells(column: str, s: pd.Series, lang: Language) -> pd.Series:
    cat = catalogue()
    prefix = ("dash.light." if column == "light" or column.endswith("_light") else
              "dash.nodetype." if column == "node_type" else
              "dash.kpi." if column == "kpi" else
              "dash.caretype." if column == "care_type" else "")
    if not prefix:
        return s
    return s.map(lambda v: t(prefix + str(v), lang) if prefix + str(v) in cat else v)


def export_ready(df: pd.DataFrame, lang: Language, internal_names: bool = False
                 ) -> pd.DataFrame:
    """A copy for a spreadsheet: rounded numbers, shares in %, translated cells and headers.

    Rounding: a column ending in a unit suffix gets :func:`decimals_for` decimals; a share
    ``x`` pu becomes ``round(100·x, 1)`` %. Integers stay integers.
    """
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_float_dtype(s.dtype):
            scale = PERCENT_PER_PU if unit_suffix(str(c)) == "_pu" else 1.0
            out[c] = (s * scale).round(decimals_for(str(c)))
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[c] = _translate_cells(str(c), s, lang)
    if not internal_names:
        out.columns = [column_header(str(c), lang) for c in out.columns]
    return out


def frame_to_csv(df: pd.DataFrame, lang: Language, dialect: CsvDialect | None = None,
                 internal_names: bool = False) -> str:
    """CSV text of an export (formula-like text escaped), in the language's dialect."""
    d = dialect or CsvDialect.of(lang)
    ready = escape_formulas(export_ready(df, lang, internal_names))
    return str(ready.to_csv(index=False, sep=d.sep, decimal=d.decimal, lineterminator="\n"))


def frame_to_xlsx(df: pd.DataFrame, sheet: str, lang: Language,
                  internal_names: bool = False) -> bytes:
    """An ``.xlsx`` workbook of an export (numbers as numbers, Swedish headers)."""
    return frame_to_xlsx_bytes(export_ready(df, lang, internal_names), sheet)


def safe_name_part(text: str) -> str:
    """A file-name piece: å/ä/ö folded to a/a/o, anything else odd to ``-``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")


def export_filename(table: str, lang: Language, node_name: str = "", period: str = "",
                    run_id: str = "", ext: str = "csv") -> str:
    """``<page>_<table>_<node>_<period>_run<id>.<ext>`` in the user's language.

    >>> export_filename("tac_care_types", "sv", "Ortopedi Sunderby", "2026-W47", "12")
    'taktisk_vardtyper_Ortopedi-Sunderby_2026-W47_run12.csv'
    """
    key = "week.export." + table
    name = t(key, lang) if key in catalogue() else table
    parts = [safe_name_part(name).replace("-", "_"), safe_name_part(node_name), period,
             f"run{safe_name_part(run_id)}" if run_id else ""]
    return "_".join(p for p in parts if p) + "." + ext
