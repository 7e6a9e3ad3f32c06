"""A year's surveys in figures for the plan and the report: how many answered, what they asked for most."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import SurveyResponse
from services.survey import surveys
from services.survey import tally as t

# Which questions speak of contents and of forms, by the words of their titles.
CONTENT_WORDS = ("内容", "主题", "课程")
FORM_WORDS = ("形式", "方式")
TOP = 5


@dataclass
class YearSummary:
    year: int
    surveys: int = 0
    responses: int = 0
    contents: list[tuple[str, int]] = field(default_factory=list)  # most asked-for first
    forms: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "surveys": self.surveys, "responses": self.responses,
                "contents": [{"option": o, "count": n} for o, n in self.contents],
                "forms": [{"option": o, "count": n} for o, n in self.forms]}


def survey_year(session: Session, info: surveys.SurveyInfo) -> int | None:
    """The year most answers were submitted in (提交答卷时间), else the year it was entered."""
    years = Counter()  # type: Counter[int]
    for submitted in session.scalars(select(SurveyResponse.submitted).where(SurveyResponse.survey_id == info.id)):
        m = re.match(r"\s*(\d{4})", submitted or "")
        if m:
            years[int(m.group(1))] += 1
    if years:
        return years.most_common(1)[0][0]
    return info.created_at.year if info.created_at else None


def year_summary(session: Session, year: int) -> YearSummary:
    """Surveys of `year`: their count, responses, and the contents and forms chosen most often."""
    result = YearSummary(year)
    contents: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for info in surveys.list_surveys(session):
        if survey_year(session, info) != year:
            continue
        result.surveys += 1
        result.responses += info.responses
        for x in surveys.get_survey(session, info.id).tallies:
            if x.kind not in (t.SINGLE, t.MULTIPLE):
                continue
            target = forms if any(w in x.title for w in FORM_WORDS) else (
                contents if any(w in x.title for w in CONTENT_WORDS) else None)
            if target is None:
                continue
            target.update({o: n for o, n in x.counts.items() if o != t.OTHER and n})
    result.contents = contents.most_common(TOP)
    result.forms = forms.most_common(TOP)
    return result
