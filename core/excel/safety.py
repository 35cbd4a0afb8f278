"""What an uploaded file must pass before any parser sees it, and how user text is written
back to a spreadsheet without becoming a formula.

An .xlsx is a zip of XML parts. We refuse, with a reason a clerk can act on: empty
files, oversize files, legacy .xls and password-protected workbooks (both are OLE2
containers), anything that is not a zip, macro-enabled workbooks, zip bombs (declared
uncompressed sizes or ratios far beyond any real list) and XML parts with a DTD (the
entity-expansion attacks; no genuine xlsx part has one). openpyxl reads the parts
only afterwards; when defusedxml is installed openpyxl uses it as a second guard.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# A 50,000-household list with 120,000 members is about 8 MB as xlsx and 60 MB of XML;
# the limits leave room for that and refuse anything an order of magnitude beyond it.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 600 * 1024 * 1024
MAX_PART_RATIO = 200  # sheet XML compresses ~10-30x; a bomb compresses ~1000x
MAX_PARTS = 2000

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class FileRejected(ValueError):
    """The whole file is refused; ``code`` names the fault, the message says what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_part_ratio: int = MAX_PART_RATIO


def check_upload(data: bytes, filename: str = "", limits: Limits = Limits()) -> None:
    """Raise :class:`FileRejected` unless ``data`` looks like a safe, plain .xlsx workbook."""
    if not data:
        raise FileRejected("empty", "文件是空的(0字节), 请重新选择文件 (the file is empty: 0 bytes)")
    if len(data) > limits.max_upload_bytes:
        raise FileRejected(
            "too_large",
            f"文件超过 {limits.max_upload_bytes // (1024 * 1024)} MB, 请分成几个文件导入 "
            f"(the file is larger than {limits.max_upload_bytes // (1024 * 1024)} MB: split it)",
        )
    name = filename.lower()
    if data.startswith(OLE2_MAGIC):
        # Encrypted OOXML lives in an OLE2 container with an "EncryptionInfo" stream.
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data \
                or "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRejected(
                "encrypted",
                "文件设置了打开密码, 请在Excel/WPS中取消密码后另存为 .xlsx 再导入 "
                "(the workbook is password-protected: remove the password and save it as .xlsx)",
            )
        raise FileRejected(
            "xls",
            "这是旧版 .xls 文件, 请在Excel/WPS中\u201c另存为\u201d Excel工作簿(.xlsx) 后再导入 "
            "(this is a legacy .xls file: save it as an Excel workbook, .xlsx, first)",
        )
    if not data.startswith(ZIP_MAGIC):
        hint = " 看起来是CSV/文本文件" if name.endswith((".csv", ".txt")) else ""
        raise FileRejected(
            "not_xlsx",
            f"文件不是 .xlsx 工作簿{hint}, 请使用下载的模板 (the file is not an .xlsx workbook: use the template)",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected("corrupt", "文件已损坏, 无法打开 (the file is damaged and cannot be opened)") from None
    with archive:
        _check_archive(archive, infos, limits)


def _check_archive(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    names = {i.filename for i in infos}
    if len(infos) > MAX_PARTS:
        raise FileRejected("zip_bomb", "文件结构异常(部件过多), 已拒绝 (too many parts in the file: refused)")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise FileRejected(
            "zip_bomb",
            "文件解压后过大, 已拒绝; 请分成几个文件导入 (the file expands to far more data than a list holds: refused)",
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > limits.max_part_ratio:
            raise FileRejected("zip_bomb", "文件压缩比异常, 已拒绝 (abnormal compression ratio, a possible zip bomb: refused)")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise FileRejected("xlsb", "不支持 .xlsb 二进制工作簿, 请另存为 .xlsx (binary .xlsb workbooks are not accepted)")
        raise FileRejected("not_xlsx", "文件不是Excel工作簿(.xlsx), 请使用下载的模板 (the file is not an Excel workbook)")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise FileRejected("macro", "不接受含宏的工作簿(.xlsm), 请另存为 .xlsx (macro-enabled workbooks are refused)")
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as part:
                head = part.read(4096)
            if _DTD.search(head):
                raise FileRejected("dtd", "文件包含不允许的XML声明, 已拒绝 (the file contains an XML DTD: refused)")


def is_formula_like(value: Any) -> bool:
    """Text that Excel/WPS (or a later CSV import) would evaluate: = + - @, tab, CR (CWE-1236)."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def assign(cell: Any, value: Any) -> Any:
    """Put ``value`` into an openpyxl cell (normal or write-only) so it is never a formula.

    openpyxl turns any string starting with ``=`` into a formula; text that merely looks
    like one is stored as a string with the quote-prefix style, so Excel shows exactly
    what was typed and evaluates nothing.
    """
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_cell(ws: Any, value: Any) -> Any:
    """A write-only cell holding ``value`` safely (see :func:`assign`)."""
    from openpyxl.cell import WriteOnlyCell

    return assign(WriteOnlyCell(ws), value)


def safe_row(ws: Any, values: list[Any]) -> list[Any]:
    """A row for ``ws.append`` in which only formula-like text is wrapped."""
    return [text_cell(ws, v) if is_formula_like(v) else v for v in values]


def safe_csv_value(value: Any) -> Any:
    """CSV has no cell types: formula-like text gets a leading apostrophe (OWASP CSV injection)."""
    return "'" + value if is_formula_like(value) else value
