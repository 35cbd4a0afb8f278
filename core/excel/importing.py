"""Importing a workbook: read every row, validate all of it, then write all of it — or nothing.

The flow for every kind (domain: reliability-security-anchors §5.9):

1. :func:`core.excel.safety.check_upload` refuses unsafe or wrong files outright.
2. :func:`read_sheets` streams each sheet (openpyxl read-only, ``values_only``), matches
   the headers, parses every cell and records every fault with its row, column and reason.
3. The kind's ``validate`` checks rows against each other and against the database
   (duplicates, households without a head, a person already in another household …).
4. If any row is bad and the user did not explicitly ask for "good rows only", nothing is
   written; otherwise the kind's ``write`` runs in ONE transaction together with the
   batch's final status and the audit event, so "done" and the data commit together.

Re-importing the same file creates nothing new: every kind matches existing records on a
natural key (ID number, certificate number …) and its update rules are printed on the
template's instructions sheet (:mod:`core.excel.kinds`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.db import utcnow
from core.excel import xlsxread
from core.excel.models import ImportBatch, ImportFile
from core.excel.safety import FileRejected, Limits, check_upload
from core.excel.spec import CellError, Column, SheetSpec, is_blank, normalise_header
from core.idnumber import mask_id_number
from core.models import AuditEvent, Region
from core.regions import DAQING

MAX_REPORTED_ERRORS = 20_000  # the report keeps this many; the counts stay exact
HEADER_SEARCH_ROWS = 5  # a title row or two above the headers is common in office lists
INSTRUCTION_SHEETS = ("填写说明", "选项", "错误汇总")

ProgressFn = Callable[[str, int, int], None]  # (phase, done, total)


class Actor(Protocol):
    id: int
    role: str
    board: str | None


@dataclass
class RowError:
    """One fault: where (sheet, row, column) and why."""

    sheet: str
    row: int
    column: str  # letter, "" when the fault is the row as a whole
    header: str
    value: str  # as typed, masked when it is an ID or phone number
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ParsedRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, Any]  # column key -> parsed value; blank optional cells are absent
    raw: dict[str, Any]  # column key -> the cell as read, for messages


@dataclass
class ParsedSheet:
    spec: SheetSpec
    title: str  # as found in the workbook
    letters: dict[str, str]  # column key -> letter
    rows: list[ParsedRow] = field(default_factory=list)


@dataclass
class Context:
    """What a kind's validation and writing need, and where faults are collected."""

    session: Session
    actor: Actor | None
    good_rows_only: bool
    today: dt.date
    region_root: str = DAQING
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bad: set[tuple[str, int]] = field(default_factory=set)  # (sheet title, row)
    error_count: int = 0
    progress: ProgressFn | None = None
    _regions: dict[str, str] | None = None
    _region_names: dict[str, str] | None = None

    # -- faults --------------------------------------------------------------------------
    def fault(self, sheet: ParsedSheet | str, row: int, column: Column | None, value: Any, reason: str) -> None:
        title = sheet if isinstance(sheet, str) else sheet.title
        letter = ""
        if column is not None and not isinstance(sheet, str):
            letter = sheet.letters.get(column.key, "")
        self.bad.add((title, row))
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            shown = _shown(value, column)
            self.errors.append(RowError(title, row, letter, column.header if column else "", shown, reason))

    def is_bad(self, sheet: ParsedSheet, row: ParsedRow) -> bool:
        return (sheet.title, row.number) in self.bad

    # -- the configured region ----------------------------------------------------------
    def _load_regions(self) -> None:
        rows = self.session.execute(select(Region.code, Region.name, Region.parent_code)).all()
        parent = {code: p for code, _, p in rows}
        inside: dict[str, str] = {}
        for code, region_name, _ in rows:
            walk: str | None = code
            for _ in range(10):  # the tree is at most 9 levels deep
                if walk is None:
                    break
                if walk == self.region_root:
                    inside[code] = region_name
                    break
                walk = parent.get(walk)
        names: dict[str, str] = {}
        for code, region_name in inside.items():
            names[region_name] = "" if region_name in names else code  # "" marks an ambiguous name
        self._regions, self._region_names = inside, names

    def region(self, value: Any) -> str:
        """A region code inside the configured region, from "230602", "230602 萨尔图区" or "萨尔图区"."""
        if self._regions is None:
            self._load_regions()
        assert self._regions is not None and self._region_names is not None
        text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
        m = re.match(r"^(\d{6}|\d{9}|\d{12})(?:\s+.*)?$", text)
        if m:
            code = m.group(1)
            if code in self._regions:
                return code
            raise CellError(
                f"区划代码 {code} 不在本市({self.region_root})范围内或不存在 "
                f"(region code {code} is not inside the configured region {self.region_root})"
            )
        code = self._region_names.get(text)
        if code:
            return code
        if code == "":
            raise CellError(f"\u201c{text}\u201d 有重名, 请填写区划代码 (the name is ambiguous: give the code)")
        raise CellError(f"\u201c{text}\u201d 不是本市的区县/街道名称或代码 (not a region of the configured area)")

    def tick(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)


