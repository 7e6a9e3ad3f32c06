"""Members (党员): validation, create, update, leaving the roll, search and lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from models import Branch, Member
from services import access, naming
from services.errors import (
    ConflictError,
    FieldProblem,
    NormalizeError,
    NotFoundError,
    ValidationError,
)
from services.normalize import (
    LEFT_STATUSES,
    clean_text,
    id_birth_date,
    id_sex,
    keep_text,
    normalize_branch_name,
    normalize_education,
    normalize_ethnicity,
    normalize_id_number,
    normalize_membership,
    normalize_name,
    normalize_optional_text,
    normalize_phone,
    normalize_sex,
    normalize_staff_status,
    normalize_status,
    parse_partial_date,
    partial_end,
    partial_start,
)
from services.roll.branches import BranchNames, find_branch

# The plain records live in services/roll/records.py (no database import); imported from here too.
from services.roll.records import RECORD_FIELDS, MemberPick, MemberRecord, RollCounts  # noqa: F401
from services.safety import changelog, privacy
from services.safety.versions import claim_version


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    headers: tuple[str, ...]
    normalizer: Callable[[Any], Any]


def _text(limit: int) -> Callable[[Any], Any]:
    return lambda value: normalize_optional_text(value, limit)


# The members table of DOMAIN.md, in the order of the canonical roll; the first header is canonical.
MEMBER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "姓名", ("姓名",), normalize_name),
    FieldSpec("id_number", "公民身份号码", ("公民身份号码", "身份证号", "身份证号码", "身份证"), normalize_id_number),
    FieldSpec("sex", "性别", ("性别",), normalize_sex),
    FieldSpec("birth_date", "出生日期", ("出生日期", "出生年月"), parse_partial_date),
    FieldSpec("ethnicity", "民族", ("民族",), normalize_ethnicity),
    FieldSpec("education", "学历", ("学历", "文化程度", "最高学历"), normalize_education),
    FieldSpec("joined_party", "入党日期", ("入党日期", "入党时间"), parse_partial_date),
    FieldSpec("full_member_since", "转正日期", ("转正日期", "转正时间"), parse_partial_date),
    FieldSpec("membership", "党员类别", ("党员类别", "党籍状态"), normalize_membership),
    FieldSpec("branch", "所在党支部", ("所在党支部", "党支部", "所在支部", "支部"), normalize_branch_name),
    FieldSpec("party_post", "党内职务", ("党内职务",), _text(50)),
    FieldSpec("job", "工作岗位", ("工作岗位", "行政职务", "职务"), _text(100)),
    FieldSpec("staff_status", "人员类别", ("人员类别",), normalize_staff_status),
    FieldSpec("phone", "联系电话", ("联系电话", "手机号码", "手机"), normalize_phone),
    FieldSpec("joined_org", "转入日期", ("转入日期", "组织关系转入时间"), parse_partial_date),
    FieldSpec("left_date", "转出日期", ("转出日期", "离开日期"), parse_partial_date),
    FieldSpec("status", "状态", ("状态", "党籍变动"), normalize_status),
    FieldSpec("remarks", "备注", ("备注",), _text(1000)),
)
FIELD_BY_KEY = {f.key: f for f in MEMBER_FIELDS}
LABELS = {f.key: f.label for f in MEMBER_FIELDS} | {"left_reason": "离开原因"}
JSON_KEYS = tuple(f.key for f in MEMBER_FIELDS)




def matches(record: MemberRecord, query: str) -> bool:
    """Search as you type: name, pinyin initials, the tail of the ID number, or the phone."""
    q = clean_text(query).lower().replace(" ", "")
    if not q:
        return True
    return (q in record.name or record.name_initials.startswith(q)
            or record.id_number.lower().endswith(q) or (q.isdigit() and q in (record.phone or "")))


# ---------------------------------------------------------------- validation


def clean_member(raw: dict[str, Any], today: dt.date | None = None) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Normalise and check one member's fields, with no database access.

    Returns the clean values and the problems found; a field with a problem is left out of the
    clean values. `raw` keys are the `MEMBER_FIELDS` keys (plus `left_reason`); missing keys are
    taken as empty.
    """
    today = today or dt.date.today()
    clean: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for spec in MEMBER_FIELDS:
        try:
            clean[spec.key] = spec.normalizer(raw.get(spec.key))
        except NormalizeError as exc:
            problems.append(FieldProblem(spec.key, exc.message, column=LABELS.get(spec.key, spec.key)))
    clean["left_reason"] = keep_text(raw.get("left_reason")) or None
    check_member(clean, problems, today)
    return clean, problems


