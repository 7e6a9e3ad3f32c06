"""Build the Linux package inside a Debian 11 root, and check it in a fresh one.

    python3 installer/debian_root.py deb   [--arch amd64|arm64] [--version X.Y.Z] [--source-rev REV]
                                           [--out DIR] [--compression xz|gzip|none]
    python3 installer/debian_root.py shell [--arch amd64|arm64] [--root base|builder|check]

Why: a bundle needs the glibc of the machine it was built on (libpython, the C extensions). Built
on Debian 12 it needs glibc 2.36; built in a Debian 11 ("bullseye") root with wheels no newer than
manylinux_2_28 it runs on glibc 2.28 (UOS 20), Debian 11 and Kylin V10 (2.31). `make deb` runs
`deb`; `make deb-check` builds an older package with `deb --source-rev root` and runs
tests/installer/test_debian11.py, which uses fresh_check_root() and mounted() below. Needs root
(debootstrap, chroot, mount) and, for arm64 on an x86-64 machine, qemu-user-static.

Everything is cached under build/debian11/<arch>/ (`make clean` removes it):
    base/      the pristine `debootstrap --variant=minbase bullseye` root, never changed
    builder/   a copy of base with the compilers, CPython 3.11 built from source in /opt/python3.11
               (once) and a venv /opt/dangxun-venv with the pinned wheels (again when the pins
               change)
    check/     a fresh copy of base for each check: apt installs the .deb there
    bundle/    the PyInstaller onedir bundle built in builder/
    cross/     arm64 on x86-64 only: where CPython and SQLite are cross-compiled for arm64's
               builder/ (cross_arm64.py; compiling under qemu-user took hours)
The .deb lands in dist/ (or --out).

CPython: Debian 11 ships 3.9 and the code targets 3.11, so 3.11 is compiled in the root from the
source tarball of Debian 12's python3.11 package (the upstream 3.11.2 release, checked by its
SHA-256). It is linked so that it needs no glibc symbol newer than the floor (see FLOOR_HEADER).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = ROOT / "build" / "debian11"
MIRROR = os.environ.get("DANGXUN_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "bullseye"

# The upstream source of Debian 12's python3.11 package (3.11.2-6+deb12u8): the orig tarball.
PYTHON_VERSION = "3.11.2"
PYTHON_URL = f"{MIRROR}/pool/main/p/python3.11/python3.11_{PYTHON_VERSION}.orig.tar.gz"
PYTHON_SHA256 = "2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849"
PYTHON_PREFIX = "/opt/python3.11"
VENV = "/opt/dangxun-venv"
SRC = "/src"  # the source tree, bind-mounted into the root



@dataclass(frozen=True)
class Arch:
    floor: str            # the newest GLIBC_x.y any file of the package may need
    wheel_platform: str   # the newest manylinux tag a wheel may carry
    machine: str          # uname -m
    qemu: str | None      # qemu-user that runs it on another machine


# arm64: no PySide6 aarch64 wheel is older than manylinux_2_31 (6.8.0.x); 6.8.1+ need 2.39.
ARCHES = {
    "amd64": Arch("2.28", "manylinux_2_28_x86_64", "x86_64", "x86_64"),
    "arm64": Arch("2.31", "manylinux_2_31_aarch64", "aarch64", "aarch64"),
}

# Compilers and headers for CPython; Debian 11's libraries that CPython links (OpenSSL 1.1,
# SQLite 3.34, libffi 7 …) are copied into the bundle by dangxun.spec.
BUILD_PACKAGES = ["build-essential", "pkg-config", "libssl-dev", "libsqlite3-dev", "libffi-dev",
                  "zlib1g-dev", "libbz2-dev", "liblzma-dev", "uuid-dev", "ca-certificates",
                  "binutils", "dpkg-dev", "tcl"]
# What Qt needs to start (PyInstaller's hooks import PySide6; the build runs `dangxun --version`).
QT_RUNTIME = ["libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
              "libglib2.0-0", "libdbus-1-3", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0",
              "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0",
              "libxcb-randr0", "libcups2"]

# glibc 2.29 gave exp, exp2, log, log2 and pow new symbol versions (same results, faster); code
# compiled on Debian 11 asks for those. Pinning the old versions keeps CPython at the 2.28 floor.
FLOOR_HEADER = """\
/* Included into every CPython source file (CFLAGS -include): keeps the glibc 2.28 floor. */
#if defined(__x86_64__)
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver exp2,exp2@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");
#endif
"""
# Debian 11's libsqlite3 needs GLIBC_2.29 (its math functions): SQLite is compiled too, from Debian
# 12's sqlite3 source package (the SQLite the tests run with on Debian 12, with Debian's patches).
SQLITE_SOURCE = "deb-src http://deb.debian.org/debian bookworm main"
# Debian's debian/rules options, so the SQLite in the bundle behaves like the system's.
SQLITE_CFLAGS = ("-DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 "
                 "-DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5 "
                 "-DSQLITE_ENABLE_RTREE=1 -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_ENABLE_DBSTAT_VTAB "
                 "-DSQLITE_ENABLE_UPDATE_DELETE_LIMIT -DSQLITE_SOUNDEX -DSQLITE_USE_URI "
                 "-DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_ENABLE_DESERIALIZE")
# configure would find these glibc 2.30+ functions on Debian 11; CPython has fallbacks.
CONFIGURE_CACHE = ["ac_cv_func_sem_clockwait=no", "ac_cv_func_pthread_cond_clockwait=no",
                   "ac_cv_func_gettid=no"]


def log(message: str) -> None:
    print(f"[debian11] {message}", flush=True)


def sh(cmd: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    return subprocess.run(list(cmd), check=True, **kwargs)


def arch_dir(arch: str) -> Path:
    return CACHE / arch


def host_arch() -> str:
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


# --- mounts --------------------------------------------------------------------------------------

def mounts_under(path: Path) -> list[str]:
    target = str(path.resolve())
    found = []
    with open("/proc/self/mounts", encoding="utf-8") as fh:
        for line in fh:
            point = line.split()[1].replace("\\040", " ")
            if point == target or point.startswith(target + "/"):
                found.append(point)
    return found


def unmount_all(path: Path) -> None:
    for point in sorted(mounts_under(path), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], check=False)


def remove_root(path: Path) -> None:
    """Delete a root: unmount whatever is mounted inside first, never cross into another fs."""
    if not path.exists():
        return
    unmount_all(path)
    if mounts_under(path):
        raise SystemExit(f"{path} still has mounts: {mounts_under(path)}")
    sh(["rm", "-rf", "--one-file-system", str(path)])


def copy_root(src: Path, dst: Path) -> None:
    remove_root(dst)
    sh(["cp", "-a", "--reflink=auto", str(src), str(dst)])


def ensure_binfmt(arch: str) -> None:
    """Make the kernel run aarch64 programs through qemu-user (for an arm64 root on x86-64)."""
    qemu = ARCHES[arch].qemu
    if qemu is None or host_arch() == arch:
        return
    if shutil.which(f"qemu-{qemu}-static") is None:
        raise SystemExit("arm64 needs qemu-user: apt-get install qemu-user-static binfmt-support")
    misc = Path("/proc/sys/fs/binfmt_misc")
    if not (misc / "register").exists():
        sh(["mount", "-t", "binfmt_misc", "binfmt_misc", str(misc)])
    if not (misc / f"qemu-{qemu}").exists():
        conf = Path(f"/usr/lib/binfmt.d/qemu-{qemu}.conf")
        (misc / "register").write_text(conf.read_text().strip() + "\n")
    if "enabled" not in (misc / f"qemu-{qemu}").read_text():
        raise SystemExit(f"binfmt_misc entry qemu-{qemu} is disabled")


@contextlib.contextmanager
def mounted(root: Path, source: Path | None = None) -> Iterator[None]:
    """/proc, the host's name resolution and (optionally) the source tree at /src in `root`."""
    shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf")
    ca = Path("/etc/ssl/certs/ca-certificates.crt")  # the host's CAs, for pip behind a proxy
    if ca.is_file():
        shutil.copy2(ca, root / "etc" / "host-ca-certificates.crt")
    points = []
    try:
        sh(["mount", "-t", "proc", "proc", str(root / "proc")])
        points.append(root / "proc")
        if source is not None:
            (root / SRC.lstrip("/")).mkdir(exist_ok=True)
            sh(["mount", "--bind", str(source), str(root / SRC.lstrip("/"))])
            points.append(root / SRC.lstrip("/"))
        yield
    finally:
        for point in reversed(points):
            subprocess.run(["umount", "-l", str(point)], check=False)


