"""The arm64 package (`make deb-arm64`): how it is built on an x86-64 machine, and the built .deb.

The settings tests always run (pure Python). The package test runs when an arm64 .deb has been
built (dist/dangxun_*_arm64.deb, or DANGXUN_ARM64_DEB) and is skipped otherwise: building it needs
root, qemu-user and about half an hour. Installing and running it in an arm64 Debian 11 root is
tests/installer/test_debian11.py with ARCH=arm64 (`make deb-check ARCH=arm64 UPGRADE=no`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.installer.installer_support import ROOT

# isort: split
import check_glibc  # noqa: E402  (installer/ is on sys.path through installer_support)
import cross_arm64  # noqa: E402
import debian_root  # noqa: E402


def test_arm64_floor_and_wheels_are_bullseyes() -> None:
    arm64 = debian_root.ARCHES["arm64"]
    assert (arm64.floor, arm64.machine, arm64.qemu) == ("2.31", "aarch64", "aarch64")
    tags = debian_root.wheel_platforms("arm64")
    assert tags[0] == "manylinux_2_31_aarch64" and "manylinux2014_aarch64" in tags
    assert not any(t.startswith(("manylinux_2_32", "manylinux_2_39")) for t in tags)
    assert all(t.endswith("_aarch64") for t in tags)


def test_cross_builds_only_on_another_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debian_root, "host_arch", lambda: "amd64")
    assert cross_arm64.emulated("arm64") and not cross_arm64.emulated("amd64")
    monkeypatch.setattr(debian_root, "host_arch", lambda: "arm64")
    assert not cross_arm64.emulated("arm64")  # on an ARM machine: compiled natively, as on amd64


def test_cross_toolchain_links_bullseyes_arm64_libraries() -> None:
    """The -dev packages are the arm64 ones (multiarch), the runtime has what CPython links."""
    dev = [p for p in cross_arm64.CROSS_PACKAGES if p != "crossbuild-essential-arm64"]
    assert dev and all(p.endswith(":arm64") for p in dev)
    assert "libssl-dev:arm64" in dev and "libffi-dev:arm64" in dev
    runtime = cross_arm64.RUNTIME_PACKAGES
    assert {"libssl1.1", "libffi7", "zlib1g"} <= set(runtime)
    # The same CPython and SQLite recipe as amd64: a change to either rebuilds the cross root.
    assert debian_root.python_stamp("arm64") in cross_arm64.cross_stamp()


def fake_elf(machine: int) -> bytes:
    """A 64-bit little-endian ELF header with no sections (nothing needed, no versions)."""
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    header[18:20] = machine.to_bytes(2, "little")
    return bytes(header)


def test_machine_check_refuses_a_foreign_elf(tmp_path: Path) -> None:
    assert check_glibc.elf_machine(fake_elf(62)) == "x86_64"
    assert check_glibc.elf_machine(fake_elf(183)) == "aarch64"
    (tmp_path / "libarm.so").write_bytes(fake_elf(183))
    assert check_glibc.check(tmp_path, "2.31", machine="aarch64")
    assert check_glibc.check(tmp_path, "2.31")  # no --machine: not checked
    (tmp_path / "libstray.so").write_bytes(fake_elf(62))
    assert not check_glibc.check(tmp_path, "2.31", machine="aarch64")


def arm64_deb() -> Path:
    given = os.environ.get("DANGXUN_ARM64_DEB")
    found = [Path(given)] if given else sorted((ROOT / "dist").glob("dangxun_*_arm64.deb"),
                                              key=lambda p: p.stat().st_mtime)
    if not found or not found[-1].is_file():
        pytest.skip("no arm64 package built: `make deb ARCH=arm64` (root, qemu-user, ~30 min)")
    return found[-1]


def test_arm64_package_fits_glibc_2_31_and_is_aarch64() -> None:
    deb = arm64_deb()
    assert check_glibc.check(deb, "2.31", machine="aarch64")
    files, control = check_glibc.deb_files(deb)
    machines: dict[str, str] = {}
    _glibc, _cxx, _odd, count = check_glibc.scan(files, machines)
    assert count > 100 and set(machines.values()) == {"aarch64"}
    assert "Architecture: arm64" in control
    assert any(line.startswith("Depends:") and "libc6 (>= 2." in line
               for line in control.splitlines())
