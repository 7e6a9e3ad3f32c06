"""Importing a roll (党员花名册) from a spreadsheet: check every row first, then write all in one go."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table as SqlTable
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Branch, Member
from services import access, naming
from services.bulk import chunked, indexes_built_after, insert_rows
from services.changes import note as note_changed
from services.errors import ConflictError, FieldProblem, ValidationError
from services.files.safe_write import FileWriteError
from services.files.spreadsheet import ReadAhead, SheetInfo, Table, read_table
from services.normalize import clean_text, fold_key
from services.progress import Progress, RowProblem, bulk_work, tick
from services.roll.branches import BranchNames, create_branch
from services.roll.members import LABELS, MEMBER_FIELDS
from services.roll.roll_clean import clean_rows
from services.safety import changelog

ON_DUPLICATE = ("refuse", "update", "skip")
SYNONYMS: dict[str, tuple[str, ...]] = {f.key: f.headers for f in MEMBER_FIELDS} | {
    "left_reason": ("离开原因", "转出原因", "变动原因")}
REQUIRED_HEADERS = ("name", "id_number")
MEMBER_KEYS = (*(f.key for f in MEMBER_FIELDS if f.key != "branch"), "left_reason")
ERROR_COLUMN = "错误原因"
CHUNK = 2000

CANCELLED = "导入已取消，数据库未作改动。"
# Free text kept as written: a row that writes it differently but means the same (same fold_key)
# puts the file's form back without counting as a changed member.
TEXT_KEYS = ("name", "party_post", "job", "remarks", "left_reason")


@dataclass
class MemberUpdate:
    row: int
    member_id: int
    name: str
    id_number: str
    changes: dict[str, tuple[Any, Any]]
    values: dict[str, Any]


@dataclass
class ImportPlan:
    """What an import would do, worked out before anything is written."""

    path: str
    sheet: str
    header_row: int
    on_duplicate: str
    total_rows: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    updated: list[MemberUpdate] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_branches: list[str] = field(default_factory=list)
    new_branch_rows: dict[str, int] = field(default_factory=dict)
    headers: list[Any] = field(default_factory=list)
    refused_cells: dict[int, list[Any]] = field(default_factory=dict)
    restored: list[MemberUpdate] = field(default_factory=list)  # unchanged rows whose text comes back as written
    form: str = ""  # the form the file was found in, e.g. 网页表格（HTML）另存的 .xls
    sheets: list[SheetInfo] = field(default_factory=list)

    @property
    def refused_rows(self) -> list[int]:
        return sorted({p.row for p in self.refused})

    @property
    def can_apply(self) -> bool:
        return not self.refused

    def branch_problems(self) -> list[RowProblem]:
        """The refusal a missing branch causes when creating branches is not allowed."""
        column = LABELS["branch"]
        return [RowProblem(self.new_branch_rows.get(name, 0), column,
                           f"党支部“{name}”尚不存在；确认新建后才能导入") for name in self.new_branches]

    def to_json(self, branches_created: list[str] | None = None,
                extra_refused: list[RowProblem] | None = None) -> dict[str, Any]:
        refused = [p.to_json() for p in [*self.refused, *(extra_refused or [])]]
        return {
            "added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
            "skipped": len(self.skipped), "refused": refused, "ignored_columns": list(self.ignored_columns),
            "branches_created": list(branches_created or []), "form": self.form,
        }

    def summary(self) -> str:
        return (f"新增{len(self.added)}名，更新{len(self.updated)}名，未变{len(self.unchanged)}名，"
                f"跳过{len(self.skipped)}名，有问题{len(self.refused_rows)}行")


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    skipped: int
    branches_created: list[str]


@dataclass(frozen=True)
class _Existing:
    id: int
    branch: str
    values: dict[str, Any]


_char_initials: dict[str, str] = {}


def fast_initials(name: str) -> str:
    """naming.pinyin_initials, from a per-character table unless a phrase inside the name changes a reading.

    pypinyin segments text by its phrase dictionary; a name containing no phrase is read character
    by character, so caching each character's initial gives the same result ~50 times faster.
    """
    from pypinyin.constants import PHRASES_DICT  # loaded once, on the first name of a roll

    n = len(name)
    if n == 2:
        phrase = name in PHRASES_DICT
    elif n == 3:  # most names: two characters and the whole
        phrase = name[:2] in PHRASES_DICT or name[1:] in PHRASES_DICT or name in PHRASES_DICT
    else:
        phrase = any(name[i:j] in PHRASES_DICT for i in range(n) for j in range(i + 2, n + 1))
    if phrase:
        return naming.pinyin_initials(name)
    try:
        return "".join([_char_initials[ch] for ch in name]).lower()[:50]
    except KeyError:
        for ch in name:
            if ch not in _char_initials:
                _char_initials[ch] = naming.pinyin_initials(ch)
        return "".join([_char_initials[ch] for ch in name]).lower()[:50]


_COMPOUND_SURNAMES = frozenset(naming.COMPOUND_SURNAMES)  # all of two characters
_sort_pieces: dict[str, str] = {}
DERIVED_KEYS = ("name_initials", "surname_strokes", "sort_key")


def _sort_piece(ch: str) -> str:
    piece = _sort_pieces.get(ch)
    if piece is None:
        piece = _sort_pieces[ch] = f"{naming.strokes(ch):02d}{ord(ch):05X}"
    return piece


@lru_cache(maxsize=65536)
def _derived_values(name: str) -> tuple[str, int, str]:
    """derived_name_fields' values (DERIVED_KEYS), fast and cached: pinyin is the slow part of a row and names repeat.

    The same as naming.surname_strokes and naming.stroke_sort_key, from per-character tables.
    """
    surname = name[:2] if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else name[:1]
    return (fast_initials(name), sum(naming.strokes(ch) for ch in surname),
            "".join([_sort_piece(ch) for ch in name if ch != "·"])[:200])


def _derived(name: str) -> dict[str, Any]:
    return dict(zip(DERIVED_KEYS, _derived_values(name), strict=True))


def _stored_values() -> Any:
    """Each member's id, branch name and the values an import compares (MEMBER_KEYS), as stored."""
    columns = [getattr(Member, key) for key in MEMBER_KEYS]
    return select(Member.id, Branch.name, *columns).join(Branch, Branch.id == Member.branch_id)


