"""Roles and who is acting: the three roles, what each may do, and the account bound to a session.

The workspace binds the logged-in account's role to every session it hands out, so that a
service can ask `current_role(session)` (for example to mask ID numbers for a 查阅 account)
without any view having to remember it.

It binds the account's branches too. A branch account (支部账号: 录入员 or 查阅 limited to some
branches) sees and edits only its branches: the services pass their queries through `scope`
(one place for the rule), and refuse a write outside them with `require_member`/`require_branch`.
What holds for the whole bureau (`OFFICE_TABLES`: activity types, targets, spending, surveys …) a branch
account's session refuses at flush, whichever service tries. An office account (no branch) sees everything.

Which activities a branch account sees: those organised by one of its branches, and those with one
of its branches' members enrolled or on an attendance sheet (a bureau class its members attend).
Inside such an activity it sees, takes and counts only its own members' enrolment and attendance.
One activity read by its number (its details, attendance sheet, prints, certificates) follows the same rule
(`require_activity`): what the list does not show, no path opens.

An organiser (主办单位) is free text, stored as the clerk typed it; it names a branch when its
`fold_key` is the key of a name the branch answers to (`BranchOrganisers`): its present name, or a
name it had before a rename, or the name of a branch merged into it (both read from the change log).
So `第一党支部（机关）`, `第一党支部(机关)`, `第一党支部（机关） ` and `ＤＹ支部`/`DY支部` are one organiser,
and an activity organised before a rename stays the renamed branch's. A present name wins over a
former one (a new branch may take an old name). A text that only contains a branch's name
(`局党委、第一党支部联合举办`) names no branch: such an activity is seen through its participants.
There is no activity-to-branch column: the organiser is what the clerk fills in, and the participants
say the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, CompoundSelect, Select, event, inspect, or_, select
from sqlalchemy.orm import ORMExecuteState, Session

from models import (
    Account,
    AccountBranch,
    Activity,
    ActivitySession,
    Attendance,
    Branch,
    ChangeLog,
    Enrolment,
    Member,
)
from services.bulk import chunked
from services.errors import PermissionDeniedError
from services.normalize import fold_key
from services.roles import ADMIN, EDITOR, ROLE_RANK, ROLES, VIEWER  # noqa: F401  (the roles' home: services/roles.py)
from services.safety import changelog

_ROLE = "dangxun.role"
_ACTOR = "dangxun.actor"
_BRANCHES = "dangxun.branches"
_ORGANISERS = "dangxun.branch_organisers"

R = TypeVar("R")
S = TypeVar("S", bound=Select)  # type: ignore[type-arg]


def role_allows(role: str | None, needed: str) -> bool:
    """None stands for a database without accounts, where everyone may do everything."""
    if role is None:
        return True
    return ROLE_RANK.get(role, 0) >= ROLE_RANK[needed]


def require(role: str | None, needed: str, what: str = "此操作") -> None:
    """Raise PermissionDeniedError unless `role` includes `needed`."""
    if not role_allows(role, needed):
        raise PermissionDeniedError(f"当前账号（{role}）无权{what}：需要“{needed}”或更高权限。")


def can_write(role: str | None) -> bool:
    return role_allows(role, EDITOR)


def bind(session: Session, role: str | None, actor: str,
         branch_ids: Iterable[int] | None = None) -> Session:
    """Mark `session` as acting for `actor` with `role` (None: a database without accounts).

    `branch_ids` limits the session to those branches (a branch account); None or empty: everything.
    """
    session.info[_ROLE] = role
    session.info[_ACTOR] = actor
    ids = frozenset(branch_ids or ())
    session.info[_BRANCHES] = ids or None
    if ids and not event.contains(session, "before_flush", _refuse_office_rows):
        event.listen(session, "before_flush", _refuse_office_rows)
        event.listen(session, "do_orm_execute", _refuse_office_statements)
    return session


def current_role(session: Session) -> str | None:
    """The role bound to `session`; None when unbound or the database has no accounts."""
    return session.info.get(_ROLE)


def current_actor(session: Session, default: str = "系统") -> str:
    return session.info.get(_ACTOR) or default


# ---------------------------------------------------------------- branch accounts


def current_branches(session: Session) -> frozenset[int] | None:
    """The branch ids `session` is limited to; None for an office account (everything)."""
    return session.info.get(_BRANCHES)


def is_limited(session: Session) -> bool:
    return current_branches(session) is not None


def scoped_member_ids(branch_ids: Iterable[int]) -> Select[Any]:
    """The ids of the members of `branch_ids` (a subquery)."""
    return select(Member.id).where(Member.branch_id.in_(sorted(branch_ids)))


class BranchOrganisers:
    """Which branch an organiser (主办单位) names: the one rule (see the module docstring).

    Built from the branch table and the change log's branch entries (a few hundred rows at most).
    """

    def __init__(self, current: Iterable[tuple[int, str]], history: Iterable[tuple[int | None, str, str]] = ()) -> None:
        current = list(current)
        live = {id_ for id_, _ in current}
        former = self._former(history)
        self.keys: dict[str, int] = {k: id_ for k, id_ in former.items() if id_ in live}
        self.keys.update({fold_key(name): id_ for id_, name in reversed(current)})  # the first in order wins

    @staticmethod
    def _former(history: Iterable[tuple[int | None, str, str]]) -> dict[str, int]:
        """Former names' keys → the branch that answers to them now, walking the log in order."""
        former: dict[str, int] = {}
        holder: dict[str, int] = {}  # a name's key → the branch that had it at that point of the log
        for entity_id, action, changes_json in history:
            try:
                changes = json.loads(changes_json or "{}")
            except ValueError:
                continue
            old, new = (list(changes.get("name") or (None, None)) + [None, None])[:2]
            if entity_id is None:
                continue
            if action == "create" and new:
                holder[fold_key(new)] = entity_id
            elif action == "update" and old and new:
                holder.pop(fold_key(old), None)
                holder[fold_key(new)] = entity_id
                former[fold_key(old)] = entity_id
            elif action == "merge" and (changes.get("merged_from") or [None])[0]:
                key = fold_key(changes["merged_from"][0])
                source = holder.pop(key, None)
                former = {k: (entity_id if v == source else v) for k, v in former.items()}
                former[key] = entity_id
            elif action == "delete":
                former = {k: v for k, v in former.items() if v != entity_id}
                if old:
                    holder.pop(fold_key(old), None)
        return former

    @classmethod
    def load(cls, session: Session) -> BranchOrganisers:
        current = session.execute(select(Branch.id, Branch.name).order_by(Branch.sort_order, Branch.id))
        history = session.execute(select(ChangeLog.entity_id, ChangeLog.action, ChangeLog.changes)
                                  .where(ChangeLog.entity == "branch",
                                         ChangeLog.action.in_(("create", "update", "merge", "delete")))
                                  .order_by(ChangeLog.id))
        return cls([(i, n) for i, n in current], [(i, a, c) for i, a, c in history])

    def branch_of(self, organiser: str | None) -> int | None:
        """The id of the branch `organiser` names, or None (another body, or nobody)."""
        return self.keys.get(fold_key(organiser)) if organiser else None


