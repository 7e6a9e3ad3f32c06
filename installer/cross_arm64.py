"""The arm64 builder root on an x86-64 machine: CPython and SQLite cross-compiled, not emulated.

Used by debian_root.py when it builds the arm64 package on an x86-64 machine. Compiling inside the
arm64 root under qemu-user never finished (SQLite 59 min, CPython's configure more than 21 min), so:

    build/debian11/arm64/
      cross/     a copy of the amd64 builder/ (compilers, the amd64 CPython 3.11.2 in
                 /opt/python3.11) plus Debian 11's crossbuild-essential-arm64 and the arm64 -dev
                 packages (multiarch: libssl-dev:arm64 …). SQLite and CPython (the same sources
                 and options as on amd64) are cross-compiled there with aarch64-linux-gnu-gcc,
                 the amd64 python3.11 as --with-build-python, into the staging folder
                 /opt/arm64/opt/python3.11. They link Debian 11's arm64 libraries, so they need
                 its glibc 2.31 at most.
      builder/   the arm64 base root plus the runtime libraries (OpenSSL 1.1, libffi …, what Qt
                 needs to start) and the cross-compiled /opt/python3.11. Only light steps run in
                 it under qemu-user: pip (debian_root.ensure_venv, as on amd64: pip evaluates the
                 pins' platform_machine markers for the interpreter that runs it, so an amd64 pip
                 would pick the x86-64 PySide6), PyInstaller, dpkg-deb.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import debian_root as d

TRIPLET = "aarch64-linux-gnu"
STAGE = "/opt/arm64"  # inside cross/: the arm64 CPython lands in STAGE + PYTHON_PREFIX

CROSS_PACKAGES = ["crossbuild-essential-arm64", "libssl-dev:arm64", "zlib1g-dev:arm64",
                  "libffi-dev:arm64", "libbz2-dev:arm64", "liblzma-dev:arm64", "uuid-dev:arm64"]
# What the cross-compiled CPython links (the arm64 builder has no compilers or -dev packages),
# and what PyInstaller and build_deb.py use there.
RUNTIME_PACKAGES = ["libssl1.1", "zlib1g", "libffi7", "libbz2-1.0", "liblzma5", "libuuid1",
                    "ca-certificates", "binutils"]
# configure cannot run aarch64 programs to find these out.
CROSS_CACHE = ["ac_cv_file__dev_ptmx=yes", "ac_cv_file__dev_ptc=no",
               "ac_cv_buggy_getaddrinfo=no"]


def emulated(arch: str) -> bool:
    """Whether `arch` runs here only through qemu-user (so its builder is cross-compiled)."""
    return d.ARCHES[arch].qemu is not None and d.host_arch() != arch


def cross_stamp() -> str:
    return d.python_stamp("arm64") + "-cross-" + "-".join(CROSS_PACKAGES + CROSS_CACHE)


def timed(what: str, started: float) -> None:
    d.log(f"{what} in {time.monotonic() - started:.0f} s")


def ensure_cross() -> Path:
    """cross/: the amd64 builder + the arm64 cross toolchain; CPython and SQLite cross-compiled."""
    cross = d.arch_dir("arm64") / "cross"
    stamp = cross / ".dangxun-cross"
    if stamp.exists() and stamp.read_text().strip() == cross_stamp():
        return cross
    amd64 = d.ensure_builder("amd64")
    started = time.monotonic()
    d.copy_root(amd64, cross)
    tarball = d.python_tarball()
    shutil.copy2(tarball, cross / "tmp" / tarball.name)
    prefix, stage = d.PYTHON_PREFIX, STAGE + d.PYTHON_PREFIX
    cc = f"{TRIPLET}-gcc"
    with d.mounted(cross):
        step = time.monotonic()
        d.in_root(cross, "dpkg --add-architecture arm64 && apt-get update -qq && "
                  "apt-get install -y -qq --no-install-recommends "
                  + " ".join(CROSS_PACKAGES) + " >/dev/null")
        timed("cross/: crossbuild-essential-arm64 and the arm64 -dev packages", step)
        step = time.monotonic()
        d.in_root(cross, f"""
            rm -rf /tmp/sqlite {STAGE} && mkdir /tmp/sqlite && cd /tmp/sqlite
            apt-get source -qq sqlite3 >/dev/null 2>&1
            cd sqlite3-*/
            ./configure -q --host={TRIPLET} --build=x86_64-linux-gnu --prefix={prefix} \\
                --enable-shared --disable-static --disable-tcl --disable-readline \\
                --disable-editline CC={cc} BUILD_CC=gcc BCC=gcc \\
                CFLAGS="-O2 {d.SQLITE_CFLAGS}" >/dev/null
            make -s -j2 >/tmp/sqlite-make.log 2>&1 || {{ tail -50 /tmp/sqlite-make.log; exit 1; }}
            make -s install DESTDIR={STAGE} >/dev/null 2>&1
            cd /tmp && rm -rf /tmp/sqlite
            ls -l {stage}/lib
        """)
        timed("cross/: SQLite cross-compiled", step)
        step = time.monotonic()
        d.in_root(cross, f"""
            cd /tmp && rm -rf Python-{d.PYTHON_VERSION} && tar xzf {tarball.name}
            cd Python-{d.PYTHON_VERSION}
            ./configure -q --host={TRIPLET} --build=x86_64-pc-linux-gnu --prefix={prefix} \\
                --enable-shared --with-ensurepip=no \\
                --with-build-python={prefix}/bin/python3.11 \\
                {' '.join(d.CONFIGURE_CACHE + CROSS_CACHE)} \\
                PKG_CONFIG_LIBDIR=/usr/lib/{TRIPLET}/pkgconfig:/usr/share/pkgconfig \\
                LIBSQLITE3_CFLAGS="-I{stage}/include" \\
                LIBSQLITE3_LIBS="-L{stage}/lib -lsqlite3" \\
                CC={cc} CXX={TRIPLET}-g++ AR={TRIPLET}-ar READELF={TRIPLET}-readelf \\
                CFLAGS="-O2" LDFLAGS="-L{stage}/lib -Wl,-rpath,{prefix}/lib" >/dev/null
            make -s -j2 >/tmp/python-make.log 2>&1 || {{ tail -50 /tmp/python-make.log; exit 1; }}
            make -s install DESTDIR={STAGE} >/tmp/python-install.log 2>&1 \\
                || {{ tail -50 /tmp/python-install.log; exit 1; }}
            cd /tmp && rm -rf Python-{d.PYTHON_VERSION} {tarball.name}
            ls {stage}/lib/python3.11/lib-dynload | grep -c aarch64
        """)
        timed("cross/: CPython cross-compiled", step)
    stamp.write_text(cross_stamp() + "\n")
    timed("cross/ ready", started)
    return cross


def runtime_stamp() -> str:
    return " ".join([d.SUITE, *RUNTIME_PACKAGES, *d.QT_RUNTIME])


def ensure_runtime() -> Path:
    """builder/ before CPython: the arm64 base + the runtime libraries, installed under qemu."""
    builder = d.arch_dir("arm64") / "builder"
    stamp = builder / ".dangxun-runtime"
    if stamp.exists() and stamp.read_text().strip() == runtime_stamp():
        return builder
    base = d.ensure_base("arm64")
    started = time.monotonic()
    d.copy_root(base, builder)
    with d.mounted(builder):
        d.in_root(builder, "apt-get update -qq && apt-get install -y -qq --no-install-recommends "
                  + " ".join(RUNTIME_PACKAGES + d.QT_RUNTIME) + " >/dev/null")
    stamp.write_text(runtime_stamp() + "\n")
    timed("arm64 builder/: runtime libraries installed under qemu", started)
    return builder


def ensure_builder() -> Path:
    """builder/: the runtime root + the cross-compiled CPython in /opt/python3.11."""
    builder = d.arch_dir("arm64") / "builder"
    stamp = builder / ".dangxun-python"
    wanted = cross_stamp()
    if (stamp.exists() and stamp.read_text().strip() == wanted
            and (builder / ".dangxun-runtime").exists()):
        return builder
    builder = ensure_runtime()
    cross = ensure_cross()
    started = time.monotonic()
    target = builder / d.PYTHON_PREFIX.lstrip("/")
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(exist_ok=True)
    d.sh(["cp", "-a", str(cross / STAGE.lstrip("/") / d.PYTHON_PREFIX.lstrip("/")), str(target)])
    with d.mounted(builder):
        d.in_root(builder, f"""
            {d.PYTHON_PREFIX}/bin/python3.11 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, \
uuid, decimal, pyexpat, platform; print("runs:", platform.machine(), ssl.OPENSSL_VERSION, \
"sqlite", sqlite3.sqlite_version)'
        """)
    stamp.write_text(wanted + "\n")
    (builder / ".dangxun-wheels").unlink(missing_ok=True)
    timed("arm64 builder/: CPython copied in, imports its C modules under qemu", started)
    return builder
