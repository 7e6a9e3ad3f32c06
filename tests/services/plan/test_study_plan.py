"""The yearly study plan and reading list: kept per year, items linked to activities, printed as a document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Activity
from services.errors import NotFoundError, ValidationError
from services.plan import study_plan
from services.printing.study_plan_pdf import write_study_plan_pdf
from services.safety.storage import Database
from tests.helpers.paths import REPO
from tests.helpers.stats_dataset import build_dataset


def test_plan_items_links_and_print(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        build_dataset(s)
        activity_id = s.scalar(select(Activity.id).order_by(Activity.id))
        with pytest.raises(NotFoundError):
            study_plan.get_study_plan(s, 2025)
        study_plan.set_study_plan(s, "测试", 2025, body="坚持把学习贯彻习近平新时代中国特色社会主义思想作为首要任务。")
        book = study_plan.add_item(s, "测试", 2025, "书目", "《习近平谈治国理政（第四卷）》", month=3)
        study_plan.add_item(s, "测试", 2025, "专题", "学习贯彻党的二十届三中全会精神")
        study_plan.link_item(s, "测试", book, activity_id)
        with pytest.raises(ValidationError):
            study_plan.add_item(s, "测试", 2025, "电影", "x")
        plan = study_plan.get_study_plan(s, 2025)
    assert plan.title == "2025年度党员学习计划"
    first = plan.items[0]
    assert first.title == "习近平谈治国理政（第四卷）" and first.shown == "《习近平谈治国理政（第四卷）》"
    assert first.activity_id == activity_id and first.activity_title
    pages = write_study_plan_pdf(plan, tmp_path / "计划.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "计划.pdf"), "-"], capture_output=True, text=True).stdout
    assert pages == 1 and "2025年度党员学习计划" in text and "必读书目" in text and "学习专题" in text


def test_cli_study_plan(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(REPO / "main.py"), "--db", str(tmp_path / "s.sqlite3"), *args],
                              capture_output=True, text=True, timeout=120)

    assert cli("study-plan", "add", "--year", "2026", "--kind", "篇目", "--title", "《论党的自我革命》").returncode == 0
    shown = json.loads(cli("study-plan", "show", "--year", "2026", "--json").stdout)
    assert shown["items"][0]["title"] == "论党的自我革命" and shown["year"] == 2026
    assert cli("study-plan", "show", "--year", "2020").returncode == 1
    done = cli("study-plan", "print", "--year", "2026", str(tmp_path / "p.pdf"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p.pdf").stat().st_size > 1000


def test_a_title_with_its_own_marks_is_not_wrapped_again() -> None:
    from services.plan.materials import book

    assert book("入党教材") == book("《入党教材》") == "《入党教材》"
    assert book("《学习纲要（2023年版）》配套辅导读本") == "《学习纲要（2023年版）》配套辅导读本"
    assert book("《习近平谈治国理政》与《之江新语》") == "《习近平谈治国理政》与《之江新语》"
    item = study_plan.ItemInfo(1, 1, "书目", "《学习纲要》配套辅导读本", None, None, None)
    assert item.shown == "《学习纲要》配套辅导读本"
