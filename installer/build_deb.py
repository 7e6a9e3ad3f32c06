"""Package the onedir bundle as a .deb for Debian-based desktops (UOS, Kylin): `make deb`.

    python installer/build_deb.py [--bundle dist/dangxun] [--out dist] [--version X.Y.Z]

Installs the bundle under /opt/dangxun, a /usr/bin/dangxun wrapper, a menu entry with the Chinese
name and the icon. The user's data (~/.local/share/dangxun) belongs to the user: the package has
no maintainer scripts, so neither removal, purge nor upgrade ever touches it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "dangxun"
PREFIX = Path("opt") / PACKAGE
DEFAULT_MAINTAINER = "党员教育培训管理系统维护组 <dangxun@localhost>"

# Libraries the bundle takes from the system, by soname → the Debian package providing them.
# Every name exists in Debian 11, Ubuntu 20.04 (Kylin V10) and Debian 10 (UOS 20); alternatives
# cover other names: libgcc1 before Debian 11, the 64-bit time_t renames of Debian 13 / Ubuntu 24.04.
SONAME_PACKAGES = {
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1 | libgcc1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgthread-2.0.so.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgobject-2.0.so.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgio-2.0.so.0": "libglib2.0-0 | libglib2.0-0t64",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libSM.so.6": "libsm6",  # PySide6 6.8.0.2 (aarch64): libQt6XcbQpa, the xcb plugins
    "libICE.so.6": "libice6",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libzstd.so.1": "libzstd1",
    "libz.so.1": "zlib1g",
    "libcups.so.2": "libcups2 | libcups2t64",
    "libreadline.so.8": "libreadline8 | libreadline8t64",
}
# Part of libc6 itself; its version comes from the GLIBC_x.y symbols the bundle needs.
LIBC_SONAMES = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
                "libutil.so.1", "libresolv.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
                "libcrypt.so.1"}
# Always listed, whatever the scan finds: what Qt's xcb platform needs at run time (some are
# loaded with dlopen, which no scan sees).
BASE_DEPENDS = ["libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
                "libglib2.0-0 | libglib2.0-0t64", "libdbus-1-3", "libxcb-icccm4", "libxcb-keysyms1",
                "libxcb-cursor0"]

WRAPPER = """#!/bin/sh
# 党员教育培训管理系统 (dangxun): start the program installed under /opt/dangxun.
# The data stays in ~/.local/share/dangxun (or $XDG_DATA_HOME/dangxun); the package never touches it.
APP=/opt/dangxun
# The bundle carries Qt's X11 platform only; Wayland sessions run it through XWayland.
if [ -z "$QT_QPA_PLATFORM" ] && [ -n "$DISPLAY" ]; then
    export QT_QPA_PLATFORM=xcb
fi
# fcitx's Qt plugin is built against the system's Qt and cannot load into the bundled one;
# fcitx5 also speaks the IBus protocol, whose plugin the bundle has.
case "$QT_IM_MODULE" in
    fcitx*) [ -e "$APP/_internal/PySide6/Qt/plugins/platforminputcontexts/libfcitx5platforminputcontextplugin.so" ] \\
                || export QT_IM_MODULE=ibus ;;
esac
exec "$APP/dangxun" "$@"
"""

DESKTOP = """[Desktop Entry]
Type=Application
Version=1.0
Name=Party Member Education and Training
Name[zh_CN]=党员教育培训管理系统
GenericName=Party member education and training records
GenericName[zh_CN]=党员教育培训管理
Comment=Keep the roll of Party members, training activities and credit hours
Comment[zh_CN]=党员花名册、教育培训活动、学时统计与报告
Keywords=party;training;members;
Keywords[zh_CN]=党员;培训;学时;花名册;党支部;
Exec=dangxun
Icon=dangxun
Terminal=false
Categories=Office;
StartupNotify=true
"""


def elf_info(path: Path) -> tuple[list[str], set[str]] | None:
    """(DT_NEEDED sonames, symbol versions required) of a 64-bit little-endian ELF, else None.

    Read directly, so that a build needs no binutils (objdump -p / -T say the same).
    """
    with path.open("rb") as fh:
        return elf_info_bytes(fh.read())


def elf_info_bytes(data: bytes) -> tuple[list[str], set[str]] | None:
    """elf_info of a file's contents."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]

    def string(table: int, offset: int) -> str:
        start = sections[table][4] + offset
        return data[start:data.index(b"\0", start)].decode("ascii", "replace")

    needed: list[str] = []
    versions: set[str] = set()
    for _name, sh_type, _flags, _addr, offset, size, link, info, _align, _entsize in sections:
        if sh_type == 6:  # SHT_DYNAMIC
            for pos in range(offset, offset + size, 16):
                tag, value = struct.unpack_from("<qQ", data, pos)
                if tag == 0:
                    break
                if tag == 1:  # DT_NEEDED
                    needed.append(string(link, value))
        elif sh_type == 0x6FFFFFFE:  # SHT_GNU_verneed
            pos = offset
            for _ in range(info):
                _ver, count, _file, aux, nxt = struct.unpack_from("<HHIII", data, pos)
                apos = pos + aux
                for _ in range(count):
                    _hash, _flags2, _other, name, anext = struct.unpack_from("<IHHII", data, apos)
                    versions.add(string(link, name))
                    apos += anext
                pos += nxt
    return needed, versions