def branch_organisers(session: Session) -> BranchOrganisers:
    """The organiser rule for `session`; a branch account's session reads it once (only the office renames,
    merges or deletes branches, so it cannot change under that session)."""
    found = session.info.get(_ORGANISERS)
    if found is None:
        found = BranchOrganisers.load(session)
        if is_limited(session):
            session.info[_ORGANISERS] = found
    return found


def organisers_of(session: Session, branch_ids: Iterable[int]) -> list[str]:
    """The organiser texts, as stored on activities, that name one of `branch_ids`."""
    ids = set(branch_ids)
    rule = branch_organisers(session)
    texts = session.scalars(select(Activity.organiser).distinct().where(Activity.organiser.is_not(None)))
    return sorted(t for t in texts if t is not None and rule.branch_of(t) in ids)


def scoped_activity_ids(session: Session, branch_ids: Iterable[int]) -> Select[Any]:
    """The ids of the activities a branch account sees (see the module docstring for the rule)."""
    ids = sorted(branch_ids)
    members = scoped_member_ids(ids)
    return select(Activity.id).where(or_(
        Activity.organiser.in_(organisers_of(session, ids)),
        Activity.id.in_(select(Enrolment.activity_id).where(Enrolment.member_id.in_(members))),
        Activity.id.in_(select(ActivitySession.activity_id)
                        .join(Attendance, Attendance.session_id == ActivitySession.id)
                        .where(Attendance.member_id.in_(members))),
        Activity.id.in_(_created_by_accounts_of(ids)),
        Activity.id.in_(_created_here(session)),
    ))


def _created_by_accounts_of(ids: Iterable[int]) -> Select[Any]:
    """The ids of the activities an account of these branches created (the change log's entries): a class
    of a higher body (市委组织部) a branch clerk has just entered is theirs before anyone is enrolled."""
    accounts = (select(Account.username).join(AccountBranch, AccountBranch.account_id == Account.id)
                .where(AccountBranch.branch_id.in_(sorted(ids))))
    return select(ChangeLog.entity_id).where(ChangeLog.entity == "activity", ChangeLog.action == "create",
                                             ChangeLog.actor.in_(accounts))


def _created_here(session: Session) -> list[int]:
    """The activities this session has created and not yet committed: their change-log entries are written at
    commit (services/safety/changelog.py), and a new activity is read back in the transaction that made it."""
    return sorted({e.entity_id for e in session.info.get(changelog.PENDING, ())
                   if e.entity == "activity" and e.action == "create" and e.entity_id is not None})


