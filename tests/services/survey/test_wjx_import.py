"""Reading 问卷星 exports: the shared sample tallies exactly; other layouts and other files are refused."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from services.errors import UnreadableFileError, ValidationError
from services.survey import tally as t
from services.survey.wjx_import import read_export

LEAD = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_sample_tallies_exactly(samples: Path) -> None:
    parsed = read_export(samples / "survey_wjx.xlsx")
    expected = json.loads((samples / "survey_wjx.expected.json").read_text(encoding="utf-8"))
    assert parsed.responses == expected["responses"]
    got = [x.to_json() for x in parsed.tallies()]
    for want in expected["questions"]:
        mine = next(q for q in got if q["number"] == want["number"])
        assert {k: mine[k] for k in want} == want
        if want["number"] == 3:  # a satisfaction ladder is shown best first
            assert list(mine["counts"]) == list(want["counts"])
    # 其他〖…〗 counted under 其他, the words kept; (空) not counted as answered.
    q2, q3, q4 = parsed.tallies()[1:]
    assert q2.others == {"其他": ["红色教育基地参观"] * 19}
    assert q3.answered == 36 and sum(q3.counts.values()) == 36
    assert q4.kind == t.TEXT and "(跳过)" not in q4.answers and q4.answered == len(q4.answers) == 24


def test_csv_with_dotted_headers_matrix_and_scale(tmp_path: Path) -> None:
    path = tmp_path / "wjx.csv"
    rows = [["序号", "提交答卷时间", "1. 您的性别", "2. (理论学习)", "2. (业务培训)", "3. 推荐程度打分", "4. 请写出您的建议"],
            ["1", "2024/3/1 9:00", "男", "非常满意", "满意", "9", "(空)"],
            ["2", "2024/3/1 9:05", "女", "满意", "一般", "10", "多讲案例，少念稿子"],
            ["3", "2024/3/1 9:07", "女", "(跳过)", "满意", "7", "(跳过)"]]
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8-sig")
    parsed = read_export(path)
    kinds = [(q.number, q.title, q.kind) for q in parsed.questions]
    assert kinds == [(1, "您的性别", "single"), (2, "(理论学习)", "single"), (2, "(业务培训)", "single"),
                     (3, "推荐程度打分", "scale"), (4, "请写出您的建议", "text")]
    tallies = parsed.tallies()
    assert tallies[1].counts == {"非常满意": 1, "满意": 1} and tallies[1].answered == 2
    assert tallies[3].counts == {str(n): (1 if n in (7, 9, 10) else 0) for n in range(1, 11)}
    assert tallies[4].answers == ["多讲案例，少念稿子"]
    assert read_export(_xlsx(tmp_path / "m.xlsx", [["5(理论学习)", "5(业务培训)"], ["满意", "一般"]])).questions[1].title \
        == "(业务培训)"
    assert parsed.submitted[0] == "2024/3/1 9:00"


def test_missing_leading_columns_are_fine(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["1、培训形式", "2、内容"], ["集中授课┋网络培训", "党史"], ["网络培训", "党史"]])
    parsed = read_export(path)
    assert parsed.serials == [1, 2]
    assert parsed.tallies()[0].counts == {"集中授课": 1, "网络培训": 2}
    assert parsed.tallies()[0].kind == t.MULTIPLE


def test_roll_is_refused(samples: Path) -> None:
    with pytest.raises(ValidationError, match="roll_clean.xlsx.*找不到题目列"):
        read_export(samples / "roll_clean.xlsx")


def test_other_tool_and_unknown_columns_named(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "tencent.xlsx", [["编号", "开始答题时间", "结束答题时间", "1、性别"], [1, "a", "b", "男"]])
    with pytest.raises(ValidationError) as err:
        read_export(path)
    assert "开始答题时间" in err.value.message and "腾讯问卷" in err.value.message


def test_by_number_export_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "n.xlsx", [LEAD + ["1、形式（多选）"], [1, "", "", "", "", "", "1┋3"], [2, "", "", "", "", "", "2"]])
    with pytest.raises(ValidationError, match="按选项文本"):
        read_export(path)


def test_no_answers_and_bad_numbering_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="没有任何答卷"):
        read_export(_xlsx(tmp_path / "e.xlsx", [LEAD + ["1、性别"]]))
    with pytest.raises(ValidationError, match="没有按顺序"):
        read_export(_xlsx(tmp_path / "o.xlsx", [["2、乙", "1、甲"], ["a", "b"]]))


def test_a_total_row_is_refused_not_counted_as_a_response(tmp_path: Path) -> None:
    """A 合计 row a clerk added under the answers was counted as one more response with empty answers."""
    rows = [LEAD + ["1、性别"], [1, "", "", "", "", "", "男"], [2, "", "", "", "", "", "女"], ["合计", "", "", "", "", "", ""]]
    with pytest.raises(ValidationError, match="第4行的序号“合计”不是数字"):
        read_export(_xlsx(tmp_path / "t.xlsx", rows))
    with pytest.raises(ValidationError, match="第3行的序号1与第2行的答卷重复"):
        read_export(_xlsx(tmp_path / "d.xlsx", rows[:2] + [[1, "", "", "", "", "", "女"]]))
    assert read_export(_xlsx(tmp_path / "ok.xlsx", rows[:3] + [["", "", "", "", "", "", "男"]])).responses == 3


def test_unreadable(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not a zip at all \x00\xff\xfe" * 20)  # a broken workbook
    with pytest.raises(UnreadableFileError):
        read_export(junk)


@pytest.mark.parametrize(("title", "answers", "kind"), [
    ("您的性别", ["男", "女", "男"], t.SINGLE),
    ("您对培训的满意度", ["非常满意", "满意"], t.SINGLE),
    ("您希望的形式（多选）", ["网络培训"], t.MULTIPLE),
    ("打分", ["1", "5", "3"], t.SCALE),
    ("您的意见建议", ["多讲案例", "多讲案例"], t.TEXT),
    ("您对今后培训工作有何建议", ["建议增加网络课程", "希望多组织现场教学"], t.TEXT),
    ("您建议的培训时长", ["半天", "一天", "半天"], t.SINGLE),
    ("您所在的党支部", [f"第{i % 15}党支部" for i in range(137)], t.SINGLE),
    ("您想学什么", [f"答案{i}，内容" for i in range(20)], t.TEXT),
])
def test_detect_kind(title: str, answers: list[str], kind: str) -> None:
    assert t.detect_kind(title, answers) == kind


def test_satisfaction_best_two() -> None:
    x = t.tally(1, "总体评价", t.SINGLE, ["非常满意", "满意", "基本满意", "不满意", "(空)"])
    assert t.is_satisfaction(x) and t.best_two(x) == ["非常满意", "满意"] and t.satisfaction(x) == (2, 4)
    # Nobody chose 非常满意: the best two are still 非常满意 and 满意.
    y = t.tally(1, "总体评价", t.SINGLE, ["满意", "基本满意", "不满意"])
    assert t.best_two(y) == ["满意"] and t.satisfaction(y) == (1, 3)
    z = t.tally(1, "满意度打分", t.SCALE, ["5", "4", "3", "1"])
    assert t.best_two(z) == ["5", "4"] and t.satisfaction(z) == (2, 4)
    assert not t.is_satisfaction(t.tally(1, "性别", t.SINGLE, ["男"]))


def test_reading_tells_progress_and_stops_on_cancel(tmp_path: Path) -> None:
    import threading

    from services.errors import CancelledError

    lines = [",".join([*LEAD, "1、您的满意度"])]
    lines += [f"{n},2024-03-01 10:00:00,60秒,手机提交,直接访问,1.2.3.4(北京),满意" for n in range(1, 2501)]
    path = tmp_path / "wjx.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said: list[tuple[int, str]] = []
    assert read_export(path, progress=lambda p, text: said.append((p, text))).responses == 2500
    assert said and all(0 <= p <= 100 for p, _ in said) and any("答卷" in text for _, text in said)
    cancel = threading.Event()

    def press_cancel(_percent: int, _text: str) -> None:
        cancel.set()  # the clerk presses 取消 at the first sign of progress

    with pytest.raises(CancelledError):
        read_export(path, progress=press_cancel, cancel=cancel)
    cancel.set()
    with pytest.raises(CancelledError):  # pressed before it started
        read_export(tmp_path / "whatever.xlsx", cancel=cancel)
