"""The 日志 tab's table model speaks the same Chinese as `log`: labels and sentences from services.safety.audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt

from services.safety import audit
from ui.safety.log_table_model import LogTableModel


def test_rows_read_in_chinese(qtmodeltester: Any) -> None:
    rows = [
        audit.LogRow(2, dt.datetime(2024, 5, 1, 9, 30), "录入员甲", "issue", "certificate", 7, "颁发结业证书18份",
                     {"issued": [None, 18]}),
        audit.LogRow(1, dt.datetime(2024, 5, 1, 9, 0), "查阅乙", "export", "event", None, "导出党员花名册",
                     {"rows": [None, 30], "full_ids": [None, False]}),
    ]
    model = LogTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    shown = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(2)]
    assert shown[0] == ["2024-05-01 09:30:00", "录入员甲", "颁发证书", "证书 #7", "颁发结业证书18份。"]
    # 内容 is one sentence, as `log` prints it; its tooltip adds the details one by one.
    assert shown[1][2] == "导出" and shown[1][4] == rows[1].text == "导出党员花名册，共30行，身份证号码隐去中间几位。"
    tip = model.data(model.index(1, 4), Qt.ItemDataRole.ToolTipRole)
    assert tip == rows[1].text + "\n\n行数：30；含完整身份证号码：否"