def version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


# GLIBCXX_3.4.N → the GCC release whose libstdc++6 first has it (Debian versions libstdc++6 by GCC).
GLIBCXX_GCC = {21: 5, 22: 6, 23: 7, 24: 7, 25: 8, 26: 9, 27: 9, 28: 10, 29: 11, 30: 12, 31: 13,
               32: 13, 33: 14}


def scan_bundle(bundle: Path) -> tuple[set[str], str]:
    """The sonames the bundle needs from the system, and the newest GLIBC_ version it needs."""
    needed, glibc, _glibcxx = scan_versions(bundle)
    return needed, glibc


def scan_versions(bundle: Path) -> tuple[set[str], str, int]:
    """scan_bundle, plus N of the newest GLIBCXX_3.4.N needed (0: none)."""
    provided: set[str] = set()
    needed: set[str] = set()
    glibc = "2.17"
    glibcxx = 0
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            if path.is_symlink():
                provided.add(path.name)
            continue
        provided.add(path.name)
        if not (path.suffix == ".so" or ".so." in path.name or os.access(path, os.X_OK)):
            continue
        info = elf_info(path)
        if info is None:
            continue
        needed.update(info[0])
        for version in info[1]:
            if version.startswith("GLIBC_") and version_key(version[6:]) > version_key(glibc):
                glibc = version[6:]
            elif re.fullmatch(r"GLIBCXX_3\.4\.\d+", version):
                glibcxx = max(glibcxx, version_key(version)[2])
    return needed - provided, glibc, glibcxx


def system_package(soname: str) -> str | None:
    """The installed Debian package holding `soname` (dpkg -S), for sonames the table lacks."""
    try:
        out = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True)
    except OSError:
        return None
    if out.returncode != 0 or not out.stdout:
        return None
    return out.stdout.split(":", 1)[0].split(",")[0].strip() or None


def depends_for(bundle: Path) -> tuple[list[str], str]:
    """The Depends field's entries for the bundle, and its glibc floor."""
    sonames, glibc, glibcxx = scan_versions(bundle)
    depends = [f"libc6 (>= {glibc})"]
    missing = []
    for soname in sorted(sonames):
        if soname in LIBC_SONAMES:
            continue
        package = SONAME_PACKAGES.get(soname) or system_package(soname)
        if package is None:
            missing.append(soname)
        elif package not in depends:
            depends.append(package)
    if missing:
        raise SystemExit("no Debian package known for " + ", ".join(missing)
                         + ": add them to SONAME_PACKAGES in installer/build_deb.py")
    if "libstdc++6" in depends and glibcxx in GLIBCXX_GCC:
        # e.g. PySide6 6.9 needs GLIBCXX_3.4.21 (GCC 5), 6.10+ GLIBCXX_3.4.29 (GCC 11).
        depends[depends.index("libstdc++6")] = f"libstdc++6 (>= {GLIBCXX_GCC[glibcxx]})"
    for package in BASE_DEPENDS:
        if package not in depends:
            depends.append(package)
    return depends, glibc


