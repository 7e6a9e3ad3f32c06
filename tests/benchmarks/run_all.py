"""Run every benchmark (or those named on the command line) and print their figures.

Lines a benchmark starts with SUMMARY_MARK (the figures of issue 17's table) are printed again
together at the end.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMMARY_MARK = "【表】"


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(p for p in HERE.glob("bench_*.py") if not wanted or p.stem.removeprefix("bench_") in wanted)
    failed = []
    summary: list[str] = []
    for script in scripts:
        print(f"\n===== {script.stem} =====", flush=True)
        started = time.perf_counter()
        with subprocess.Popen([sys.executable, str(script)], cwd=HERE.parent.parent, stdout=subprocess.PIPE,
                              text=True, bufsize=1) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                print(line, end="", flush=True)
                if line.startswith(SUMMARY_MARK):
                    summary.append(line.rstrip())
        print(f"----- {script.stem}: {time.perf_counter() - started:.1f} s", flush=True)
        if proc.returncode != 0:
            failed.append(script.stem)
    if summary:
        print("\n===== 问题17的各项数字 =====")
        print("\n".join(summary))
    if failed:
        print("出错的基准：" + "、".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
