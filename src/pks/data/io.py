"""Read and write planning tables: CSV folders, Excel workbooks and the Excel template.

Reading never half-succeeds: the raw tables are validated first and every problem is
raised at once as :class:`pks.data.checks.ValidationFailed`; only valid data are coerced
to the schema dtypes and returned as :class:`PlanningData`.

CSV folders hold one ``<table>.csv`` per table, UTF-8 with ``,`` as separator. Swedish
Excel exports (``;`` as separator, decimal comma, UTF-8 with BOM or Windows-1252) are
detected from the header line and read too. Excel workbooks hold one sheet per table;
sheets named ``Hjälp``/``Help`` or starting with ``_`` are ignored.
"""

from __future__ import annotations

import csv
import importlib.util
import io as _io
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from pks.data.checks import Issue, ValidationFailed, validate
from pks.data.parse import coerce_tables
from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS
from pks.i18n import t
from pks.types import Language

log = logging.getLogger(__name__)

EXCEL_MAX_ROWS = 1_048_575
HELP_SHEETS = {"hjälp", "hjalp", "help", "readme", "instruktioner"}


# --------------------------------------------------------------------------- reading


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_csv_table(path: Path, table: str | None = None) -> pd.DataFrame:
    """Read one CSV file as text cells (no parsing), handling Swedish Excel exports.

    A header line with ``;`` and no ``,`` marks a Swedish export: ``;`` separates the
    fields and ``,`` is the decimal mark of the schema's numeric columns.
    """
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    swedish = ";" in first and "," not in first
    df = pd.read_csv(_io.StringIO(text), sep=";" if swedish else ",", dtype=str,
                     keep_default_na=False, na_values=[], skipinitialspace=False)
    df.columns = [str(c).strip() for c in df.columns]
    if swedish and table in SCHEMAS:
        for spec in SCHEMAS[table].columns:
            if spec.dtype in ("int", "float") and spec.name in df.columns:
                df[spec.name] = df[spec.name].str.replace(",", ".", regex=False)
    return df


def read_csv_tables(path: str | Path) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Raw text tables of a CSV folder and the problems met while reading the files."""
    folder = Path(path)
    if not folder.is_dir():
        return {}, [Issue(folder.name, None, "", str(folder), "folder / .xlsx", "not_found")]
    tables: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    for f in sorted(folder.glob("*.csv")):
        try:
            tables[f.stem] = read_csv_table(f, f.stem)
        except (ValueError, OSError, csv.Error, pd.errors.ParserError) as exc:
            issues.append(Issue(f.stem, None, "", str(exc).splitlines()[0], "CSV",
                                "unreadable"))
    return tables, issues


ExcelEngine = Literal["calamine", "openpyxl"]
"""The workbook readers pks uses (pandas ``engine=``)."""


def excel_engine() -> ExcelEngine:
    """``calamine`` (Rust reader, several times faster) when installed, else ``openpyxl``."""
    return "calamine" if importlib.util.find_spec("python_calamine") else "openpyxl"


def read_excel_tables(path: str | Path, engine: ExcelEngine | None = None
                      ) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Raw cells of every table sheet of a workbook and the problems met reading it."""
    p = Path(path)
    if not p.is_file():
        return {}, [Issue(p.name, None, "", str(p), "folder / .xlsx", "not_found")]
    try:
        sheets = pd.read_excel(p, sheet_name=None, dtype=object,
                               engine=engine or excel_engine())
    except Exception as exc:  # noqa: BLE001 - any reader failure is a user-file problem
        return {}, [Issue(p.name, None, "", str(exc).splitlines()[0] if str(exc) else
                          type(exc).__name__, ".xlsx", "unreadable")]
    tables = {}
    for name, df in sheets.items():
        if name.startswith("_") or name.strip().lower() in HELP_SHEETS:
            continue
        df.columns = [str(c).strip() for c in df.columns]
        df = df.loc[:, [not c.startswith("Unnamed:") for c in df.columns]]
        # drop trailing rows that are completely empty (formatting left in the sheet)
        filled = df.notna().any(axis=1).to_numpy()
        last = int(filled.nonzero()[0].max()) + 1 if filled.any() else 0
        tables[name.strip()] = df.iloc[:last].reset_index(drop=True)
    return tables, []


