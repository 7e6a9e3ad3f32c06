"""党员教育培训管理系统: start the window, or run a command (`python main.py --help`)."""

from __future__ import annotations

import argparse
import sys


def start_gui(args: argparse.Namespace) -> int:
    from ui.app import run_gui

    return run_gui(args)


def main(argv: list[str] | None = None) -> int:
    from ui.cli.main import run

    return run(argv, gui=start_gui)


if __name__ == "__main__":
    sys.exit(main())
