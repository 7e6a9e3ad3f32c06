"""Questionnaires (问卷调查): training-needs surveys and class evaluations, imported or entered from paper.

A survey keeps its questions in order and each response's answer to each question as the text
问卷星 writes ("集中授课┋其他〖……〗", "(跳过)"), so imported and paper surveys tally the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, local_now


class Survey(Base):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10), default="wjx")  # wjx (问卷星 export) / paper
    file_name: Mapped[Optional[str]] = mapped_column(String(255))
    # A class evaluation: the activity the survey evaluates.
    activity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())
    created_by: Mapped[str] = mapped_column(String(50), default="")

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.seq", cascade="all, delete-orphan")
    responses: Mapped[list[SurveyResponse]] = relationship(
        back_populates="survey", order_by="SurveyResponse.seq", cascade="all, delete-orphan")


class SurveyQuestion(Base):
    """One question (a matrix question gives one row per sub-item, all with the same number)."""

    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("survey_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # position in the export (0-based)
    number: Mapped[int] = mapped_column(Integer)  # the number the questionnaire shows
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))  # single / multiple / scale / text
    # The designed options, "┋"-joined, in their order (empty for an import: options are the answers').
    options: Mapped[str] = mapped_column(Text, default="")

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(Base):
    """One filled-in questionnaire (答卷)."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 序号
    submitted: Mapped[Optional[str]] = mapped_column(String(40))  # 提交答卷时间, as written

    survey: Mapped[Survey] = relationship(back_populates="responses")
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class SurveyAnswer(Base):
    """One response's answer to one question, as 问卷星 writes it; no row means an empty cell."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
