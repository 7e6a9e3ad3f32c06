"""A member named on the command line by ID number (what a clerk has at hand) or by 编号; every argument helps."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ui.cli.help_texts import arguments_without_help
from ui.cli.main import build_parser, run


def test_every_argument_of_every_command_has_a_help_line() -> None:
    assert arguments_without_help(build_parser()) == []


def test_the_shared_arguments_read_alike_in_every_command() -> None:
    pages = {" ".join(argv): _help_of(argv) for argv in (["stats"], ["rules", "check"], ["spending", "list"])}
    for page in pages.values():
        assert "起始日期，如 2024-01-01（含当日）" in page and "以 JSON 格式输出结果" in page


def _help_of(argv: list[str]) -> str:
    parser = build_parser()
    for action in parser._actions:
        if action.dest == "command":
            child = action.choices[argv[0]]  # type: ignore[index]
            for sub in argv[1:]:
                child = next(a for a in child._actions if a.choices and sub in a.choices).choices[sub]  # type: ignore[union-attr, index]
            return str(child.format_help())
    raise AssertionError(argv)


@pytest.fixture
def office(cli: Callable[..., Any], tmp_path: Path) -> tuple[str, list[dict[str, Any]], int]:
    db = str(tmp_path / "refs.sqlite3")
    assert cli("--db", db, "demo", "--members", "6", "--branches", "2", "--no-activities").returncode == 0
    roll = json.loads(cli("--db", db, "members", "list", "--json").stdout)
    made = cli("--db", db, "activities", "create", "--title", "专题党课", "--type", "专题党课",
               "--start", "2026-03-02", "--hours", "2", "--json")
    assert made.returncode == 0, made.stderr
    return db, roll, int(json.loads(made.stdout)["id"])


def test_enrol_attendance_and_hours_take_id_numbers(cli: Callable[..., Any],
                                                    office: tuple[str, list[dict[str, Any]], int]) -> None:
    db, roll, activity = office
    first, second = roll[0]["id_number"], roll[1]["id_number"]
    done = cli("--db", db, "enrol", str(activity), "--member", first, "--member", second.lower())
    assert done.returncode == 0, done.stderr
    done = cli("--db", db, "attendance", "set", str(activity), "--member", first, "--status", "出席")
    assert done.returncode == 0, done.stderr
    shown = json.loads(cli("--db", db, "attendance", "show", str(activity), "--json").stdout)
    names = {m["name"]: m for m in shown["members"]}
    assert set(names) == {roll[0]["name"], roll[1]["name"]}
    assert float(names[roll[0]["name"]]["hours"]) == 2.0 and float(names[roll[1]["name"]]["hours"]) == 0.0
    # the 编号 attendance show gives works as before
    done = cli("--db", db, "adjust-hours", str(names[roll[1]["name"]]["member_id"]), "1.5", "--reason", "补学")
    assert done.returncode == 0, done.stderr
    done = cli("--db", db, "adjust-hours", second, "0.5", "--reason", "补学")
    assert done.returncode == 0, done.stderr
    entries = json.loads(cli("--db", db, "log", "--json").stdout)
    assert len([e for e in entries if "补学" in e["summary"]]) == 2


def test_an_unknown_or_malformed_id_number_is_refused_and_nothing_is_written(
        cli: Callable[..., Any], office: tuple[str, list[dict[str, Any]], int]) -> None:
    db, roll, activity = office
    unknown = "110101199003077774"  # a valid number nobody on this roll has
    assert all(m["id_number"] != unknown for m in roll)
    done = cli("--db", db, "enrol", str(activity), "--member", roll[0]["id_number"], "--member", unknown)
    assert done.returncode == 1 and f"没有身份证号码为{unknown}的党员" in done.stderr
    shown = json.loads(cli("--db", db, "attendance", "show", str(activity), "--json").stdout)
    assert shown["members"] == []  # the known one was not enrolled either
    with pytest.raises(SystemExit) as stopped:
        run(["--db", db, "adjust-hours", "张三", "1", "--reason", "补学"])
    assert stopped.value.code == 2
    bad_check = "110101199003077770"  # 18 digits with a wrong check digit
    done = cli("--db", db, "adjust-hours", bad_check, "1", "--reason", "补学")
    assert done.returncode == 1 and bad_check in done.stderr and "补学" not in cli("--db", db, "log").stdout
