"""Start-up of the PyInstaller bundle against `python main.py`, and the bundle's size.

    python tests/benchmarks/bench_installer.py [BUNDLE_DIR] [--runs N]

Needs a bundle (`make bundle` → dist/dangxun). Prints min and median wall time of each command,
run offscreen on a demo database, and the ratio bundle / source. No target: figures for the note.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "dangxun")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = args.bundle / ("dangxun-cli.exe" if sys.platform == "win32" else "dangxun")
    if not exe.exists():
        # Not an error: `make bench` runs every benchmark, and the bundle is built on demand.
        print(f"skipped: no bundle at {args.bundle} (run `make bundle` first)")
        return 0
    size = sum(p.stat().st_size for p in args.bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle {args.bundle}: {size / 2**20:.0f} MiB")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DANGXUN_")}
        env.update(QT_QPA_PLATFORM="offscreen", HOME=tmp, DANGXUN_DATA_DIR=tmp)
        db = str(Path(tmp) / "demo.sqlite3")
        shot = str(Path(tmp) / "shot.png")
        timed([str(exe), "--db", db, "demo"], env)
        source = [sys.executable, str(ROOT / "main.py")]
        cases = {
            "--version": ["--version"],
            "members list --json": ["--db", db, "members", "list", "--json"],
        }
        if (ROOT / "ui" / "app.py").exists():
            cases["--screenshot"] = ["--db", db, "--screenshot", shot]
        runs: dict[tuple[str, str], list[float]] = {}
        for extra in cases.values():  # once each first: page cache warm for both
            timed([str(exe), *extra], env)
            timed([*source, *extra], env)
        for _ in range(args.runs):  # interleaved, so a busy machine weighs on both alike
            for name, extra in cases.items():
                runs.setdefault((name, "bundle"), []).append(timed([str(exe), *extra], env))
                runs.setdefault((name, "source"), []).append(timed([*source, *extra], env))
        print(f"{'command':22s} {'bundle min/median':>20s} {'python main.py min/median':>28s}  ratio")
        for name in cases:
            b, s = runs[(name, "bundle")], runs[(name, "source")]
            print(f"{name:22s} {min(b):9.2f} / {statistics.median(b):5.2f} s"
                  f" {min(s):16.2f} / {statistics.median(s):5.2f} s  {min(b) / min(s):5.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