def _shown(value: Any, column: Column | None) -> str:
    if value is None:
        return ""
    text = str(value)
    if column is not None and column.sensitive:
        # the report page and annotated file are seen by whoever imported; still, an ID
        # number in a report is masked (domain-rules §10: minimum exposure)
        return mask_id_number(text) if len(text) > 10 else "*" * len(text)
    return text[:200]


class ImportKind(Protocol):
    """A kind of import (households, incomes …): its sheets, rules and validate/write steps."""

    key: str
    title: str
    title_en: str
    sheets: tuple[SheetSpec, ...]
    rules: tuple[str, ...]  # update rules, Chinese, printed on the instructions sheet
    rules_en: tuple[str, ...]
    roles: tuple[str, ...]  # who may import this kind

    def validate(self, ctx: Context, sheets: dict[str, ParsedSheet]) -> Any: ...

    def write(self, ctx: Context, plan: Any) -> tuple[int, int]: ...


# -- reading -------------------------------------------------------------------------------------


def _find_sheet(workbook: xlsxread.Workbook, spec: SheetSpec, only: bool) -> xlsxread.SheetRef | None:
    wanted = normalise_header(spec.title)
    for sheet in workbook.sheets:
        if normalise_header(sheet.title) == wanted:
            return sheet
    if only:
        candidates = [sheet for sheet in workbook.sheets if sheet.title not in INSTRUCTION_SHEETS]
        if candidates:
            return candidates[0]
    return None


def read_sheets(data: bytes, kind: ImportKind, ctx: Context) -> dict[str, ParsedSheet]:
    """Parse every sheet of ``kind`` from ``data``; raises :class:`FileRejected` for faults of the
    whole file (missing sheet or columns, merged cells, no data), records cell faults in ``ctx``."""
    try:
        workbook = xlsxread.Workbook(io.BytesIO(data))
    except xlsxread.ReadError as exc:
        raise FileRejected("corrupt", f"无法读取工作簿, 文件可能已损坏 (the workbook cannot be read): {exc}") from None
    try:
        found = {}
        for spec in kind.sheets:
            ref = _find_sheet(workbook, spec, only=len(kind.sheets) == 1)
            if ref is None:
                raise FileRejected(
                    "missing_sheet",
                    f"缺少工作表\u201c{spec.title}\u201d, 请使用下载的模板 (the sheet \u201c{spec.title}\u201d is missing: use the template)",
                )
            found[spec.title] = ref
        # the row count for the progress bar: the compressed sizes are a fair, free proxy
        sizes = {title: workbook.archive.getinfo(ref.part).file_size for title, ref in found.items()}
        estimate = _estimate_rows(workbook, found)
        done = 0
        sheets: dict[str, ParsedSheet] = {}
        for spec in kind.sheets:
            ref = found[spec.title]
            total = estimate or sum(sizes.values()) // 300
            sheet, done = _read_sheet(workbook, ref, spec, ctx, done, total)
            sheets[spec.title] = sheet
        if not any(s.rows for s in sheets.values()):
            raise FileRejected("no_data", "文件中没有数据行 (the file has no data rows below the header)")
        return sheets
    except xlsxread.ReadError as exc:
        raise FileRejected("corrupt", f"无法读取工作表, 文件可能已损坏 (a sheet cannot be read): {exc}") from None
    finally:
        workbook.close()


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


def _estimate_rows(workbook: xlsxread.Workbook, found: dict[str, xlsxread.SheetRef]) -> int:
    """Rows to expect, from each sheet's <dimension> tag when the writer put one in (Excel does)."""
    total = 0
    for ref in found.values():
        with workbook.archive.open(ref.part) as stream:
            head = stream.read(4096)
        m = _DIMENSION.search(head)
        if not m or not m.group(1):
            return 0
        total += max(int(m.group(1)) - 1, 0)
    return total


