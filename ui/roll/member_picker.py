"""Tick members in a list of the whole roll: 登记资料发放 and 报名 › 手工选择 share it.

A view over a model (not a list of items): a bureau of 20 000 members opens at once, its rows drawn as
they scroll into view; typing filters by name, pinyin initials, branch or ID number, and the ticks outlast
the filter. 全选/全不选 act on the members filtered; the line below says 已勾选N人 and how many are shown.
Members who left the roll (转出, 去世, 出党, 停止党籍) are left out until 含已离册党员 is ticked; then they are
listed greyed, with their status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.list_helpers import EmptyNotice, clear_on_escape

Index = QModelIndex | QPersistentModelIndex


class PickPerson(NamedTuple):
    """One member to tick. `key` is what the dialog gets back (an ID number, a member's id)."""

    key: Any
    name: str
    branch: str
    number: str  # the ID number as this account is shown it
    initials: str = ""  # pinyin initials of the name
    phone: str = ""
    status: str = "在册"  # or how the member left: 转出, 去世, 出党, 停止党籍


def _is_checked(value: Any) -> bool:
    """A check state as the view sends it (an int) or as Python code does (Qt.CheckState)."""
    return int(getattr(value, "value", value)) == Qt.CheckState.Checked.value


def _bare(text: str) -> str:
    return "".join(text.split()).casefold()


class MemberPickModel(QAbstractListModel):
    """The roll to tick; the rows shown are those the filter finds. The ticks are kept by member, not by row."""

    ticked_changed = Signal()

    def __init__(self, people: Sequence[PickPerson], parent: Any = None, *, left_tickable: bool = True) -> None:
        """`left_tickable` False: members who left are listed (when shown) but cannot be ticked (报名 refuses them)."""
        super().__init__(parent)
        self._people = list(people)
        self._labels = [f"{p.name}（{p.branch}）" if p.status == "在册" else f"{p.name}（{p.branch}）　{p.status}"
                        for p in self._people]
        self._search = [f"{_bare(p.name)}\n{_bare(p.branch)}\n{_bare(p.number)}" for p in self._people]
        self._left = {i for i, p in enumerate(self._people) if p.status != "在册"}
        self._left_tickable = left_tickable
        self.show_left = False
        self._pool: list[int] = self._listed()
        self._shown: list[int] = list(self._pool)
        self._ticked: set[int] = set()
        self.filter_text = ""

    def _listed(self) -> list[int]:
        """The members listed before any filter: those on the roll, or everyone when those who left are shown."""
        if self.show_left or not self._left:
            return list(range(len(self._people)))
        return [i for i in range(len(self._people)) if i not in self._left]

    def _tickable(self, person: int) -> bool:
        return self._left_tickable or person not in self._left

    # ------------------------------------------------------------ Qt
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        person = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._labels[person]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if person in self._ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return self._people[person].key
        if person in self._left:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (self.tr("已离册（%1）").replace("%1", self._people[person].status) if self._left_tickable
                        else self.tr("已离册（%1），不能报名").replace("%1", self._people[person].status))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or not 0 <= index.row() < len(self._shown):
            return False
        self.tick_rows([index.row()], _is_checked(value))
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return Qt.ItemFlag.NoItemFlags
        if not self._tickable(self._shown[index.row()]):
            return Qt.ItemFlag.NoItemFlags  # drawn greyed, and no tick
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable

    # ------------------------------------------------------------ the dialogs'
    def set_filter(self, text: str) -> None:
        """Show the members whose name, branch or ID number contains `text`, whose pinyin initials start with
        it, or (digits) whose phone holds it; all for none. Spaces and case do not count."""
        self.filter_text = text
        needle = _bare(text)
        self.beginResetModel()
        if not needle:
            self._shown = list(self._pool)
        else:
            digits = needle.isdigit()
            people, search = self._people, self._search
            self._shown = [i for i in self._pool
                           if needle in search[i] or people[i].initials.startswith(needle)
                           or (digits and needle in people[i].phone)]
        self.endResetModel()

    def set_show_left(self, on: bool) -> None:
        """List the members who left too (greyed, with their status), or not: hidden, their ticks go."""
        if on == self.show_left:
            return
        self.show_left = on
        self._pool = self._listed()
        untick = not on and bool(self._ticked & self._left)
        if untick:
            self._ticked -= self._left
        self.set_filter(self.filter_text)
        if untick:
            self.ticked_changed.emit()

    def left_count(self) -> int:
        """How many of the people given left the roll (listed only with 含已离册党员)."""
        return len(self._left)

    def tick_rows(self, rows: Iterable[int], on: bool) -> None:
        """Tick (or untick) the rows shown at `rows`."""
        rows = [r for r in rows if 0 <= r < len(self._shown) and self._tickable(self._shown[r])]
        if not rows:
            return
        people = [self._shown[r] for r in rows]
        if on:
            self._ticked.update(people)
        else:
            self._ticked.difference_update(people)
        lo, hi = min(rows), max(rows)
        self.dataChanged.emit(self.index(lo), self.index(hi), [Qt.ItemDataRole.CheckStateRole])
        self.ticked_changed.emit()

    def tick_shown(self, on: bool = True) -> None:
        """Tick (or untick) every member the filter shows, and only those."""
        self.tick_rows(range(len(self._shown)), on)

    def is_ticked(self, row: int) -> bool:
        return 0 <= row < len(self._shown) and self._shown[row] in self._ticked

    def ticked_keys(self) -> list[Any]:
        """The keys ticked, in the roll's order, whatever the filter shows."""
        return [self._people[i].key for i in sorted(self._ticked)]

    def ticked_count(self) -> int:
        return len(self._ticked)

    def total(self) -> int:
        """The members listed when no filter is typed (those who left only while shown)."""
        return len(self._pool)


class MemberPickView(QListView):
    """Rows selected as in any list (Shift, Ctrl, Ctrl+A); Space ticks the selected rows, or unticks them when
    all are ticked already."""

    def __init__(self, model: MemberPickModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setUniformItemSizes(True)  # 20 000 rows: no row is measured on its own
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def people(self) -> MemberPickModel:
        return self.model()  # type: ignore[return-value]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
            if not rows and self.currentIndex().isValid():
                rows = [self.currentIndex().row()]
            if rows:
                model = self.people()
                model.tick_rows(rows, not all(model.is_ticked(r) for r in rows))
                event.accept()
                return
        super().keyPressEvent(event)


class MemberFilterEdit(QLineEdit):
    """↓ (or Page Down, or Enter) goes from the filter to the list, onto its first row; Esc empties it.

    Enter never reaches the dialog: a name typed and Enter (as in any search box) took the dialog's 确定 or 报名,
    registering or enrolling the members ticked so far."""

    def __init__(self, view: MemberPickView) -> None:
        super().__init__()
        self.view = view
        self.setClearButtonEnabled(True)
        clear_on_escape(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (enter or event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)) and self.view.model().rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.view.model().index(0, 0))
            event.accept()
            return
        if enter:  # nothing found: Enter stays in the filter
            event.accept()
            return
        super().keyPressEvent(event)


class MemberPicker(QWidget):
    """The filter, the list, 全选/全不选 and the count line, one under the other."""

    def __init__(self, people: Sequence[PickPerson], parent: QWidget | None = None, *,
                 left_tickable: bool = True) -> None:
        super().__init__(parent)
        self.model = MemberPickModel(people, self, left_tickable=left_tickable)
        self.view = MemberPickView(self.model)
        self.filter = MemberFilterEdit(self.view)
        self.filter.setPlaceholderText(self.tr("输入姓名、拼音首字母、支部或身份证号筛选"))
        self.filter.textChanged.connect(self.model.set_filter)
        left = self.model.left_count()
        self.show_left_check = QCheckBox(self.tr("含已离册党员（%1人）").replace("%1", str(left)))
        self.show_left_check.setObjectName("show_left_check")
        self.show_left_check.setToolTip(self.tr("同时列出已转出、去世、出党或停止党籍的党员（灰色，注明状态）")
                                        if left_tickable else
                                        self.tr("同时列出已转出、去世、出党或停止党籍的党员（灰色，注明状态；不能报名）"))
        self.show_left_check.setEnabled(left > 0)
        self.show_left_check.toggled.connect(self.model.set_show_left)
        self.tick_all_button = QPushButton(self.tr("全选"))
        self.tick_all_button.setToolTip(self.tr("勾选列出的全部党员（筛选时只勾选筛选出的党员）"))
        self.tick_all_button.clicked.connect(lambda: self.model.tick_shown(True))
        self.untick_all_button = QPushButton(self.tr("全不选"))
        self.untick_all_button.setToolTip(self.tr("取消勾选列出的党员（筛选时只取消筛选出的党员）"))
        self.untick_all_button.clicked.connect(lambda: self.model.tick_shown(False))
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model.ticked_changed.connect(self._show_count)
        self.model.modelReset.connect(self._show_count)
        self.notice = EmptyNotice(self.view, lambda: self.tr("没有符合“%1”的党员").replace("%1", self.model.filter_text)
                                  if self.model.filter_text.strip() else self.tr("名册中还没有党员"))
        self.notice.setParent(self)  # hidden until it has something to say; it goes when the list goes
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.show_left_check)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addWidget(self.tick_all_button)
        row.addWidget(self.untick_all_button)
        row.addWidget(self.count_label, 1)
        layout.addLayout(row)
        self._show_count()

    def _show_count(self) -> None:
        text = self.tr("已勾选{0}人").format(self.model.ticked_count())
        if self.model.filter_text.strip():
            text += self.tr("　筛选出{0}人（共{1}人）").format(self.model.rowCount(), self.model.total())
        else:
            text += self.tr("　共{0}人").format(self.model.total())
        self.count_label.setText(text)

    def ticked(self) -> list[Any]:
        """The keys ticked, in the roll's order."""
        return self.model.ticked_keys()
