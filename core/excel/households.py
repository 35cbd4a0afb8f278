"""The household import: a "家庭" sheet (one row per household) and a "家庭成员" sheet (one row
per member, the head included), linked by the head's ID number.

Update rules (printed on the template's instructions sheet, see ``RULES``):

* a member is matched on the ID number; a household on its head's ID number;
* a matched record gets the values of the filled-in cells; an empty cell keeps what is
  stored; birth date and sex always come from the ID number (domain-rules §12.2);
* a person already in another household is refused with a reason, never moved silently
  (moving a hukou member is a decision, not a data load);
* nothing is ever deleted: a stored member missing from the file stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select

from core.db import utcnow
from core.excel import spec as s
from core.excel.importing import Context, ParsedRow, ParsedSheet, chunked
from core.excel.spec import Choices, Column, SheetSpec
from core.idnumber import ResidentId
from core.models import Household, Person

AREA = Choices((("urban", "城镇"), ("rural", "农村")))
RELATION = Choices((
    ("head", "户主"), ("spouse", "配偶"), ("child", "子女"), ("parent", "父母"), ("grandchild", "孙子女"),
    ("grandparent", "祖父母"), ("sibling", "兄弟姐妹"), ("other", "其他"),
))
INCLUSION = Choices((
    ("head", "户主"), ("spouse", "配偶"), ("minor_child", "未成年子女"),
    ("adult_dependent_child", "成年在校或重残子女"), ("co_resident_supporter", "共同生活的赡养扶养人"),
    ("excluded_clergy", "宗教教职人员(不计入)"), ("excluded_prison", "服刑人员(不计入)"),
    ("excluded_rehab", "强制隔离戒毒(不计入)"), ("excluded_missing", "宣告失踪(不计入)"),
    ("excluded_other", "其他不计入"),
))
LABOUR = Choices((("full", "完全劳动能力"), ("partial", "部分劳动能力"), ("none", "无劳动能力")))
STUDENT = Choices((
    ("none", "非在校"), ("preschool", "学前"), ("compulsory", "义务教育"), ("high_school", "普通高中"),
    ("vocational", "中职"), ("undergraduate", "大专本科"), ("postgraduate", "研究生"),
))
EMPLOYMENT = Choices((("employed", "在业"), ("unemployed", "失业"), ("retired", "退休"), ("never", "从未就业")))
PARENT = Choices((
    ("present", "在家"), ("away_working", "外出务工"), ("deceased", "死亡"), ("missing", "失踪"),
    ("unable", "无监护能力"), ("imprisoned", "服刑"),
))

HOUSEHOLD_SHEET = SheetSpec("家庭", "Households", (
    Column("head_id", "户主身份证号", s.id_number, required=True, text=True, width=22, sensitive=True,
           note="18位身份证号, 用于识别这一户; 与\u201c家庭成员\u201d表中户主一行的身份证号相同",
           note_en="the head's 18-character ID number: identifies the household"),
    Column("region_code", "所在区划", lambda v: v, required=True, width=24,
           note="从下拉列表选择, 或填写本市的6/9/12位区划代码", note_en="a region of the configured city (code or pick)"),
    Column("area_type", "城乡类别", AREA.parse, required=True, choices=AREA.pairs, width=10,
           note="城镇 或 农村", note_en="urban or rural"),
    Column("address", "详细地址", s.text(255), width=36, note="门牌地址", note_en="street address"),
    Column("lat", "纬度", s.number(3, 54), width=10, note="可不填; 十进制度数", note_en="optional, decimal degrees"),
    Column("lon", "经度", s.number(73, 136), width=10, note="可不填; 十进制度数", note_en="optional, decimal degrees"),
    Column("only_child_deceased", "失独家庭", s.yes_no, choices=s.YES_NO, width=10, note="是/否", note_en="yes/no"),
    Column("near_relative_of_staff", "工作人员近亲属", s.yes_no, choices=s.YES_NO, width=14,
           note="是/否; 低保经办人员或村(居)委会成员的近亲属须单独登记备案",
           note_en="yes/no: near relative of staff (filed separately, S2 Art. 11)"),
))

MEMBER_SHEET = SheetSpec("家庭成员", "Members", (
    Column("head_id", "户主身份证号", s.id_number, required=True, text=True, width=22, sensitive=True,
           note="该成员所在户的户主身份证号(户主本人也填自己的)", note_en="the head's ID number of this member's household"),
    Column("name", "姓名", s.name, required=True, width=12, note="", note_en="name"),
    Column("id_number", "身份证号", s.id_number, required=True, text=True, width=22, sensitive=True,
           note="18位(末位可为X)或15位旧号; 出生日期和性别由身份证号计算, 无需填写",
           note_en="ID number; birth date and sex are derived from it"),
    Column("relation", "与户主关系", RELATION.parse, required=True, choices=RELATION.pairs, width=12,
           note="每户必须且只能有一名\u201c户主\u201d", note_en="exactly one head per household"),
    Column("inclusion_reason", "纳入原因", INCLUSION.parse, choices=INCLUSION.pairs, width=22,
           note="户主、配偶、未成年子女可不填(自动推定); 其他成员必填",
           note_en="derived for head, spouse and minor children; required otherwise"),
    Column("phone", "联系电话", s.phone, text=True, width=14, sensitive=True, note="手机或固定电话", note_en="phone"),
    Column("labour_capacity", "劳动能力", LABOUR.parse, choices=LABOUR.pairs, width=14,
           note="不填视为完全劳动能力", note_en="default: full"),
    Column("student_level", "在学阶段", STUDENT.parse, choices=STUDENT.pairs, width=12, note="不填视为非在校"),
    Column("employment", "就业状况", EMPLOYMENT.parse, choices=EMPLOYMENT.pairs, width=10, note="不填视为从未就业"),
    Column("union_member", "工会会员", s.yes_no, choices=s.YES_NO, width=10, note="是/否"),
    Column("serious_illness", "患重特大疾病", s.yes_no, choices=s.YES_NO, width=12, note="是/否"),
    Column("contracted_land", "有承包土地", s.yes_no, choices=s.YES_NO, width=10, note="是/否"),
    Column("lives_alone", "独居", s.yes_no, choices=s.YES_NO, width=8, note="是/否"),
    Column("father_status", "父亲状况", PARENT.parse, choices=PARENT.pairs, width=12, note="未成年人填写"),
    Column("mother_status", "母亲状况", PARENT.parse, choices=PARENT.pairs, width=12, note="未成年人填写"),
    Column("languages", "使用语言", s.word_list, width=14, note="多个用顿号分隔, 如: 汉语、蒙古语"),
))

PERSON_FIELDS = ("name", "phone", "relation", "inclusion_reason", "labour_capacity", "student_level", "employment",
                 "union_member", "serious_illness", "contracted_land", "lives_alone", "father_status",
                 "mother_status", "languages")
HOUSEHOLD_FIELDS = ("region_code", "area_type", "address", "lat", "lon", "only_child_deceased",
                    "near_relative_of_staff")
PERSON_DEFAULTS: dict[str, Any] = dict(
    phone=None, labour_capacity="full", student_level="none", employment="never", union_member=False,
    serious_illness=False, contracted_land=False, lives_alone=False, father_status=None, mother_status=None,
    languages=[],
)


@dataclass
class PlannedHousehold:
    key: str
    values: dict[str, Any]
    existing_id: int | None
    members: list[dict[str, Any]] = field(default_factory=list)  # clean values + "_existing"


class HouseholdsKind:
    key = "households"
    title = "困难家庭及成员"
    title_en = "Households and members"
    sheets = (HOUSEHOLD_SHEET, MEMBER_SHEET)
    roles = ("admin", "board_staff")
    rules = (
        "家庭按户主身份证号匹配, 成员按身份证号匹配; 同一文件重复导入不会产生重复记录。",
        "已有的家庭或成员: 用文件中已填写的单元格更新; 空白单元格保留系统中的原值。",
        "出生日期和性别始终由身份证号计算。",
        "系统中已属于另一户的人不会被自动迁户, 该行报错; 迁户请在家庭档案中办理。",
        "导入从不删除数据: 系统中有、文件中没有的成员保持不变。",
        "任何一行有错误时整个文件都不导入; 只有在您明确选择\u201c仅导入正确的行\u201d时才导入正确的行(有错误的户整户不导入)。",
    )
    rules_en = (
        "Households match on the head's ID number, members on their ID number: re-importing creates no duplicates.",
        "A matched record takes the filled-in cells; an empty cell keeps the stored value.",
        "Birth date and sex always come from the ID number.",
        "A person already in another household is refused, never moved.",
        "Importing never deletes: stored members missing from the file stay.",
        "Any bad row rejects the whole file unless you explicitly choose to import only the good rows.",
    )

    # -- validation ----------------------------------------------------------------------------
    def validate(self, ctx: Context, sheets: dict[str, ParsedSheet]) -> list[PlannedHousehold]:
        hh_sheet, mem_sheet = sheets[HOUSEHOLD_SHEET.title], sheets[MEMBER_SHEET.title]
        col = {c.key: c for c in HOUSEHOLD_SHEET.columns}
        mcol = {c.key: c for c in MEMBER_SHEET.columns}

        households: dict[str, ParsedRow] = {}
        for row in hh_sheet.rows:
            if "region_code" in row.values:
                try:
                    row.values["region_code"] = ctx.region(row.values["region_code"])
                except s.CellError as exc:
                    ctx.fault(hh_sheet, row.number, col["region_code"], row.raw.get("region_code"), str(exc))
                    del row.values["region_code"]
            head: ResidentId | None = row.values.get("head_id")
            if head is None:
                continue
            if head.number in households:
                ctx.fault(hh_sheet, row.number, col["head_id"], head.number,
                          f"与第 {households[head.number].number} 行是同一户(户主身份证号重复) (duplicate of row "
                          f"{households[head.number].number})")
                continue
            households[head.number] = row

        members: dict[str, list[ParsedRow]] = {key: [] for key in households}
        seen: dict[str, int] = {}
        heads: dict[str, ParsedRow] = {}
        for row in mem_sheet.rows:
            ident: ResidentId | None = row.values.get("id_number")
            head: ResidentId | None = row.values.get("head_id")
            if ident is not None:
                if ident.number in seen:
                    ctx.fault(mem_sheet, row.number, mcol["id_number"], ident.number,
                              f"身份证号与第 {seen[ident.number]} 行重复 (the same ID number as row {seen[ident.number]})")
                    continue
                seen[ident.number] = row.number
            if head is None:
                continue
            if head.number not in members:
                ctx.fault(mem_sheet, row.number, mcol["head_id"], head.number,
                          "\u201c家庭\u201d表中没有这个户主身份证号 (no household row with this head's ID number)")
                continue
            members[head.number].append(row)
            relation = row.values.get("relation")
            if relation == "head":
                if ident is not None and ident.number != head.number:
                    ctx.fault(mem_sheet, row.number, mcol["relation"], "户主",
                              "户主本人的身份证号应与\u201c户主身份证号\u201d相同 (the head's own ID number must equal the household's)")
                elif head.number in heads:
                    ctx.fault(mem_sheet, row.number, mcol["relation"], "户主",
                              f"一户只能有一名户主, 第 {heads[head.number].number} 行已是户主 (only one head per household)")
                else:
                    heads[head.number] = row
            elif ident is not None and ident.number == head.number:
                ctx.fault(mem_sheet, row.number, mcol["relation"], row.raw.get("relation"),
                          "身份证号与户主相同, 与户主关系应为\u201c户主\u201d (this is the head: relation must be 户主)")
            self._derive_inclusion(ctx, mem_sheet, row, mcol["inclusion_reason"])

        for key, row in households.items():
            if key not in heads and not ctx.is_bad(hh_sheet, row):
                ctx.fault(hh_sheet, row.number, col["head_id"], key,
                          "\u201c家庭成员\u201d表中缺少这户的户主一行 (the head's row is missing on the members sheet)")

        existing = self._existing(ctx, list(seen))
        plans: list[PlannedHousehold] = []
        for key, row in households.items():
            head_row = heads.get(key)
            head_found = existing.get(key)
            target = head_found["household_id"] if head_found else None
            for member in members[key]:
                found = existing.get(member.values["id_number"].number) if "id_number" in member.values else None
                if found and found["household_id"] is not None and found["household_id"] != target:
                    ctx.fault(mem_sheet, member.number, mcol["id_number"], member.values["id_number"].number,
                              f"此人已是系统中另一户(家庭编号 {found['household_id']})的成员, 不会自动迁户 "
                              f"(already a member of household {found['household_id']}: not moved)")
            household_ok = not ctx.is_bad(hh_sheet, row) and head_row is not None and not ctx.is_bad(mem_sheet, head_row)
            if not household_ok:
                # a household is written whole or not at all: its good members wait with it
                for member in members[key]:
                    if not ctx.is_bad(mem_sheet, member):
                        ctx.fault(mem_sheet, member.number, None, None,
                                  "所属家庭(家庭表或户主行)有错误, 本行随该户一起不导入 (its household has errors)")
                continue
            plan = PlannedHousehold(key, {k: row.values[k] for k in HOUSEHOLD_FIELDS if k in row.values}, target)
            for member in members[key]:
                if ctx.is_bad(mem_sheet, member):
                    continue
                values = dict(member.values)
                ident = values.pop("id_number")
                values.pop("head_id", None)
                values.update(id_number=ident.number, birth_date=ident.birth_date, sex=ident.sex,
                              _existing=existing.get(ident.number))
                plan.members.append(values)
            plans.append(plan)
        # rows of a household missing from the household sheet were counted as bad above
        return plans

    @staticmethod
    def _derive_inclusion(ctx: Context, sheet: ParsedSheet, row: ParsedRow, column: Column) -> None:
        if "inclusion_reason" in row.values or "relation" not in row.values:
            return
        relation = row.values["relation"]
        ident: ResidentId | None = row.values.get("id_number")
        if relation in ("head", "spouse"):
            row.values["_derived_inclusion"] = relation
        elif relation == "child" and ident is not None and ident.age_on(ctx.today) < 18:
            row.values["_derived_inclusion"] = "minor_child"
        else:
            ctx.fault(sheet, row.number, column, None,
                      "该成员须填写纳入原因(只有户主、配偶、未成年子女可自动推定) "
                      "(required for this member: only head, spouse and minor children are derived)")

    @staticmethod
    def _existing(ctx: Context, numbers: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        columns = [Person.id, Person.id_number, Person.household_id, *(getattr(Person, f) for f in PERSON_FIELDS)]
        for block in chunked(numbers, 500):
            for row in ctx.session.execute(select(*columns).where(Person.id_number.in_(block))).mappings():
                found[row["id_number"]] = dict(row)
        return found

    # -- writing -------------------------------------------------------------------------------
    def write(self, ctx: Context, plans: list[PlannedHousehold]) -> tuple[int, int]:
        session = ctx.session
        created = updated = 0
        now = utcnow()
        total = sum(1 + len(p.members) for p in plans)
        done = 0

        # households that exist: load their stored values to change only what differs
        existing_ids = [p.existing_id for p in plans if p.existing_id is not None]
        stored: dict[int, dict[str, Any]] = {}
        for block in chunked(existing_ids, 500):
            rows = session.execute(select(Household.id, *(getattr(Household, f) for f in HOUSEHOLD_FIELDS))
                                   .where(Household.id.in_(block))).mappings()
            stored.update({r["id"]: dict(r) for r in rows})
        changes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for plan in plans:
            if plan.existing_id is None:
                continue
            diff = {k: v for k, v in plan.values.items() if stored[plan.existing_id].get(k) != v}
            if diff:
                changes.setdefault(tuple(sorted(diff)), []).append({"_id": plan.existing_id, **diff})
                updated += 1
        table = Household.__table__
        for keys, rows in changes.items():
            stmt = table.update().where(table.c.id == bindparam("_id")).values(
                version=table.c.version + 1, **{k: bindparam(k) for k in keys})
            session.execute(stmt, rows)

        new_plans = [p for p in plans if p.existing_id is None]
        for block in chunked(new_plans, 1000):
            rows = [dict(region_code=p.values["region_code"], area_type=p.values["area_type"],
                         address=p.values.get("address", ""), lat=p.values.get("lat"), lon=p.values.get("lon"),
                         only_child_deceased=p.values.get("only_child_deceased", False),
                         near_relative_of_staff=p.values.get("near_relative_of_staff", False),
                         created_at=now, version=1) for p in block]
            ids = session.execute(insert(Household).returning(Household.id, sort_by_parameter_order=True), rows).scalars().all()
            for plan, new_id in zip(block, ids):
                plan.existing_id = new_id
            created += len(block)
            done += len(block)
            ctx.tick("writing", done, total)

        inserts: list[dict[str, Any]] = []
        person_changes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for plan in plans:
            for member in plan.members:
                found = member.pop("_existing")
                derived = member.pop("_derived_inclusion", None)
                if found is None:
                    row = dict(PERSON_DEFAULTS)
                    row.update({k: v for k, v in member.items()})
                    reason = member.get("inclusion_reason") or derived
                    row.update(household_id=plan.existing_id, inclusion_reason=reason,
                               included=not reason.startswith("excluded"), created_at=now)
                    inserts.append(row)
                    continue
                values = {k: member[k] for k in PERSON_FIELDS if k in member}
                if "inclusion_reason" in values:
                    values["included"] = not values["inclusion_reason"].startswith("excluded")
                if found["household_id"] is None:
                    values["household_id"] = plan.existing_id
                diff = {k: v for k, v in values.items() if found.get(k, object()) != v}
                if diff:
                    person_changes.setdefault(tuple(sorted(diff)), []).append({"_id": found["id"], **diff})
                    updated += 1
        person_table = Person.__table__
        for block in chunked(inserts, 2000):
            # Core executemany: the ORM's bulk path inserts row by row when the keys lack
            # the primary key, ten times slower for a city-sized list
            session.execute(person_table.insert(), block)
            created += len(block)
            done += len(block)
            ctx.tick("writing", done, total)
        for keys, rows in person_changes.items():
            stmt = person_table.update().where(person_table.c.id == bindparam("_id")).values(
                **{k: bindparam(k) for k in keys})
            for block in chunked(rows, 2000):
                session.execute(stmt, block)
        ctx.tick("writing", total, total)
        return created, updated