def _merged_fault(title: str, merged: list[str]) -> FileRejected:
    shown = "、".join(merged[:10]) + (" …" if len(merged) > 10 else "")
    return FileRejected(
        "merged_cells",
        f"工作表\u201c{title}\u201d有合并单元格 {shown}; 合并后只有第一格有值, 请取消合并并在每一格填写 "
        f"(the sheet has merged cells {shown}: unmerge them and fill every cell)",
    )


def _header_map(title: str, head_rows: list[tuple[int, tuple[Any, ...]]], spec: SheetSpec) -> tuple[int, dict[str, int]]:
    by_header = spec.by_header()
    best: tuple[int, dict[str, int]] | None = None
    for number, row in head_rows:
        matched: dict[str, int] = {}
        for index, cell in enumerate(row):
            if is_blank(cell):
                continue
            column = by_header.get(normalise_header(cell))
            if column is None:
                continue
            if column.key in matched:
                raise FileRejected("duplicate_column", f"列\u201c{column.header}\u201d出现了两次 (the column appears twice)")
            matched[column.key] = index
        if matched and (best is None or len(matched) > len(best[1])):
            best = (number, matched)
    if best is None:
        expected = "、".join(c.printed for c in spec.columns)
        raise FileRejected(
            "wrong_headers",
            f"工作表\u201c{title}\u201d前{HEADER_SEARCH_ROWS}行中找不到模板的列标题; 应有: {expected} "
            f"(no template column headers found in the first rows of \u201c{title}\u201d)",
        )
    number, matched = best
    missing = [c.printed for c in spec.columns if c.required and c.key not in matched]
    if missing:
        raise FileRejected(
            "wrong_headers",
            f"工作表\u201c{title}\u201d缺少必填列: {'、'.join(missing)}; 请使用下载的模板, 不要修改列标题 "
            f"(required columns are missing: {', '.join(missing)}; keep the template's headers)",
        )
    return number, matched


def _read_sheet(workbook: xlsxread.Workbook, ref: xlsxread.SheetRef, spec: SheetSpec, ctx: Context,
                done: int, total: int) -> tuple[ParsedSheet, int]:
    merged: list[str] = []
    rows = workbook.rows(ref, merged)
    head_rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in rows:
        if number > HEADER_SEARCH_ROWS:
            head_rows.append((number, values))  # the first data row, kept for below
            break
        head_rows.append((number, values))
    try:
        header_row, index = _header_map(ref.title, [r for r in head_rows if r[0] <= HEADER_SEARCH_ROWS], spec)
    except FileRejected:
        for _ in rows:  # a merged header explains a missing column better than "missing"
            pass
        if merged:
            raise _merged_fault(ref.title, merged) from None
        raise
    columns = [c for c in spec.columns if c.key in index]
    absent = [c.printed for c in spec.columns if c.key not in index]
    if absent:
        ctx.warnings.append(f"工作表\u201c{ref.title}\u201d没有这些可选列, 按空白处理: {'、'.join(absent)}")
    letters = {c.key: get_column_letter(index[c.key] + 1) for c in columns}
    sheet = ParsedSheet(spec, ref.title, letters)
    blank_rows = pending_blank = 0
    positions = [(c, index[c.key]) for c in columns]

    def body() -> Iterator[tuple[int, tuple[Any, ...]]]:
        yield from (r for r in head_rows if r[0] > header_row)
        yield from rows

    for number, row in body():
        done += 1
        if done % 2000 == 0:
            ctx.tick("reading", done, max(total, done))
        width = len(row)
        cells = [(c, row[i] if i < width else None) for c, i in positions]
        if all(is_blank(v) for _, v in cells):
            pending_blank += 1
            continue
        blank_rows += pending_blank  # only blanks between data rows are worth a word
        pending_blank = 0
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for column, cell in cells:
            raw[column.key] = cell
            if is_blank(cell):
                if column.required:
                    ctx.fault(sheet, number, column, cell, f"\u201c{column.header}\u201d必须填写 (required)")
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellError as exc:
                ctx.fault(sheet, number, column, cell, str(exc))
        sheet.rows.append(ParsedRow(number, values, raw))
    if merged:
        raise _merged_fault(ref.title, merged)
    if blank_rows and sheet.rows:
        ctx.warnings.append(f"工作表\u201c{ref.title}\u201d有 {blank_rows} 个空行, 已跳过 (empty rows skipped)")
    return sheet, done


# -- running an import ---------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # done | rejected
    total_rows: int
    good_rows: int
    bad_rows: int
    created: int
    updated: int
    report: dict[str, Any]