def check_member(clean: dict[str, Any], problems: list[FieldProblem], today: dt.date,
                 id_facts: tuple[dt.date, str] | None = None) -> None:
    """The checks across fields of clean_member, on fields already normalised (a row of a roll cleaned
    column by column comes here too); adds to `problems` and drops the fields they are about.

    `id_facts`: the birth date and sex the ID number gives, when the caller has them already.
    """

    def problem(key: str, message: str) -> None:
        problems.append(FieldProblem(key, message, column=LABELS.get(key, key)))

    if "name" in clean and clean["name"] is None:
        problem("name", "姓名不能为空")
        clean.pop("name")
    id_number = clean.get("id_number")
    if id_number:
        birth, sex = id_facts or (id_birth_date(id_number), id_sex(id_number))
        if "sex" in clean:
            if clean["sex"] is None:
                clean["sex"] = sex
            elif clean["sex"] != sex:
                problem("sex", f"性别“{clean['sex']}”与身份证号码不符（号码第17位表示{sex}性）")
                clean.pop("sex")
        if "birth_date" in clean:
            given = clean["birth_date"]
            if given is None:
                clean["birth_date"] = birth
            elif not partial_start(given) <= birth <= partial_end(given):
                problem("birth_date", f"出生日期{given}与身份证号码中的{birth.isoformat()}不符")
                clean.pop("birth_date")
            else:
                clean["birth_date"] = birth
    else:
        clean.pop("sex", None)
        clean.pop("birth_date", None)

    born: dt.date | None = clean.get("birth_date")
    joined = clean.get("joined_party")
    full = clean.get("full_member_since")
    if joined:
        if partial_start(joined) > today:
            problem("joined_party", f"入党日期{joined}晚于今天")
            clean.pop("joined_party")
        elif born and partial_end(joined) < _add_years(born, 18):
            age = partial_start(joined).year - born.year
            problem("joined_party", f"入党日期{joined}时年龄约{age}岁，不满18周岁，请核对")
            clean.pop("joined_party")
    if full:
        if partial_start(full) > today:
            problem("full_member_since", f"转正日期{full}晚于今天")
            clean.pop("full_member_since")
        elif clean.get("joined_party") and partial_end(full) < partial_start(clean["joined_party"]):
            problem("full_member_since", f"转正日期{full}早于入党日期{clean['joined_party']}")
            clean.pop("full_member_since")
    membership = clean.get("membership")
    if "membership" in clean and membership is None:
        clean["membership"] = "预备党员" if joined and not full and _recent(joined, today) else "正式党员"
    elif membership == "预备党员" and full:
        problem("full_member_since", "预备党员不应有转正日期；已转正的请把党员类别改为正式党员")
        clean.pop("full_member_since", None)
    if "branch" in clean and not clean["branch"]:
        problem("branch", "所在党支部不能为空")
        clean.pop("branch")
    status = clean.get("status") or "在册"
    if "status" in clean:
        clean["status"] = status
    left = clean.get("left_date")
    if status in LEFT_STATUSES and "left_date" in clean and not left:
        problem("left_date", f"状态为“{status}”时须填写转出（离开）日期")
    if status == "在册" and left:
        problem("status", f"填写了转出日期{left}，状态却是“在册”；请把状态改为转出、去世等")
    if left and clean.get("joined_party") and partial_end(left) < partial_start(clean["joined_party"]):
        problem("left_date", f"转出日期{left}早于入党日期")
    if left and partial_start(left) > today:
        problem("left_date", f"转出日期{left}晚于今天")
    org = clean.get("joined_org")
    if org and partial_start(org) > today:
        problem("joined_org", f"转入日期{org}晚于今天")


@lru_cache(maxsize=1 << 16)  # a roll's birthdays repeat
def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _recent(joined: str, today: dt.date) -> bool:
    return (today - partial_start(joined)).days < 366


# ---------------------------------------------------------------- reading


def _in_roll_order(stmt: Any) -> Any:
    """`stmt` over members joined to their branch, in the roll's order: by branch, then 按姓氏笔画."""
    return (stmt.join(Branch, Branch.id == Member.branch_id)
            .order_by(Branch.sort_order, Branch.id, Member.sort_key, Member.id))


