"""Enrol members in bulk: by branch, Party post, membership, joining date, audience, by hand, or from an Excel list."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.errors import (
    CancelledError,
    DangxunError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from services.normalize import COMMITTEE_POSTS, PARTY_POSTS
from services.plan import audience_stats
from services.plan.audience import audience_of
from services.roll import branches, members
from services.training import activities, enrolment
from services.workspace import EDITOR, Workspace
from ui.dialog_sizes import keep_size
from ui.roll.member_picker import MemberPicker, PickPerson
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.errors import error_text, report_unexpected
from ui.widgets.file_dialogs import open_file
from ui.widgets.jobs import Job, ProgressFn, run_with_progress
from ui.widgets.typed_text import plain

HAND_PAGE = 4  # 手工选择: members ticked in the whole roll
FILE_PAGE = 5  # 从名单导入: the people a spreadsheet lists
AUDIENCE_PAGE = 6  # 按培训对象: the members the activity's audience names


def _checklist(items: list[tuple[str, Any]], checked: set[Any] | None = None) -> QListWidget:
    widget = QListWidget()
    for text, data in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked and data in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list[Any]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class EnrolDialog(DiscardGuard, QDialog):
    def __init__(self, ws: Workspace, activity_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self._activity_id = activity_id
        self._importing = False
        self.enrol_job: Job | None = None  # the last list read in the background
        self.result_value: enrolment.EnrolResult | None = None
        self.setWindowTitle(self.tr("报名"))
        with ws.read() as s:
            branch_list = branches.list_branches(s)
            # Seven columns, not the full listing's 25; those who left are listed (greyed) only when asked for.
            self._roll = members.list_for_picking(s, include_left=True)
            try:
                info: activities.ActivityInfo | None = activities.get_activity(s, activity_id)
            except (NotFoundError, PermissionDeniedError):  # gone meanwhile, or not this account's: enrolling says so
                info = None
        self._target_group = info.target_group if info else None
        self._start = info.start_date if info else dt.date.today()
        self.tabs = QTabWidget()
        self.branch_list = _checklist([(f"{b.name}（{b.active_members}人）", b.id) for b in branch_list])
        self.tabs.addTab(self.branch_list, self.tr("按支部"))
        self.post_list = _checklist([(p, p) for p in PARTY_POSTS], set(COMMITTEE_POSTS))
        self.tabs.addTab(self.post_list, self.tr("按职务"))
        membership_page = QWidget()
        self.membership_combo = QComboBox()
        self.membership_combo.addItems(["预备党员", "正式党员"])
        QFormLayout(membership_page).addRow(self.tr("党员类别"), self.membership_combo)
        self.tabs.addTab(membership_page, self.tr("按类别"))
        date_page = QWidget()
        self.joined_from = QLineEdit()
        self.joined_from.setPlaceholderText("2000-01")
        self.joined_to = QLineEdit()
        self.joined_to.setPlaceholderText("2010-12")
        date_form = QFormLayout(date_page)
        date_form.addRow(self.tr("入党日期从"), self.joined_from)
        date_form.addRow(self.tr("至"), self.joined_to)
        self.tabs.addTab(date_page, self.tr("按入党日期"))
        # The whole roll as one model (20 000 members: no widget item each), shared with 登记资料发放.
        self.picker = MemberPicker([PickPerson(m.id, m.name, m.branch, m.id_number, m.name_initials, m.phone or "",
                                               m.status) for m in self._roll],
                                   left_tickable=False)  # enrolment takes members on the roll only
        self.tabs.addTab(self.picker, self.tr("手工选择"))
        file_page = QWidget()
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(self.tr("Excel 或 CSV 名单：含“姓名”或“身份证号码”列"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.on_browse_clicked)
        file_layout = QVBoxLayout(file_page)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        file_layout.addLayout(file_row)
        file_layout.addStretch(1)
        self.tabs.addTab(file_page, self.tr("从名单导入"))
        audience_page = QWidget()
        audience = audience_of(self._target_group)
        self.audience_label = plain(QLabel())
        self.audience_label.setWordWrap(True)
        words = self.tr("本活动的培训对象：%1").replace("%1", self._target_group or audience + self.tr("（未填写）"))
        rule = audience_stats.AUDIENCE_RULES.get(audience)
        # An audience the roll cannot name: the error line below says so (selected_ids refuses it).
        self.audience_label.setText(words + ("\n" + self.tr("将报名：") + self.tr(rule) if rule else ""))
        audience_box = QVBoxLayout(audience_page)
        audience_box.addWidget(self.audience_label)
        audience_box.addStretch(1)
        self.tabs.addTab(audience_page, self.tr("按培训对象"))
        self.tabs.currentChanged.connect(lambda _i: self.update_count())
        self.branch_list.itemChanged.connect(lambda _i: self.update_count())
        self.post_list.itemChanged.connect(lambda _i: self.update_count())
        self.picker.model.ticked_changed.connect(self.update_count)
        self.membership_combo.currentIndexChanged.connect(lambda _i: self.update_count())
        self.joined_from.textChanged.connect(lambda _t: self.update_count())
        self.joined_to.textChanged.connect(lambda _t: self.update_count())

        self.count_label = plain(QLabel())
        self.error_label = plain(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #B71C1C")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("报名"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("只为在册党员报名；已报名的不会重复。")))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        # Every tab's title in view (no scroll arrows), within a 1024-pixel screen.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.resize(max(520, self.tabs.tabBar().sizeHint().width() + 40), 520)
        keep_size(self, "enrol")
        self.update_count()
        self.mark_clean()

    def edit_snapshot(self) -> object:
        """What Esc or 取消 would throw away: the boxes ticked, the dates typed, the names ticked by hand, the list chosen."""
        return (_checked(self.branch_list), _checked(self.post_list), self.membership_combo.currentIndex(),
                self.joined_from.text(), self.joined_to.text(), self.picker.ticked(), self.file_edit.text())

    def on_browse_clicked(self) -> None:
        path, _ = open_file(self, "enrol-list", self.tr("选择名单"),
                            self.tr("表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
        if path:
            self.file_edit.setText(path)

    def selected_ids(self, session: Session) -> list[int]:
        page = self.tabs.currentIndex()
        if page == 0:
            chosen = _checked(self.branch_list)
            return enrolment.select_members(session, branch_ids=chosen) if chosen else []
        if page == 1:
            posts = _checked(self.post_list)
            return enrolment.select_members(session, posts=posts) if posts else []
        if page == 2:
            return enrolment.select_members(session, membership=self.membership_combo.currentText())
        if page == 3:
            lo, hi = self.joined_from.text().strip(), self.joined_to.text().strip()
            if not lo and not hi:
                return []
            return enrolment.select_members(session, joined_from=lo or None, joined_to=hi or None)
        if page == HAND_PAGE:
            return self.picker.ticked()
        if page == AUDIENCE_PAGE:
            return audience_stats.audience_member_ids(session, self._target_group, self._start)
        return []

    def update_count(self) -> None:
        self.error_label.clear()
        if self.tabs.currentIndex() == FILE_PAGE:
            self.count_label.setText(self.tr("将按名单逐行查找党员：有身份证号码的按号码，否则按姓名。"))
            return
        try:
            with self.ws.read() as s:
                n = len(self.selected_ids(s))
        except DangxunError as exc:
            self.error_label.setText(exc.message)
            n = 0
        self.count_label.setText(self.tr("符合条件的在册党员：%n人", "", n))

    def on_buttons_accepted(self) -> None:
        if self._importing:
            return
        if self.tabs.currentIndex() == FILE_PAGE:
            self.enrol_from_file()
            return
        try:
            with self.ws.write("enrol", needs=EDITOR) as uow:
                s = uow.session
                if self.tabs.currentIndex() == AUDIENCE_PAGE:
                    if not self.selected_ids(s):
                        raise ValidationError("名册中没有符合本活动培训对象的在册党员")
                    self.result_value = enrolment.enrol_by_audience(s, self._activity_id, uow.actor)
                else:
                    ids = self.selected_ids(s)
                    if not ids:
                        raise ValidationError("没有选中任何党员")
                    self.result_value = enrolment.enrol(s, self._activity_id, ids, uow.actor)
        except DangxunError as exc:
            self.result_value = None
            self._show_error(exc)
            return
        self.accept()

    def enrol_from_file(self) -> Job | None:
        """Enrol the people of the chosen list in the background, with 取消; the dialog closes when done.

        Returns the job, or None when nothing was started (no file chosen, or a list already being read)."""
        if self._importing:
            return None
        path = self.file_edit.text().strip()
        if not path:
            self._show_error(ValidationError("请先选择名单文件"))
            return None
        ws, activity_id, file = self.ws, self._activity_id, Path(path)

        def work(progress: ProgressFn, cancel: threading.Event) -> enrolment.EnrolResult:
            with ws.write("enrol", needs=EDITOR) as uow:
                result = enrolment.enrol_from_file(uow.session, activity_id, file, uow.actor,
                                                   progress=progress, cancel=cancel)
                if not (result.added or result.already or result.not_on_roll):
                    raise ValidationError(f"名单文件 {file.name} 中没有姓名或身份证号码，没有为任何人报名。"
                                          "名单应有“姓名”或“身份证号码”列，每行一人。")
                return result

        def finished(result: enrolment.EnrolResult) -> None:
            self._set_importing(False)
            self.result_value = result
            self.accept()

        def failed(error: BaseException) -> None:
            self._set_importing(False)
            self.result_value = None
            if isinstance(error, CancelledError):
                self.error_label.setText(self.tr("已取消，未导入。"))
                return
            if not isinstance(error, DangxunError):
                report_unexpected(error, "enrol")
            self._show_error(error)

        self.error_label.clear()
        self._set_importing(True)
        self.enrol_job = run_with_progress(self, self.tr("正在按名单报名……"), work, on_finished=finished,
                                           on_failed=failed)
        return self.enrol_job

    def _set_importing(self, importing: bool) -> None:
        """While a list is read nothing else starts, and the dialog stays open to hear how it ended."""
        self._importing = importing
        self.tabs.setEnabled(not importing)
        self.buttons.setEnabled(not importing)

    def reject(self) -> None:
        if not self._importing:  # Esc or the title bar's close while a list is read: it ends first
            super().reject()

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            lines = [p.describe() for p in error.problems]
            self.error_label.setText("\n".join([f"文件 {error.file}：", *lines] if error.file else lines))
        else:
            self.error_label.setText(error_text(error))


EnrolFn = Callable[[], None]