def read_tables(path: str | Path) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Raw tables of a CSV folder or an ``.xlsx`` workbook, by the path's kind."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel_tables(p)
    return read_csv_tables(p)


def read_input(path: str | Path, lang: Language = "sv") -> PlanningData:
    """Validate and read a CSV folder or an Excel workbook.

    Raises
    ------
    ValidationFailed
        With every problem found; nothing is returned then.
    """
    tables, issues = read_tables(path)
    issues = issues + validate(tables)
    if issues:
        raise ValidationFailed(issues, lang)
    data = PlanningData.from_tables(coerce_tables(tables))
    log.info("read %s: %d tables", path, len(tables))
    return data


def read_csv_folder(path: str | Path, lang: Language = "sv") -> PlanningData:
    """Validate and read a folder of ``<table>.csv`` files (raises ValidationFailed)."""
    tables, issues = read_csv_tables(path)
    issues = issues + validate(tables)
    if issues:
        raise ValidationFailed(issues, lang)
    return PlanningData.from_tables(coerce_tables(tables))


def read_excel(path: str | Path, lang: Language = "sv") -> PlanningData:
    """Validate and read a workbook with one sheet per table (raises ValidationFailed)."""
    tables, issues = read_excel_tables(path)
    issues = issues + validate(tables)
    if issues:
        raise ValidationFailed(issues, lang)
    return PlanningData.from_tables(coerce_tables(tables))


# --------------------------------------------------------------------------- writing


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet run a cell as a formula (CSV/formula injection)."""

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def escape_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading ``'``.

    ``=HYPERLINK(...)``, ``+1+2``, ``-cmd``, ``@SUM(...)`` and text starting with a tab or
    carriage return get an apostrophe in front (OWASP's CSV-injection rule); plain
    numbers written as text (``-5``, ``+0.5``) and everything that is not text stay as
    they are.

    >>> escape_formula("=1+1"), escape_formula("@SUM(A1)"), escape_formula("-5"), escape_formula(3)
    ("'=1+1", "'@SUM(A1)", '-5', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are passed through :func:`escape_formula`."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            if s.map(lambda v: escape_formula(v) is not v).any():
                out[c] = s.astype(object).map(escape_formula)
    return out


def frame_to_csv_text(df: pd.DataFrame) -> str:
    """One table as CSV text (formula-like text escaped), e.g. for a browser download."""
    return str(escape_formulas(_csv_ready(df)).to_csv(index=False, lineterminator="\n"))


def frame_to_xlsx_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    """One table as an ``.xlsx`` workbook (formula-like text escaped, never a live formula)."""
    buf = _io.BytesIO()
    write_excel({sheet[:31]: df}, buf)
    return buf.getvalue()


def _tables_of(data: PlanningData | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return data.tables() if isinstance(data, PlanningData) else dict(data)


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Text-stable copy: booleans as true/false, midnight datetimes as dates."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            if (s.dropna() == s.dropna().dt.normalize()).all():
                out[c] = s.dt.strftime("%Y-%m-%d")
    return out


def write_csv_folder(data: PlanningData | Mapping[str, pd.DataFrame], path: str | Path) -> None:
    """Write each table to ``<path>/<table>.csv`` (UTF-8, ``,``, LF line ends).

    The output is deterministic: the same frames give the same bytes.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in _tables_of(data).items():
        escape_formulas(_csv_ready(df)).to_csv(folder / f"{name}.csv", index=False,
                                               lineterminator="\n", encoding="utf-8")


