"""登记资料发放: the material, the day, and the members who received it, ticked in a list of the whole roll.

The list is ui.roll.member_picker's (shared with 报名 › 手工选择): a model over the whole roll, filtered by
name, branch or ID number, the ticks outlasting the filter. Materials go to members on the roll; one who left
can still be ticked, with 含已离册党员, to record a book handed out before leaving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from services.plan import materials
from ui.dialog_sizes import keep_size
from ui.roll.member_picker import MemberPicker, PickPerson
from ui.widgets.edit_guard import DiscardGuard


class IssueDialog(DiscardGuard, QDialog):
    """登记发放: the material, the day, and the members who received it (tick them, filter by typing); Esc after
    typing or ticking asks before throwing it away."""

    def __init__(self, people: Sequence[tuple[str, ...]], parent: QWidget | None = None) -> None:
        """`people`: (ID number, name, branch[, status]) of each member, in the roll's order; a member whose status
        is not 在册 is listed (greyed) only with 含已离册党员."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记资料发放"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("如 入党教材（可带或不带《》）"))
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.picker = MemberPicker([PickPerson(number, name, branch, number, status=status[0] if status else "在册")
                                    for number, name, branch, *status in people])
        self.picker.filter.setPlaceholderText(self.tr("输入姓名、支部或身份证号筛选"))  # no initials given here
        # The parts, by the names the tab and the tests know them.
        self.model, self.people, self.filter = self.picker.model, self.picker.view, self.picker.filter
        self.tick_all_button, self.untick_all_button = self.picker.tick_all_button, self.picker.untick_all_button
        self.count_label, self.notice = self.picker.count_label, self.picker.notice
        form = QFormLayout(self)
        form.addRow(self.tr("资料名称"), self.title)
        form.addRow(self.tr("发放日期"), self.day)
        form.addRow(self.tr("领取党员"), self.picker)
        # Wide enough for its hint and a book's title, tall enough to tick names: Qt made it 280 × 320 pixels,
        # the hint cut off and a dozen names in view.
        metrics = self.fontMetrics()
        self.title.setMinimumWidth(metrics.horizontalAdvance(self.title.placeholderText()) + metrics.height() * 2)
        self.people.setMinimumHeight(metrics.height() * 16)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        keep_size(self, "material-issue")  # a bureau's whole roll to tick: a clerk makes it taller
        self.mark_clean()

    def edit_snapshot(self) -> object:
        return self.title.text(), self.day.date(), self.model.ticked_keys()

    def checked(self) -> list[str]:
        return self.picker.ticked()

    def _accept(self) -> None:
        if not materials.bare_title(self.title.text()):
            QMessageBox.information(self, self.windowTitle(), self.tr("请填写资料名称。"))
            self.title.setFocus()
            return
        if not self.model.ticked_count():
            QMessageBox.information(self, self.windowTitle(), self.tr("请勾选至少一名领取党员。"))
            self.people.setFocus()
            return
        self.accept()

    def values(self) -> tuple[str, str, list[str]]:
        q = self.day.date()
        return self.title.text(), dt.date(q.year(), q.month(), q.day()).isoformat(), self.checked()
