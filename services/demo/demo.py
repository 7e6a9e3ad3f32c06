"""A realistic fictional bureau for demonstrations and tests: branches, members, committees."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import Branch, Member
from services.demo.records import mark_demo, refuse_unless_empty
from services.errors import ConflictError
from services.normalize import fold_key, id_check_digit
from services.roll.members import derived_name_fields
from services.safety import changelog

BRANCH_NAMES = (
    "办公室党支部", "政策法规处党支部", "规划财务处党支部", "人事处党支部", "综合业务处党支部",
    "科技信息处党支部", "监督检查处党支部", "行政审批处党支部", "机关服务中心党支部",
    "信息中心党支部", "离退休干部党支部",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉力斌宇浩凯鹏晨欣怡佳琳雪婷玉兰海燕志红波宁健峰颖琦睿博哲轩瑞昊堃喆玥翀镕赟"
REGIONS = ("110101", "110102", "110105", "110106", "110108", "120101", "130102", "130104",
           "140105", "370102", "410105", "420106", "430102", "510104", "610113", "320106")
JOBS = ("处长", "副处长", "一级调研员", "二级调研员", "三级主任科员", "四级主任科员", "一级科员", "科员", "主任", "副主任")
EDUCATION_WEIGHTS = (("研究生", 25), ("大学本科", 55), ("大学专科", 12), ("中专", 4), ("高中", 4))
POSTS = ("支部书记", "组织委员", "宣传委员", "纪检委员")
MINORITIES = ("回族", "满族", "蒙古族", "壮族", "朝鲜族")


@dataclass(frozen=True)
class DemoResult:
    branches: int
    members: int
    activities: int = 0
    attendance: int = 0


def make_id_number(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 100)
        sex_digit = rng.choice("13579" if male else "02468")
        body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq:02d}{sex_digit}"
        number = body + id_check_digit(body)
        if number not in used:
            used.add(number)
            return number


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def seed_demo(session: Session, members: int = 100, branches: int = 11, seed: int = 2024,
              actor: str = "示例数据", today: dt.date | None = None) -> DemoResult:
    """Fill an empty database with a fictional bureau, marked as demo data; refuses a database that is not empty."""
    refuse_unless_empty(session)
    if branches < 1 or members < 0:
        raise ConflictError("支部数至少为1，党员数不能为负")
    rng = random.Random(seed)
    today = today or dt.date.today()
    names = list(BRANCH_NAMES[:-1][: max(branches - 1, 0)])
    while len(names) < branches - 1:
        names.append(f"第{len(names) + 1}党支部")
    names.append(BRANCH_NAMES[-1])
    # A branch the office already made under a demo name, in any spelling (全角/半角), is reused.
    existing = {fold_key(b.name): b for b in session.scalars(select(Branch))}
    branch_ids = []
    created = []
    for order, name in enumerate(names, start=1):
        branch = existing.get(fold_key(name))
        if branch is None:
            branch = Branch(name=name, sort_order=order)
            session.add(branch)
            session.flush()
            created.append(branch.id)
        branch_ids.append(branch.id)
    retired_branch = branch_ids[-1]
    working_branches = branch_ids[:-1] or branch_ids
    retired_count = max(1, members // 12) if branches > 1 else 0
    used: set[str] = set()
    rows = []
    posts_given: dict[int, list[str]] = {b: [] for b in branch_ids}
    for i in range(members):
        retired = i < retired_count
        branch_id = retired_branch if retired else working_branches[(i - retired_count) % len(working_branches)]
        male = rng.random() < 0.58
        age = rng.randint(62, 85) if retired else rng.randint(24, 59)
        birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        probationary = not retired and rng.random() < 0.06
        if probationary:
            joined = today - dt.timedelta(days=rng.randint(30, 330))
            joined_party, full_since, membership = joined.isoformat(), None, "预备党员"
        else:
            join_age = rng.randint(19, min(age - 2, 40))
            joined = dt.date(birth.year + join_age, rng.randint(1, 12), rng.randint(1, 28))
            if joined > today - dt.timedelta(days=400):  # a full member joined over a year ago
                joined = today - dt.timedelta(days=rng.randint(400, 3000))
            month_only = rng.random() < 0.3
            joined_party = _month(joined) if month_only else joined.isoformat()
            full = joined + dt.timedelta(days=366)
            full_since = _month(full) if month_only else full.isoformat()
            membership = "正式党员"
        post = None
        if not probationary and len(posts_given[branch_id]) < len(POSTS) and rng.random() < 0.5:
            post = POSTS[len(posts_given[branch_id])]
            posts_given[branch_id].append(post)
        joined_org = None
        if not retired and rng.random() < 0.15:
            joined_org = (today - dt.timedelta(days=rng.randint(60, 1500))).isoformat()
            if joined_org < joined_party:
                joined_org = None
        ethnicity = rng.choice(MINORITIES) if rng.random() < 0.08 else "汉族"
        education = rng.choices([e for e, _ in EDUCATION_WEIGHTS], [w for _, w in EDUCATION_WEIGHTS])[0]
        rows.append({
            "name": name,
            "id_number": make_id_number(rng, birth, male, used),
            "sex": "男" if male else "女",
            "birth_date": birth,
            "ethnicity": ethnicity,
            "education": education,
            "joined_party": joined_party,
            "full_member_since": full_since,
            "membership": membership,
            "branch_id": branch_id,
            "party_post": post,
            "job": "退休干部" if retired else rng.choice(JOBS),
            "staff_status": "离退休" if retired else "在职",
            "phone": "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9)),
            "joined_org": joined_org,
            "left_date": None,
            "left_reason": None,
            "status": "在册",
            "remarks": None,
            **derived_name_fields(name),
        })
    # Every working branch gets a secretary even when chance gave it none.
    by_branch: dict[int, list[dict]] = {}
    for row in rows:
        by_branch.setdefault(row["branch_id"], []).append(row)
    for branch_rows in by_branch.values():
        if not any(r["party_post"] == "支部书记" for r in branch_rows):
            candidates = [r for r in branch_rows if r["membership"] == "正式党员" and not r["party_post"]]
            if candidates:
                candidates[0]["party_post"] = "支部书记"
    if rows:
        session.execute(insert(Member), rows)
    mark_demo(session, "branch", created)
    mark_demo(session, "member", session.scalars(select(Member.id).where(Member.branch_id.in_(branch_ids))))
    changelog.record(session, actor, "demo", "database", None,
                     f"载入示例数据：{len(names)}个党支部，{len(rows)}名党员")
    return DemoResult(len(names), len(rows))


def seed_demo_bureau(session: Session, members: int = 100, branches: int = 11, seed: int = 2024,
                     actor: str = "示例数据", with_activities: bool = True) -> DemoResult:
    """The whole demonstration: the roll, then five years of training history on it."""
    from services.demo.training_demo import seed_demo_activities

    roll = seed_demo(session, members=members, branches=branches, seed=seed, actor=actor)
    if not with_activities or roll.members == 0:
        return roll
    history = seed_demo_activities(session, seed=seed, actor=actor)
    return DemoResult(roll.branches, roll.members, history.activities, history.attendance)
