"""Every action, kind of record and detail key the program writes to the log has a Chinese name."""

from __future__ import annotations

import ast

from services.safety import audit
from tests.conftest import ROOT


def _written_keys() -> tuple[set[str], set[str], set[str]]:
    """(actions, entities, detail keys) found in the calls that write the log, read from the source."""
    actions: set[str] = set()
    entities: set[str] = set()
    keys: set[str] = set()
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name, args = node.func.attr, node.args

            def const(i: int, a: list[ast.expr] = args) -> str | None:
                v = a[i] if len(a) > i else None
                return v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else None

            if name == "record" and len(args) >= 4:
                actions.add(const(2) or "create")
                entities.add(const(3) or "event")
            elif name == "record_event":
                actions.add(const(2) or "export")
            elif name == "write":
                actions.add(const(0) or "create")
            elif name != "log":
                continue
            actions.update(kw.value.value for kw in node.keywords if kw.arg == "action"
                           and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str))
            for arg in [*args, *(kw.value for kw in node.keywords)]:
                for d in ast.walk(arg):
                    if isinstance(d, ast.Dict):
                        keys.update(k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
    return actions, entities, keys


def test_no_raw_key_reaches_a_reader() -> None:
    actions, entities, keys = _written_keys()
    assert {"import", "export", "issue", "import-records"} <= actions and "certificate" in entities
    assert not sorted(a for a in actions if audit.action_label(a) == "其他操作")
    assert not sorted(e for e in entities if audit.entity_label(e) == "其他")
    assert not sorted(k for k in keys if audit.detail_label(k) == "其他")
