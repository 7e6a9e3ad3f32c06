"""`import-records` and activities already in the database: a closed one refuses the rows, one typed in the window
keeps its spelling, a twin of another type is created with a warning on stderr."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import Activity, Member
from services.training import activities
from tests.helpers import backend
from tests.helpers.training_helpers import load_roll
from ui.cli.main import run

TITLE = "“学思想、强党性”专题党课（上半年）"
FILE_TITLE = "“学思想、强党性”专题党课 (上半年)"


@pytest.fixture
def made(db, samples):
    """The roll and one activity typed in the window; (database location, activity id, two members' rows)."""
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
        a = activities.create_activity(s, {"title": TITLE, "type": "网络培训", "start_date": "2024-05-08",
                                           "hours": 3, "organiser": "局党委（机关党委）"}, "clerk")
        members = [f"{n},{i}" for n, i in s.execute(select(Member.name, Member.id_number)
                                                     .order_by(Member.id).limit(2))]
    db.dispose()
    return str(backend.location(db)), a.id, members, db


def _file(tmp_path, rows: list[str]) -> str:
    path = tmp_path / "records.csv"
    path.write_text("\n".join(["姓名,身份证号码,培训名称,培训类别,开始日期,学时,主办单位", *rows]) + "\n",
                    encoding="utf-8")
    return str(path)


def test_rows_of_a_cancelled_activity_are_refused(made, tmp_path, capsys):
    location, a_id, members, _db = made
    assert run(["--db", location, "activities", "status", str(a_id), "已取消"]) == 0
    path = _file(tmp_path, [f"{members[0]},{FILE_TITLE},网络培训,2024-05-08,3,局党委"])
    capsys.readouterr()
    assert run(["--db", location, "import-records", path, "--on-existing", "update", "--json"]) == 1
    out = capsys.readouterr()
    assert json.loads(out.out)["refused"] == [{"row": 2, "column": "培训名称",
                                               "message": f"活动“{TITLE}”已取消，不能再记录学时"}]
    assert f"第2行“培训名称”列：活动“{TITLE}”已取消，不能再记录学时" in out.err
    assert run(["--db", location, "attendance", "show", str(a_id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["出席"] == 0


def test_an_activity_typed_in_the_window_keeps_its_spelling(made, tmp_path, capsys):
    location, a_id, members, db = made
    path = _file(tmp_path, [f"{m},{FILE_TITLE},网络培训,2024-05-08,3,局党委(机关党委)" for m in members])
    assert run(["--db", location, "import-records", path, "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["added"] == 2 and "按文件原文恢复" not in out.err
    with db.session_factory() as s:
        a = s.get(Activity, a_id)
        assert a is not None and (a.title, a.organiser) == (TITLE, "局党委（机关党委）")


def test_a_twin_of_another_type_is_created_with_a_warning(made, tmp_path, capsys):
    location, _a_id, members, _db = made
    path = _file(tmp_path, [f"{m},{FILE_TITLE},专题培训,2024-05-08,3," for m in members])
    warning = f"注意：第2行：将新建“{FILE_TITLE}”（专题培训），库中已有同名同日的“{TITLE}”（网络培训）"
    assert run(["--db", location, "import-records", path, "--dry-run", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["activities_created"] == 1
    assert warning in out.err.splitlines()
    assert "如是同一活动，请改正文件中的“培训类别”后再导入。" in out.err
    assert run(["--db", location, "import-records", path]) == 0
    err = capsys.readouterr().err.splitlines()
    at = err.index("已导入：新增2条，更新0条，未变0条，跳过0条，新建活动1项。")
    assert err[at + 1] == warning.replace("将新建", "已新建")
    assert run(["--db", location, "import-records", path]) == 0  # the second time: nothing new, nothing said
    assert "注意" not in capsys.readouterr().err


def test_a_restore_alone_is_written_and_a_dry_run_says_it_would(made, tmp_path, capsys):
    """An import whose records were all there already said its activities' texts were restored, writing nothing."""
    location, _a_id, members, db = made
    path = _file(tmp_path, [f"{m},{FILE_TITLE},专题培训,2024-05-08,3,局党委(机关党委)" for m in members])
    assert run(["--db", location, "import-records", path]) == 0
    with db.session_factory.begin() as s:  # as an older version stored the imported activity's texts: folded
        a = s.scalars(select(Activity).where(Activity.title == FILE_TITLE)).one()
        a_id, a.title, a.organiser = a.id, TITLE, "局党委（机关党委）"
    db.dispose()
    capsys.readouterr()
    assert run(["--db", location, "import-records", path, "--dry-run"]) == 0
    assert "1项活动的名称等将按文件原文恢复（不计为更改）。" in capsys.readouterr().err
    with db.session_factory() as s:
        assert s.get(Activity, a_id).title == TITLE
    db.dispose()
    assert run(["--db", location, "import-records", path]) == 0
    assert "1项活动的名称等已按文件原文恢复（不计为更改）。" in capsys.readouterr().err
    with db.session_factory() as s:
        a = s.get(Activity, a_id)
        assert (a.title, a.organiser) == (FILE_TITLE, "局党委(机关党委)")
