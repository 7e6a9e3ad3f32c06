"""Demonstration training history: a few realistic years of study activities, enrolment and attendance."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, ActivityType, Attendance, Branch, Enrolment, Member
from services.demo.records import mark_demo
from services.errors import ConflictError
from services.normalize import ATTENDED_STATUSES, COMMITTEE_POSTS, partial_end, partial_start
from services.safety import changelog
from services.training import certificates

CLASS_PLACES = (("西柏坡", "西柏坡纪念馆"), ("延安", "延安革命纪念馆"), ("井冈山", "井冈山革命博物馆"),
                ("嘉兴南湖", "南湖革命纪念馆"), ("红旗渠", "红旗渠纪念馆"), ("古田", "古田会议会址"))
PARTY_LESSONS = ("学习习近平新时代中国特色社会主义思想", "弘扬伟大建党精神", "加强党性修养 提高党性觉悟",
                 "以案为鉴 筑牢廉洁防线", "践行党的群众路线", "发扬斗争精神 增强斗争本领",
                 "学习贯彻党章党规", "牢记初心使命 勇于担当作为")
THEME_DAYS = ("重温入党誓词", "参观红色教育基地", "志愿服务进社区", "学习党史故事", "开展廉政谈话",
              "集中学习新修订《中国共产党纪律处分条例》")
SPECIAL = ("学习贯彻党的二十大精神专题培训", "党纪学习教育专题培训", "学习贯彻习近平新时代中国特色社会主义思想主题教育专题培训",
           "全面从严治党专题培训", "党的创新理论专题培训")
LEAVE_REASONS = ("病假", "事假", "公假")


@dataclass(frozen=True)
class TrainingDemoResult:
    activities: int
    sessions: int
    attendance: int
    certificates: int


def _on_roll(joined: str | None, org: str | None, left: str | None, day: dt.date) -> bool:
    start = max((partial_start(d) for d in (joined, org) if d), default=dt.date.min)
    return start <= day and (not left or partial_end(left) >= day)


def _status(rng: random.Random) -> tuple[str, str | None]:
    roll = rng.random()
    if roll < 0.90:
        return "出席", None
    if roll < 0.93:
        return "迟到", None
    if roll < 0.94:
        return "早退", None
    if roll < 0.98:
        return "请假", rng.choice(LEAVE_REASONS)
    return "缺席", None


def seed_demo_activities(session: Session, today: dt.date | None = None, seed: int = 2024, years: int = 5,
                         actor: str = "示例数据") -> TrainingDemoResult:
    """Fill the training history of the last `years` years (and the rest of this one as plans).

    Refuses a database that already has activities, and one without members.
    """
    today = today or dt.date.today()
    if session.scalar(select(func.count(Activity.id))):
        raise ConflictError("数据库中已有培训活动，示例培训数据只能载入没有活动的数据库")
    rows: list[Any] = list(session.execute(
        select(Member.id, Member.branch_id, Member.party_post, Member.joined_party, Member.joined_org,
               Member.left_date).join(Branch, Branch.id == Member.branch_id)
        .order_by(Branch.sort_order, Member.sort_key)))
    if not rows:
        raise ConflictError("请先载入党员名册，再载入示例培训数据")
    rng = random.Random(seed)
    types = {name: t_id for t_id, name in session.execute(select(ActivityType.id, ActivityType.name))}
    branches = sorted({r.branch_id for r in rows})
    branch_names = {b_id: name for b_id, name in session.execute(select(Branch.id, Branch.name))}
    leaders = [r for r in rows if r.party_post] or rows[:15]
    committee = [r for r in rows if r.party_post in COMMITTEE_POSTS]
    counts = {"activities": 0, "sessions": 0, "attendance": 0}
    classes: list[int] = []
    made: list[int] = []
    enrol_rows: list[dict[str, object]] = []
    att_rows: list[dict[str, object]] = []

    def add(title: str, type_name: str, start: dt.date, days: list[tuple[float, str | None]], people: list[Any],
            *, place: str | None = None, organiser: str = "局党委", lecturer: str | None = None,
            cost: float | None = None, paid_by: str | None = None, online_hours: tuple[float, float] | None = None,
            target: str | None = None) -> int:
        end = start + dt.timedelta(days=len(days) - 1)
        past = end < today
        a = Activity(title=title, type_id=types[type_name], organiser=organiser, start_date=start,
                     end_date=end if end != start else None, place=place, lecturer=lecturer,
                     hours=sum(h for h, _ in days), target_group=target, cost=cost, paid_by=paid_by,
                     status="已结束" if past else ("进行中" if start <= today else "计划"),
                     completion_rule="all_sessions")
        session.add(a)
        session.flush()
        made.append(a.id)
        counts["activities"] += 1
        session_ids = []
        for seq, (hours, topic) in enumerate(days, start=1):
            s = ActivitySession(activity_id=a.id, seq=seq, date=start + dt.timedelta(days=seq - 1),
                                start_time="09:00" if hours >= 3 else "14:30",
                                end_time="17:00" if hours >= 5 else ("12:00" if hours >= 3 else "16:30"),
                                hours=hours, topic=topic)
            session.add(s)
            session.flush()
            session_ids.append((s.id, s.date, hours))
            counts["sessions"] += 1
        for r in people:
            if not _on_roll(r.joined_party, r.joined_org, r.left_date, start):
                continue
            enrol_rows.append({"activity_id": a.id, "member_id": r.id})
            if start > today:
                continue
            for sid, day, hours in session_ids:
                if day > today:
                    continue
                status, reason = _status(rng)
                if online_hours is not None:
                    # Online platforms report each member's own hours.
                    credited = round(rng.uniform(*online_hours) * 2) / 2 if status in ATTENDED_STATUSES else 0.0
                    source = "import"
                else:
                    credited = hours if status in ATTENDED_STATUSES else 0.0
                    source = "grid"
                att_rows.append({"session_id": sid, "member_id": r.id, "status": status, "reason": reason,
                                 "hours": credited, "source": source})
        return a.id

    for year in range(today.year - years + 1, today.year + 1):
        for month in range(1, 13):
            day = dt.date(year, month, rng.randint(8, 20))
            add(f"{year}年第{month}次党委理论学习中心组学习", "中心组学习", day,
                [(rng.choice((2.0, 2.5, 3.0)), rng.choice(PARTY_LESSONS))], leaders, place="局机关第一会议室",
                target="党委理论学习中心组成员")
        for quarter in range(4):
            day = dt.date(year, quarter * 3 + rng.randint(1, 3), rng.randint(10, 25))
            lesson = PARTY_LESSONS[(year + quarter) % len(PARTY_LESSONS)]
            add(f"{year}年第{'一二三四'[quarter]}季度专题党课：{lesson}", "专题党课", day, [(2.0, lesson)], rows,
                place="局机关报告厅", lecturer="局党委书记", target="全体党员")
        for month in (3, 5, 7, 9, 11, 12):
            theme = rng.choice(THEME_DAYS)
            for branch_id in branches:
                people = [r for r in rows if r.branch_id == branch_id]
                day = dt.date(year, month, rng.randint(1, 28))
                add(f"{branch_names[branch_id]}{month}月主题党日：{theme}", "主题党日", day, [(2.0, theme)], people,
                    organiser=branch_names[branch_id])
        special = SPECIAL[year % len(SPECIAL)]
        add(f"{year}年{special}", "专题培训", dt.date(year, 4, rng.randint(8, 20)),
            [(4.0, "专题辅导报告"), (4.0, "分组研讨")], rows, place="局机关报告厅", target="全体党员")
        add(f"{year}年警示教育大会", "警示教育", dt.date(year, 8, rng.randint(5, 25)), [(2.0, "观看警示教育片")], rows,
            place="局机关报告厅")
        add(f"{year}年党员网络学习专题班", "网络培训", dt.date(year, 6, 1), [(20.0, "网上党校专题课程")], rows,
            organiser="市委组织部", online_hours=(8.0, 20.0), place="网上党校", target="全体党员")
        place, site = CLASS_PLACES[year % len(CLASS_PLACES)]
        start = dt.date(year, 10, rng.randint(9, 16))
        picked = list(committee)
        others = [r for r in rows if r not in picked]
        rng.shuffle(others)
        picked += others[: max(0, 40 - len(picked))]
        class_id = add(f"{year}年党性教育培训班（{place}）", "党性教育培训班", start,
                       [(6.0, "开班式暨专题辅导"), (6.0, f"现场教学：{site}"), (6.0, "专题研讨"),
                        (6.0, "体验式教学"), (4.0, "结业式暨学习交流")],
                       picked, place=f"{place}干部学院", organiser="局党委", cost=round(len(picked) * 1800.0, 2),
                       paid_by="党费", target="党员干部")
        classes.append(class_id)
    mark_demo(session, "activity", made)
    for first in range(0, len(enrol_rows), 20000):
        session.execute(insert(Enrolment), enrol_rows[first:first + 20000])
    for first in range(0, len(att_rows), 20000):
        session.execute(insert(Attendance), att_rows[first:first + 20000])
    counts["attendance"] = len(att_rows)
    issued = 0
    for class_id in classes:
        a = session.get(Activity, class_id)
        if a is not None and (a.end_date or a.start_date) < today:
            issued += len(certificates.issue_certificates(session, class_id, actor))
    changelog.record(session, actor, "create", "activity", None,
                     f"载入示例培训数据：活动{counts['activities']}项，考勤{counts['attendance']}条",
                     {"activities": (None, counts["activities"]), "attendance": (None, counts["attendance"])})
    session.flush()
    return TrainingDemoResult(counts["activities"], counts["sessions"], counts["attendance"], issued)
