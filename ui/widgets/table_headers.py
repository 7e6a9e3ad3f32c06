"""Header data shared by the simple table models: column titles across, row numbers down."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt


def numbered_header(headers: Sequence[str], section: int, orientation: Qt.Orientation, role: int) -> Any:
    if role != Qt.ItemDataRole.DisplayRole:
        return None
    if orientation == Qt.Orientation.Horizontal:
        return headers[section] if 0 <= section < len(headers) else None
    return str(section + 1)
