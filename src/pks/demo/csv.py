"""Byte-stable CSV output of generated regions (fixed float format, LF line ends).

The files of ``data/demo_region`` are written by :func:`write_region_csv` and checked by
:func:`compare_region_csv`; both format every value the same way on every platform:
floats with the column's decimals (see :data:`pks.demo.tables.FLOAT_DECIMALS`) and
trailing zeros removed, booleans as ``true``/``false``, missing values as empty cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS


def _format_float(values: np.ndarray, decimals: int) -> list[str]:
    out = []
    for v in values:
        if np.isnan(v):
            out.append("")
            continue
        s = f"{v:.{decimals}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        if s in ("-0", ""):
            s = "0"
        out.append(s)
    return out


def table_csv_text(name: str, df: pd.DataFrame) -> str:
    """The CSV text of one generated table (header + rows, LF line ends)."""
    from pks.demo.tables import DEFAULT_DECIMALS, FLOAT_DECIMALS

    schema = SCHEMAS[name]
    cols: list[list[str]] = []
    for c in schema.columns:
        s = df[c.name]
        if c.dtype == "float":
            cols.append(_format_float(s.to_numpy(dtype=float),
                                      FLOAT_DECIMALS.get(c.name, DEFAULT_DECIMALS)))
        elif c.dtype == "int":
            cols.append([str(int(v)) for v in s])
        elif c.dtype == "bool":
            cols.append(["true" if bool(v) else "false" for v in s])
        elif c.dtype == "date":
            cols.append(["" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in s])
        else:
            cols.append(["" if pd.isna(v) else str(v) for v in s])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(schema.column_names)
    writer.writerows(zip(*cols, strict=True))
    return buf.getvalue()


def region_csv_texts(data: PlanningData) -> dict[str, str]:
    """File name → CSV text for every table of ``data``."""
    return {f"{name}.csv": table_csv_text(name, df) for name, df in data.tables().items()}


def write_region_csv(data: PlanningData, folder: Path) -> list[Path]:
    """Write every table of ``data`` as ``<table>.csv`` into ``folder`` (created if needed).

    The texts are built in memory first, so a formatting error writes nothing.
    """
    texts = region_csv_texts(data)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fname, text in texts.items():
        path = folder / fname
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def compare_region_csv(data: PlanningData, folder: Path) -> list[str]:
    """Names of the files in ``folder`` that differ from (or are missing for) ``data``."""
    diffs = []
    for fname, text in region_csv_texts(data).items():
        path = folder / fname
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            diffs.append(fname)
    return diffs