def chroot_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOME": "/root", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "DEBIAN_FRONTEND": "noninteractive", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PIP_CERT": "/etc/host-ca-certificates.crt", "PIP_DEFAULT_TIMEOUT": "120"}
    env.update(extra or {})
    return env


def in_root(root: Path, script: str, env: dict[str, str] | None = None, check: bool = True,
            capture: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a shell script in the root (mounted by the caller)."""
    done = subprocess.run(["chroot", str(root), "/bin/sh", "-ec", script], env=chroot_env(env),
                          text=True, capture_output=capture)
    if check and done.returncode != 0:
        if capture:
            print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"failed in {root} (exit {done.returncode}):\n{script}")
    return done


# --- the roots -----------------------------------------------------------------------------------

def ensure_base(arch: str) -> Path:
    """The pristine minbase root, made once (about half a minute on x86-64)."""
    base = arch_dir(arch) / "base"
    if (base / ".dangxun-complete").exists():
        return base
    if shutil.which("debootstrap") is None:
        raise SystemExit("debootstrap is missing: apt-get install debootstrap")
    ensure_binfmt(arch)
    tmp = arch_dir(arch) / "base.tmp"
    remove_root(tmp)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    log(f"debootstrap {SUITE} {arch} → {base}")
    sh(["debootstrap", "--variant=minbase", f"--arch={arch}", SUITE, str(tmp), MIRROR],
       stdout=subprocess.DEVNULL)
    (tmp / ".dangxun-complete").write_text(f"{SUITE} {arch} {MIRROR}\n")
    remove_root(base)
    tmp.rename(base)
    log(f"base root made in {time.monotonic() - started:.0f} s")
    return base


def python_tarball() -> Path:
    target = ROOT / "build" / "downloads" / f"python3.11_{PYTHON_VERSION}.orig.tar.gz"
    if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != PYTHON_SHA256:
        target.parent.mkdir(parents=True, exist_ok=True)
        log(f"download {PYTHON_URL}")
        with urllib.request.urlopen(PYTHON_URL, timeout=120) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != PYTHON_SHA256:
            raise SystemExit(f"{PYTHON_URL}: SHA-256 mismatch")
        target.write_bytes(data)
    return target


def python_stamp(arch: str) -> str:
    text = "\n".join([PYTHON_VERSION, PYTHON_SHA256, FLOOR_HEADER, *CONFIGURE_CACHE,
                      SQLITE_SOURCE, SQLITE_CFLAGS,
                      *BUILD_PACKAGES, *QT_RUNTIME, arch])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_builder(arch: str) -> Path:
    """base + compilers + CPython 3.11 in /opt/python3.11, built once (a few minutes)."""
    import cross_arm64  # arm64 on x86-64: cross-compiled, see there (it uses this module)
    if cross_arm64.emulated(arch):
        return cross_arm64.ensure_builder()
    builder = arch_dir(arch) / "builder"
    stamp = builder / ".dangxun-python"
    if stamp.exists() and stamp.read_text().strip() == python_stamp(arch):
        return builder
    base = ensure_base(arch)
    tarball = python_tarball()
    started = time.monotonic()
    copy_root(base, builder)
    shutil.copy2(tarball, builder / "tmp" / tarball.name)
    (builder / "opt").mkdir(exist_ok=True)
    (builder / "opt" / "glibc-floor.h").write_text(FLOOR_HEADER)
    log(f"builder root: apt-get install the compilers ({arch})")
    with mounted(builder):
        in_root(builder, "apt-get update -qq && apt-get install -y -qq --no-install-recommends "
                + " ".join(BUILD_PACKAGES + QT_RUNTIME) + " >/dev/null")
        log(f"compile SQLite (Debian 12's source package) in the root ({arch})")
        in_root(builder, f"""
            echo '{SQLITE_SOURCE}' > /etc/apt/sources.list.d/bookworm-src.list
            apt-get update -qq
            rm -rf /tmp/sqlite && mkdir /tmp/sqlite && cd /tmp/sqlite
            apt-get source -qq sqlite3 >/dev/null 2>&1
            cd sqlite3-*/
            ./configure -q --prefix={PYTHON_PREFIX} --enable-shared --disable-static \\
                --disable-tcl --disable-readline --disable-editline \\
                CFLAGS="-O2 -include /opt/glibc-floor.h {SQLITE_CFLAGS}" >/dev/null
            make -s -j$(nproc) >/tmp/sqlite-make.log 2>&1 || {{ tail -50 /tmp/sqlite-make.log; exit 1; }}
            make -s install >/dev/null 2>&1
            cd /tmp && rm -rf /tmp/sqlite
        """)
        log(f"compile CPython {PYTHON_VERSION} in the root ({arch})")
        in_root(builder, f"""
            cd /tmp && rm -rf Python-{PYTHON_VERSION} && tar xzf {tarball.name}
            cd Python-{PYTHON_VERSION}
            ./configure -q --prefix={PYTHON_PREFIX} --enable-shared --with-ensurepip=install \\
                {' '.join(CONFIGURE_CACHE)} \\
                LIBSQLITE3_CFLAGS="-I{PYTHON_PREFIX}/include" \\
                LIBSQLITE3_LIBS="-L{PYTHON_PREFIX}/lib -lsqlite3" \\
                CFLAGS="-O2 -include /opt/glibc-floor.h" \\
                LDFLAGS="-L{PYTHON_PREFIX}/lib -Wl,-rpath,{PYTHON_PREFIX}/lib" >/dev/null
            make -s -j$(nproc) >/tmp/python-make.log 2>&1 || {{ tail -50 /tmp/python-make.log; exit 1; }}
            make -s install >/dev/null 2>&1
            cd /tmp && rm -rf Python-{PYTHON_VERSION} {tarball.name}
            {PYTHON_PREFIX}/bin/python3.11 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, \
decimal, pyexpat; print("built", ssl.OPENSSL_VERSION, "sqlite", sqlite3.sqlite_version)'
        """)
    stamp.write_text(python_stamp(arch) + "\n")
    (builder / ".dangxun-wheels").unlink(missing_ok=True)
    log(f"CPython built in {time.monotonic() - started:.0f} s")
    return builder


def pins_stamp(arch: str, source: Path) -> str:
    groups = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    text = repr(groups.get("dependency-groups")) + ARCHES[arch].wheel_platform
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def wheel_platforms(arch: str) -> list[str]:
    """Every manylinux tag up to the arch's floor: pip does not widen an explicit --platform."""
    tag = ARCHES[arch].wheel_platform
    floor = int(tag.split("_")[2])
    machine = ARCHES[arch].machine
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(floor, 4, -1)]
    legacy = {"manylinux2014": 17, "manylinux2010": 12, "manylinux1": 5}
    return tags + [f"{name}_{machine}" for name, minor in legacy.items() if minor <= floor]


