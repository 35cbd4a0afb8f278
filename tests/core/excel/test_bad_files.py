"""Bad files of every kind get one clear reason and write nothing (reliability-security §5.9)."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Callable

import openpyxl
import pytest
from sqlalchemy import func, select

from core.excel import importing
from core.excel.kinds import get_kind
from core.excel.safety import FileRejected, Limits, check_upload
from core.models import Household, Person
from tests.core.excel.conftest import MEMBER_HEADERS, Actor, families, households_book

KIND = get_kind("households")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _good() -> bytes:
    hh, mem = families(3)
    return households_book(hh, mem)


def _merged() -> bytes:
    hh, mem = families(3)
    return households_book(hh, mem, edit=lambda wb: wb["家庭成员"].merge_cells("A2:A4"))


def _wrong_headers() -> bytes:
    hh, mem = families(3)
    headers = list(MEMBER_HEADERS)
    headers[2] = "证件号码"  # renamed required column
    return households_book(hh, mem, member_headers=headers)


def _only_empty_rows() -> bytes:
    return households_book([[None] * 4] * 5, [[" ", None, None]] * 3)


def _encrypted() -> bytes:
    return OLE2 + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 2000


def _xls() -> bytes:
    return OLE2 + b"\x00" * 512 + b"Workbook junk" * 100


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))  # ~1000:1
    return buffer.getvalue()


def _macro() -> bytes:
    buffer = io.BytesIO(_good())
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def _dtd() -> bytes:
    buffer = io.BytesIO(_good())
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>' + body.split(b"?>", 1)[-1]
            dst.writestr(info, body)
    return out.getvalue()


def _missing_sheet() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "家庭"
    wb.active.append(["户主身份证号*", "所在区划*", "城乡类别*"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "zero_bytes": (lambda: b"", "empty", "0字节"),
    "xls": (_xls, "xls", ".xls"),
    "password": (_encrypted, "encrypted", "密码"),
    "csv": (lambda: "户主身份证号,姓名\n1,2\n".encode(), "not_xlsx", ".xlsx"),
    "corrupt_zip": (lambda: b"PK\x03\x04" + b"\x00" * 100, "corrupt", "损坏"),
    "zip_bomb": (_zip_bomb, "zip_bomb", "拒绝"),
    "macro": (_macro, "macro", "宏"),
    "dtd": (_dtd, "dtd", "XML"),
}

CONTENT_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "merged_cells": (_merged, "A2:A4"),
    "wrong_headers": (_wrong_headers, "身份证号"),
    "only_empty_rows": (_only_empty_rows, "没有数据行"),
    "missing_sheet": (_missing_sheet, "家庭成员"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unsafe_or_wrong_files_are_refused_before_parsing(case: str) -> None:
    make, code, fragment = CASES[case]
    with pytest.raises(FileRejected) as caught:
        check_upload(make(), f"{case}.xlsx")
    assert caught.value.code == code
    assert fragment in str(caught.value)


def test_oversize_and_declared_expansion_limits() -> None:
    with pytest.raises(FileRejected, match="MB"):
        check_upload(_good(), "big.xlsx", Limits(max_upload_bytes=1024))
    with pytest.raises(FileRejected) as caught:
        check_upload(_good(), "big.xlsx", Limits(max_uncompressed_bytes=1024))
    assert caught.value.code == "zip_bomb"
    check_upload(_good(), "ok.xlsx")  # the real thing passes


def _counts(session: Any) -> tuple[int, int]:
    return (session.execute(select(func.count()).select_from(Household)).scalar_one(),
            session.execute(select(func.count()).select_from(Person)).scalar_one())


@pytest.mark.parametrize("case", sorted(CASES) + sorted(CONTENT_CASES))
def test_every_bad_file_ends_as_a_rejected_batch_that_wrote_nothing(app: Any, session: Any, admin_actor: Actor,
                                                                     case: str) -> None:
    data = CASES[case][0]() if case in CASES else CONTENT_CASES[case][0]()
    fragment = CASES[case][2] if case in CASES else CONTENT_CASES[case][1]
    before = _counts(session)
    batch = importing.create_batch(session, "households", f"{case}.xlsx", data, actor=admin_actor)
    session.commit()
    result = importing.process_batch(app.extensions["carematch"].sessions, batch.id, KIND, admin_actor) \
        if batch.status == "queued" else batch
    assert result.status == "rejected"
    assert result.report["file_errors"] and fragment in result.report["file_errors"][0]
    assert fragment in result.message
    session.expire_all()
    assert _counts(session) == before
