"""Weekly actuals uploaded in the browser: parse, validate like the CLI, store atomically.

The browser sends file contents (never paths). Excel workbooks are read sheet by sheet, CSV
files by their name (``actuals_staff.csv``) or, failing that, by their header. Everything
is validated by :func:`pks.data.checks.validate` together with the stored inputs (inside
:meth:`pks.data.store.Store.replace_actuals`); on any problem nothing is written and every
problem is listed.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pks.dashboard.access import AccessDenied, Principal
from pks.dashboard.data import DataService
from pks.data.checks import Issue, ValidationFailed
from pks.data.io import read_csv_table, read_excel_tables
from pks.data.schema import SCHEMAS

ACTUALS = tuple(n for n, s in SCHEMAS.items() if s.group == "actuals")


@dataclass(frozen=True)
class UploadResult:
    """Outcome of one upload: saved row counts, or the problems (nothing saved then)."""

    saved: dict[str, int] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()
    denied: str = ""

    @property
    def ok(self) -> bool:
        """True when the actuals were stored."""
        return not self.issues and not self.denied and bool(self.saved)


def _table_for_csv(filename: str, df: pd.DataFrame) -> str | None:
    stem = Path(filename).stem.strip().lower()
    if stem in ACTUALS:
        return stem
    cols = set(df.columns)
    for name in ACTUALS:
        if set(SCHEMAS[name].column_names) == cols:
            return name
    return None


def parse_upload(contents: list[str], filenames: list[str]
                 ) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Decode ``dcc.Upload`` contents (``data:...;base64,...``) into raw actuals tables."""
    tables: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    with tempfile.TemporaryDirectory(prefix="pks-upload-") as tmp:
        for i, (content, name) in enumerate(zip(contents, filenames, strict=True)):
            safe = Path(name).name or f"upload{i}"
            try:
                raw = base64.b64decode(content.split(",", 1)[1], validate=False)
            except (IndexError, binascii.Error):
                issues.append(Issue(safe, None, "", safe, "Excel/CSV", "unreadable"))
                continue
            path = Path(tmp) / f"{i}_{safe}"
            path.write_bytes(raw)
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                found, probs = read_excel_tables(path)
                issues.extend(probs)
                for sheet, df in found.items():
                    if sheet in ACTUALS:
                        tables[sheet] = pd.concat([tables[sheet], df]) if sheet in tables else df
                    else:
                        issues.append(Issue(sheet, None, "", sheet, "|".join(ACTUALS),
                                            "unknown_actuals_table"))
            elif path.suffix.lower() in (".csv", ".txt"):
                try:
                    df = read_csv_table(path)
                except Exception as exc:  # noqa: BLE001 - any reader failure is a file problem
                    issues.append(Issue(safe, None, "", str(exc).splitlines()[0][:200], "CSV",
                                        "unreadable"))
                    continue
                table = _table_for_csv(safe, df)
                if table is None:
                    issues.append(Issue(safe, None, "", safe, "|".join(ACTUALS),
                                        "unknown_actuals_table"))
                    continue
                df = read_csv_table(path, table)  # again, with the Swedish decimal handling
                tables[table] = pd.concat([tables[table], df]) if table in tables else df
            else:
                issues.append(Issue(safe, None, "", safe, ".xlsx / .csv", "unreadable"))
    return tables, issues


def upload_actuals(svc: DataService, principal: Principal, contents: list[str],
                   filenames: list[str]) -> UploadResult:
    """Parse, validate and store uploaded actuals in one transaction (or nothing at all)."""
    tables, issues = parse_upload(contents, filenames)
    if issues:
        return UploadResult(issues=tuple(issues))
    if not tables:
        return UploadResult(issues=(Issue("", None, "", "", "|".join(ACTUALS),
                                          "unknown_actuals_table"),))
    try:
        svc.replace_actuals(principal, tables)
    except ValidationFailed as exc:
        return UploadResult(issues=tuple(exc.issues))
    except AccessDenied as exc:
        return UploadResult(denied=str(exc))
    return UploadResult(saved={k: len(v) for k, v in tables.items()})