def _existing_members(session: Session) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    for row in session.execute(_stored_values()):
        values = dict(zip(MEMBER_KEYS, row[2:], strict=True))
        found[values["id_number"]] = _Existing(row[0], row[1], values)
    return found


@bulk_work
def plan_from_table(session: Session, table: Table, on_duplicate: str = "refuse",
                    progress: Progress | None = None, cancel: threading.Event | None = None,
                    today: dt.date | None = None) -> ImportPlan:
    """Check every row of an already read table against the rules and the database."""
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
    today = today or dt.date.today()
    plan = ImportPlan(path=str(table.path), sheet=table.sheet, header_row=table.header_row,
                      on_duplicate=on_duplicate, total_rows=len(table.rows),
                      ignored_columns=list(table.unknown_columns), headers=list(table.headers),
                      form=table.form_label, sheets=list(table.sheets))
    present = table.fields
    header_for = {key: table.header_of(key) or LABELS.get(key, key) for key in SYNONYMS}
    existing = _existing_members(session)
    branches = BranchNames.load(session)
    new_named: dict[str, str] = {}  # a branch not yet on the roll: fold_key → its first spelling in the file
    resolved: dict[str, str] = {}  # a spelling in the file → the branch it names (once per distinct spelling)
    allowed = _allowed_branches(session)
    first_row: dict[str, int] = {}
    total = max(1, len(table.rows))
    cleaned = _clean_table(table, present, today, cancel)

    for index, trow in enumerate(table.rows):
        if index % 500 == 0:
            tick(cancel, CANCELLED)
            if progress is not None:
                progress(int(100 * index / total), f"正在检查第{trow.number}行（共{total}行）……")
        clean, problems = cleaned[index]
        cleaned[index] = _DONE  # the row's values now live in the plan only
        row_problems = [RowProblem(trow.number, header_for.get(p.field, p.column or p.field), p.message)
                        for p in problems] if problems else []
        if trow.problems:
            row_problems += [RowProblem(trow.number, column, message) for column, message in trow.problems]
        id_number = clean.get("id_number")
        if id_number:
            if id_number in first_row:
                # A repeated number that also disagrees with this row's sex or birth date was most
                # likely mistyped: one message that says both, in the ID column.
                mismatch = [p for p in row_problems if p.column in (header_for["sex"], header_for["birth_date"])]
                hint = "；它与本行的性别或出生日期也不符，可能是号码录错了" if mismatch else ""
                row_problems = [p for p in row_problems if p not in mismatch]
                row_problems.append(RowProblem(
                    trow.number, header_for["id_number"],
                    f"身份证号码{id_number}与第{first_row[id_number]}行重复，同一人只能出现一次{hint}"))
            else:
                first_row[id_number] = trow.number
        if row_problems:
            plan.refused.extend(row_problems)
            plan.refused_cells[trow.number] = trow.cells
            continue
        # The branch as the file types it finds the stored one through fold_key (第十二党支部(临时) is
        # 第十二党支部（临时）); a new branch takes the file's first spelling.
        typed = clean["branch"]
        branch = resolved.get(typed)
        if branch is None:
            branch = resolved[typed] = branches.stored(typed) or new_named.setdefault(fold_key(typed), typed)
        clean["branch"] = branch
        if allowed is not None and (branch not in allowed or (
                id_number in existing and existing[id_number].branch not in allowed)):
            plan.refused.append(RowProblem(trow.number, header_for["branch"],
                                           f"本账号只能导入{'、'.join(sorted(allowed))}的党员"))
            plan.refused_cells[trow.number] = trow.cells
            continue
        if branch not in branches.ids and branch not in plan.new_branch_rows:
            plan.new_branch_rows[branch] = trow.number
            plan.new_branches.append(branch)
        assert id_number is not None  # a row without problems has a valid ID
        old = existing.get(id_number)
        if old is None:
            clean["_row"] = trow.number
            plan.added.append(clean)
            continue
        changes = _changes(old, clean, {key: trow.values.get(key) for key in SYNONYMS}, present)
        cosmetic = {k: v for k, v in changes.items()
                    if k in TEXT_KEYS and v[0] and v[1] and fold_key(v[0]) == fold_key(v[1])}
        if len(cosmetic) == len(changes):
            plan.unchanged.append(trow.number)
            if cosmetic:
                plan.restored.append(MemberUpdate(trow.number, old.id, clean["name"], id_number, cosmetic, clean))
        elif on_duplicate == "update":
            plan.updated.append(MemberUpdate(trow.number, old.id, clean["name"], id_number, changes, clean))
        elif on_duplicate == "skip":
            plan.skipped.append(trow.number)
        else:
            fields_text = "、".join(LABELS.get(k, k) for k in changes if k not in cosmetic)
            plan.refused.append(RowProblem(
                trow.number, header_for["id_number"],
                f"党员“{old.values['name']}”（{id_number}）已在库中，且{fields_text}不同；"
                "如需以本表为准请选择“更新”（命令行加 --on-duplicate update），或选择“跳过”（--on-duplicate skip）"))
            plan.refused_cells[trow.number] = trow.cells
    if progress is not None:
        progress(100, "检查完毕")
    return plan


