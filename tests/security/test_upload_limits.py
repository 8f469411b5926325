"""Uploads over the limits are refused before parsing, with a message and bounded memory."""

from __future__ import annotations

import base64
import io
import tracemalloc
import zipfile

from pks.dashboard.upload import UploadLimits, parse_upload, xlsx_limit_issues

INFLATED = 300 * 2**20  # 300 MB of zeros in one sheet: ~0.3 MB compressed


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            block = b"0" * 2**20
            for _ in range(INFLATED // len(block)):
                f.write(block)
    return buf.getvalue()


def _data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


def test_zip_bomb_refused_with_bounded_memory() -> None:
    raw = _bomb()
    assert len(raw) < 2 * 2**20
    tracemalloc.start()
    try:
        tables, issues = parse_upload([_data_url(raw)], ["actuals.xlsx"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not tables
    assert [(i.code, i.hint) for i in issues] == [("upload_too_large", "inflated")]
    assert "MB" in issues[0].message("en") and "unpacks" in issues[0].message("en")
    assert peak < 30 * 2**20, peak  # the 300 MB are never inflated


def test_ratio_and_rows_and_size_limits() -> None:
    raw = _bomb()
    lim = UploadLimits(max_inflated_bytes=2**30)
    issues, _ = xlsx_limit_issues(raw, "a.xlsx", lim)
    assert [i.hint for i in issues] == ["ratio"]
    csv = ("unit_id,week\n" + "U1,2026-W01\n" * 1000).encode()
    _, issues = parse_upload([_data_url(csv)], ["actuals_unit.csv"], UploadLimits(max_rows=999))
    assert [(i.code, i.hint, i.value) for i in issues] == [("upload_too_large", "rows", "1000")]
    _, issues = parse_upload([_data_url(csv)], ["actuals_unit.csv"], UploadLimits(max_bytes=100))
    assert [i.hint for i in issues] == ["bytes"]


def test_xlsx_rows_counted_before_parsing() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "actuals_unit"
    ws.append(["unit_id", "week"])
    for _ in range(50):
        ws.append(["U1", "2026-W01"])
    buf = io.BytesIO()
    wb.save(buf)
    issues, rows = xlsx_limit_issues(buf.getvalue(), "a.xlsx", UploadLimits())
    assert issues == [] and rows == 50
    _, issues = parse_upload([_data_url(buf.getvalue())], ["a.xlsx"], UploadLimits(max_rows=49))
    assert [i.hint for i in issues] == ["rows"]
