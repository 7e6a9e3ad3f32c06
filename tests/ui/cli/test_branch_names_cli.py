"""From the command line: branch names come back as typed, and any spelling of one finds it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from tests.helpers.free_text import full_id
from tests.helpers.pdf_reading import pdf_text

TEMPORARY = "第十二党支部（临时）"
SPACED = "机关　第一党支部"


def _roll(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "公民身份号码", "所在党支部"])
    ws.append(["张伟", full_id("11010119800101001"), TEMPORARY])
    ws.append(["王芳", full_id("11010119850202002"), SPACED])
    ws.append(["李明", full_id("11010119900303003"), "第十二党支部(临时)"])
    wb.save(path)
    return path


def test_branch_names_as_typed_in_lists_exports_and_prints(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli
    db = str(tmp_path / "cli.sqlite3")
    done = run("--db", db, "import-members", str(_roll(tmp_path / "roll.xlsx")), "--create-branches", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["branches_created"] == [TEMPORARY, SPACED]
    listed = run("--db", db, "branches", "list")
    assert listed.stdout.splitlines() == [f"{TEMPORARY}\t2", f"{SPACED}\t1"]
    shown = json.loads(run("--db", db, "members", "list", "--branch", "第十二党支部(临时)", "--json").stdout)
    assert {(m["name"], m["branch"]) for m in shown} == {("李明", TEMPORARY), ("张伟", TEMPORARY)}

    out = tmp_path / "export.xlsx"
    assert run("--db", db, "export-members", str(out), "--branch", "机关 第一党支部").returncode == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert SPACED in cells and "王芳" in cells and "张伟" not in cells
    logged = json.loads(run("--db", db, "log", "--action", "export", "--json").stdout)
    assert any(f"{SPACED}党员花名册" in e["summary"] for e in logged)  # the stored name, not the one typed

    pdf = tmp_path / "roll.pdf"
    printed = run("--db", db, "print-roll", str(pdf), "--branch", "第十二党支部(临时)")
    assert printed.returncode == 0, printed.stderr
    assert TEMPORARY in pdf_text(pdf, flat=True)


def test_a_branch_differing_only_in_width_is_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli
    db = str(tmp_path / "cli.sqlite3")
    made = run("--db", db, "branches", "create", TEMPORARY)
    assert made.returncode == 0, made.stderr
    again = run("--db", db, "branches", "create", "第十二党支部(临时)")
    assert again.returncode == 1 and TEMPORARY in again.stderr
    assert run("--db", db, "branches", "list").stdout.splitlines() == [f"{TEMPORARY}\t0"]
