"""The 学时目标 grid: one row per target group; hours, enabled and class requirement are editable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from services.assessment.targets import GROUP_LABELS, GROUPS, RuleInfo
from ui.widgets.table_headers import numbered_header

ModelIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("适用对象", "目标学时", "启用", "须参加集中培训班", "来源")
HOURS_COLUMN, ENABLED_COLUMN, CLASS_COLUMN, SOURCE_COLUMN = 1, 2, 3, 4


class TargetRuleTableModel(QAbstractTableModel):
    """Rules of one year; edits stay pending until `pending_rules()` is saved."""

    edited = Signal()
    invalid = Signal(str)  # a Chinese message when a typed value is refused

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rules: list[RuleInfo] = []
        self._values: dict[str, tuple[float | None, bool, bool]] = {}

    def set_rules(self, rules: dict[str, RuleInfo]) -> None:
        self.beginResetModel()
        self.rules = [rules[g] for g in GROUPS if g in rules]
        self._values = {r.group: (r.hours, r.enabled, r.class_required) for r in self.rules}
        self.endResetModel()

    def _changed(self, rule: RuleInfo) -> bool:
        return self._values[rule.group] != (rule.hours, rule.enabled, rule.class_required)

    def has_pending(self) -> bool:
        return any(self._changed(r) for r in self.rules)

    def pending_rules(self) -> dict[str, tuple[float | None, bool, bool]]:
        return {r.group: self._values[r.group] for r in self.rules if self._changed(r)}

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rules)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == HOURS_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() in (ENABLED_COLUMN, CLASS_COLUMN):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rules):
            return None
        rule = self.rules[index.row()]
        hours, enabled, class_required = self._values[rule.group]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return GROUP_LABELS[rule.group]
            if col == HOURS_COLUMN:
                if hours is None:
                    return "" if role == Qt.ItemDataRole.EditRole else self.tr("未设置")
                return f"{hours:g}"
            if col == ENABLED_COLUMN:
                return self.tr("启用") if enabled else self.tr("停用")
            if col == CLASS_COLUMN:
                return self.tr("是") if class_required else self.tr("否")
            if col == SOURCE_COLUMN:
                if self._changed(rule):
                    return self.tr("已修改，未保存")
                return self.tr("本年度设置") if rule.stored else self.tr("默认")
        if role == Qt.ItemDataRole.CheckStateRole:
            if col == ENABLED_COLUMN:
                return Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked
            if col == CLASS_COLUMN:
                return Qt.CheckState.Checked if class_required else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and self._changed(rule):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == HOURS_COLUMN:
                return self.tr("双击或直接输入数字修改全年目标学时（0～1000）")
            if col == CLASS_COLUMN:
                return self.tr("仅作提示，显示在学时旁，不影响是否达标")
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        rule = self.rules[index.row()]
        hours, enabled, class_required = self._values[rule.group]
        col = index.column()
        if col == HOURS_COLUMN and role == Qt.ItemDataRole.EditRole:
            text = str(value if value is not None else "").strip().removesuffix("学时")
            if not text:
                hours = None
            else:
                try:
                    number = float(text)
                except ValueError:
                    self.invalid.emit(self.tr("目标学时“%1”不是数字，应为0～1000之间的数字").replace("%1", text))
                    return False
                if not 0 <= number <= 1000:
                    self.invalid.emit(self.tr("目标学时“%1”超出范围，应为0～1000之间的数字").replace("%1", text))
                    return False
                hours = round(number, 2)
        elif col in (ENABLED_COLUMN, CLASS_COLUMN) and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            if col == ENABLED_COLUMN:
                enabled = checked
            else:
                class_required = checked
        else:
            return False
        self._values[rule.group] = (hours, enabled, class_required)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return numbered_header(HEADERS, section, orientation, role)