_DONE: tuple[dict[str, Any], list[FieldProblem]] = ({}, [])


def _clean_table(table: Table, present: set[str], today: dt.date, cancel: threading.Event | None) -> list[tuple[dict[str, Any], list[FieldProblem]]]:
    """clean_member for every row of the table, worked out column by column (services/roll/roll_clean.py)."""
    rows = table.rows
    columns: dict[str, list[Any] | None] = {}
    values = [row.values for row in rows]
    for key in SYNONYMS:
        tick(cancel, CANCELLED)
        if key not in present:
            columns[key] = None
            continue
        try:  # every row's values hold each column the sheet has
            columns[key] = list(map(itemgetter(key), values))
        except KeyError:
            columns[key] = [row.get(key) for row in values]
    return clean_rows(columns, len(rows), today)


def _allowed_branches(session: Session) -> set[str] | None:
    """The branch names a branch account may import into; None: every branch (an office account)."""
    ids = access.current_branches(session)
    return None if ids is None else set(session.scalars(select(Branch.name).where(Branch.id.in_(sorted(ids)))))


def _changes(old: _Existing, clean: dict[str, Any], raw: dict[str, Any], present: set[str]) -> dict[str, tuple[Any, Any]]:
    """Fields the row would change; an empty cell or a missing column never erases what is stored."""
    changes: dict[str, tuple[Any, Any]] = {}
    for key in SYNONYMS:
        if key not in present or raw.get(key) is None or clean_text(raw.get(key)) == "":
            continue
        new = clean.get(key)
        current = old.branch if key == "branch" else old.values.get(key)
        if new != current:
            changes[key] = (current, new)
    return changes


