"""The layers point one way: nothing under models/ or services/ imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def lower_layer_files() -> list[Path]:
    return sorted(p for layer in ("models", "services") for p in (REPO / layer).rglob("*.py"))


@pytest.mark.parametrize("path", lower_layer_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_qt_or_ui_import_below_the_ui(path: Path) -> None:
    bad = sorted(m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN)
    assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_models_do_not_import_services() -> None:
    for path in sorted((REPO / "models").rglob("*.py")):
        bad = sorted(m for m in imported_modules(path) if m.split(".")[0] == "services")
        # Migrations may use service helpers (e.g. to fill derived columns); mapped classes may not.
        if "migrations" not in path.parts:
            assert not bad, f"{path.relative_to(REPO)} imports {bad}"