def write_excel(data: PlanningData | Mapping[str, pd.DataFrame],
                path: str | Path | _io.BytesIO) -> None:
    """Write each table to a sheet of an ``.xlsx`` workbook (header frozen and bold).

    Text that a spreadsheet would run as a formula is escaped (:func:`escape_formula`),
    so no cell is written as a live formula.

    Raises
    ------
    ValueError
        If a table has more rows than a sheet holds (write CSV instead) or a table
        name is longer than Excel's 31 characters.
    """
    from openpyxl.styles import Font

    tables = _tables_of(data)
    for name, df in tables.items():
        if len(df) > EXCEL_MAX_ROWS:
            raise ValueError(f"table {name} has {len(df)} rows, more than an Excel sheet "
                             f"holds ({EXCEL_MAX_ROWS}); export to a CSV folder instead")
        if len(name) > 31:
            raise ValueError(f"table name {name!r} is longer than 31 characters")
    target: Path | _io.BytesIO = path if isinstance(path, _io.BytesIO) else Path(path)
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(target, engine="openpyxl") as xw:
        for name, df in tables.items():
            out = escape_formulas(df)
            for c in out.columns:
                if isinstance(out[c].dtype, pd.DatetimeTZDtype):
                    out[c] = out[c].dt.tz_convert("UTC").dt.tz_localize(None)
            out.to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)


def write_tables(tables: Mapping[str, pd.DataFrame], out: str | Path) -> None:
    """Write result tables to an ``.xlsx`` workbook or, for any other path, a CSV folder."""
    if str(out).lower().endswith(".xlsx"):
        write_excel(tables, out)
    else:
        write_csv_folder(tables, out)


def write_template(path: str | Path, lang: Language = "sv") -> None:
    """Write an empty Excel workbook for planners, generated from the schemas.

    The first sheet explains every column (type, unit, range or allowed values, key,
    references, description in ``lang``); then one sheet per table with the header row,
    a comment per header cell and drop-down lists for columns with allowed values.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    help_ws = wb.active
    help_ws.title = "Hjälp" if lang == "sv" else "Help"
    head = [t(f"data.template.{k}", lang) for k in
            ("table", "column", "dtype", "unit", "min", "max", "allowed", "required", "key",
             "references", "description")]
    help_ws.append([t("data.template.intro", lang)])
    help_ws.append([])
    help_ws.append(head)
    for cell in help_ws[3]:
        cell.font = Font(bold=True)
    yes, no = t("data.template.yes", lang), t("data.template.no", lang)
    for name, schema in SCHEMAS.items():
        tdesc = schema.description_sv if lang == "sv" else schema.description
        help_ws.append([name, "", "", "", "", "", "", yes if schema.required else no, "", "",
                        tdesc])
        for cell in help_ws[help_ws.max_row]:
            cell.font = Font(bold=True)
        for c in schema.columns:
            desc = (f"{c.description_sv} – {c.description}" if lang == "sv"
                    else c.description)
            help_ws.append([name, c.name, c.dtype, c.unit,
                            "" if c.min is None else c.min, "" if c.max is None else c.max,
                            "|".join(c.allowed or ()), yes if c.required else no,
                            yes if c.key else no,
                            ".".join(c.references) if c.references else "", desc])
    for i, width in enumerate([22, 32, 8, 14, 8, 14, 40, 10, 8, 32, 90], start=1):
        help_ws.column_dimensions[get_column_letter(i)].width = width
    fill = PatternFill("solid", fgColor="DDEBF7")
    for name, schema in SCHEMAS.items():
        ws = wb.create_sheet(name)
        ws.append(list(schema.column_names))
        ws.freeze_panes = "A2"
        for i, c in enumerate(schema.columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = Font(bold=True)
            cell.fill = fill
            rng = []
            if c.min is not None or c.max is not None:
                rng.append(f"{'' if c.min is None else c.min} – {'' if c.max is None else c.max}")
            if c.allowed:
                rng.append(" | ".join(c.allowed))
            text = (c.description_sv + " " + c.description if lang == "sv" else c.description)
            note = f"{text}\n[{c.dtype}; {c.unit}{'; ' + '; '.join(rng) if rng else ''}]"
            cell.comment = Comment(note, "pks")
            ws.column_dimensions[get_column_letter(i)].width = max(12, len(c.name) + 2)
            choices = list(c.allowed) if c.allowed else (
                ["true", "false"] if c.dtype == "bool" else None)
            if choices and len(",".join(choices)) < 250:
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                    allow_blank=not c.required)
                ws.add_data_validation(dv)
                letter = get_column_letter(i)
                dv.add(f"{letter}2:{letter}100000")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