def _record_query() -> Any:
    return _in_roll_order(
        select(
            Member.id, Member.name, Member.id_number, Member.sex, Member.birth_date, Member.ethnicity,
            Member.education, Member.joined_party, Member.full_member_since, Member.membership,
            Branch.name, Member.party_post, Member.job, Member.staff_status, Member.phone,
            Member.joined_org, Member.left_date, Member.status, Member.remarks, Member.branch_id,
            Member.left_reason, Member.name_initials, Member.sort_key, Branch.sort_order, Member.version,
        )
    )


def list_members(
    session: Session,
    *,
    branch: str | None = None,
    branch_id: int | None = None,
    membership: str | None = None,
    status: str | Iterable[str] | None = None,
    party_post: str | None = None,
    query: str | None = None,
    limit: int | None = None,
) -> list[MemberRecord]:
    """Members ordered by branch, then 按姓氏笔画; every filter is optional (a branch account: its
    branches); `limit`: the first rows only."""
    stmt = access.scope(session, _record_query(), branch=Member.branch_id)
    if branch:  # as typed: 第十二党支部(临时) lists the members of the stored 第十二党支部（临时）
        named = BranchNames.load(session).id_of(keep_text(branch))
        stmt = stmt.where(Member.branch_id == named) if named is not None else stmt.where(false())
    if branch_id is not None:
        stmt = stmt.where(Member.branch_id == branch_id)
    if membership:
        stmt = stmt.where(Member.membership == membership)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        stmt = stmt.where(Member.status.in_(statuses))
    if party_post:
        stmt = stmt.where(Member.party_post == party_post) if party_post != "*" else stmt.where(
            Member.party_post.is_not(None))
    q = clean_text(query or "").lower().replace(" ", "")
    if q:
        full = privacy.shows_full_numbers(session)
        conditions = [Member.name.contains(q, autoescape=True),
                      Member.name_initials.startswith(q, autoescape=True)]
        # A 查阅 account searches only by what it is shown (the last four characters), so that a
        # search cannot be used to guess the hidden digits.
        if full or len(q) <= 4:
            conditions.append(Member.id_number.endswith(q.upper(), autoescape=True))
        if q.isdigit() and (full or len(q) <= 4):
            conditions.append(Member.phone.contains(q, autoescape=True) if full
                              else Member.phone.endswith(q, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    if limit is not None:
        stmt = stmt.limit(limit)
    return privacy.for_session(session, (MemberRecord(*row) for row in session.execute(stmt)))


def list_for_picking(session: Session, *, include_left: bool = False) -> list[MemberPick]:
    """The roll as the member pickers show it (id, name, branch, ID number, initials, phone, status), in
    list_members' order, scoped and masked as list_members is: one query of seven columns, not every column of
    every member. The members on the roll (在册) only, unless `include_left`: then also those who left (转出,
    去世, 出党, 停止党籍), who stay in the history and may have to be picked for it."""
    stmt = _in_roll_order(select(Member.id, Member.name, Branch.name, Member.id_number, Member.name_initials,
                                 Member.phone, Member.status))
    stmt = access.scope(session, stmt, branch=Member.branch_id)
    if not include_left:
        stmt = stmt.where(Member.status == "在册")
    return privacy.for_session(session, (MemberPick(*row) for row in session.execute(stmt)))


def roll_counts(session: Session, *, branch_id: int | None = None, membership: str | None = None,
                status: Iterable[str] | None = None) -> RollCounts:
    """One aggregate query (the member list's status line while it shows its first screen only);
    scoped like list_members."""
    active = Member.status == "在册"
    passes = []
    if branch_id is not None:
        passes.append(Member.branch_id == branch_id)
    if membership:
        passes.append(Member.membership == membership)
    if status is not None:
        passes.append(Member.status.in_(list(status)))
    one = literal(1)
    stmt = select(
        func.count(Member.id),
        func.coalesce(func.sum(case((active, one), else_=0)), 0),
        func.coalesce(func.sum(case((and_(active, Member.membership == "预备党员"), one), else_=0)), 0),
        func.coalesce(func.sum(case((and_(*passes), one), else_=0)), 0) if passes else func.count(Member.id),
    )
    # The same members list_members shows (a branch account: its branches; members of a branch).
    stmt = access.scope(session, stmt.select_from(Member).join(Branch, Branch.id == Member.branch_id),
                        branch=Member.branch_id)
    row = session.execute(stmt).one()
    return RollCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def get_member(session: Session, member_id: int) -> MemberRecord:
    row = session.execute(access.scope(session, _record_query(), branch=Member.branch_id)
                          .where(Member.id == member_id)).first()
    if row is None:
        raise NotFoundError(f"编号为{member_id}的党员不存在")
    return privacy.for_session(session, [MemberRecord(*row)])[0]


def find_by_id_number(session: Session, id_number: str) -> MemberRecord | None:
    try:
        id_number = normalize_id_number(id_number)
    except NormalizeError:
        return None
    row = session.execute(access.scope(session, _record_query(), branch=Member.branch_id)
                          .where(Member.id_number == id_number)).first()
    return privacy.for_session(session, [MemberRecord(*row)])[0] if row else None


def member_ids_of(session: Session, references: Iterable[str | int]) -> list[int]:
    """The members a command line names, in order: each by ID number (身份证号码, what a clerk has at
    hand) or by the program's own number (编号: an int, or digits, at most nine, as `attendance show
    --json` gives it; checked by the service it goes to, as before). A member of another branch is
    refused to a branch account as everywhere (access.require_branch)."""
    ids: list[int] = []
    for reference in references:
        text = str(reference).strip()
        if text.isdigit() and len(text) <= 9:
            ids.append(int(text))
            continue
        try:
            number = normalize_id_number(text)
        except NormalizeError as exc:
            raise ValidationError(exc.message, "member") from exc
        found = session.execute(select(Member.id, Member.branch_id).where(Member.id_number == number)).first()
        if found is None:
            raise NotFoundError(f"名册中没有身份证号码为{number}的党员")
        access.require_branch(session, found.branch_id)
        ids.append(found.id)
    return ids


# ---------------------------------------------------------------- writing


def _writable(session: Session, member_id: int) -> Member:
    """The member to change; one outside a branch account's branches is refused (nothing written)."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFoundError(f"编号为{member_id}的党员不存在")
    access.require_branch(session, member.branch_id)
    return member


def _resolve_branch(session: Session, name: str, problems: list[FieldProblem]) -> Branch | None:
    branch = find_branch(session, name)
    if branch is None:
        problems.append(FieldProblem("branch", f"党支部“{name}”不存在，请先新建该支部", column="所在党支部"))
    return branch


def derived_name_fields(name: str) -> dict[str, Any]:
    return {
        "name_initials": naming.pinyin_initials(name),
        "surname_strokes": naming.surname_strokes(name),
        "sort_key": naming.stroke_sort_key(name),
    }


def create_member(session: Session, raw: dict[str, Any], actor: str) -> MemberRecord:
    clean, problems = clean_member(raw)
    branch = _resolve_branch(session, clean["branch"], problems) if clean.get("branch") else None
    if clean.get("id_number"):
        existing = session.scalar(select(Member).where(Member.id_number == clean["id_number"]))
        if existing is not None:
            problems.append(FieldProblem(
                "id_number", f"身份证号码{clean['id_number']}已属于党员“{existing.name}”", column="公民身份号码"))
    if problems:
        raise ValidationError(problems)
    assert branch is not None
    access.require_branch(session, branch.id, "新增")
    values = {k: v for k, v in clean.items() if k != "branch"}
    values["membership"] = values.get("membership") or "正式党员"
    values["status"] = values.get("status") or "在册"
    member = Member(branch_id=branch.id, **values, **derived_name_fields(clean["name"]))
    session.add(member)
    session.flush()
    changelog.record(session, actor, "create", "member", member.id, f"新增党员“{member.name}”（{branch.name}）",
                     {k: (None, v) for k, v in clean.items() if v is not None})
    return get_member(session, member.id)


def update_member(session: Session, member_id: int, raw: dict[str, Any], actor: str,
                  expected_version: int | None = None) -> MemberRecord:
    """Replace the member's fields with `raw` (a full set of fields, as the edit dialog sends).

    With `expected_version` (the version the clerk opened), a save over another clerk's later save
    is refused, saying what the other changed.
    """
    member = _writable(session, member_id)
    if expected_version is not None:
        claim_version(session, Member, member_id, expected_version, f"党员“{member.name}”", "member", LABELS)
    clean, problems = clean_member(raw)
    branch = _resolve_branch(session, clean["branch"], problems) if clean.get("branch") else None
    if clean.get("id_number") and clean["id_number"] != member.id_number:
        other = session.scalar(select(Member).where(Member.id_number == clean["id_number"]))
        if other is not None:
            problems.append(FieldProblem(
                "id_number", f"身份证号码{clean['id_number']}已属于党员“{other.name}”", column="公民身份号码"))
    if problems:
        raise ValidationError(problems)
    assert branch is not None
    access.require_branch(session, branch.id, "把党员转入")
    changes: dict[str, tuple[Any, Any]] = {}
    if branch.id != member.branch_id:
        changes["branch"] = (member.branch.name, branch.name)
        member.branch_id = branch.id
    for key, value in clean.items():
        if key == "branch":
            continue
        if key in ("membership", "status") and value is None:
            continue
        old = getattr(member, key)
        if old != value:
            changes[key] = (old, value)
            setattr(member, key, value)
    if "name" in changes:
        for key, value in derived_name_fields(member.name).items():
            setattr(member, key, value)
    if changes:
        if expected_version is None:
            claim_version(session, Member, member_id, None, f"党员“{member.name}”", "member")
        action = "status" if "status" in changes else "update"
        changelog.record(session, actor, action, "member", member.id,
                         f"修改党员“{member.name}”：" + "、".join(LABELS.get(k, k) for k in changes), changes)
        session.flush()
    return get_member(session, member.id)


def mark_left(session: Session, member_id: int, status: str, left_date: Any, reason: str,
              actor: str) -> MemberRecord:
    """Transfer out, mark deceased, expelled or membership stopped: the record stays in the history."""
    member = _writable(session, member_id)
    problems: list[FieldProblem] = []
    if status not in LEFT_STATUSES:
        problems.append(FieldProblem("status", f"“{status}”不是可选的变动类型（{'、'.join(LEFT_STATUSES)}）",
                                     column="状态"))
    try:
        date = parse_partial_date(left_date)
    except NormalizeError as exc:
        problems.append(FieldProblem("left_date", exc.message, column="转出日期"))
        date = None
    if date is None and not any(p.field == "left_date" for p in problems):
        problems.append(FieldProblem("left_date", "请填写转出（离开）日期", column="转出日期"))
    if date and partial_start(date) > dt.date.today():
        problems.append(FieldProblem("left_date", f"日期{date}晚于今天", column="转出日期"))
    if date and member.joined_party and partial_end(date) < partial_start(member.joined_party):
        problems.append(FieldProblem("left_date", f"日期{date}早于入党日期{member.joined_party}", column="转出日期"))
    if member.status != "在册":
        problems.append(FieldProblem("status", f"该党员的状态已是“{member.status}”", column="状态"))
    if problems:
        raise ValidationError(problems)
    why = keep_text(reason) or None
    changes = {"status": (member.status, status), "left_date": (member.left_date, date),
               "left_reason": (member.left_reason, why)}
    member.status, member.left_date, member.left_reason = status, date, why
    claim_version(session, Member, member.id, None, f"党员“{member.name}”", "member")  # an open edit is now stale
    changelog.record(session, actor, "status", "member", member.id,
                     f"党员“{member.name}”{status}（{date}）", changes)
    session.flush()
    return get_member(session, member.id)


def reinstate(session: Session, member_id: int, actor: str) -> MemberRecord:
    """Undo a leaving entered by mistake: back on the roll."""
    member = _writable(session, member_id)
    if member.status == "在册":
        raise ConflictError(f"党员“{member.name}”本来就在册")
    changes = {"status": (member.status, "在册"), "left_date": (member.left_date, None),
               "left_reason": (member.left_reason, None)}
    member.status, member.left_date, member.left_reason = "在册", None, None
    claim_version(session, Member, member.id, None, f"党员“{member.name}”", "member")
    changelog.record(session, actor, "status", "member", member.id, f"党员“{member.name}”恢复在册", changes)
    session.flush()
    return get_member(session, member.id)


def record_as_raw(record: MemberRecord) -> dict[str, Any]:
    """A member's fields in the form `create_member`/`update_member` accept."""
    data = {key: getattr(record, key) for key in JSON_KEYS}
    data["left_reason"] = record.left_reason
    return data


def to_dict(record: MemberRecord) -> dict[str, Any]:
    return asdict(record)
