"""Smoke test of the PyInstaller bundle: it starts offscreen and runs the commands a clerk uses."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from services.version import APP_NAME, VERSION
from tests.helpers.paths import SAMPLES
from tests.installer.installer_support import OPT_IN, OPT_IN_REASON, ROOT, build_bundle, run

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not OPT_IN, reason=OPT_IN_REASON)]

MEMBER_KEYS = {
    "name", "id_number", "sex", "birth_date", "ethnicity", "education", "joined_party",
    "full_member_since", "membership", "branch", "party_post", "job", "staff_status", "phone",
    "joined_org", "left_date", "status", "remarks",
}


@pytest.fixture(scope="module")
def exe(bundle_dir: Path) -> str:
    return str(build_bundle.executable(bundle_dir))


@pytest.fixture(scope="module")
def demo_db(exe: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-home")
    db = home / "demo.sqlite3"
    done = run([exe, "--db", str(db), "demo"], home)
    assert done.returncode == 0, done.stderr
    return db


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_layout_matches_services_paths(bundle_dir: Path) -> None:
    internal = bundle_dir / "_internal"
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (internal / "resources" / "icons" / "dangxun.png").is_file()
    assert (internal / "models" / "migrations" / "env.py").is_file()
    assert (internal / "models" / "migrations" / "script.py.mako").is_file()
    shipped = {p.name for p in (internal / "models" / "migrations" / "versions").glob("*.py")}
    source = {p.name for p in (ROOT / "models" / "migrations" / "versions").glob("*.py")}
    assert shipped == source


def test_version(exe: str, tmp_path: Path) -> None:
    done = run([exe, "--version"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{APP_NAME} {VERSION}"


def test_demo_then_members_list(exe: str, demo_db: Path, tmp_path: Path) -> None:
    done = run([exe, "--db", str(demo_db), "members", "list", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    members = json.loads(done.stdout)
    assert len(members) == 100
    assert set(members[0]) == MEMBER_KEYS
    assert len({m["branch"] for m in members}) == 11


def test_first_start_makes_empty_database_in_data_folder(exe: str, tmp_path: Path) -> None:
    done = run([exe, "members", "list", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert (tmp_path / ".local" / "share" / "dangxun" / "dangxun.sqlite3").is_file()


@pytest.mark.skipif(not (ROOT / "ui" / "app.py").exists(),
                    reason="ui/app.py (the window) has not landed on this branch yet")
@pytest.mark.parametrize("with_demo", [True, False], ids=["demo", "first-start"])
def test_screenshot(exe: str, demo_db: Path, tmp_path: Path, with_demo: bool) -> None:
    out = tmp_path / "shot.png"
    cmd = [exe, "--screenshot", str(out)]
    if with_demo:
        cmd[1:1] = ["--db", str(demo_db)]
    done = run(cmd, tmp_path)
    assert done.returncode == 0, done.stderr
    width, height = png_size(out)
    assert width >= 400 and height >= 300
    assert "Could not" not in done.stderr and "plugin" not in done.stderr.lower(), done.stderr


def test_stats(exe: str, demo_db: Path, tmp_path: Path) -> None:
    helped = run([exe, "--help"], tmp_path)
    if "stats" not in helped.stdout:
        pytest.skip("the stats command has not landed on this branch yet")
    done = run([exe, "--db", str(demo_db), "stats", "--from", "2021-01-01", "--to", "2025-12-31",
                "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert 0 < figures["members"] <= 100  # members on the roll at `to`
    assert {"activities", "person_times", "total_hours", "coverage", "years"} <= set(figures)


def samples_dir() -> Path:
    if SAMPLES.is_dir():
        return SAMPLES
    pytest.skip("shared/samples is not beside the repository")


def test_print_and_report(exe: str, demo_db: Path, tmp_path: Path) -> None:
    """Libraries that load modules or data files by name (ReportLab's barcodes, python-docx's
    template, calamine) work inside the bundle: the issue's print and report commands."""
    helped = run([exe, "--help"], tmp_path).stdout
    if "print-certificates" not in helped or "import-records" not in helped:
        pytest.skip("the training commands have not landed on this branch yet")
    samples = samples_dir()
    db = tmp_path / "roll.sqlite3"
    for cmd in (["import-members", str(samples / "roll_clean.xlsx"), "--create-branches"],
                ["import-records", str(samples / "records.xlsx")]):
        done = run([exe, "--db", str(db), *cmd], tmp_path)
        assert done.returncode == 0, done.stderr
    listed = run([exe, "--db", str(db), "activities", "list", "--json"], tmp_path)
    activity = str(json.loads(listed.stdout)[0]["id"])
    done = run([exe, "--db", str(db), "print-certificates", activity, "certs.pdf", "--json"],
               tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "certs.pdf").read_bytes()[:5] == b"%PDF-"
    if "report" in helped:
        done = run([exe, "--db", str(demo_db), "report", "--from", "2021-01-01", "--to",
                    "2025-12-31", "report.docx"], tmp_path)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "report.docx").read_bytes()[:2] == b"PK"
