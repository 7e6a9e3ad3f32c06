"""Run every benchmark (or those named on the command line) and print their figures."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(p for p in HERE.glob("bench_*.py") if not wanted or p.stem.removeprefix("bench_") in wanted)
    failed = []
    for script in scripts:
        print(f"\n===== {script.stem} =====", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent.parent)
        print(f"----- {script.stem}: {time.perf_counter() - started:.1f} s", flush=True)
        if result.returncode != 0:
            failed.append(script.stem)
    if failed:
        print("出错的基准：" + "、".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
