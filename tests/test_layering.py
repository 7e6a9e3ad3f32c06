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


# --- The house's shape: no import circle, small folders, small modules -------------------------

TOPS = ("models", "services", "ui")
MAX_MODULES_PER_FOLDER = 15
MAX_LINES_PER_MODULE = 600


def project_modules() -> dict[str, Path]:
    """Dotted name → file for every module of models/, services/ and ui/ (packages by their __init__)."""
    found: dict[str, Path] = {}
    for top in TOPS:
        for f in (REPO / top).rglob("*.py"):
            parts = list(f.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = f
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → project modules it imports, imports inside functions and relative imports included."""
    files = project_modules()
    graph: dict[str, set[str]] = {m: set() for m in files}
    for mod, f in files.items():
        pkg = mod if f.name == "__init__.py" else mod.rpartition(".")[0]
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            for t in targets:
                while t and t not in files:
                    t = t.rpartition(".")[0]
                if t and t != mod:
                    graph[mod].add(t)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path a → … → a, or None (iterative DFS with colours)."""
    colour: dict[str, int] = {}
    for start in sorted(graph):
        if colour.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path = [start]
        colour[start] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                colour[node] = 2
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop()
            if colour.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not colour.get(nxt):
                colour[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph[nxt])))
    return None


def test_find_cycle_sees_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "c", "b", "a"] or \
        find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_anywhere() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " → ".join(cycle or [])


def test_folders_hold_at_most_fifteen_modules() -> None:
    for top in TOPS:
        for folder in [REPO / top, *(d for d in (REPO / top).rglob("*") if d.is_dir())]:
            if folder.name in ("versions", "__pycache__"):
                continue
            modules = [f for f in folder.glob("*.py") if f.name != "__init__.py"]
            assert len(modules) <= MAX_MODULES_PER_FOLDER, f"{folder.relative_to(REPO)}: {len(modules)} modules"


# Being split (issue 11): the window's three big tabs. Empty this set as each is split.
STILL_TOO_LONG: set[str] = set()


def test_no_module_over_six_hundred_lines() -> None:
    for f in project_modules().values():
        if "versions" in f.parts or str(f.relative_to(REPO)) in STILL_TOO_LONG:
            continue
        lines = len(f.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES_PER_MODULE, f"{f.relative_to(REPO)}: {lines} lines"


def test_no_importlib_shims() -> None:
    for f in project_modules().values():
        assert "importlib" not in imported_modules(f), f"{f.relative_to(REPO)} imports importlib"


def _feature(module: str) -> str | None:
    """`services.roll` for `services.roll.members`; None for the kernels (services.errors, ui.app …)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in ("services", "ui") and len(parts) >= 3 else None


def cross_feature_private_imports() -> list[str]:
    """Imports that reach past another feature's public surface: a private (_name) module or name."""
    found = []
    for mod, f in project_modules().items():
        mine = _feature(mod if f.name != "__init__.py" else mod + ".__init__")
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                continue
            theirs = _feature(node.module) or _feature(node.module + ".x")
            if theirs is None or theirs == mine:
                continue
            private_module = any(p.startswith("_") for p in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append(f"{mod} imports {node.module}.{alias.name}")
    return found


def test_features_meet_only_at_their_public_surface() -> None:
    """A feature uses another through its public modules and names; `_private` ones stay inside."""
    assert cross_feature_private_imports() == []


def status_literals(word: str) -> list[str]:
    """The modules under services/ that write an activity status as a literal of their own."""
    found = []
    for f in sorted((REPO / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value == word:
                found.append(str(f.relative_to(REPO)))
    return found


def test_a_cancelled_activity_is_named_in_one_place() -> None:
    """What "cancelled" means for figures and twins lives in services/normalize.py (CANCELLED_ACTIVITY); the
    list of statuses a clerk picks from (services/training/activities.py STATUSES) is the only other spelling."""
    assert status_literals("已取消") == ["services/normalize.py", "services/training/activities.py"]
