"""The single-sheet imports: income items, disability certificates, volunteers and standards.

Each matches existing records on a natural key, so importing the same file twice changes
nothing; the rules are printed on each template's instructions sheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.excel import spec as s
from core.excel.importing import Context, ParsedSheet, chunked
from core.excel.spec import CellError, Choices, Column, SheetSpec
from core.idnumber import IdNumberError, parse_disability_certificate
from core.models import DisabilityCertificate, IncomeItem, Person, Region, Standard, Volunteer

INCOME = Choices((("wage", "工资性收入"), ("business", "经营净收入"), ("property", "财产净收入"),
                  ("transfer", "转移净收入"), ("other", "其他收入")))


def _people(ctx: Context, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for block in chunked(sorted(set(numbers)), 500):
        found.update(dict(ctx.session.execute(select(Person.id_number, Person.id).where(Person.id_number.in_(block))).all()))
    return found


def _id_column(header: str = "身份证号") -> Column:
    return Column("id_number", header, s.id_number, required=True, text=True, width=22, sensitive=True,
                  note="已在系统中登记的人员身份证号(先导入家庭成员)", note_en="ID number of a registered person")


# -- income items ------------------------------------------------------------------------------------

INCOME_SHEET = SheetSpec("收入", "Income items", (
    _id_column(),
    Column("category", "收入类别", INCOME.parse, required=True, choices=INCOME.pairs, width=14,
           note="五类收入之一(低保审核审批办法第13条)", note_en="one of the five income categories"),
    Column("description", "收入说明", s.text(200), width=24, note="如: 某公司工资", note_en="what it is"),
    Column("monthly_fen", "月收入(元)", s.money_fen, required=True, width=12, note="元/月, 最多两位小数",
           note_en="yuan per month"),
    Column("employment_cost_fen", "就业成本(元)", s.money_fen, width=12, note="可扣除的必要就业成本, 元/月"),
    Column("exempt_reason", "豁免原因", s.text(64), width=16, note="不计入家庭收入的原因, 可不填"),
    Column("valid_from", "起始日期", s.date, width=12, note="2026-01-01"),
    Column("valid_to", "截止日期", s.date, width=12, note="可不填"),
))


class IncomesKind:
    key = "incomes"
    title = "家庭成员收入"
    title_en = "Income items"
    sheets = (INCOME_SHEET,)
    roles = ("admin", "board_staff")
    rules = (
        "按 身份证号+收入类别+收入说明+起始日期 匹配: 已有的收入项更新金额等字段, 否则新增; 重复导入不产生重复。",
        "人员必须已在系统中登记(先导入家庭及成员)。导入从不删除收入项。",
        "任何一行有错误时整个文件都不导入, 除非明确选择\u201c仅导入正确的行\u201d。",
    )
    rules_en = (
        "Matched on ID number + category + description + start date: updated if found, added otherwise.",
        "The person must be registered first. Nothing is deleted.",
        "Any bad row rejects the file unless you choose to import only the good rows.",
    )

    def validate(self, ctx: Context, sheets: dict[str, ParsedSheet]) -> list[dict[str, Any]]:
        sheet = sheets[INCOME_SHEET.title]
        col = {c.key: c for c in INCOME_SHEET.columns}
        people = _people(ctx, [r.values["id_number"].number for r in sheet.rows if "id_number" in r.values])
        plan, seen = [], {}
        for row in sheet.rows:
            v = row.values
            if "id_number" in v and v["id_number"].number not in people:
                ctx.fault(sheet, row.number, col["id_number"], v["id_number"].number,
                          "系统中没有此人, 请先导入家庭及成员 (no such person: import the household first)")
            if "valid_from" in v and "valid_to" in v and v["valid_to"] < v["valid_from"]:
                ctx.fault(sheet, row.number, col["valid_to"], v["valid_to"], "截止日期早于起始日期 (ends before it starts)")
            if ctx.is_bad(sheet, row):
                continue
            key = (people[v["id_number"].number], v["category"], v.get("description", ""), v.get("valid_from"))
            if key in seen:
                ctx.fault(sheet, row.number, None, None, f"与第 {seen[key]} 行重复 (duplicate of row {seen[key]})")
                continue
            seen[key] = row.number
            plan.append({"person_id": key[0], "category": key[1], "description": key[2], "valid_from": key[3],
                         "monthly_fen": v["monthly_fen"], "employment_cost_fen": v.get("employment_cost_fen", 0),
                         "exempt_reason": v.get("exempt_reason") or None, "valid_to": v.get("valid_to")})
        return plan

    def write(self, ctx: Context, plan: list[dict[str, Any]]) -> tuple[int, int]:
        created = updated = 0
        for item in plan:
            existing = ctx.session.execute(select(IncomeItem).where(
                IncomeItem.person_id == item["person_id"], IncomeItem.category == item["category"],
                IncomeItem.description == item["description"],
                IncomeItem.valid_from.is_(None) if item["valid_from"] is None else IncomeItem.valid_from == item["valid_from"],
            )).scalars().first()
            if existing is None:
                ctx.session.add(IncomeItem(**item))
                created += 1
                continue
            changed = False
            for key in ("monthly_fen", "employment_cost_fen", "exempt_reason", "valid_to"):
                if getattr(existing, key) != item[key]:
                    setattr(existing, key, item[key])
                    changed = True
            updated += changed
        ctx.session.flush()
        return created, updated


# -- disability certificates ------------------------------------------------------------------------

def _certificate(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError("残疾人证号被存成了数字, 后几位已丢失; 请设为文本后重新输入 (stored as a number: retype as text)")
    try:
        return parse_disability_certificate(str(value))
    except IdNumberError as exc:
        raise CellError(str(exc)) from None


DISABILITY_SHEET = SheetSpec("残疾人证", "Disability certificates", (
    Column("certificate", "残疾人证号", _certificate, required=True, text=True, width=26, sensitive=True,
           note="20位: 身份证号+残疾类别(1-7)+残疾等级(1-4); 类别和等级由证号读出",
           note_en="20 characters: ID number + category 1-7 + grade 1-4"),
    Column("name", "姓名", s.name, width=10, note="可不填; 填写时须与系统中的姓名一致", note_en="optional cross-check"),
    Column("issued_on", "发证日期", s.date, width=12, note="2026-01-31"),
    Column("valid_until", "有效期至", s.date, width=12, note="可不填"),
))


class DisabilitiesKind:
    key = "disabilities"
    title = "残疾人证"
    title_en = "Disability certificates"
    sheets = (DISABILITY_SHEET,)
    roles = ("admin", "board_staff")
    rules = (
        "按残疾人证号匹配: 已有的证更新发证日期和有效期, 否则新增; 重复导入不产生重复。",
        "持证人按证号中的身份证号查找, 必须已在系统中登记; 残疾类别和等级由证号读出。",
        "带 B1-B9 后缀的补发证号可以导入, 但会在结果中提示核对。",
    )
    rules_en = (
        "Matched on the certificate number: dates updated if found, added otherwise.",
        "The holder is found by the ID number inside the certificate number and must be registered.",
        "Reissue suffixes B1-B9 are accepted and flagged for checking.",
    )

    def validate(self, ctx: Context, sheets: dict[str, ParsedSheet]) -> list[dict[str, Any]]:
        sheet = sheets[DISABILITY_SHEET.title]
        col = {c.key: c for c in DISABILITY_SHEET.columns}
        holders = [r.values["certificate"].holder.number for r in sheet.rows if "certificate" in r.values]
        people = _people(ctx, holders)
        names = dict(ctx.session.execute(select(Person.id, Person.name).where(Person.id.in_(list(people.values()))))
                     .all()) if people else {}
        plan, seen = [], {}
        for row in sheet.rows:
            cert = row.values.get("certificate")
            if cert is None:
                continue
            person_id = people.get(cert.holder.number)
            if person_id is None:
                ctx.fault(sheet, row.number, col["certificate"], cert.number,
                          "系统中没有证号中的持证人, 请先导入家庭及成员 (the holder is not registered)")
                continue
            if "name" in row.values and row.values["name"] != names.get(person_id):
                ctx.fault(sheet, row.number, col["name"], row.values["name"],
                          "姓名与系统中该身份证号的姓名不一致 (the name differs from the registered one)")
                continue
            if cert.number in seen:
                ctx.fault(sheet, row.number, col["certificate"], cert.number, f"与第 {seen[cert.number]} 行重复 (duplicate)")
                continue
            seen[cert.number] = row.number
            if cert.reissue:
                ctx.warnings.append(f"第 {row.number} 行: 补发证号后缀 {cert.reissue} 请核对 (reissue suffix: check it)")
            plan.append({"person_id": person_id, "number": cert.number, "category": cert.category, "grade": cert.grade,
                         "issued_on": row.values.get("issued_on"), "valid_until": row.values.get("valid_until")})
        return plan

    def write(self, ctx: Context, plan: list[dict[str, Any]]) -> tuple[int, int]:
        created = updated = 0
        for item in plan:
            existing = ctx.session.execute(select(DisabilityCertificate)
                                           .where(DisabilityCertificate.number == item["number"])).scalar_one_or_none()
            if existing is None:
                ctx.session.add(DisabilityCertificate(**item))
                created += 1
                continue
            changed = False
            for key in ("issued_on", "valid_until"):
                if item[key] is not None and getattr(existing, key) != item[key]:
                    setattr(existing, key, item[key])
                    changed = True
            updated += changed
        ctx.session.flush()
        return created, updated


# -- volunteers -------------------------------------------------------------------------------------

VOLUNTEER_STATE = Choices((("applied", "已申请"), ("approved", "已审核"), ("active", "在岗"), ("paused", "暂停"),
                           ("left", "已退出")))
VOLUNTEER_SHEET = SheetSpec("志愿者", "Volunteers", (
    Column("name", "姓名", s.name, required=True, width=10),
    _id_column(),
    Column("phone", "联系电话", s.phone, text=True, width=14, sensitive=True),
    Column("region_code", "所在区划", lambda v: v, required=True, width=24, note="本市区划; 经纬度不填时取该区划中心"),
    Column("lat", "纬度", s.number(3, 54), width=10),
    Column("lon", "经度", s.number(73, 136), width=10),
    Column("board", "所属板块", s.text(64), width=16, note="管理员导入时必填(板块代码, 如 youth_league); 板块人员导入时为本板块"),
    Column("skills", "技能", s.word_list, width=20, note="多个用顿号分隔"),
    Column("languages", "语言", s.word_list, width=12, note="如: 汉语、蒙古语"),
    Column("slots", "可服务时段", s.word_list, width=18, note="如: sat_am、sun_pm"),
    Column("capacity", "可结对人数", s.integer(1, 10), width=10, note="默认1"),
    Column("max_km", "最远服务距离(公里)", s.number(0.5, 200), width=12),
    Column("background_checked_on", "背景审查日期", s.date, width=12, note="与未成年人接触须每年审查"),
    Column("background_check_clear", "审查无不良记录", s.yes_no, choices=s.YES_NO, width=12),
    Column("state", "状态", VOLUNTEER_STATE.parse, choices=VOLUNTEER_STATE.pairs, width=10, note="默认 已申请"),
))
VOLUNTEER_FIELDS = ("name", "phone", "region_code", "lat", "lon", "skills", "languages", "slots", "capacity", "max_km",
                    "background_checked_on", "background_check_clear", "state")


class VolunteersKind:
    key = "volunteers"
    title = "志愿者"
    title_en = "Volunteers"
    sheets = (VOLUNTEER_SHEET,)
    roles = ("admin", "board_staff", "coordinator")
    rules = (
        "按身份证号匹配: 已登记的志愿者用已填写的单元格更新, 空白单元格保留原值; 否则新增。",
        "出生日期和性别由身份证号计算。已属于其他板块的志愿者不会被改到本板块, 该行报错。",
        "任何一行有错误时整个文件都不导入, 除非明确选择\u201c仅导入正确的行\u201d。",
    )
    rules_en = (
        "Matched on the ID number: filled-in cells update, empty cells keep; otherwise added.",
        "Birth date and sex come from the ID number. A volunteer of another board is refused.",
        "Any bad row rejects the file unless you choose to import only the good rows.",
    )

    def validate(self, ctx: Context, sheets: dict[str, ParsedSheet]) -> list[dict[str, Any]]:
        sheet = sheets[VOLUNTEER_SHEET.title]
        col = {c.key: c for c in VOLUNTEER_SHEET.columns}
        numbers = [r.values["id_number"].number for r in sheet.rows if "id_number" in r.values]
        existing: dict[str, Volunteer] = {}
        for block in chunked(numbers, 500):
            for v in ctx.session.execute(select(Volunteer).where(Volunteer.id_number.in_(block))).scalars():
                existing[v.id_number or ""] = v
        centres = {code: (lat, lon) for code, lat, lon in ctx.session.execute(select(Region.code, Region.lat, Region.lon))}
        actor_board = ctx.actor.board if ctx.actor is not None and ctx.actor.role != "admin" else None
        plan, seen = [], {}
        for row in sheet.rows:
            v = row.values
            if "region_code" in v:
                try:
                    v["region_code"] = ctx.region(v["region_code"])
                except CellError as exc:
                    ctx.fault(sheet, row.number, col["region_code"], row.raw.get("region_code"), str(exc))
            board = actor_board or v.get("board")
            if not board:
                ctx.fault(sheet, row.number, col["board"], None, "请填写所属板块 (the board is required)")
            elif actor_board and v.get("board") not in (None, actor_board):
                ctx.fault(sheet, row.number, col["board"], v.get("board"), "只能导入本板块的志愿者 (your own board only)")
            ident = v.get("id_number")
            if ident is not None:
                if ident.number in seen:
                    ctx.fault(sheet, row.number, col["id_number"], ident.number, f"与第 {seen[ident.number]} 行重复 (duplicate)")
                seen.setdefault(ident.number, row.number)
                found = existing.get(ident.number)
                if found is not None and board and found.board != board:
                    ctx.fault(sheet, row.number, col["id_number"], ident.number,
                              "此志愿者已登记在其他板块 (registered with another board)")
            if ctx.is_bad(sheet, row):
                continue
            values = {k: v[k] for k in VOLUNTEER_FIELDS if k in v}
            if ("lat" in values) != ("lon" in values):
                ctx.fault(sheet, row.number, col["lat"], None, "纬度和经度须同时填写 (give both or neither)")
                continue
            if "lat" not in values and existing.get(ident.number) is None:
                lat, lon = centres.get(values["region_code"], (None, None))
                if lat is None:
                    lat, lon = centres.get(values["region_code"][:6], (None, None))
                if lat is None:
                    ctx.fault(sheet, row.number, col["lat"], None, "该区划没有中心坐标, 请填写经纬度 (give coordinates)")
                    continue
                values.update(lat=lat, lon=lon)
            plan.append({"ident": ident, "board": board, "values": values})
        return plan

    def write(self, ctx: Context, plan: list[dict[str, Any]]) -> tuple[int, int]:
        created = updated = 0
        existing = {}
        for block in chunked([p["ident"].number for p in plan], 500):
            for v in ctx.session.execute(select(Volunteer).where(Volunteer.id_number.in_(block))).scalars():
                existing[v.id_number] = v
        for item in plan:
            ident, values = item["ident"], item["values"]
            found = existing.get(ident.number)
            if found is None:
                ctx.session.add(Volunteer(board=item["board"], id_number=ident.number, birth_date=ident.birth_date,
                                          sex=ident.sex, **values))
                created += 1
                continue
            changed = False
            for key, value in values.items():
                if getattr(found, key) != value:
                    setattr(found, key, value)
                    changed = True
            updated += changed
        ctx.session.flush()
        return created, updated


# -- standards --------------------------------------------------------------------------------------

AREA_ALL = Choices((("urban", "城镇"), ("rural", "农村"), ("all", "全部")))


def _decimal(value: Any) -> Decimal:
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        result = Decimal(text)
    except ArithmeticError:
        raise CellError(f"\u201c{text}\u201d 不是数字 (not a number)") from None
    if not result.is_finite() or result < 0:
        raise CellError("数值必须是非负数 (must be zero or more)")
    return result


STANDARD_SHEET = SheetSpec("标准", "Standards", (
    Column("key", "标准代码", s.text(100), required=True, width=40, note="如 civil_affairs.dibao_urban_monthly (见\u201c标准\u201d页面)"),
    Column("region_code", "区划代码", lambda v: v, required=True, width=22, note="本市或区县代码"),
    Column("area", "城乡", AREA_ALL.parse, required=True, choices=AREA_ALL.pairs, width=8),
    Column("value", "数值", _decimal, required=True, width=12, note="精确小数"),
    Column("unit", "单位", s.text(40), width=14, note="不填沿用原单位"),
    Column("effective_from", "生效日期", s.date, required=True, width=12, note="新值从此日起生效, 原值于前一日截止"),
    Column("source_note", "依据", s.text(500), width=40, note="文件名称和文号"),
))


class StandardsKind:
    key = "standards"
    title = "保障标准"
    title_en = "Standards"
    sheets = (STANDARD_SHEET,)
    roles = ("admin",)
    rules = (
        "按 标准代码+区划+城乡+生效日期 匹配: 完全相同的值视为已导入, 不重复添加。",
        "新值只能晚于该标准当前最新值的生效日期; 原值在新值生效前一日截止, 历史值永不覆盖。",
        "任何一行有错误时整个文件都不导入。",
    )
    rules_en = (
        "Matched on key + region + area + start date: an identical value is already imported.",
        "A new value must start after the latest one, which then closes the day before; history is never overwritten.",
        "Any bad row rejects the file.",
    )

    def validate(self, ctx: Context, sheets: dict[str, ParsedSheet]) -> list[dict[str, Any]]:
        sheet = sheets[STANDARD_SHEET.title]
        col = {c.key: c for c in STANDARD_SHEET.columns}
        known = set(ctx.session.execute(select(Standard.key).distinct()).scalars())
        plan: list[dict[str, Any]] = []
        latest: dict[tuple[str, str, str], dt.date] = {}
        for row in sheet.rows:
            v = row.values
            if "region_code" in v:
                try:
                    v["region_code"] = ctx.region(v["region_code"])
                except CellError as exc:
                    ctx.fault(sheet, row.number, col["region_code"], row.raw.get("region_code"), str(exc))
            if "key" in v and v["key"] not in known:
                ctx.fault(sheet, row.number, col["key"], v["key"], "没有这个标准代码 (no standard has this key)")
            if ctx.is_bad(sheet, row):
                continue
            ident = (v["key"], v["region_code"], v["area"])
            same = ctx.session.execute(select(Standard).where(
                Standard.key == ident[0], Standard.region_code == ident[1], Standard.area == ident[2],
                Standard.effective_from == v["effective_from"])).scalars().first()
            if same is not None:
                if same.value != v["value"]:
                    ctx.fault(sheet, row.number, col["value"], v["value"],
                              f"该日期已有不同的值 {same.value}; 更正请在\u201c标准\u201d页面办理 (a different value already starts that day)")
                continue  # identical: already imported
            newest = latest.get(ident) or ctx.session.execute(select(Standard.effective_from).where(
                Standard.key == ident[0], Standard.region_code == ident[1], Standard.area == ident[2])
                .order_by(Standard.effective_from.desc())).scalars().first()
            if newest is not None and v["effective_from"] <= newest:
                ctx.fault(sheet, row.number, col["effective_from"], v["effective_from"],
                          f"生效日期须晚于 {newest.isoformat()} (must start after {newest.isoformat()})")
                continue
            latest[ident] = v["effective_from"]
            plan.append(dict(v))
        return plan

    def write(self, ctx: Context, plan: list[dict[str, Any]]) -> tuple[int, int]:
        from core.standards import revise_standard

        for item in plan:
            revise_standard(ctx.session, key=item["key"], region_code=item["region_code"], area=item["area"],
                            value=item["value"], unit=item.get("unit", ""), effective_from=item["effective_from"],
                            source_note=item.get("source_note", "Excel导入"),
                            user_id=ctx.actor.id if ctx.actor is not None else None)
        return len(plan), 0
