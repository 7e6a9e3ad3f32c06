"""The report's paragraphs in the office's own shape and idiom, from the statistics and the records.

一、基本情况; 二、主要做法及成效 (by audience and form, money, surveys); 三、下一步意见建议和工作打算
(members short of their target and members with no training named as gaps, then a paragraph
marked for the office to write). "全覆盖" is said only when every member on the roll trained.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from services.assessment.spending import PURPOSES, SpendingTotals
from services.assessment.stats import StatsDetail, hours_round, member_figures
from services.plan.audience import ALL_MEMBERS
from services.plan.report_figures import (
    CENTRAL_GROUP_AUDIENCE,
    DISCIPLINE_AUDIENCE,
    SECRETARY_AUDIENCE,
    Group,
    ReportFigures,
)
from services.printing.report_words import about, fmt, fmt_share, money, names, places
from services.survey.summary import YearSummary

OFFICE_PARAGRAPH = "【请党委办公室在此填写下一步意见建议和工作打算。】"
THIRD_HEADING = "三、下一步意见建议和工作打算"
Sections = list[tuple[str, list[str]]]


def credited_hours(figures: dict[str, Any]) -> float:
    """The hours credited to members in the period: the years' 累计学时 of 表2 (and the ledger's) added up, manual
    adjustments included (the figures' ``total_hours`` counts the activities' hours only)."""
    return round(sum(y["total_hours"] for y in figures["years"].values()), 2)


def yearly_average(detail: StatsDetail) -> float:
    """党员年均培训学时 as the report tells it, per member and year of the time the records cover: the hours of each
    year credited to the members on the roll in it, summed, over those members summed, each year's members counted
    for the share of the year's days inside the period, and only the years with any hours credited (one not begun
    or not recorded yet is left out). The notes under 表2 say both (services/printing/report.py). A period of whole
    years, all recorded, gives exactly the statistics' ``avg_hours_per_member_year``; twelve months from 1 July
    count each member once, where the statistics, by their definition, count two calendar years."""
    f = detail.figures
    recorded = [y for y in detail.years if f["years"][str(y)]["total_hours"] > 0]
    shares = {y: year_share(detail.years[y].lo, detail.years[y].hi) for y in recorded}
    if len(recorded) == len(detail.years) and all(share == 1 for share in shares.values()):
        return float(f["avg_hours_per_member_year"])
    hours = sum(sum(detail.years[y].hours.values()) for y in recorded)
    members = sum(len(detail.years[y].member_ids) * shares[y] for y in recorded)
    return hours_round(hours / members) if members else 0.0


def year_share(lo: dt.date, hi: dt.date) -> float:
    """The part of a year that [lo, hi] (inside it) covers, by days: 1.0 for the whole year."""
    days = (dt.date(lo.year, 12, 31) - dt.date(lo.year, 1, 1)).days + 1
    return ((hi - lo).days + 1) / days


def _basic(detail: StatsDetail, plan_name: str | None, period: str, org: str) -> list[str]:
    f = detail.figures
    acts, pts = sum(f["activities"].values()), sum(f["person_times"].values())
    first = f"{org}现有党员{f['members']}名，分布在{f['branches']}个党支部。"
    if not acts and not credited_hours(f):  # nothing recorded: a sentence, not a row of zeros
        return [first, f"{period}，{org}尚未登记教育培训和学习活动。"]
    doing = (f"{period}，{org}认真贯彻落实《{plan_name}》，" if plan_name else f"{period}，{org}")
    doing += f"共组织开展各类教育培训和学习活动{acts}次、参训{pts}人次，累计计入学时{fmt(credited_hours(f))}学时，"
    lo, hi = detail.date_from, detail.date_to
    if lo.year == hi.year and ((lo.month, lo.day), (hi.month, hi.day)) != ((1, 1), (12, 31)):
        # Part of one year: what each member earned in it (a yearly figure would be a guess).
        doing += f"党员人均参加教育培训{fmt(f['years'][str(lo.year)]['avg_hours'])}学时，"
    else:
        doing += f"党员年均参加教育培训{fmt(yearly_average(detail))}学时，"
    if f["members"] and f["coverage"] >= 1:
        doing += "实现了全体党员教育培训全覆盖。"
    else:
        covered = len(detail.covered_ids_at_to)
        doing += f"{covered}名党员参加了教育培训，占现有党员的{fmt_share(f['coverage'])}。"
    return [first, doing]


def _audience_word(group: Group, words: ReportFigures) -> str:
    """The audience most of a group's activities were for, as a noun: 优秀共产党员 (or 党员)."""
    counts: dict[str, int] = {}
    for name, g in words.by_audience.items():
        shared = len(set(g.activity_ids) & set(group.activity_ids))
        if shared and name != ALL_MEMBERS:
            counts[name] = counts.get(name, 0) + shared
    return max(counts, key=lambda k: counts[k]) if counts else "党员"


