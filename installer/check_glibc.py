"""Fail if any ELF file in a .deb (or a folder) needs a newer glibc than the floor.

    python3 installer/check_glibc.py [--floor 2.28] [--top N] [--machine x86_64|aarch64]
                                     dist/dangxun_0.1.0-1_amd64.deb ...

Reads every file of the package's data archive (pure Python: ar + tar, no dpkg or binutils),
and from each ELF file the symbol versions it requires (.gnu.version_r, what `objdump -T` and
`readelf --version-info` show). Prints the highest GLIBC_x.y and GLIBCXX_3.4.n, the files that need
the most, the package's Depends, and exits 1 if a file needs a GLIBC version above the floor
(or if a file is an ELF this reader cannot parse: 32-bit or big-endian). With --machine, every ELF
file must also be built for that processor (an x86-64 library in the arm64 package fails).
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_deb import elf_info_bytes, version_key  # noqa: E402

DEFAULT_FLOOR = "2.28"
MACHINES = {62: "x86_64", 183: "aarch64"}  # ELF e_machine


def elf_machine(data: bytes) -> str:
    """The processor an ELF file is built for (uname -m spelling), from its header."""
    code, = struct.unpack_from("<H", data, 18)
    return MACHINES.get(code, f"e_machine {code}")


def ar_members(data: bytes) -> Iterator[tuple[str, bytes]]:
    """The members of an ar archive (the .deb container)."""
    if data[:8] != b"!<arch>\n":
        raise SystemExit("not a .deb (ar archive)")
    pos = 8
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name = header[:16].decode("ascii").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        pos += 60
        yield name, data[pos:pos + size]
        pos += size + (size % 2)


def deb_files(deb: Path) -> tuple[Iterator[tuple[str, bytes]], str]:
    """(every regular file of the data archive as (path, contents), the control file's text)."""
    members = dict(ar_members(deb.read_bytes()))
    control = ""
    for name, blob in members.items():
        if name.startswith("control.tar"):
            with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tar:
                for info in tar:
                    if info.isfile() and info.name.lstrip("./") == "control":
                        control = tar.extractfile(info).read().decode("utf-8")  # type: ignore[union-attr]
    data_name = next((n for n in members if n.startswith("data.tar")), None)
    if data_name is None:
        raise SystemExit(f"{deb}: no data.tar member")
    if data_name.endswith(".zst"):
        raise SystemExit(f"{deb}: zstd data archive (older dpkg cannot read it either): use xz")

    def files() -> Iterator[tuple[str, bytes]]:
        with tarfile.open(fileobj=io.BytesIO(members[data_name]), mode="r:*") as tar:
            for info in tar:
                if info.isfile():
                    yield info.name.lstrip("."), tar.extractfile(info).read()  # type: ignore[union-attr]
    return files(), control


def folder_files(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield str(path), path.read_bytes()


def scan(files: Iterator[tuple[str, bytes]],
         machines: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, int], list[str], int]:
    """(file → newest GLIBC version it needs, file → newest GLIBCXX_3.4.n, unreadable ELF files,
    number of ELF files); fills `machines` (file → processor) if given."""
    glibc: dict[str, str] = {}
    glibcxx: dict[str, int] = {}
    odd: list[str] = []
    count = 0
    for name, data in files:
        if data[:4] != b"\x7fELF":
            continue
        count += 1
        if machines is not None and len(data) > 20:
            machines[name] = elf_machine(data)
        info = elf_info_bytes(data)
        if info is None:
            odd.append(name)
            continue
        versions = info[1]
        libc = [v[6:] for v in versions if v.startswith("GLIBC_") and v[6:7].isdigit()]
        if libc:
            glibc[name] = max(libc, key=version_key)
        cxx = [version_key(v)[2] for v in versions if v.startswith("GLIBCXX_3.4.")]
        if cxx:
            glibcxx[name] = max(cxx)
    return glibc, glibcxx, odd, count


def check(target: Path, floor: str, top: int = 5, machine: str | None = None) -> bool:
    if target.is_dir():
        files, control = folder_files(target), ""
    else:
        files, control = deb_files(target)
    machines: dict[str, str] = {}
    glibc, glibcxx, odd, count = scan(files, machines)
    highest = max(glibc.values(), key=version_key, default="none")
    kinds = ", ".join(sorted(set(machines.values())))
    print(f"{target}: {count} ELF files ({kinds}); highest GLIBC_{highest}"
          + (f", GLIBCXX_3.4.{max(glibcxx.values())}" if glibcxx else "") + f" (floor {floor})")
    for name, version in sorted(glibc.items(), key=lambda kv: version_key(kv[1]), reverse=True)[:top]:
        print(f"  GLIBC_{version:<6} {name}")
    for line in control.splitlines():
        if line.startswith(("Depends:", "Architecture:", "Version:")):
            print(f"  {line}")
    too_new = {n: v for n, v in glibc.items() if version_key(v) > version_key(floor)}
    for name, version in sorted(too_new.items()):
        print(f"ABOVE THE FLOOR: {name} needs GLIBC_{version}", file=sys.stderr)
    for name in odd:
        print(f"UNREADABLE ELF (not 64-bit little-endian): {name}", file=sys.stderr)
    foreign = {n: m for n, m in machines.items() if machine and m != machine}
    for name, kind in sorted(foreign.items()):
        print(f"NOT {machine}: {name} is built for {kind}", file=sys.stderr)
    return not too_new and not odd and not foreign


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", type=Path, help=".deb files or folders")
    parser.add_argument("--floor", default=DEFAULT_FLOOR, help="highest GLIBC version allowed")
    parser.add_argument("--top", type=int, default=5, help="list this many of the neediest files")
    parser.add_argument("--machine", choices=sorted(set(MACHINES.values())),
                        help="fail if an ELF file is built for another processor")
    args = parser.parse_args(argv)
    ok = all([check(target, args.floor, args.top, args.machine) for target in args.targets])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
