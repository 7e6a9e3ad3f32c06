"""A throwaway PostgreSQL cluster for the tests and benchmarks: initdb + pg_ctl, no system service.

    python tests/helpers/pg_cluster.py start DIR   # prints the server URL (postgresql+psycopg://…)
    python tests/helpers/pg_cluster.py stop DIR

Run as root, the cluster belongs to user postgres (initdb refuses root); otherwise to the caller.
It listens on 127.0.0.1 at a free port, trusts local connections, and lives entirely under DIR.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USER = "dangxun"


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for version in ("17", "16", "15", "14", "13"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    raise SystemExit(f"{name} not found: apt-get install postgresql")


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path) -> str:
    folder = Path(folder).resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        os.chmod(folder, 0o755)
    if not data.exists():
        subprocess.run(_as_owner([_bin("initdb"), "-D", str(data), "-U", USER, "--auth=trust",
                                  "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", options,
                              "-w", "start"]), check=True, stdout=subprocess.DEVNULL)
    (folder / "port").write_text(str(port))
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return url(folder)


def url(folder: Path, database: str = "postgres") -> str:
    port = (Path(folder) / "port").read_text().strip()
    return f"postgresql+psycopg://{USER}@127.0.0.1:{port}/{database}"


def stop(folder: Path) -> None:
    data = Path(folder).resolve() / "data"
    if data.exists():
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       check=False, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop", "url"):
        raise SystemExit(__doc__)
    where = Path(sys.argv[2])
    if sys.argv[1] == "start":
        print(start(where))
    elif sys.argv[1] == "url":
        print(url(where))
    else:
        stop(where)