def _practice(words: ReportFigures, org: str) -> list[str]:
    out: list[str] = []
    cg = words.central_group
    if cg.activities:
        out.append(f"坚持党委理论学习中心组学习制度，组织中心组学习共计{cg.activities}次，"
                   f"中心组成员参学{cg.person_times}人次。")
    sec = words.secretaries
    if sec.activities:
        out.append(f"抓好基层党组织书记和党务干部培训，举办培训共计{sec.activities}期，"
                   f"培训{len(sec.members)}人、{sec.person_times}人次。")
    if words.new_members:
        n, given = len(words.new_members), len(words.new_with_textbook)
        if given == n:
            out.append(f"加强新党员教育，新发展党员{n}名，均发放《入党教材》。")
        elif given:
            out.append(f"加强新党员教育，新发展党员{n}名，其中{given}名已发放《入党教材》。")
        else:
            out.append(f"新发展党员{n}名，尚未登记发放《入党教材》。")
    dis, lec = words.discipline, words.lectures
    parts = []
    if dis.activities:
        parts.append(f"举办纪检干部培训{dis.activities}期、{dis.person_times}人次")
    if lec.activities:
        parts.append(f"邀请专家举办专题讲座{lec.activities}次、{lec.person_times}人次")
    if parts:
        out.append("；".join(parts) + "。")
    ps = words.party_spirit
    if ps.activities:
        where = f"赴{places(ps.places)}开展现场教学，" if ps.places else ""
        out.append(f"举办{ps.activities}期党性教育培训班，{where}培训党员干部共计{ps.person_times}人次。")
    on = words.onsite_higher
    if on.activities:
        who = _audience_word(on, words)
        out.append(f"组织{who}{len(on.members)}人参加{on.main_organiser or '上级组织'}举办的"
                   f"{on.activities}期现场教学培训。")
    ty = words.typical
    if ty.activities:
        out.append(f"举办典型事迹报告会共计{ty.activities}次，参加{ty.person_times}人次。")
    ol = words.online
    if ol.activities:
        out.append(f"组织党员参加网络培训{ol.activities}项、{about(ol.person_times, '人次')}。")
    br = words.branch
    if br.activities:
        out.append(f"各党支部开展“三会一课”、主题党日等活动{about(br.activities, '次')}，"
                   f"参加{about(br.person_times, '人次')}。")
    known = {ALL_MEMBERS, CENTRAL_GROUP_AUDIENCE, SECRETARY_AUDIENCE, DISCIPLINE_AUDIENCE}
    told = {a for g in (cg, sec, dis, lec, ps, on, ty, ol, br) for a in g.activity_ids}
    # An audience whose activities were all told above already (e.g. the class for 党员干部) is not told twice.
    others = [(name, g) for name, g in words.by_audience.items()
              if name not in known and g.activities and not set(g.activity_ids) <= told]
    if others:
        out.append("面向" + "；面向".join(f"{name}开展培训{g.activities}次、{g.person_times}人次"
                                        for name, g in others) + "。")
    if not out:
        out.append(f"{org}尚未登记培训学习活动。")
    return out


