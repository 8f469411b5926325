"""Weekly actuals uploaded in the browser: parse, validate like the CLI, store atomically.

The browser sends file contents (never paths). Excel workbooks are read sheet by sheet, CSV
files by their name (``actuals_staff.csv``) or, failing that, by their header. Everything
is validated by :func:`pks.data.checks.validate` together with the stored inputs (inside
:meth:`pks.data.store.Store.replace_actuals`); on any problem nothing is written and every
problem is listed. Before anything is parsed, every file is held to the configured limits
(:class:`UploadLimits`: size, inflated size and compression ratio of a workbook, rows), so
an oversized file or a zip bomb is refused with a message and bounded memory.
"""

from __future__ import annotations

import base64
import binascii
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pks.dashboard.access import AccessDenied, Principal
from pks.dashboard.actuals_template import table_for_headers, to_internal_columns
from pks.dashboard.data import DataService
from pks.dashboard.settings import DashboardSettings
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
    """The actuals table of a CSV file: by its name, else by its (template or internal) headers."""
    stem = Path(filename).stem.strip().lower()
    for name in ACTUALS:
        if stem == name or stem.endswith("_" + name) or stem.startswith(name + "_"):
            return name
    return table_for_headers([str(c) for c in df.columns])


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may hold; checked before anything is parsed.

    ``max_bytes`` per file (decoded), ``max_inflated_bytes`` total uncompressed size of a
    workbook's zip members, ``max_ratio`` uncompressed/compressed size of any member (a
    zip bomb reaches ~1000, real workbooks ~5–20), ``max_rows`` data rows of all files.
    """

    max_bytes: int = 10 * 2**20
    max_inflated_bytes: int = 100 * 2**20
    max_ratio: float = 100.0
    max_rows: int = 500_000

    @classmethod
    def of(cls, settings: DashboardSettings) -> UploadLimits:
        """The limits configured for a dashboard."""
        return cls(settings.max_upload_bytes, settings.max_inflated_bytes,
                   settings.max_inflate_ratio, settings.max_upload_rows)


ROW_TAG = b"<row "
"""Start of a row in a worksheet's XML (``<row r="12" ...>``)."""
_CHUNK = 2**20


def _too_large(name: str, value: str, expected: str, hint: str) -> Issue:
    return Issue(name, None, "", value, expected, "upload_too_large", hint)


def xlsx_limit_issues(raw: bytes, name: str, limits: UploadLimits) -> tuple[list[Issue], int]:
    """Check a workbook's zip directory (declared sizes, ratios) and count its rows.

    Nothing is inflated until the declared sizes pass; rows are then counted by streaming
    each worksheet in 1 MiB pieces (memory stays at one piece), so a bomb is refused
    with bounded memory. Returns the issues and the number of rows found.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Issue(name, None, "", name, ".xlsx", "unreadable")], 0
    total = sum(m.file_size for m in members)
    if total > limits.max_inflated_bytes:
        return [_too_large(name, f"{total / 2**20:.0f} MB",
                           f"≤ {limits.max_inflated_bytes / 2**20:.0f} MB", "inflated")], 0
    for m in members:
        if m.file_size > 2**16 and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            return [_too_large(name, f"{m.filename}: {ratio:.0f}×",
                               f"≤ {limits.max_ratio:.0f}×", "ratio")], 0
    rows = 0
    sheets = [m for m in members if m.filename.startswith("xl/worksheets/")
              and m.filename.endswith(".xml")]
    for m in sheets:
        read = 0
        with zf.open(m) as f:
            tail = b""
            while chunk := f.read(_CHUNK):
                read += len(chunk)
                if read > m.file_size:  # more than declared: a forged directory
                    return [_too_large(name, m.filename, "declared size", "inflated")], 0
                buf = tail + chunk  # a tag cut in two by the pieces is found whole here
                rows += buf.count(ROW_TAG)
                tail = buf[-(len(ROW_TAG) - 1):]  # shorter than a tag: never counted twice
        rows -= 1  # the header row
    return [], max(rows, 0)


def parse_upload(contents: list[str], filenames: list[str],
                 limits: UploadLimits | None = None
                 ) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Decode ``dcc.Upload`` contents (``data:...;base64,...``) into raw actuals tables.

    Every file is checked against ``limits`` (size, inflated size and ratio of a workbook,
    rows) before it is parsed; a file over a limit is refused with an ``upload_too_large``
    issue and nothing is parsed.
    """
    lim = limits or UploadLimits()
    tables: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    rows_total = 0
    with tempfile.TemporaryDirectory(prefix="pks-upload-") as tmp:
        for i, (content, name) in enumerate(zip(contents, filenames, strict=True)):
            safe = Path(name).name or f"upload{i}"
            encoded = content.split(",", 1)[1] if "," in content else ""
            if len(encoded) * 3 // 4 > lim.max_bytes:
                issues.append(_too_large(safe, f"{len(encoded) * 3 // 4 / 2**20:.1f} MB",
                                         f"≤ {lim.max_bytes / 2**20:.0f} MB", "bytes"))
                continue
            try:
                raw = base64.b64decode(encoded, validate=False)
            except (IndexError, binascii.Error):
                issues.append(Issue(safe, None, "", safe, "Excel/CSV", "unreadable"))
                continue
            suffix = Path(safe).suffix.lower()
            if suffix in (".xlsx", ".xlsm"):
                probs, rows = xlsx_limit_issues(raw, safe, lim)
            else:
                probs, rows = [], max(raw.count(b"\n") + (not raw.endswith(b"\n")) - 1, 0)
            rows_total += rows
            if not probs and rows_total > lim.max_rows:
                probs = [_too_large(safe, str(rows_total), f"≤ {lim.max_rows}", "rows")]
            if probs:
                issues.extend(probs)
                continue
            path = Path(tmp) / f"{i}_{safe}"
            path.write_bytes(raw)
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                found, probs = read_excel_tables(path)
                issues.extend(probs)
                for sheet, df in found.items():
                    if df.empty:
                        continue  # an unfilled sheet (``pks template``'s other tables)
                    if sheet in ACTUALS:
                        df = to_internal_columns(sheet, df)
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
                df = to_internal_columns(table, df)  # template headers, decimal comma
                tables[table] = pd.concat([tables[table], df]) if table in tables else df
            else:
                issues.append(Issue(safe, None, "", safe, ".xlsx / .csv", "unreadable"))
    return tables, issues


def upload_actuals(svc: DataService, principal: Principal, contents: list[str],
                   filenames: list[str]) -> UploadResult:
    """Parse, validate and store uploaded actuals in one transaction (or nothing at all)."""
    tables, issues = parse_upload(contents, filenames, UploadLimits.of(svc.settings))
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