def bundle_version(bundle: Path) -> str:
    """The version the bundle itself reports (`dangxun --version` → '党员教育培训管理系统 0.1.0')."""
    out = subprocess.run([str(bundle / PACKAGE), "--version"], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    return out.stdout.strip().rsplit(" ", 1)[-1]


def debian_version(version: str) -> str:
    # A pre-release "0.2.0-rc1" must sort before "0.2.0": Debian spells that "0.2.0~rc1".
    return version.replace("-", "~") + "-1"


def architecture() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "amd64"


def normalise_modes(root: Path) -> None:
    """Directories 0755, executables 0755, other files 0644 (a umask of the builder must not leak)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or os.stat(path).st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def stage(bundle: Path, staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(bundle, staging / PREFIX, symlinks=True)
    (staging / "usr" / "bin").mkdir(parents=True)
    (staging / "usr" / "bin" / PACKAGE).write_text(WRAPPER, encoding="utf-8")
    (staging / "usr" / "bin" / PACKAGE).chmod(0o755)
    apps = staging / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{PACKAGE}.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = bundle / "_internal" / "resources" / "icons"
    if not icons.is_dir():  # a bundle of an older tree that predates the icon
        icons = ROOT / "resources" / "icons"
    for size_dir, name in (("256x256", "dangxun.png"), ("scalable", "dangxun.svg")):
        target = staging / "usr" / "share" / "icons" / "hicolor" / size_dir / "apps"
        target.mkdir(parents=True)
        shutil.copy2(icons / name, target / name)
    doc = staging / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    font_license = bundle / "_internal" / "resources" / "fonts" / "LICENSE-wqy-microhei.txt"
    copyright_text = (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: dangxun (党员教育培训管理系统)\n\n"
        "Files: opt/dangxun/_internal/resources/fonts/*\n"
        "License: Apache-2.0 or GPL-3 (WenQuanYi Micro Hei), see\n"
        " /opt/dangxun/_internal/resources/fonts/LICENSE-wqy-microhei.txt\n\n"
        "Files: opt/dangxun/_internal/resources/fonts/hanamin-a-rare.ttf\n"
        "License: Hanazono Font License (a subset of HanaMinA), see\n"
        " /opt/dangxun/_internal/resources/fonts/LICENSE-hanazono.txt\n\n"
        "Files: opt/dangxun/_internal/PySide6/*\n"
        "License: LGPL-3 (Qt for Python, Qt)\n"
    )
    if not font_license.exists():
        copyright_text = copyright_text.split("Files: opt/dangxun/_internal/resources")[0]
    (doc / "copyright").write_text(copyright_text, encoding="utf-8")
    normalise_modes(staging)


def installed_size_kib(staging: Path) -> int:
    total = 0
    for path in staging.rglob("*"):
        if "DEBIAN" in path.relative_to(staging).parts[:1]:
            continue
        total += 1 if path.is_symlink() or path.is_dir() else (path.stat().st_size + 1023) // 1024
    return total


def write_control(staging: Path, version: str, depends: list[str]) -> None:
    control_dir = staging / "DEBIAN"
    control_dir.mkdir()
    sums = []
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging)
        if rel.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {rel.as_posix()}\n")
    (control_dir / "md5sums").write_text("".join(sums), encoding="utf-8")
    maintainer = os.environ.get("DANGXUN_MAINTAINER", DEFAULT_MAINTAINER)
    control = (
        f"Package: {PACKAGE}\n"
        f"Version: {debian_version(version)}\n"
        f"Architecture: {architecture()}\n"
        f"Maintainer: {maintainer}\n"
        f"Installed-Size: {installed_size_kib(staging)}\n"
        f"Depends: {', '.join(depends)}\n"
        # The print preview renders pages with pdftoppm when Qt has no QtPdf (PySide6-Essentials).
        "Recommends: poppler-utils\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: 党员教育培训管理系统 (Party member education and training)\n"
        " Keeps the roll of Party members and branches, training and study activities,\n"
        " attendance and credit hours, assessments and statistics; prints sign-in sheets,\n"
        " registers and certificates. Works offline; data stays in ~/.local/share/dangxun.\n"
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    normalise_modes(control_dir)


def build_deb(bundle: Path, out_dir: Path, version: str | None = None,
              compression: str = "xz", level: int | None = None, work: Path | None = None) -> Path:
    """Stage and build the package; returns the path of the .deb."""
    if not (bundle / PACKAGE).is_file():
        raise SystemExit(f"no bundle at {bundle}: run `make bundle` first")
    version = version or bundle_version(bundle)
    arch = architecture()
    staging = (work or ROOT / "build" / "deb") / f"{PACKAGE}_{debian_version(version)}_{arch}"
    stage(bundle, staging)
    depends, _glibc = depends_for(staging / PREFIX)
    write_control(staging, version, depends)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{debian_version(version)}_{arch}.deb"
    # --root-owner-group: files owned by root without fakeroot; xz is what older dpkg (UOS 20's
    # 1.19) reads, zstd is not.
    if level is None and compression == "xz":
        # xz -1: 57 MiB in ~35 s here; the default -6 saves 6 MiB more but takes ~4 minutes.
        level = 1
    cmd = ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(staging), str(deb)]
    if level is not None:
        cmd.insert(2, f"-z{level}")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(staging, ignore_errors=True)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the .deb from the onedir bundle.")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--version", help="package version (default: what the bundle reports)")
    parser.add_argument("--compression", default="xz", choices=("xz", "gzip", "none"))
    parser.add_argument("--level", type=int, help="compression level (dpkg-deb -z)")
    parser.add_argument("--work", type=Path, help="staging folder (default build/deb)")
    args = parser.parse_args(argv)
    if shutil.which("dpkg-deb") is None:
        print("dpkg-deb is missing: build the .deb on a Debian-based system", file=sys.stderr)
        return 2
    deb = build_deb(args.bundle.resolve(), args.out.resolve(), args.version, args.compression,
                    args.level, args.work.resolve() if args.work else None)
    print(f"{deb} ({deb.stat().st_size / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