def ensure_venv(arch: str, builder: Path) -> None:
    """The venv with the `bundle` group, from wheels no newer than the arch's manylinux floor."""
    stamp = builder / ".dangxun-wheels"
    wanted = pins_stamp(arch, ROOT)
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    # arm64 on x86-64 too: the download runs under qemu, since pip evaluates the pins' markers
    # (platform_machine == 'aarch64') for the interpreter that runs it, whatever --platform says.
    started = time.monotonic()
    tag = ARCHES[arch].wheel_platform
    log(f"venv {VENV} from {tag} wheels ({arch})")
    with mounted(builder, ROOT):
        in_root(builder, f"""
            rm -rf {VENV} /opt/wheelhouse
            {PYTHON_PREFIX}/bin/python3.11 -m venv {VENV}
            {VENV}/bin/pip install -q 'pip>=25.1'
            cd {SRC}
            # Only binary wheels, none newer than {tag}: pip refuses what does not fit.
            {VENV}/bin/pip download -q --group bundle --only-binary=:all: \\
                {' '.join('--platform ' + p for p in wheel_platforms(arch))} \\
                --python-version 3.11 --implementation cp -d /opt/wheelhouse
            {VENV}/bin/pip install -q --no-index --find-links /opt/wheelhouse --group bundle
            ls /opt/wheelhouse
        """)
    stamp.write_text(wanted + "\n")
    log(f"venv ready in {time.monotonic() - started:.0f} s")