def plan_import(session: Session, path: Path | str, sheet: str | None = None, on_duplicate: str = "refuse",
                progress: Progress | None = None, cancel: threading.Event | None = None,
                max_rows: int | None = None, today: dt.date | None = None,
                ahead: ReadAhead | None = None) -> ImportPlan:
    """Read the file and check every row; nothing is written. `ahead`: the file (sheet, max_rows) opened ahead."""
    if progress is not None:
        progress(0, "正在读取文件……")
    load_pinyin_meanwhile()
    table = read_table(path, SYNONYMS, sheet=sheet, required=REQUIRED_HEADERS, max_rows=max_rows,
                       progress=progress, cancel=cancel, ahead=ahead)
    tick(cancel, CANCELLED)
    return plan_from_table(session, table, on_duplicate, progress, cancel, today)


_pinyin_loading: list[threading.Thread] = []


def load_pinyin_meanwhile() -> None:
    """Load pypinyin and its phrase dictionary (about half a second) in the background while the file is read.

    The reader spends most of its time inside python-calamine, which lets other threads run; the
    first name then finds pypinyin ready. Once per process; a failure only means it loads later.
    """
    if _pinyin_loading:
        return

    def load() -> None:
        with contextlib.suppress(Exception):  # the import itself will meet it again and say so
            fast_initials("张伟")

    thread = threading.Thread(target=load, name="pypinyin-preload", daemon=True)
    _pinyin_loading.append(thread)
    thread.start()


_INSERT_KEYS = (*MEMBER_KEYS, "branch_id", *DERIVED_KEYS)
_pick_member = itemgetter(*MEMBER_KEYS)
_MEMBERSHIP = MEMBER_KEYS.index("membership")
_STATUS = MEMBER_KEYS.index("status")


def _member_row(clean: dict[str, Any], branch_id: int) -> tuple[Any, ...]:
    """The values of one new member in the order of _INSERT_KEYS."""
    try:
        values = list(_pick_member(clean))
    except KeyError:
        values = [clean.get(key) for key in MEMBER_KEYS]
    values[_MEMBERSHIP] = values[_MEMBERSHIP] or "正式党员"
    values[_STATUS] = values[_STATUS] or "在册"
    return (*values, branch_id, *_derived_values(clean["name"]))