def scope(session: Session, stmt: S, *, branch: Any = None, member: Any = None, activity: Any = None) -> S:
    """`stmt` limited to what the account of `session` may see; unchanged for an office account.

    Name the columns that carry the record's branch, member or activity id: `branch=Member.branch_id`,
    `member=Attendance.member_id`, `activity=Activity.id`. Every column named must be in scope.
    """
    ids = current_branches(session)
    if ids is None:
        return stmt
    for condition in _conditions(session, ids, branch, member, activity):
        stmt = stmt.where(condition)
    return stmt


def _conditions(session: Session, ids: frozenset[int], branch: Any, member: Any,
                activity: Any) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if branch is not None:
        out.append(branch.in_(sorted(ids)))
    if member is not None:
        out.append(member.in_(scoped_member_ids(ids)))
    if activity is not None:
        out.append(activity.in_(scoped_activity_ids(session, ids)))
    return out


def own_branch_name(session: Session) -> str | None:
    """A branch account's first branch (the organiser of the activities it creates); None: office."""
    ids = current_branches(session)
    if ids is None:
        return None
    return session.scalar(select(Branch.name).where(Branch.id.in_(sorted(ids))).order_by(Branch.sort_order, Branch.id))


def visible_member_ids(session: Session) -> set[int] | None:
    """The ids of the members the account sees, for filtering in Python; None: every member."""
    ids = current_branches(session)
    if ids is None:
        return None
    return set(session.scalars(scoped_member_ids(ids)))


def visible_records(session: Session, records: Iterable[R]) -> list[R]:
    """Records handed in by a caller (a tab's current filter), without those outside a branch account's branches.

    Each record carries a `branch_id`.
    """
    ids = current_branches(session)
    return list(records) if ids is None else [r for r in records if getattr(r, "branch_id", None) in ids]


def _outside(what: str) -> PermissionDeniedError:
    return PermissionDeniedError(f"当前账号只能{what}本支部的数据：该记录属于其他党支部，数据库未作改动。")


def require_branch(session: Session, branch_id: int | None, what: str = "修改") -> None:
    """Refuse (PermissionDeniedError) a write into a branch outside the account's branches."""
    ids = current_branches(session)
    if ids is not None and branch_id not in ids:
        raise _outside(what)


def sees_members(session: Session, member_ids: Iterable[int]) -> bool:
    """Whether the account sees every one of `member_ids` (an office account: always)."""
    try:
        require_members(session, member_ids, "查看")
    except PermissionDeniedError:
        return False
    return True


def require_members(session: Session, member_ids: Iterable[int], what: str = "修改") -> None:
    """Refuse a write that touches a member outside the account's branches (nothing is written)."""
    ids = current_branches(session)
    if ids is None:
        return
    # Any number of members: in runs (services/bulk.py), each run checked against the account's branches.
    for run in chunked(sorted(set(member_ids))):
        inside = set(session.scalars(select(Member.id).where(Member.id.in_(run), Member.branch_id.in_(sorted(ids)))))
        if len(inside) < len(run):
            raise _outside(what)


def _participants(activity_id: int) -> CompoundSelect[Any]:
    """The members enrolled in or on an attendance sheet of the activity."""
    return select(Enrolment.member_id).where(Enrolment.activity_id == activity_id).union(
        select(Attendance.member_id).join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .where(ActivitySession.activity_id == activity_id))


def _others_take_part(session: Session, ids: frozenset[int], activity_id: int) -> bool:
    others = select(Member.id).where(Member.id.in_(_participants(activity_id)), Member.branch_id.not_in(sorted(ids)))
    return session.scalar(others.limit(1)) is not None


def sees_activity(session: Session, activity_id: int) -> bool:
    """Whether the account's activity list shows this activity (`scoped_activity_ids`); an office account: always."""
    ids = current_branches(session)
    return ids is None or session.scalar(scoped_activity_ids(session, ids).where(Activity.id == activity_id)) is not None


def require_activity(session: Session, activity_id: int, what: str = "查看") -> None:
    """Refuse a branch account one activity read by its number (its details, sessions, sheets, certificates)
    unless its activity list shows it: the list's rule (`scoped_activity_ids`), whatever path reads it.

    An activity that does not exist passes: the caller says it does not exist. An activity a branch account
    has just created is its own (the change log says who created it), before anyone is enrolled.
    """
    if sees_activity(session, activity_id) or session.get(Activity, activity_id) is None:
        return
    raise PermissionDeniedError(f"编号为{activity_id}的活动不属于本支部（不是本支部主办，也没有本支部的党员报名或参加），"
                                f"支部账号不能{what}，请由党委办公室的账号办理。本支部党员参加局党委或上级组织举办的活动，"
                                f"为他们报名后即可{what}。")


