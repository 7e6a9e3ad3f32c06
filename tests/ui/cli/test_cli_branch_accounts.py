"""Branch accounts on the command line: `accounts create --branch`, scoped listings, refused writes and backups."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli_support import PASSWORDS, Cli

PASSWORDS.setdefault("sec", "secret-branch-4")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    c = Cli(tmp_path, monkeypatch, capsys).with_accounts(members=30)
    return c


def _branches(cli: Cli) -> list[str]:
    return [line.split("\t")[0] for line in cli.ok("branches", "list", user="boss").splitlines() if line]


def _make_sec(cli: Cli, branch: str, role: str = "录入员") -> None:
    cli.ok("accounts", "create", "sec", "--role", role, "--branch", branch, user="boss", new=PASSWORDS["sec"])


def test_create_refuses_an_unknown_branch_and_list_shows_the_branches(cli: Cli) -> None:
    code, _, err = cli("accounts", "create", "sec", "--role", "录入员", "--branch", "无此支部", user="boss",
                       new=PASSWORDS["sec"])
    assert code == 1 and "没有名为“无此支部”的党支部" in err
    assert "sec" not in {a["username"] for a in cli.json("accounts", "list", user="boss")}
    code, _, err = cli("accounts", "create", "chief", "--role", "管理员", "--branch", _branches(cli)[0],
                       user="boss", new=PASSWORDS["sec"])
    assert code == 1 and "管理员账号管理全局" in err

    first, second = _branches(cli)[:2]
    cli.ok("accounts", "create", "sec", "--role", "查阅", "--branch", first, "--branch", second, user="boss",
           new=PASSWORDS["sec"])
    rows = {a["username"]: a for a in cli.json("accounts", "list", user="boss")}
    assert rows["sec"]["branches"] == [first, second]
    assert rows["clerk"]["branches"] == [] and rows["boss"]["branches"] == []
    assert f"{first}、{second}" in cli.ok("accounts", "list", user="boss")
    # The office takes the limit off again.
    cli.ok("accounts", "set", "sec", "--all-branches", user="boss")
    assert {a["username"]: a for a in cli.json("accounts", "list", user="boss")}["sec"]["branches"] == []


def test_a_branch_account_lists_only_its_branch(cli: Cli) -> None:
    branch = _branches(cli)[1]
    everyone = cli.json("members", "list", user="clerk")
    stats_before = cli.json("stats", "--from", "2020-01-01", "--to", "2026-12-31", user="clerk")
    _make_sec(cli, branch)
    mine = cli.json("members", "list", user="sec")
    assert mine and {m["branch"] for m in mine} == {branch}
    assert len(mine) == len([m for m in everyone if m["branch"] == branch])

    figures = cli.json("stats", "--from", "2020-01-01", "--to", "2026-12-31", user="sec")
    assert figures["branches"] == 1 and 0 < figures["members"] < stats_before["members"]
    # The office's figures are unchanged by the branch account's existence.
    assert cli.json("stats", "--from", "2020-01-01", "--to", "2026-12-31", user="clerk") == stats_before

    theirs = cli.ok("activities", "list", user="clerk").splitlines()
    ours = cli.ok("activities", "list", user="sec").splitlines()
    assert 0 < len(ours) < len(theirs)


def test_a_branch_account_cannot_edit_another_branchs_member_nor_back_up(cli: Cli, tmp_path: Path) -> None:
    branch = _branches(cli)[1]
    from sqlalchemy import create_engine, text

    engine = create_engine(cli.db if "://" in cli.db else f"sqlite:///{cli.db}")
    with engine.connect() as conn:  # the JSON listing carries no member ids
        ids = conn.execute(text("SELECT m.id, b.name, m.id_number FROM member m JOIN branch b ON b.id = m.branch_id")).all()
    engine.dispose()
    other, _, other_number = next(row for row in ids if row[1] != branch)
    own = next(i for i, name, _ in ids if name == branch)
    _make_sec(cli, branch)

    for named in (str(other), other_number):  # by 编号 or by ID number: refused alike
        code, _, err = cli("adjust-hours", named, "2", "--reason", "补录", user="sec")
        assert code == 1 and "本支部" in err, (named, err)
    assert "补录" not in cli.ok("log", "--by", "sec", user="boss")
    cli.ok("adjust-hours", str(own), "2", "--reason", "补录", user="sec")

    code, _, err = cli("backup", str(tmp_path / "copy.sqlite3"), user="sec")
    assert code == 1 and "支部账号不能备份数据库" in err and "个人信息" in err
    assert not (tmp_path / "copy.sqlite3").exists()
    office = "boss" if "://" in cli.db else "clerk"  # a server's snapshot: office 管理员 only
    cli.ok("backup", str(tmp_path / "office.sqlite3"), user=office)  # an office account backs up
    assert (tmp_path / "office.sqlite3").exists()


def test_a_branch_account_does_not_open_an_activity_its_list_does_not_show(cli: Cli, tmp_path: Path) -> None:
    """Another branch's activity and a bureau one, none of the branch's members on them: absent from its list, and
    every command that reads one activity by its number refuses it (exit 1), where before `attendance show`,
    the prints and `attendance set` opened it (a sheet, or its title and dates in the message), and `adjust-hours
    --activity` tied its member's hours to it."""
    own_branch, other_branch = _branches(cli)[1], _branches(cli)[0]
    _make_sec(cli, own_branch)
    made = {}
    for key, organiser in (("theirs", other_branch), ("bureau", "局党委")):
        made[key] = cli.json("activities", "create", "--title", f"{key}课", "--type", "专题党课", "--start", "2026-12-20",
                             "--hours", "2", "--organiser", organiser, user="clerk")["id"]
    listed = {a["id"] for a in cli.json("activities", "list", user="sec")}
    assert not set(made.values()) & listed
    own_member = cli.json("members", "list", user="sec")[0]["id_number"]

    for activity_id in map(str, made.values()):
        for args in (("attendance", "show", activity_id, "--json"),
                     ("attendance", "set", activity_id, "--all-present"),
                     ("print-signin", activity_id, str(tmp_path / "signin.pdf")),
                     ("print-register", activity_id, str(tmp_path / "register.pdf")),
                     ("print-certificates", activity_id, str(tmp_path / "certificates.pdf")),
                     ("certificate-register", str(tmp_path / "certs.pdf"), "--activity", activity_id),
                     ("adjust-hours", own_member, "1", "--reason", "补录", "--activity", activity_id)):
            code, out, err = cli(*args, user="sec")
            assert code == 1 and "不属于本支部" in err and not out, (args, code, err)
            assert "课" not in err  # neither its title nor its dates
    assert not list(tmp_path.glob("*.pdf")) and "补录" not in cli.ok("log", "--by", "sec", user="boss")
    for args in (("attendance", "show", "99999"), ("adjust-hours", own_member, "1", "--reason", "补录", "--activity", "99999")):
        code, _, err = cli(*args, user="sec")
        assert code == 1 and "编号为99999的活动不存在" in err, err

    # Office accounts, the 查阅 one too, open them as before; the branch's own members joining one opens it.
    for user in ("clerk", "reader"):
        assert cli.json("attendance", "show", str(made["bureau"]), user=user)["members"] == []
    cli.ok("enrol", str(made["bureau"]), "--all", user="sec")
    shown = cli.json("attendance", "show", str(made["bureau"]), user="sec")["members"]
    assert shown and {m["branch"] for m in shown} == {own_branch}
