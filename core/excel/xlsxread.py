"""A small streaming reader for the cell values of .xlsx sheets (stdlib only).

Why not openpyxl's read-only mode for imports: it builds a descriptor-validated object
for every inline string and re-parses a sheet without a dimension tag to size it; on
the 2-core reference machine that read 50,000 households with 120,000 members in well
over the 60 s budget. An import needs values only, so this reader walks the sheet XML
once with ``xml.etree.ElementTree.iterparse`` (expat, C), resolves shared strings, and
drops every row as soon as it is yielded. Dates typed into date columns arrive as Excel
serial numbers; the date parser converts them (:func:`core.excel.spec.date`).

It is only called after :func:`core.excel.safety.check_upload` (no DTD, bounded sizes).
openpyxl still writes every file and reads uploads for the annotated copy.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from typing import IO, Any, Iterator
from xml.etree.ElementTree import ParseError, iterparse

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


class ReadError(ValueError):
    """The workbook's structure cannot be read."""


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    # transitional and strict OOXML use different namespaces; some writers add prefixes.
    # A sheet has a handful of distinct tags and millions of elements: cache the answer.
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2]
    return name


@dataclass(frozen=True)
class SheetRef:
    title: str
    part: str  # path inside the zip, e.g. xl/worksheets/sheet1.xml


class Workbook:
    """The sheets of an .xlsx archive, opened from bytes or a file object."""

    def __init__(self, source: IO[bytes]):
        try:
            self.archive = zipfile.ZipFile(source)
            self.sheets = self._sheets()
            self.shared = self._shared_strings()
        except (KeyError, ParseError, zipfile.BadZipFile) as exc:
            raise ReadError(f"{exc.__class__.__name__}: {exc}") from None

    def close(self) -> None:
        self.archive.close()

    def _rels(self) -> dict[str, tuple[str, str]]:
        rels: dict[str, tuple[str, str]] = {}
        with self.archive.open("xl/_rels/workbook.xml.rels") as stream:
            for _, elem in iterparse(stream):
                if _local(elem.tag) == "Relationship":
                    target = elem.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                    rels[elem.get("Id", "")] = (part, elem.get("Type", ""))
        return rels

    def _sheets(self) -> list[SheetRef]:
        self.rels = self._rels()
        sheets: list[SheetRef] = []
        with self.archive.open("xl/workbook.xml") as stream:
            for _, elem in iterparse(stream):
                if _local(elem.tag) == "sheet":
                    rid = elem.get(f"{{{REL_NS}}}id") or elem.get(f"{{{STRICT_REL_NS}}}id") or ""
                    part = self.rels.get(rid, ("", ""))[0]
                    if part.endswith(".xml"):  # chart sheets and the like have no cells
                        sheets.append(SheetRef(elem.get("name", ""), part))
        return sheets

    def _shared_strings(self) -> list[str]:
        part = next((p for p, kind in self.rels.values() if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
        if part not in self.archive.namelist():
            return []
        strings: list[str] = []
        with self.archive.open(part) as stream:
            for _, elem in iterparse(stream):
                if _local(elem.tag) == "si":
                    strings.append(_text_of(elem))
                    elem.clear()
        return strings

    def rows(self, sheet: SheetRef, merged: list[str] | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """``(row number, values)`` for every row that has a cell; ``merged`` receives the
        sheet's merged ranges (they follow the data in the XML, so they are known at the end)."""
        shared = self.shared
        try:
            with self.archive.open(sheet.part) as stream:
                # "end" events only: a <row> is complete when it ends, and rows exist only
                # inside <sheetData>; cleared rows keep memory flat
                for _, elem in iterparse(stream):
                    name = _local(elem.tag)
                    if name == "row":
                        yield int(elem.get("r") or 0), _row_values(elem, shared)
                        elem.clear()
                    elif name == "mergeCell" and merged is not None:
                        merged.append(elem.get("ref", ""))
                    elif name == "sheetData":
                        elem.clear()
        except ParseError as exc:
            raise ReadError(f"ParseError: {exc}") from None


def _text_of(elem: Any) -> str:
    # a rich-text string is several runs; phonetic guides (rPh) are not part of the value
    parts: list[str] = []
    for child in elem:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 1e15 and "E" not in text.upper() else value
    return int(text)


def _row_values(row: Any, shared: list[str]) -> tuple[Any, ...]:
    values: list[Any] = []
    for position, cell in enumerate(row):
        if _local(cell.tag) != "c":
            continue
        ref = cell.get("r")
        index = _column_index(ref) if ref else position
        kind = cell.get("t", "n")
        value: Any = None
        if kind == "inlineStr":
            for child in cell:
                if _local(child.tag) == "is":
                    value = _text_of(child)
        else:
            raw = None
            for child in cell:
                if _local(child.tag) == "v":
                    raw = child.text
            if raw is not None:
                if kind == "s":
                    value = shared[int(raw)]
                elif kind == "b":
                    value = raw == "1"
                elif kind in ("str", "e", "d"):
                    value = raw
                else:
                    try:
                        value = _number(raw)
                    except ValueError:
                        value = raw
        if value is None:
            continue
        if index >= len(values):
            values.extend([None] * (index - len(values) + 1))
        values[index] = value
    return tuple(values)