def require_activity_joinable(session: Session, activity_id: int) -> None:
    """Refuse a branch account to put its members on another branch's activity it is not yet part of.

    That branch's plan is that branch's to fill (and once others take part, it could no longer change it).
    A bureau or higher body's activity (局党委, 市委组织部) its members may join: that is how they attend.
    """
    ids = current_branches(session)
    activity = session.get(Activity, activity_id) if ids is not None else None
    if ids is None or activity is None:
        return
    owner = branch_organisers(session).branch_of(activity.organiser)
    if owner is None or owner in ids:
        return
    if not sees_activity(session, activity_id):
        raise PermissionDeniedError(f"该活动由其他党支部（{activity.organiser}）主办，支部账号不能为它报名或记录考勤；"
                                    "请由主办支部或党委办公室的账号操作；数据库未作改动。")


def require_activity_editable(session: Session, activity_id: int, what: str = "修改") -> None:
    """Refuse a branch account a change to an activity that is not its branches' own.

    Other branches' members take part: its dates, sessions and hours are theirs too, the office changes it.
    It does not see it (organised by another branch, or by the office with nobody of its own on it, and no
    account of its branches created it): it is someone else's plan.
    """
    ids = current_branches(session)
    if ids is None or session.get(Activity, activity_id) is None:  # not found: the caller says so
        return
    if _others_take_part(session, ids, activity_id):
        raise PermissionDeniedError(f"支部账号不能{what}该活动：有其他党支部的党员参加，请由党委办公室的账号操作；"
                                    "数据库未作改动。")
    if not sees_activity(session, activity_id):
        raise PermissionDeniedError(f"支部账号不能{what}该活动：它不是本支部的活动（主办单位不是本支部，也没有本支部的党员"
                                    "参加），请由党委办公室的账号操作；数据库未作改动。")


SNAPSHOT_REASON = "数据库的副本含全局所有党员的个人信息"

# What holds for the whole bureau, and so only the office writes (the tables' names → what a clerk calls
# them). A branch account's session refuses any change to them at flush, whichever service tries.
OFFICE_TABLES = {
    "branch": "党支部", "branch_assessment": "支部考核", "activity_type": "活动类别",
    "target_rule": "年度学时目标", "target_excluded_type": "不计入学时目标的活动类别",
    "plan_period": "教育培训规划", "plan_target": "规划的学时目标", "spending": "党费和经费开支",
    "study_plan": "年度学习计划", "study_item": "学习计划的书目和专题", "submitted_report": "上报数",
    "survey": "问卷调查", "survey_question": "问卷调查", "survey_response": "问卷调查", "survey_answer": "问卷调查",
    "setting": "全局设置",
}
# Settings any account may write: the certificates' key, made on first use (services/training/certificates.py).
SETTINGS_ANY_ACCOUNT = frozenset({"certificate.secret"})


def _office_table(obj: Any) -> str | None:
    table = getattr(obj, "__tablename__", None)
    if table == "setting" and getattr(obj, "key", None) in SETTINGS_ANY_ACCOUNT:
        return None
    return OFFICE_TABLES.get(table) if table else None


def _refuse_office_rows(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        label = _office_table(obj)
        if label is not None and (obj not in session.dirty or session.is_modified(obj, include_collections=False)):
            require_office(session, f"修改{label}", "这是全局的设置或记录")
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Activity) and (obj in session.new or inspect(obj).attrs.organiser.history.has_changes()):
            require_organiser(session, obj.organiser)


def require_organiser(session: Session, organiser: str | None) -> None:
    """Refuse a branch account an activity organised by another branch (it would be that branch's activity).

    Its own branches, a body that is no branch (局党委, 市委组织部) or none: allowed.
    """
    ids = current_branches(session)
    if ids is None:
        return
    other = branch_organisers(session).branch_of(organiser)
    if other is not None and other not in ids:
        raise PermissionDeniedError(f"支部账号不能以其他党支部的名义新建或修改活动：主办单位“{organiser}”是其他党支部，"
                                    "请填写本支部或上级组织；数据库未作改动。")


def _refuse_office_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        label = OFFICE_TABLES.get(getattr(table, "name", ""))
        if label is not None:
            require_office(state.session, f"修改{label}", "这是全局的设置或记录")


def require_office(session_or_branches: Session | Iterable[int] | None, what: str, why: str = "") -> None:
    """Refuse to a branch account what only the office may do (a backup or copy: say `why`)."""
    if isinstance(session_or_branches, Session):
        ids = current_branches(session_or_branches)
    else:
        ids = frozenset(session_or_branches or ()) or None
    if ids is not None:
        because = f"{why}，" if why else ""
        raise PermissionDeniedError(f"支部账号不能{what}：{because}只能由党委办公室的账号（不限支部）操作。")
