"""Reading and writing governance records as CSV or Excel (measures, comments)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pks.data.checks import Issue, ValidationFailed


def read_records(path: str | Path, table: str) -> pd.DataFrame:
    """Raw cells of ``table`` from a CSV file or an Excel workbook.

    A workbook's sheet named ``table`` is read (else its first sheet). Cells are kept as
    text/objects; validation types them. Raises :class:`ValidationFailed` if unreadable.
    """
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            sheets = pd.read_excel(p, sheet_name=None, dtype=object, engine="openpyxl")
            df = sheets.get(table, next(iter(sheets.values())))
        else:
            df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, StopIteration) as exc:
        raise ValidationFailed([Issue(table, None, "", str(p), str(exc)[:200],
                                      "unreadable")]) from exc
    return df.dropna(how="all").reset_index(drop=True)


def write_records(df: pd.DataFrame, path: str | Path, table: str) -> None:
    """Write ``df`` as CSV (UTF-8) or, for ``.xlsx``, as a sheet named ``table``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            df.to_excel(xl, sheet_name=table[:31], index=False)
    else:
        df.to_csv(p, index=False, encoding="utf-8")
