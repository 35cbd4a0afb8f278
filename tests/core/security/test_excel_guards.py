"""One independent check each of the Excel guards of core/excel (their own tests are in
tests/core/excel/test_bad_files.py and test_exports.py; SECURITY.md lists them)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from core.excel.safety import FileRejected, Limits, check_upload, safe_row

PAYLOADS = ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "=1"]


def test_exported_user_text_is_never_a_formula() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(safe_row(ws, PAYLOADS))
    buffer = io.BytesIO()
    wb.save(buffer)
    cells = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())[0]
    assert [c.data_type for c in cells] == ["s"] * len(PAYLOADS)
    assert [c.value for c in cells] == PAYLOADS  # the text is kept as typed, only never evaluated


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))  # 200 MiB of zeros, ~200 KiB packed
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, limits", [
    ("report.xlsx", b"%PDF-1.7\n" + b"x" * 2000, Limits()),          # wrong type behind the right extension
    ("bomb.xlsx", None, Limits()),                                  # zip bomb
    ("big.xlsx", b"PK\x03\x04" + b"\0" * 4096, Limits(max_upload_bytes=1024)),  # oversize
])
def test_uploads_of_the_wrong_type_zip_bombs_and_oversize_files_are_refused(name: str, data: bytes | None,
                                                                           limits: Limits) -> None:
    with pytest.raises(FileRejected):
        check_upload(data if data is not None else _zip_bomb(), name, limits)
