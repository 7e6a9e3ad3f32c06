"""The .deb installs, runs, upgrades over an older build keeping the user's data, and uninstalls.

Needs root and dpkg (the CI machine). The older build is the project's first commit (the
foundation) when git history is at hand, so that the upgrade also migrates the database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.safety.storage import known_heads
from tests.installer.installer_support import (
    OPT_IN,
    OPT_IN_REASON,
    ROOT,
    build_bundle,
    build_deb,
    require_pyinstaller,
    run,
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not OPT_IN, reason=OPT_IN_REASON)]

OLD_VERSION = "0.0.1"
DATA = Path(".local") / "share" / "dangxun"


def installed_version() -> str | None:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", "dangxun"],
                         capture_output=True, text=True)
    if out.returncode != 0 or "install ok installed" not in out.stdout:
        return None
    return out.stdout.rsplit(" ", 1)[-1]


def dpkg(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["dpkg", *args], capture_output=True, text=True,
                          env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    assert done.returncode == 0, f"dpkg {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def install(deb: Path) -> None:
    """`dpkg -i`; missing dependencies (e.g. libcups2 on a bare CI image) are then fetched the
    usual way, `apt-get -f install`, as a clerk's software centre would."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True, env=env)
    if done.returncode != 0 and "dependency problems" in done.stderr and shutil.which("apt-get"):
        fixed = subprocess.run(["apt-get", "install", "-f", "-y", "-qq"], capture_output=True,
                               text=True, env=env)
        assert fixed.returncode == 0, f"apt-get -f install:\n{done.stderr}\n{fixed.stderr}"
        return
    assert done.returncode == 0, f"dpkg -i {deb}:\n{done.stdout}\n{done.stderr}"


def old_source(tmp: Path) -> Path:
    """The first commit's tree (or DANGXUN_OLD_REV), else this tree again."""
    rev = os.environ.get("DANGXUN_OLD_REV")
    try:
        if not rev:
            roots = subprocess.run(["git", "-C", str(ROOT), "rev-list", "--max-parents=0", "HEAD"],
                                   capture_output=True, text=True, check=True).stdout.split()
            rev = roots[-1]
        tree = tmp / "old-source"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        return tree
    except (OSError, subprocess.CalledProcessError, IndexError):
        return ROOT


@pytest.fixture(scope="module")
def debs(bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """(old .deb, new .deb, the old tree) — built without compression, which only costs time."""
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root (CI runs as root)")
    if not shutil.which("dpkg-deb") or not shutil.which("dpkg"):
        pytest.skip("dpkg is missing: not a Debian-based system")
    if installed_version() is not None:
        pytest.skip("a dangxun package is already installed here; the test would replace it")
    require_pyinstaller()
    tmp = tmp_path_factory.mktemp("deb")
    source = old_source(tmp)
    old_bundle = build_bundle.build(tmp / "old-dist", tmp / "old-work", source, OLD_VERSION)
    old = build_deb.build_deb(old_bundle, tmp / "out", OLD_VERSION, "none", work=tmp / "stage")
    new = build_deb.build_deb(bundle_dir, tmp / "out", None, "none", work=tmp / "stage")
    yield old, new, source
    if installed_version() is not None:
        subprocess.run(["dpkg", "--purge", "dangxun"], capture_output=True)


def members(home: Path) -> list[dict[str, str]]:
    done = run(["/usr/bin/dangxun", "members", "list", "--json"], home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def schema_revisions(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    finally:
        conn.close()


def test_install_upgrade_remove_keeps_data(debs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, old_tree = debs
    home = tmp_path / "home"
    db = home / DATA / "dangxun.sqlite3"

    install(old)
    assert installed_version() == build_deb.debian_version(OLD_VERSION)
    assert run(["/usr/bin/dangxun", "--version"], home).stdout.strip().endswith(OLD_VERSION)
    desktop = Path("/usr/share/applications/dangxun.desktop").read_text(encoding="utf-8")
    assert "Name[zh_CN]=党员教育培训管理系统" in desktop
    assert Path("/usr/share/icons/hicolor/256x256/apps/dangxun.png").is_file()
    if shutil.which("desktop-file-validate"):
        assert subprocess.run(["desktop-file-validate",
                               "/usr/share/applications/dangxun.desktop"]).returncode == 0

    done = run(["/usr/bin/dangxun", "demo"], home)  # no --db: the user's data folder
    assert done.returncode == 0, done.stderr
    before = members(home)
    assert len(before) == 100 and db.is_file()
    old_heads = schema_revisions(db)

    install(new)
    new_version = build_deb.bundle_version(Path("/opt/dangxun"))
    assert installed_version() == build_deb.debian_version(new_version)
    upgraded = run(["/usr/bin/dangxun", "members", "list", "--json"], home)
    assert upgraded.returncode == 0, upgraded.stderr
    after = json.loads(upgraded.stdout)
    assert sorted(m["id_number"] for m in after) == sorted(m["id_number"] for m in before)
    assert schema_revisions(db) == known_heads()
    if old_heads != known_heads():
        # A real schema upgrade: the program copied the file aside first and said so.
        assert "升级" in upgraded.stderr
        copies = [p for p in home.rglob("*") if p.is_file() and p != db and is_sqlite(p)]
        assert copies, "no copy of the database was made before the upgrade"
    else:
        print(f"\nold build ({old_tree}) has the same schema {sorted(old_heads)}: no migration ran")

    dpkg("-r", "dangxun")
    assert not Path("/opt/dangxun").exists() and not Path("/usr/bin/dangxun").exists()
    assert db.is_file()
    dpkg("--purge", "dangxun")
    assert db.is_file() and db.parent.is_dir()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM member").fetchone()[0] == 100
    finally:
        conn.close()
