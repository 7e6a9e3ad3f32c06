"""Create or edit an activity with its sessions (课次)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError, ValidationError
from services.plan.audience import AUDIENCES
from services.training.activities import COMPLETION_RULES, PAID_BY, ActivityInfo, ActivityTypeInfo
from services.training.twins import TwinActivityError
from ui.dialog_sizes import keep_size
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.typed_text import plain

# save(raw, sessions) writes, or raises TwinActivityError for a twin of another activity; once the clerk
# confirms, the dialog calls save(raw, sessions, allow_twin=True).
SaveFn = Callable[..., Any]
SESSION_HEADERS = ("日期", "开始时间", "结束时间", "学时", "主题", "地点")


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ActivityDialog(DiscardGuard, QDialog):
    """Moving the start date moves the end date and every session by as many days (and says so)."""

    def __init__(self, types: list[ActivityTypeInfo], save: SaveFn, activity: ActivityInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._activity = activity
        self.result_value: Any = None
        self.setWindowTitle(self.tr("编辑活动") if activity else self.tr("新建活动"))
        form = QFormLayout()
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("如：2024年党性教育培训班"))
        self.type_combo = QComboBox()
        for t in types:
            self.type_combo.addItem(t.name, t.id)
        self.organiser_edit = QComboBox()
        self.organiser_edit.setEditable(True)
        self.organiser_edit.addItems(["局党委", "机关党委", "市委组织部", "市直机关工委"])
        today = dt.date.today()
        self.start_edit = QDateEdit(_qdate(today))
        self.end_edit = QDateEdit(_qdate(today))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.place_edit = QLineEdit()
        self.lecturer_edit = QLineEdit()
        # The plan's audiences offered; anything typed is kept exactly as typed (nothing completes inline).
        self.target_edit = QComboBox()
        self.target_edit.setEditable(True)
        self.target_edit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_edit.addItems(list(AUDIENCES))
        completer = self.target_edit.completer()
        if completer is not None:
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.target_edit.setCurrentIndex(-1)
        self.target_edit.setEditText("")
        target_line = self.target_edit.lineEdit()
        if target_line is not None:
            target_line.setPlaceholderText(self.tr("选择或填写；不填即全体党员"))
        self.cost_spin = QDoubleSpinBox()
        self.cost_spin.setRange(0, 10_000_000)
        self.cost_spin.setDecimals(2)
        self.cost_spin.setSuffix(self.tr(" 元"))
        self.paid_combo = QComboBox()
        self.paid_combo.addItem(self.tr("（未填）"), "")
        for p in PAID_BY:
            self.paid_combo.addItem(p, p)
        self.rule_combo = QComboBox()
        for key, label in COMPLETION_RULES.items():
            self.rule_combo.addItem(label, key)
        self.rule_value = QDoubleSpinBox()
        self.rule_value.setRange(0, 1000)
        self.rule_value.setDecimals(2)
        self.rule_combo.currentIndexChanged.connect(self.on_rule_combo_changed)
        self.remarks_edit = QLineEdit()
        form.addRow(self.tr("活动名称"), self.title_edit)
        form.addRow(self.tr("类别"), self.type_combo)
        form.addRow(self.tr("主办单位"), self.organiser_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel(self.tr("至")))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        form.addRow(self.tr("起止日期"), dates)
        form.addRow(self.tr("地点"), self.place_edit)
        form.addRow(self.tr("授课人"), self.lecturer_edit)
        form.addRow(self.tr("培训对象"), self.target_edit)
        money = QHBoxLayout()
        money.addWidget(self.cost_spin)
        money.addWidget(QLabel(self.tr("经费来源")))
        money.addWidget(self.paid_combo)
        form.addRow(self.tr("费用"), money)
        rule = QHBoxLayout()
        rule.addWidget(self.rule_combo)
        rule.addWidget(self.rule_value)
        form.addRow(self.tr("结业条件"), rule)
        form.addRow(self.tr("备注"), self.remarks_edit)

        box = QGroupBox(self.tr("课次"))
        self.sessions = QTableWidget(0, len(SESSION_HEADERS))
        self.sessions.setHorizontalHeaderLabels([self.tr(h) for h in SESSION_HEADERS])
        self.sessions.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.sessions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add = QPushButton(self.tr("添加课次"))
        add.clicked.connect(self.on_add_clicked)
        remove = QPushButton(self.tr("删除课次"))
        remove.clicked.connect(self.on_remove_clicked)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(remove)
        buttons_row.addStretch(1)
        hint = QLabel(self.tr("每个课次一行；日期写作 2024-05-06，时间写作 09:00。不分课次的活动保留一行即可。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #616161")
        self.moved_label = plain(QLabel())
        self.moved_label.setObjectName("moved_label")
        self.moved_label.setWordWrap(True)
        self.moved_label.setStyleSheet("color: #1565C0")
        self.moved_label.hide()
        inner = QVBoxLayout(box)
        inner.addWidget(self.sessions)
        inner.addLayout(buttons_row)
        inner.addWidget(self.moved_label)
        inner.addWidget(hint)

        self.error_label = plain(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #B71C1C")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(720, 680)
        keep_size(self, "activity")
        if activity is not None:
            self._fill(activity)
        else:
            self._add_row({"date": today, "hours": 2})
        self.on_rule_combo_changed()
        self._start = _pydate(self.start_edit.date())
        self._moved_days = 0
        self.start_edit.dateChanged.connect(self.on_start_edit_date_changed)
        self.mark_clean()

    def edit_snapshot(self) -> Any:
        return self.values()

    def on_start_edit_date_changed(self, qdate: QDate) -> None:
        """The activity moves: its end date and its sessions move with it, by the same number of days."""
        new = _pydate(qdate)
        delta = new - self._start
        self._start = new
        if not delta:
            return
        self.end_edit.setDate(_qdate(_pydate(self.end_edit.date()) + delta))
        moved = 0
        for row in range(self.sessions.rowCount()):
            item = self.sessions.item(row, 0)
            try:
                day = dt.date.fromisoformat(item.text().strip()) if item is not None else None
            except ValueError:
                day = None
            if item is not None and day is not None:
                item.setText((day + delta).isoformat())
                moved += 1
        self._moved_days += delta.days
        if moved and self._moved_days:
            days = self._moved_days
            self.moved_label.setText(
                self.tr("起止日期和%1个课次的日期已一起%2%3天（保存后生效，考勤记录随课次保留）。")
                .replace("%1", str(moved)).replace("%2", self.tr("推后") if days > 0 else self.tr("提前"))
                .replace("%3", str(abs(days))))
            self.moved_label.show()
        else:
            self.moved_label.hide()

    def _fill(self, a: ActivityInfo) -> None:
        self.title_edit.setText(a.title)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(a.type_id)))
        self.organiser_edit.setCurrentText(a.organiser or "")
        self.start_edit.setDate(_qdate(a.start_date))
        self.end_edit.setDate(_qdate(a.end_date or a.start_date))
        self.place_edit.setText(a.place or "")
        self.lecturer_edit.setText(a.lecturer or "")
        self.target_edit.setEditText(a.target_group or "")
        self.cost_spin.setValue(a.cost or 0)
        self.paid_combo.setCurrentIndex(max(0, self.paid_combo.findData(a.paid_by or "")))
        self.rule_combo.setCurrentIndex(max(0, self.rule_combo.findData(a.completion_rule)))
        self.rule_value.setValue(a.completion_value or 0)
        self.remarks_edit.setText(a.remarks or "")
        for s in a.sessions:
            self._add_row({"id": s.id, "date": s.date, "start_time": s.start_time, "end_time": s.end_time,
                           "hours": s.hours, "topic": s.topic, "place": s.place})

    def _add_row(self, values: dict[str, Any]) -> None:
        row = self.sessions.rowCount()
        self.sessions.insertRow(row)
        keys = ("date", "start_time", "end_time", "hours", "topic", "place")
        for col, key in enumerate(keys):
            value = values.get(key)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, float):
                value = f"{value:g}"
            item = QTableWidgetItem("" if value is None else str(value))
            if col == 0:
                item.setData(Qt.ItemDataRole.UserRole, values.get("id"))
            self.sessions.setItem(row, col, item)

    def on_add_clicked(self) -> None:
        last = self.sessions.rowCount() - 1
        day = _pydate(self.start_edit.date())
        values: dict[str, Any] = {"date": day, "hours": 2}
        if last >= 0:
            date_item, hours_item = self.sessions.item(last, 0), self.sessions.item(last, 3)
            text = date_item.text() if date_item is not None else ""
            try:
                day = dt.date.fromisoformat(text) + dt.timedelta(days=1)
                values = {"date": day, "hours": hours_item.text() if hours_item is not None else 2}
            except ValueError:
                pass
        self._add_row(values)
        if day > _pydate(self.end_edit.date()):
            self.end_edit.setDate(_qdate(day))

    def on_remove_clicked(self) -> None:
        rows = sorted({i.row() for i in self.sessions.selectedIndexes()}, reverse=True)
        for row in rows:
            self.sessions.removeRow(row)

    def on_rule_combo_changed(self, *_: Any) -> None:
        rule = self.rule_combo.currentData()
        self.rule_value.setEnabled(rule != "all_sessions")
        if rule == "hours":
            self.rule_value.setSuffix(self.tr(" 学时"))
            self.rule_value.setRange(0, 1000)
        elif rule == "share":
            self.rule_value.setSuffix("")
            self.rule_value.setRange(0, 1)
            self.rule_value.setSingleStep(0.1)
            if not self.rule_value.value():
                self.rule_value.setValue(0.8)

    def values(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        raw: dict[str, Any] = {
            "title": self.title_edit.text(), "type": self.type_combo.currentData(),
            "organiser": self.organiser_edit.currentText(), "start_date": _pydate(self.start_edit.date()),
            "end_date": _pydate(self.end_edit.date()), "place": self.place_edit.text(),
            "lecturer": self.lecturer_edit.text(), "target_group": self.target_edit.currentText(),
            "cost": self.cost_spin.value() or None, "paid_by": self.paid_combo.currentData(),
            "completion_rule": self.rule_combo.currentData(),
            "completion_value": self.rule_value.value() if self.rule_combo.currentData() != "all_sessions" else None,
            "remarks": self.remarks_edit.text(),
        }
        if raw["end_date"] == raw["start_date"]:
            raw["end_date"] = None
        sessions = []
        keys = ("date", "start_time", "end_time", "hours", "topic", "place")
        for row in range(self.sessions.rowCount()):
            item: dict[str, Any] = {}
            for col, key in enumerate(keys):
                cell = self.sessions.item(row, col)
                item[key] = cell.text() if cell else ""
            first = self.sessions.item(row, 0)
            item["id"] = first.data(Qt.ItemDataRole.UserRole) if first else None
            sessions.append(item)
        return raw, sessions

    def on_buttons_accepted(self) -> None:
        raw, sessions = self.values()
        try:
            try:
                self.result_value = self._save(raw, sessions)
            except TwinActivityError as twin:
                if not self.confirm_twin(twin):
                    return  # the dialog stays open with what was typed
                self.result_value = self._save(raw, sessions, allow_twin=True)
        except ValidationError as exc:
            self.error_label.setText("\n".join(p.describe() for p in exc.problems))
            self.error_label.show()
            if exc.problems:
                self.focus_field(exc.problems[0].field)
            return
        except DangxunError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            return
        self.accept()

    def confirm_twin(self, twin: TwinActivityError) -> bool:
        """Ask before saving a second activity of the same title and start date; 取消 is the default."""
        named = "\n".join(f"· {t.describe()}" for t in twin.twins)
        if self._activity is None:
            text = self.tr("已有同名、同一开始日期的活动：\n%1\n\n再新建一项，同一党员的学时可能被重复计入。"
                           "确是另一项活动（如各支部各自组织）才保存。仍要保存吗？")
        else:
            text = self.tr("改后将与已有的活动同名、同一开始日期：\n%1\n\n两项都计学时，同一党员的学时可能被重复计入。"
                           "仍要保存吗？")
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("同名活动"), text.replace("%1", named),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirm_twin")
        box.setTextFormat(Qt.TextFormat.PlainText)  # titles and organisers as typed
        save = box.addButton(self.tr("仍然保存"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is save

    def focus_field(self, field: str) -> None:
        """Put the cursor where the first refusal is: the field, or the session's cell (sessions.2.date: row 2)."""
        widgets: dict[str, QWidget] = {
            "title": self.title_edit, "type": self.type_combo, "organiser": self.organiser_edit,
            "start_date": self.start_edit, "end_date": self.end_edit, "place": self.place_edit,
            "lecturer": self.lecturer_edit, "target_group": self.target_edit, "cost": self.cost_spin,
            "paid_by": self.paid_combo, "completion_rule": self.rule_combo, "completion_value": self.rule_value,
            "remarks": self.remarks_edit, "sessions": self.sessions}
        parts = field.split(".")
        if parts[0] == "sessions" and len(parts) == 3 and parts[1].isdigit():
            column = ("date", "start_time", "end_time", "hours", "topic", "place").index(parts[2]) \
                if parts[2] in ("date", "start_time", "end_time", "hours", "topic", "place") else 0
            self.sessions.setCurrentCell(int(parts[1]) - 1, column)  # sessions are counted from 1
        widget = widgets.get(parts[0])
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