# --- deb -----------------------------------------------------------------------------------------

def inside(path: Path) -> str:
    """Where a path under the source tree is seen in the root."""
    return SRC + "/" + path.resolve().relative_to(ROOT).as_posix()


def build(arch: str, version: str | None = None, source: Path | None = None,
          out: Path | None = None, compression: str = "xz", name: str = "bundle") -> Path:
    """Build the bundle in the builder root and package it; returns the .deb (checked)."""
    if os.geteuid() != 0:
        raise SystemExit("building in a Debian 11 root needs root (debootstrap, chroot, mount)")
    started = time.monotonic()
    builder = ensure_builder(arch)
    ensure_venv(arch, builder)
    out = (out or ROOT / "dist").resolve()
    work = arch_dir(arch)
    bundle_dist, pyi_work, stage = work / name, work / f"{name}-pyinstaller", work / f"{name}-stage"
    out.mkdir(parents=True, exist_ok=True)
    for path in (bundle_dist, stage):
        shutil.rmtree(path, ignore_errors=True)
    src = (source or ROOT).resolve()
    src_inside = inside(src) if src != ROOT else SRC
    for path in (out, bundle_dist, pyi_work):
        path.relative_to(ROOT)  # all of them must be visible at /src in the root
    version_args = f"--version {shlex.quote(version)}" if version else ""
    before = set(out.glob("dangxun_*.deb"))
    log(f"PyInstaller and dpkg-deb in the root ({arch})")
    with mounted(builder, ROOT):
        in_root(builder, f"""
            cd {SRC}
            {VENV}/bin/python installer/build_bundle.py --source {src_inside} \\
                --dist {inside(bundle_dist)} --work {inside(pyi_work)} {version_args}
            {VENV}/bin/python installer/build_deb.py --bundle {inside(bundle_dist)}/dangxun \\
                --out {inside(out)} --work {inside(stage)} --compression {compression} \\
                {version_args}
        """, env={"QT_QPA_PLATFORM": "offscreen"})
    made = sorted(set(out.glob(f"dangxun_*_{arch}.deb")) - before
                  or out.glob(f"dangxun_*_{arch}.deb"), key=lambda p: p.stat().st_mtime)
    deb = made[-1]
    check = subprocess.run([sys.executable, str(HERE / "check_glibc.py"), "--floor",
                            ARCHES[arch].floor, "--machine", ARCHES[arch].machine, str(deb)])
    if check.returncode != 0:
        raise SystemExit(f"{deb} needs a newer glibc than {ARCHES[arch].floor}")
    log(f"{deb} ({deb.stat().st_size / 2**20:.0f} MiB) in {time.monotonic() - started:.0f} s")
    return deb


