"""Grades, the one-third warning, grade import, branch assessment, exams, spending, 评先评优."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from services.assessment import assessments, spending
from services.errors import ValidationError
from services.safety.storage import Database
from tests.helpers.stats_dataset import Dataset, build_dataset

D = dt.date


@pytest.fixture
def data(db: Database) -> tuple[Database, Dataset]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    return db, ds


def test_probationary_members_take_part_without_grade(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory.begin() as s:
        rows = {r.name: r for r in assessments.list_grades(s, 2024)}
        assert rows["戊五"].probationary and rows["戊五"].grade is None
        with pytest.raises(ValidationError, match="预备党员"):
            assessments.save_grades(s, "t", 2024, [(ds.members["m5"], "合格", None)])
        result = assessments.save_grades(s, "t", 2024, [(ds.members["m5"], None, "参加评议")])
        assert result.saved == 1


def test_not_on_roll_refused_and_all_or_nothing(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory() as s, pytest.raises(ValidationError, match="不在2023年度"):
        assessments.save_grades(s, "t", 2023, [(ds.members["m1"], "合格", None), (ds.members["m5"], None, None)])
    with db.session_factory() as s:
        assert all(r.grade is None for r in assessments.list_grades(s, 2023))


def test_one_third_warning_not_refusal(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    m = ds.members
    with db.session_factory.begin() as s:
        # 第一支部: m1 优秀, m2 合格 → 1 of 2 graded > 1/3: warned for the branch.
        # Bureau: m1 优秀 of 4 graded (m1 m2 m3 m4; m5 probationary) → 1/4, no bureau warning.
        result = assessments.save_grades(s, "t", 2024, [(m["m1"], "优秀", None), (m["m2"], "合格", None),
                                                          (m["m3"], "合格", None), (m["m4"], "基本合格", None)])
    assert result.saved == 4
    assert result.warnings == ["第一支部评为优秀的1人，超过参评定等次党员（2人）的三分之一"]
    with db.session_factory.begin() as s:
        result = assessments.save_grades(s, "t", 2024, [(m["m3"], "优秀", None)])
    assert result.saved == 1
    assert any(w.startswith("全局评为优秀的2人") for w in result.warnings)  # 2 of 4 > 1/3
    with db.session_factory() as s:
        assert {r.name: r.grade for r in assessments.list_grades(s, 2024)}["丙三"] == "优秀"


def test_import_grades(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, ds = data
    wb = Workbook()
    ws = wb.active
    ws.append(["2024年度民主评议党员结果"])
    ws.append(["序号", "姓名", "身份证号", "评议等次", "备注"])
    ws.append([1, "甲一", None, "优秀", ""])
    ws.append([2, "乙　二", None, "合格党员", "表现良好"])
    ws.append([3, "戊五", None, "不定等次", "预备党员"])
    ws.append(["制表人：张三"])
    path = tmp_path / "grades.xlsx"
    wb.save(path)
    with db.session_factory.begin() as s:
        result = assessments.import_grades(s, "t", 2024, path)
    assert result.saved == 3
    with db.session_factory() as s:
        grades = {r.name: (r.grade, r.remarks) for r in assessments.list_grades(s, 2024)}
    assert grades["甲一"] == ("优秀", "")
    assert grades["乙二"] == ("合格", "表现良好")
    assert grades["戊五"] == (None, "预备党员")

    ws.delete_rows(6)  # the sign-off row: reading stops there
    ws.append([4, "无此人", None, "合格"])
    ws.append([5, "甲一", None, "良好"])
    wb.save(path)
    with db.session_factory() as s, pytest.raises(ValidationError) as info:
        assessments.import_grades(s, "t", 2024, path)
    rows = sorted(p.row for p in info.value.problems)
    assert rows == [6, 7]


def test_branch_assessment_and_exam(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory.begin() as s:
        assessments.set_branch_assessment(s, "t", ds.branches["第一支部"], 2024, "好", "较好", "")
        with pytest.raises(ValidationError):
            assessments.set_branch_assessment(s, "t", ds.branches["第二支部"], 2024, "优", None)
        assessments.set_exam_score(s, "t", ds.activities["a2"], ds.members["m1"], 95)
        with pytest.raises(ValidationError):
            assessments.set_exam_score(s, "t", ds.activities["a2"], ds.members["m3"], 120)
    with db.session_factory() as s:
        rows = {r.branch: r for r in assessments.list_branch_assessments(s, 2024)}
        assert (rows["第一支部"].grade, rows["第一支部"].secretary_review) == ("好", "较好")
        assert rows["第二支部"].grade is None
        exams = {r.name: r.score for r in assessments.list_exam_scores(s, ds.activities["a2"])}
        assert exams == {"甲一": 95.0, "乙二": None, "丙三": None}


def test_award_eligibility_reasons(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    m = ds.members
    with db.session_factory.begin() as s:
        assessments.save_grades(s, "t", 2024, [(m["m1"], "优秀", None), (m["m2"], "优秀", None),
                                                 (m["m4"], "合格", None)])
    with db.session_factory() as s:
        result = {e.name: e for e in assessments.award_eligibility(s, 2024)}
        # m2: 46 ≥ 32, 优秀, no 缺席 in 2024 → eligible.
        assert result["乙二"].eligible
        assert result["乙二"].reasons == ("学时达标（46/32学时）", "民主评议等次为优秀", "全年无缺席")
        # m1: 优秀 but 44 < 56.
        assert not result["甲一"].eligible and result["甲一"].reasons[0] == "学时未达标（44/56学时，差12学时）"
        # m4: met (40 ≥ 16) but 合格 where 优秀 is required.
        assert not result["丁四"].eligible and "民主评议等次为合格（要求优秀）" in result["丁四"].reasons
        assert "预备党员，不评定等次" in result["戊五"].reasons and not result["戊五"].eligible
        # Allow 合格 and attendance share ≥ 0.5: m4 now passes.
        loose = assessments.AwardRule(grades=("优秀", "合格"), min_attendance_share=0.5)
        result = {e.name: e for e in assessments.award_eligibility(s, 2024, loose)}
        assert result["丁四"].eligible and result["丁四"].reasons[-1] == "出勤率100%"
        # m5 was 请假 at their only session: 0% attendance.
        assert result["戊五"].reasons[-1] == "出勤率0%，低于50%"
    # 2023: m2 was 缺席 once (a2's second session).
    with db.session_factory.begin() as s:
        assessments.save_grades(s, "t", 2023, [(m["m2"], "优秀", None)])
        e = {e.name: e for e in assessments.award_eligibility(s, 2023)}["乙二"]
    assert not e.eligible and "缺席1次" in e.reasons


def test_spending_totals(db: Database) -> None:
    with db.session_factory.begin() as s:
        spending.add_spending(s, "t", "2023-03-01", "1200.50", "书籍", "党费")
        spending.add_spending(s, "t", "2023-05-01", 800, "书籍", "党费")
        spending.add_spending(s, "t", "2024-04-01", 30000, "培训班", "行政经费", "西柏坡")
        with pytest.raises(ValidationError):
            spending.add_spending(s, "t", "2024-13-01", -5, "吃饭", "私人")
    with db.session_factory() as s:
        totals = spending.spending_totals(s, D(2023, 1, 1), D(2024, 12, 31))
    assert totals.by_year == {2023: {"书籍": 2000.5}, 2024: {"培训班": 30000.0}}
    assert totals.by_source == {"党费": 2000.5, "行政经费": 30000.0}
    assert totals.total == 32000.5


def test_spending_of_a_purpose_outside_the_list_counts_as_other(db: Database) -> None:
    """A record written outside the program (or by an older version) with a purpose not in the list: its
    amount goes under 其他, so that the report's 表3 columns add up to its total."""
    with db.session_factory.begin() as s:
        spending.add_spending(s, "t", "2024-03-01", 100, "书籍", "党费")
        spending.add_spending(s, "t", "2024-04-01", 50, "其他", "党费")
        odd = spending.add_spending(s, "t", "2024-05-01", 25, "书籍", "党费")
    with db.session_factory.begin() as s:
        s.execute(text("UPDATE spending SET purpose = '慰问' WHERE id = :id"), {"id": odd.id})
    with db.session_factory() as s:
        totals = spending.spending_totals(s, D(2024, 1, 1), D(2024, 12, 31))
    assert totals.by_year == {2024: {"书籍": 100.0, "其他": 75.0}}
    assert sum(totals.by_year[2024].values()) == totals.total == 175.0