def _bulk_insert(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """INSERT many members at once through the driver's executemany (services/bulk.py), past the session:
    announced through `note`."""
    if rows:
        insert_rows(session.connection(), cast(SqlTable, Member.__table__), _INSERT_KEYS, rows)
        note_changed(session, "member")


@bulk_work
def apply_import(session: Session, plan: ImportPlan, actor: str, create_branches: bool = False,
                 progress: Progress | None = None, cancel: threading.Event | None = None) -> ImportResult:
    """Write the plan in the caller's transaction; raises (and writes nothing) if it cannot all go in."""
    if plan.refused:
        raise ValidationError([FieldProblem("row", p.message, row=p.row, column=p.column) for p in plan.refused[:50]])
    allowed = _allowed_branches(session)
    if allowed is not None and any(c["branch"] not in allowed for c in [*plan.added, *(u.values for u in plan.updated)]):
        access.require_branch(session, None, "导入")  # a plan made for another account: refused
    names = BranchNames.load(session)
    missing = [name for name in plan.new_branches if names.stored(name) is None]
    if missing and not create_branches:
        raise ValidationError(f"以下党支部尚不存在：{'、'.join(missing)}。确认新建这些支部后才能导入。",
                              field="branch")
    # The database may have changed since the preview: a member added meanwhile must not be duplicated.
    ids = [c["id_number"] for c in plan.added]
    if len(ids) > 900:  # one query for the roll rather than one per 900 numbers
        stored = set(session.scalars(select(Member.id_number)))
        taken = next((number for number in ids if number in stored), None)
    else:
        taken = session.scalars(select(Member.id_number).where(Member.id_number.in_(ids))).first() if ids else None
    if taken:
        raise ConflictError(f"身份证号码{taken}已在库中（预览之后有人新增了该党员）；请重新预览后再导入。")
    _refuse_changed_since_preview(session, [*plan.updated, *plan.restored])
    tick(cancel, CANCELLED)
    created: list[str] = []
    for name in missing:
        info = create_branch(session, name, actor)
        names.add(info.name, info.id)
        created.append(info.name)
    branch_ids = _branch_ids(names, plan)
    total = max(1, len(plan.added) + len(plan.updated) + len(plan.restored))
    done = 0
    # The first chunk goes in as any write (and opens SQLite's transaction); a large roll into a
    # small table then has the member indexes built once the rest is in (services/bulk.py).
    with contextlib.ExitStack() as after:
        for start in range(0, len(plan.added), CHUNK):
            tick(cancel, CANCELLED)
            chunk = plan.added[start:start + CHUNK]
            _bulk_insert(session, [_member_row(c, branch_ids[c["branch"]]) for c in chunk])
            done += len(chunk)
            if start == 0:
                after.enter_context(indexes_built_after(session.connection(), cast(SqlTable, Member.__table__),
                                                        len(plan.added) - done))
            if progress is not None:
                progress(int(100 * done / total), f"已写入{done}名（共{total}名）……")
    updates = [(item, "导入花名册时修改党员") for item in plan.updated]
    updates += [(item, "导入花名册时按文件恢复党员原文") for item in plan.restored]
    for start in range(0, len(updates), CHUNK):
        tick(cancel, CANCELLED)
        rows = []
        for item, what in updates[start:start + CHUNK]:
            values: dict[str, Any] = {"id": item.member_id}
            for key, (_old, new) in item.changes.items():
                if key == "branch":
                    values["branch_id"] = branch_ids[new]
                else:
                    values[key] = new
            if "name" in item.changes:
                values.update(_derived(item.changes["name"][1]))
            rows.append(values)
            changelog.record(session, actor, "update", "member", item.member_id,
                             f"{what}“{item.name}”：" + "、".join(LABELS.get(k, k) for k in item.changes),
                             item.changes)
        session.execute(update(Member), rows)
        for run in chunked([row["id"] for row in rows]):  # an edit opened before the import is now stale
            session.execute(update(Member).where(Member.id.in_(run)).values(version=Member.version + 1))
        done += len(rows)
        if progress is not None:
            progress(int(100 * done / total), f"已写入{done}名（共{total}名）……")
    tick(cancel, CANCELLED)
    source = Path(plan.path).name
    changelog.record(
        session, actor, "import", "member", None,
        f"导入花名册“{source}”（工作表“{plan.sheet}”）：{plan.summary()}"
        + (f"；新建党支部{'、'.join(created)}" if created else ""),
        {"added": (None, len(plan.added)), "updated": (None, len(plan.updated)),
         "unchanged": (None, len(plan.unchanged)), "skipped": (None, len(plan.skipped)),
         "branches_created": (None, created), "file": (None, source)},
    )
    session.flush()
    return ImportResult(len(plan.added), len(plan.updated), len(plan.unchanged), len(plan.skipped), created)


def _refuse_changed_since_preview(session: Session, items: list[MemberUpdate]) -> None:
    """Refuse (ConflictError, nothing written) when a member the import would change is no longer as the preview
    found it: another clerk edited or removed them meanwhile, and the import would write over that unseen."""
    by_id = {item.member_id: item for item in items}
    seen: set[int] = set()
    for run in chunked(list(by_id)):
        for row in session.execute(_stored_values().where(Member.id.in_(run))):
            seen.add(row[0])
            item = by_id[row[0]]
            now = dict(zip(MEMBER_KEYS, row[2:], strict=True)) | {"branch": row[1]}
            moved = [key for key, (old, _new) in item.changes.items() if now.get(key) != old]
            if moved:
                raise ConflictError(f"党员“{item.name}”（第{item.row}行）的" + "、".join(LABELS.get(k, k) for k in moved)
                                    + "在预览之后已被其他人修改；请重新预览后再导入，数据库未作改动。")
    gone = next((item for member_id, item in by_id.items() if member_id not in seen), None)
    if gone is not None:
        raise ConflictError(f"党员“{gone.name}”（第{gone.row}行）在预览之后已被其他人删除；请重新预览后再导入，数据库未作改动。")


def _branch_ids(names: BranchNames, plan: ImportPlan) -> dict[str, int]:
    """The id of every branch the plan names (one dict for the whole roll)."""
    wanted = {c["branch"] for c in plan.added} | {
        u.changes["branch"][1] for u in plan.updated if "branch" in u.changes}
    ids: dict[str, int] = {}
    for name in wanted:
        found = names.id_of(name)
        if found is None:
            raise ConflictError(f"党支部“{name}”已不存在（预览之后有人改了它的名称或删除了它）；请重新预览后再导入。")
        ids[name] = found
    return ids


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:  # either is missing: not the same file
        return False


def write_refused_rows(plan: ImportPlan, out: Path | str) -> Path:
    """The refused rows with their original cells and a 错误原因 column, to fix and import again."""
    from services.files.xlsx_direct import SheetLayout, write_sheet

    out = Path(out)
    if plan.path and _same_file(out, Path(plan.path)):
        raise FileWriteError(f"无法写入文件 {out}：它就是正在导入的花名册，另存有问题的行会把它覆盖；请另选文件名。"
                             "文件没有写成，数据库未作改动。")
    headers = [h for h in plan.headers]
    while headers and (headers[-1] is None or str(headers[-1]).strip() == ""):
        headers.pop()
    reasons: dict[int, list[str]] = {}
    for p in plan.refused:
        reasons.setdefault(p.row, []).append(f"“{p.column}”：{p.message}")

    def rows() -> Iterator[list[Any]]:
        yield [*headers, ERROR_COLUMN, "原行号"]
        for number in sorted(reasons):
            cells = list(plan.refused_cells.get(number, []))[:len(headers)]
            yield [*cells, *[None] * (len(headers) - len(cells)), "；".join(reasons[number]), number]

    # Written row after row into the file (xlsx_direct): 50 000 refused rows in seconds, never held as cells.
    layout = SheetLayout("未导入的行", [8.0, *[14.0] * (len(headers) - 1), 60.0], freeze="A2")
    write_sheet(out, layout, rows())
    return out