def _money(totals: SpendingTotals, period: str) -> str:
    if not totals.total:
        return f"{period}未登记党员教育经费开支。"
    purposes: dict[str, float] = {}
    for per_year in totals.by_year.values():
        for purpose, amount in per_year.items():
            purposes[purpose] = purposes.get(purpose, 0.0) + amount
    used = "、".join(p for p in PURPOSES if purposes.get(p))
    dues = totals.by_source.get("党费", 0.0)
    admin = totals.by_source.get("行政经费", 0.0)
    parts = []
    if dues:
        parts.append(f"共开支党费{money(dues)}")
    if admin:
        parts.append(f"使用行政经费{money(admin)}")
    return f"加强经费保障，{period}" + "，".join(parts) + f"，主要用于{used}等。"


def surveys_paragraph(summaries: list[YearSummary]) -> list[str]:
    """调研: the year's questionnaires, how many answered, what was asked for most (none: no paragraph)."""
    done = [s for s in summaries if s.surveys]
    if not done:
        return []
    contents: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for s in done:
        contents.update(dict(s.contents))
        forms.update(dict(s.forms))
    text = (f"坚持开展培训需求调研，通过问卷调查了解党员学习需求，共开展问卷调查{sum(s.surveys for s in done)}次，"
            f"收回答卷{sum(s.responses for s in done)}份")
    if contents:
        text += "，党员最希望学习的内容是" + "、".join(o for o, _n in contents.most_common(3))
    if forms:
        text += "，最希望的培训形式是" + "、".join(o for o, _n in forms.most_common(3))
    return [text + "，并据此制定年度培训计划。"]


def _gaps(detail: StatsDetail) -> list[str]:
    if not detail.covered_ids_at_to and not credited_hours(detail.figures):
        return [OFFICE_PARAGRAPH]  # nothing recorded yet: no member to name
    out: list[str] = []
    idle = sorted(set(detail.member_ids_at_to) - set(detail.covered_ids_at_to))
    if idle:
        people = member_figures(detail, idle)
        listed = names([f"{p.name}（{p.branch}）" for p in people])
        who = listed if len(idle) == 1 else f"{listed}共{len(idle)}名党员"
        out.append(f"一是教育培训还有空白，{who}在统计期内未参加任何教育培训。")
    # The last year with any hours credited: a year not yet begun (or not recorded) has everyone short.
    recorded = [y for y in detail.years if detail.figures["years"][str(y)]["total_hours"] > 0]
    last = max(recorded) if recorded else None
    if last is not None and detail.years[last].below_ids:
        below = member_figures(detail, sorted(detail.years[last].below_ids), last)
        # The hours toward the target (a type excluded for the year left out), as the ledger's 计入目标学时.
        listed = names([f"{p.name}（{fmt(p.countable or 0)}学时）" for p in below])
        who = listed if len(below) == 1 else f"{listed}共{len(below)}名党员"
        end = detail.date_to
        # A year the period stops in before its end is not over: those members may still reach the target.
        when = (f"截至{last}年{end.month}月{end.day}日，{who}尚未达到年度学时要求" if end < dt.date(last, 12, 31)
                else f"{last}年{who}未达到年度学时要求")
        out.append(f"{'二' if idle else '一'}是部分党员学时不足，{when}。")
    if not out:
        out.append("全体党员均参加了教育培训并达到年度学时要求，但培训的针对性和实效性仍需进一步提高。")
    out.append(OFFICE_PARAGRAPH)
    return out


def sections(detail: StatsDetail, words: ReportFigures, totals: SpendingTotals, plan_name: str | None,
             period: str, org: str, surveys: list[str] | None = None) -> Sections:
    practice = _practice(words, org) + [_money(totals, period)] + list(surveys or [])
    out: Sections = [("一、基本情况", _basic(detail, plan_name, period, org)),
                     ("二、主要做法及成效", practice),
                     (THIRD_HEADING, _gaps(detail))]
    return out