def export_revision(rev: str) -> Path:
    """The tree of a git revision, under build/debian11/source-<commit> (seen at /src in a root)."""
    if rev == "root":
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-list", "--max-parents=0", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.split()[-1]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", rev + "^{commit}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    tree = CACHE / f"source-{commit[:12]}"
    if not (tree / "main.py").exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit],
                                 capture_output=True, check=True).stdout
        sh(["tar", "-x", "-C", str(tree)], input=archive)
    return tree


# --- check ---------------------------------------------------------------------------------------

def fresh_check_root(arch: str) -> Path:
    """A fresh copy of the pristine root, with the package lists fetched."""
    check = arch_dir(arch) / "check"
    copy_root(ensure_base(arch), check)
    return check


def main(argv: list[str] | None = None) -> int:
    sys.modules.setdefault("debian_root", sys.modules[__name__])  # one module for cross_arm64
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    deb = sub.add_parser("deb", help="build the .deb in the Debian 11 root")
    deb.add_argument("--version", help="version to build instead of services/version.py")
    deb.add_argument("--source", type=Path, help="another source tree (must lie under the repo)")
    deb.add_argument("--source-rev", help="build this git revision instead of the work tree "
                     "('root': the first commit; the upgrade check's older package)")
    deb.add_argument("--out", type=Path, help="folder for the .deb (under the repo; default dist)")
    deb.add_argument("--compression", default="xz", choices=("xz", "gzip", "none"))
    deb.add_argument("--name", default="bundle", help="name of the bundle folder in the cache")
    shell = sub.add_parser("shell", help="a shell in one of the roots (for debugging)")
    shell.add_argument("--root", default="builder", choices=("base", "builder", "check", "cross"))
    for command in (deb, shell):
        command.add_argument("--arch", default=os.environ.get("ARCH") or host_arch(),
                             choices=sorted(ARCHES))
    args = parser.parse_args(argv)
    if args.command == "deb":
        source = args.source
        if args.source_rev:
            source = export_revision(args.source_rev)
        build(args.arch, args.version, source, args.out, args.compression, args.name)
    elif args.command == "shell":
        root = arch_dir(args.arch) / args.root
        with mounted(root, ROOT):
            subprocess.run(["chroot", str(root), "/bin/bash"], env=chroot_env())
    return 0


if __name__ == "__main__":
    sys.exit(main())