def _grades_sheet(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(["姓名", "评议等次"])
    wb.active.append(["甲一", "优秀"])
    wb.active.append(["乙二", "合格"])
    wb.save(path)
    return path


def _written(db: Database) -> tuple[int, int, int]:
    """Grades, scores and change-log entries in the database."""
    from sqlalchemy import func, select

    from models import ChangeLog, EvaluationGrade, ExamScore

    with db.session_factory() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0  # type: ignore[return-value]
                     for t in (EvaluationGrade, ExamScore, ChangeLog))


def test_a_cancelled_grades_import_writes_nothing(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    """Cancel is looked at while the rows are checked, not only every thousand rows read: a short file too."""
    import threading

    from services.errors import CancelledError

    db, _ds = data
    path = _grades_sheet(tmp_path / "grades.xlsx")
    before = _written(db)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        assessments.import_grades(s, "t", 2024, path, cancel=cancel)
    assert _written(db) == before


def test_a_grades_import_cancelled_while_writing_writes_nothing(data: tuple[Database, Dataset],
                                                                tmp_path: Path) -> None:
    import threading

    from services.errors import CancelledError

    db, _ds = data
    path = _grades_sheet(tmp_path / "grades.xlsx")
    before = _written(db)
    cancel = threading.Event()
    said: list[str] = []

    def progress(_percent: int, text: str) -> None:
        said.append(text)
        if text.startswith("正在写入"):
            cancel.set()  # the clerk presses 取消 as the writing starts

    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        assessments.import_grades(s, "t", 2024, path, progress=progress, cancel=cancel)
    assert _written(db) == before
    assert any(t.startswith("正在检查第2行") for t in said)


def test_a_cancelled_exam_import_writes_nothing(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    import threading

    from services.errors import CancelledError

    db, ds = data
    wb = Workbook()
    wb.active.append(["姓名", "成绩"])
    wb.active.append(["甲一", 90])
    path = tmp_path / "scores.xlsx"
    wb.save(path)
    before = _written(db)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        assessments.import_exam_scores(s, "t", ds.activities["a2"], path, cancel=cancel)
    assert _written(db) == before
    with db.session_factory.begin() as s:  # not cancelled: written, with its progress told
        said: list[str] = []
        assert assessments.import_exam_scores(s, "t", ds.activities["a2"], path,
                                              progress=lambda _p, text: said.append(text)) == 1
    assert any(t.startswith("正在写入考试成绩") for t in said)


def test_a_member_probationary_in_the_year_gets_no_grade_for_it(data: tuple[Database, Dataset]) -> None:
    """Grades judged 预备党员 by today's 党员类别: a member who became 正式 in May 2025 was graded 优秀 for 2024, the
    whole of which they spent on probation. The 评议 of a year looks at the end of that year."""
    from models import Member

    db, ds = data
    m = ds.members["m1"]
    with db.session_factory.begin() as s:
        member = s.get(Member, m)
        member.membership, member.joined_party, member.full_member_since = "正式党员", "2024-05-01", "2025-05-01"
    with db.session_factory.begin() as s:
        row = {r.member_id: r for r in assessments.list_grades(s, 2024)}[m]
        assert row.probationary
        with pytest.raises(ValidationError, match="预备党员"):
            assessments.save_grades(s, "t", 2024, [(m, "优秀", None)])
    with db.session_factory.begin() as s:
        assert not {r.member_id: r for r in assessments.list_grades(s, 2025)}[m].probationary
        assert assessments.save_grades(s, "t", 2025, [(m, "优秀", None)]).saved == 1
    assert assessments.membership_in_year("预备党员", None, 2024) == "预备党员"  # no 转正 date: as the roll says
    assert assessments.membership_in_year("预备党员", "2024-12", 2024) == "正式党员"
    assert assessments.membership_in_year("正式党员", "2025-01", 2024) == "预备党员"
