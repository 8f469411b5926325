"""The first-line manager's actuals template: only the outcome tables, Swedish headers.

A workbook (one sheet per actuals table, named by the table, plus a help sheet the reader
ignores) or one CSV file per table (``;`` and decimal comma in Swedish). Each header is
the column's short name from the schema's help text in the chosen language
(``description_sv`` / ``description`` without its final full stop); the upload maps such
headers, or the internal column names, back to the schema's columns
(:func:`to_internal_columns`). An example row for the unit and week asked for shows the
format (text for ids and weeks, numbers in each column's unit).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from pks.data.schema import SCHEMAS, ColumnSpec
from pks.i18n import t, t_or
from pks.types import Language

ACTUALS_TABLES = tuple(n for n, s in SCHEMAS.items() if s.group == "actuals")
"""The outcome tables a unit reports every week."""


def column_label(spec: ColumnSpec, lang: Language) -> str:
    """The column's header in the template: its help text's short name (no final stop)."""
    text = spec.description_sv if lang == "sv" else spec.description
    return text.strip().rstrip(".").strip() or spec.name


def header_map(table: str) -> dict[str, str]:
    """Every accepted header of ``table`` (Swedish, English, internal; case-folded) → column."""
    out: dict[str, str] = {}
    for spec in SCHEMAS[table].columns:
        for h in (spec.name, column_label(spec, "sv"), column_label(spec, "en")):
            out.setdefault(h.strip().casefold(), spec.name)
    return out


def to_internal_columns(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with template headers renamed to the schema's column names.

    Unknown headers are kept as they are (the validation then reports them). In numeric
    columns given as text a decimal comma becomes a point (``"12,5"`` → ``"12.5"``), as a
    Swedish spreadsheet writes it.
    """
    names = header_map(table)
    out = df.rename(columns={c: names.get(str(c).strip().casefold(), str(c).strip())
                             for c in df.columns})
    for spec in SCHEMAS[table].columns:
        if spec.dtype in ("int", "float") and spec.name in out.columns:
            col = out[spec.name]
            out[spec.name] = col.map(lambda v: v.replace(",", ".").replace("\u00a0", "")
                                     .replace(" ", "") if isinstance(v, str) else v)
    return out


def table_for_headers(columns: list[str]) -> str | None:
    """The actuals table whose columns the headers name (any accepted spelling), if one."""
    got = {str(c).strip().casefold() for c in columns}
    for table in ACTUALS_TABLES:
        names = header_map(table)
        if {names[h] for h in got if h in names} == set(SCHEMAS[table].column_names):
            return table
    return None


@dataclass(frozen=True)
class ExampleRow:
    """Who and when the example rows are for (the manager's own unit, the week to report)."""

    unit_id: str
    week: str
    staff_category: str = "sjukskoterska"
    care_type: str = ""


def example_frame(table: str, example: ExampleRow, lang: Language) -> pd.DataFrame:
    """One example row of ``table`` under the template's headers (zeros as the numbers)."""
    row: dict[str, object] = {}
    for spec in SCHEMAS[table].columns:
        value: object
        if spec.name == "unit_id":
            value = example.unit_id
        elif spec.name == "week":
            value = example.week
        elif spec.name == "staff_category":
            value = example.staff_category
        elif spec.name == "care_type":
            value = example.care_type
        elif spec.allowed:
            value = spec.allowed[0]
        else:
            value = 0.0
        row[column_label(spec, lang)] = value
    return pd.DataFrame([row])


def empty_frame(table: str, lang: Language) -> pd.DataFrame:
    """The header row of ``table`` alone."""
    return pd.DataFrame(columns=[column_label(s, lang) for s in SCHEMAS[table].columns])


def help_frame(lang: Language) -> pd.DataFrame:
    """Format help: per table and column the header, internal name, unit and meaning."""
    rows = []
    for table in ACTUALS_TABLES:
        for spec in SCHEMAS[table].columns:
            rng = "" if spec.min is None and spec.max is None else (
                f"{'' if spec.min is None else spec.min} – {'' if spec.max is None else spec.max}")
            rows.append({
                t("week.template.col.table", lang): table,
                t("week.template.col.header", lang): column_label(spec, lang),
                t("week.template.col.name", lang): spec.name,
                t("week.template.col.unit", lang): t_or(f"data.unit.{spec.unit}", spec.unit,
                                                        lang) if spec.unit else "",
                t("week.template.col.range", lang): rng or " | ".join(spec.allowed or ()),
                t("week.template.col.meaning", lang): (spec.description_sv if lang == "sv"
                                                       else spec.description),
            })
    return pd.DataFrame(rows)


def template_xlsx(lang: Language, example: ExampleRow | None = None) -> bytes:
    """The actuals workbook: a help sheet, then one sheet per actuals table.

    With ``example`` each table sheet holds one example row to overwrite; without it
    only the header row.
    """
    from pks.data.io import write_excel

    sheets = {("Hjälp" if lang == "sv" else "Help"): help_frame(lang)}
    for table in ACTUALS_TABLES:
        sheets[table] = (example_frame(table, example, lang) if example is not None
                         else empty_frame(table, lang))
    buf = io.BytesIO()
    write_excel(sheets, buf)
    return buf.getvalue()


def template_csv(table: str, lang: Language, example: ExampleRow | None = None) -> str:
    """One actuals table as a CSV template: ``;`` and decimal comma in Swedish."""
    df = example_frame(table, example, lang) if example is not None else empty_frame(table, lang)
    sep, dec = (";", ",") if lang == "sv" else (",", ".")
    return str(df.to_csv(index=False, sep=sep, decimal=dec, lineterminator="\n"))
