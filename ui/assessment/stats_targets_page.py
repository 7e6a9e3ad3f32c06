"""学时目标 page of the 考核与统计 tab: the target rules of a year, excluded types, extra 支委 posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.assessment import targets
from services.errors import DangxunError
from services.training.activities import activity_years
from ui.assessment.stats_targets_table_model import TargetRuleTableModel
from ui.widgets.edit_guard import CANCEL, DISCARD, SAVE, ask_unsaved
from ui.widgets.typed_text import plain
from ui.widgets.year_picker import YearPicker

ACCENT = "#B71C1C"


class TargetsPage(QWidget):
    """View and edit the targets of one year; `save()` writes every change in one transaction."""

    saved = Signal(int)  # the year whose targets changed

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.settings: targets.TargetSettings | None = None

        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("目标年度")))
        self.year = YearPicker()
        self.year.year_changed.connect(self._on_year_picked)
        row.addWidget(self.year)
        self.btn_save = QPushButton(self.tr("保存"))
        self.btn_save.setStyleSheet(f"QPushButton:enabled {{ background: {ACCENT}; color: white; padding: 3px 14px; }}")
        self.btn_save.clicked.connect(self.save)
        self.btn_revert = QPushButton(self.tr("放弃修改"))
        self.btn_revert.clicked.connect(self.load)
        row.addWidget(self.btn_save)
        row.addWidget(self.btn_revert)
        row.addStretch(1)
        v.addLayout(row)

        rules_box = QGroupBox(self.tr("各类对象的全年学时目标（党员取所属各类中最高的一项，按在册月份折算）"))
        rb = QVBoxLayout(rules_box)
        self.model = TargetRuleTableModel(self)
        self.model.edited.connect(self._update_buttons)
        self.model.invalid.connect(self._show_error)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        rows_height = self.view.verticalHeader().defaultSectionSize() * 3
        self.view.setFixedHeight(rows_height + self.view.horizontalHeader().sizeHint().height() + 6)
        rb.addWidget(self.view)
        help_label = QLabel(self.tr("双击“目标学时”输入数字；勾选“启用”“须参加集中培训班”。"
                                    "某年不设固定学时的，取消“启用”即可（该年无人判为未达标）。"))
        help_label.setWordWrap(True)
        rb.addWidget(help_label)
        v.addWidget(rules_box)

        lower = QHBoxLayout()
        types_box = QGroupBox(self.tr("本年度不计入学时目标的活动类型（勾选即不计入）"))
        tb = QVBoxLayout(types_box)
        self.types = QListWidget()
        self.types.itemChanged.connect(lambda _i: self._update_buttons())
        tb.addWidget(self.types)
        self.types_note = QLabel(self.tr("灰色的类型本身设为不计入学时目标，各年度都不计入。"))
        self.types_note.setWordWrap(True)
        tb.addWidget(self.types_note)
        lower.addWidget(types_box, 1)

        posts_box = QGroupBox(self.tr("按支委学时目标计算的党内职务"))
        pb = QVBoxLayout(posts_box)
        self.builtin_posts = plain(QLabel())
        self.builtin_posts.setWordWrap(True)
        pb.addWidget(self.builtin_posts)
        pb.addWidget(QLabel(self.tr("本局另行计入的职务（用顿号分隔，各年度通用）：")))
        self.extra_posts = QLineEdit()
        self.extra_posts.setPlaceholderText(self.tr("例如：青年委员、保密委员"))
        self.extra_posts.textEdited.connect(lambda _t: self._update_buttons())
        pb.addWidget(self.extra_posts)
        pb.addStretch(1)
        lower.addWidget(posts_box, 1)
        v.addLayout(lower, 1)

        self.message = plain(QLabel())
        self.message.setWordWrap(True)
        v.addWidget(self.message)
        self._update_buttons()

    # ------------------------------------------------------------ data

    def _on_year_picked(self, year: int | None) -> None:
        """Another year: the targets changed and not saved are saved (to their own year), dropped, or the year
        stays."""
        shown = self.settings.year if self.settings is not None else None
        if year is None or year == shown:
            return
        answer = DISCARD
        if self.has_pending():
            answer = ask_unsaved(self, self.tr("学时目标"), self.tr("%1年度的学时目标修改后还没有保存。换到%2年度之前，先保存吗？")
                                 .replace("%1", str(shown)).replace("%2", str(year)), importing=False)
        if answer == CANCEL or (answer == SAVE and not self.save()):
            blocked = self.year.blockSignals(True)
            self.year.set_year(shown)
            self.year.blockSignals(blocked)
            return
        saved = self.message.text() if answer == SAVE else ""
        self.load()
        self.message.setText(saved)

    def load(self) -> None:
        year = self.year.year() or dt.date.today().year
        with self.ws.read() as session:
            self.settings = targets.target_settings(session, year)
            self.year.set_known_years(activity_years(session))  # the years the office has records of
        self._show(self.settings)
        self.message.clear()

    def _show(self, settings: targets.TargetSettings) -> None:
        self.model.set_rules(settings.rules)
        self.types.blockSignals(True)
        self.types.clear()
        for t in settings.types:
            item = QListWidgetItem(t.name)
            if t.counts_toward_target:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if t.excluded else Qt.CheckState.Unchecked)
            else:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setText(self.tr("%1（不计入目标）").replace("%1", t.name))
            item.setData(Qt.ItemDataRole.UserRole, t.name)
            self.types.addItem(item)
        self.types.blockSignals(False)
        self.types_note.setVisible(any(not t.counts_toward_target for t in settings.types))
        self.builtin_posts.setText(self.tr("固定计入：") + "、".join(settings.builtin_posts))
        self.extra_posts.setText("、".join(settings.extra_posts))
        self._update_buttons()

    def excluded_types(self) -> set[str]:
        out = set()
        for n in range(self.types.count()):
            item = self.types.item(n)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked:
                out.add(item.data(Qt.ItemDataRole.UserRole))
        return out

    def has_pending(self) -> bool:
        s = self.settings
        if s is None:
            return False
        return (self.model.has_pending() or self.excluded_types() != {t.name for t in s.types if t.excluded}
                or tuple(targets.split_posts(self.extra_posts.text())) != s.extra_posts)

    def _update_buttons(self) -> None:
        pending = self.has_pending()
        self.btn_save.setEnabled(pending)
        self.btn_revert.setEnabled(pending)

    def _show_error(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {ACCENT};")
        self.message.setText(text)

    def save(self) -> bool:
        if self.settings is None or not self.has_pending():
            return True
        year = self.settings.year  # the year shown, whatever the picker says
        try:
            with self.ws.write("save-targets", needs=EDITOR) as uow:
                settings = targets.save_target_settings(uow.session, uow.actor, year, self.model.pending_rules(),
                                                        self.excluded_types(),
                                                        targets.split_posts(self.extra_posts.text()))
        except DangxunError as exc:
            self._show_error(self.tr("未保存：") + exc.message)
            return False
        self.settings = settings
        self._show(settings)
        self.saved.emit(year)  # (the tab has already begun recomputing: the write announced new targets)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("已保存%1年度学时目标；统计结果已按新目标重新计算。").replace("%1", str(year)))
        return True