def run(session: Session, kind: ImportKind, data: bytes, *, actor: Actor | None, good_rows_only: bool = False,
        progress: ProgressFn | None = None, today: dt.date | None = None,
        on_validated: Callable[[Outcome], None] | None = None) -> Outcome:
    """Validate ``data`` as ``kind`` and write it through ``session`` unless rows are bad.

    Does not commit: the caller commits (with the batch row) or rolls back.
    """
    ctx = Context(session, actor, good_rows_only, today or dt.date.today(), progress=progress)
    try:
        sheets = read_sheets(data, kind, ctx)
    except FileRejected as exc:
        return Outcome("rejected", 0, 0, 0, 0, 0, {"file_errors": [str(exc)], "errors": [], "warnings": []})
    plan = kind.validate(ctx, sheets)
    total = sum(len(s.rows) for s in sheets.values())
    bad = len(ctx.bad)
    report = {
        "file_errors": [],
        "errors": [e.as_dict() for e in sorted(ctx.errors, key=lambda e: (e.sheet, e.row, e.column))],
        "warnings": ctx.warnings,
        "error_count": ctx.error_count,
    }
    outcome = Outcome("rejected", total, total - bad, bad, 0, 0, report)
    if bad and not good_rows_only:
        return outcome
    if total - bad == 0:
        report["file_errors"].append("没有可以导入的正确行 (no good rows to import)")
        return outcome
    if on_validated is not None:
        on_validated(outcome)
    created, updated = kind.write(ctx, plan)
    outcome.status, outcome.created, outcome.updated = "done", created, updated
    return outcome


# -- batches: the web's background runs and the CLI --------------------------------------------

# Progress during the write lives in memory: on SQLite the import transaction holds the
# write lock, so the batch row cannot be updated until it commits. A poll answered by
# another process falls back to the row's phase (and the page shows a moving bar).
_LIVE: dict[int, dict[str, Any]] = {}
_LIVE_LOCK = threading.Lock()
STALE_AFTER = dt.timedelta(minutes=10)


def live_progress(batch_id: int) -> dict[str, Any] | None:
    with _LIVE_LOCK:
        state = _LIVE.get(batch_id)
        return dict(state) if state else None


def _set_live(batch_id: int, **state: Any) -> None:
    with _LIVE_LOCK:
        _LIVE.setdefault(batch_id, {}).update(state)


def create_batch(session: Session, kind: str, filename: str, data: bytes, *, actor: Actor | None,
                 good_rows_only: bool = False, limits: Limits = Limits()) -> ImportBatch:
    """Record an upload. A file refused outright is recorded as rejected (and its bytes dropped)."""
    batch = ImportBatch(kind=kind, filename=_clean_filename(filename), size_bytes=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), good_rows_only=good_rows_only,
                        created_by=actor.id if actor else None, board=actor.board if actor else None,
                        report={"file_errors": [], "errors": [], "warnings": []})
    try:
        check_upload(data, filename, limits)
    except FileRejected as exc:
        batch.status = "rejected"
        batch.report = {"file_errors": [str(exc)], "errors": [], "warnings": []}
        batch.message = str(exc)
        batch.finished_at = utcnow()
        session.add(batch)
        session.flush()
        return batch
    session.add(batch)
    session.flush()
    session.add(ImportFile(batch_id=batch.id, content=data))
    session.flush()
    return batch


def _clean_filename(filename: str) -> str:
    # only the base name is kept and shown; never used as a path
    base = re.split(r"[\\/]", filename or "")[-1]
    return base[:200] or "upload.xlsx"


