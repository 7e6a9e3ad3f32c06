"""Typed SQLAlchemy mapped classes: the tables of the product, with no queries and no sessions."""

from models.account import Account, AccountBranch
from models.assessment import (
    BranchAssessment,
    EvaluationGrade,
    ExamScore,
    Spending,
    TargetExcludedType,
    TargetRule,
)
from models.base import Base
from models.changelog import ChangeLog
from models.member import Branch, Member
from models.plan import (
    Exemption,
    Material,
    MaterialIssue,
    MemberPost,
    MobileMember,
    PlanPeriod,
    PlanTarget,
    StudyItem,
    StudyPlan,
    SubmittedReport,
)
from models.setting import FiguresCache, Setting
from models.survey import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from models.training import (
    Activity,
    ActivityIdentity,
    ActivitySession,
    ActivityType,
    Attendance,
    Certificate,
    Enrolment,
    HoursAdjustment,
)

__all__ = [
    "Account", "AccountBranch", "Activity", "ActivityIdentity", "ActivitySession", "ActivityType", "Attendance",
    "Base", "Branch", "Certificate",
    "ChangeLog", "Enrolment", "Exemption", "FiguresCache", "HoursAdjustment", "Material", "MaterialIssue", "Member",
    "MemberPost", "MobileMember", "PlanPeriod", "PlanTarget", "Setting", "StudyItem", "StudyPlan",
    "SubmittedReport",
    "BranchAssessment", "EvaluationGrade", "ExamScore", "Spending", "TargetExcludedType", "TargetRule",
    "Survey", "SurveyAnswer", "SurveyQuestion", "SurveyResponse",
]