def process_batch(sessions: sessionmaker, batch_id: int, kind: ImportKind, actor: Actor | None,
                  progress: ProgressFn | None = None) -> ImportBatch:
    """Run a queued batch to its end: rejected, done or failed. Safe to call in a thread."""
    with sessions() as meta:
        batch = meta.get(ImportBatch, batch_id)
        if batch is None or batch.status != "queued":
            return batch  # type: ignore[return-value]
        batch.status, batch.heartbeat_at = "validating", utcnow()
        meta.commit()
        good_rows_only = batch.good_rows_only
        content = meta.execute(select(ImportFile.content).where(ImportFile.batch_id == batch_id)).scalar_one()

    last_beat = [0.0]

    def tick(phase: str, done: int, total: int) -> None:
        _set_live(batch_id, phase=phase, done=done, total=total)
        if progress is not None:
            progress(phase, done, total)
        now = time.monotonic()
        if phase == "reading" and now - last_beat[0] > 2.0:  # no write lock is held yet
            last_beat[0] = now
            with sessions() as beat:
                row = beat.get(ImportBatch, batch_id)
                if row is not None:
                    row.processed_rows, row.total_rows, row.heartbeat_at = done, total, utcnow()
                    beat.commit()

    def validated(outcome: Outcome) -> None:
        _set_live(batch_id, phase="writing", done=0, total=outcome.good_rows)

    session = sessions()
    try:
        outcome = run(session, kind, content, actor=actor, good_rows_only=good_rows_only, progress=tick,
                      on_validated=validated)
        if outcome.status == "rejected":
            session.rollback()
            with sessions() as meta:
                _finish(meta, batch_id, outcome)
                meta.commit()
        else:
            _finish(session, batch_id, outcome)
            session.add(AuditEvent(
                user_id=actor.id if actor else None, action="import", object_type="import_batch",
                object_id=str(batch_id),
                reason=f"{kind.key}: {outcome.good_rows} rows, {outcome.created} created, {outcome.updated} updated"
                       + (f", {outcome.bad_rows} bad rows skipped" if outcome.bad_rows else "")))
            session.commit()
    except Exception as exc:
        session.rollback()
        with sessions() as meta:
            row = meta.get(ImportBatch, batch_id)
            if row is not None:
                row.status, row.finished_at = "failed", utcnow()
                row.message = f"导入失败, 未写入任何数据 (the import failed and wrote nothing): {exc.__class__.__name__}: {exc}"[:2000]
                meta.commit()
        raise
    finally:
        session.close()
        with _LIVE_LOCK:
            _LIVE.pop(batch_id, None)
    with sessions() as meta:
        return meta.get(ImportBatch, batch_id)  # type: ignore[return-value]


def _finish(session: Session, batch_id: int, outcome: Outcome) -> None:
    batch = session.get(ImportBatch, batch_id)
    assert batch is not None
    batch.status = outcome.status
    batch.total_rows = batch.processed_rows = outcome.total_rows
    batch.good_rows, batch.bad_rows = outcome.good_rows, outcome.bad_rows
    batch.created_count, batch.updated_count = outcome.created, outcome.updated
    batch.report = outcome.report
    batch.finished_at = batch.heartbeat_at = utcnow()
    if outcome.report.get("file_errors"):
        batch.message = outcome.report["file_errors"][0]
    elif outcome.status == "rejected":
        batch.message = f"{outcome.bad_rows} 行有错误, 未写入任何数据 ({outcome.bad_rows} bad rows: nothing was written)"
    else:
        batch.message = f"已导入 {outcome.good_rows} 行: 新增 {outcome.created}, 更新 {outcome.updated}"


def start_batch(sessions: sessionmaker, batch_id: int, kind: ImportKind, actor: Actor | None, *,
                background: bool = True) -> threading.Thread | None:
    """Process a batch in a daemon thread (the web page polls its status) or inline."""
    if not background:
        process_batch(sessions, batch_id, kind, actor)
        return None

    def work() -> None:
        try:
            process_batch(sessions, batch_id, kind, actor)
        except Exception:  # recorded on the batch as "failed"; the thread must not die loudly
            import logging

            logging.getLogger(__name__).exception("import batch %s failed", batch_id)

    thread = threading.Thread(target=work, name=f"import-{batch_id}", daemon=True)
    thread.start()
    return thread


def status_of(batch: ImportBatch) -> dict[str, Any]:
    """What the status endpoint answers: phase, counts and a percentage when known."""
    live = live_progress(batch.id)
    state: dict[str, Any] = {
        "id": batch.id, "status": batch.status, "phase": batch.status,
        "done": batch.processed_rows, "total": batch.total_rows,
        "good_rows": batch.good_rows, "bad_rows": batch.bad_rows,
        "created": batch.created_count, "updated": batch.updated_count, "message": batch.message,
        "finished": batch.status in ("done", "rejected", "failed"),
    }
    if live and not state["finished"]:
        state.update(phase=live.get("phase", batch.status), done=live.get("done", 0), total=live.get("total", 0))
    elif not state["finished"] and batch.heartbeat_at and utcnow() - batch.heartbeat_at > STALE_AFTER and not live:
        # the process that ran it is gone (restart): say so rather than spin for ever
        state.update(status="failed", finished=True,
                     message="导入被中断, 未写入任何数据, 请重新上传 (the import was interrupted and wrote nothing: upload again)")
    total = state["total"] or 0
    state["percent"] = min(100, round(100 * state["done"] / total)) if total else None
    return state


def chunked(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    block: list[Any] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block
