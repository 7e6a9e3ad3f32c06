"""The members tab's branch tree: its view, its context menu and the branch actions (new, rename, order, merge, delete)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QInputDialog, QMenu, QTreeView

from ui.roll.branch_tree_model import BranchTreeModel
from ui.widgets import typed_text
from ui.widgets.edit_guard import confirm_irreversible
from ui.widgets.typed_text import as_typed

if TYPE_CHECKING:
    from services.workspace import Workspace


class BranchTreePane:
    """Mixed into MembersTab: the tree of branches and what can be done to a branch.

    Every change is one unit of work of the workspace (`self._write`); the tab and every other
    view follow the workspace and show the change.
    """

    ws: Workspace
    tree_model: BranchTreeModel
    tree: QTreeView
    _branch_id: int | None
    _read_only: bool
    _action: Callable[..., QAction]
    _write: Callable[..., bool]
    on_tree_current_changed: Callable[..., None]

    def _build_tree(self) -> QTreeView:
        tr = self.tr  # type: ignore[attr-defined]
        tree = QTreeView()
        tree.setObjectName("branch_tree")
        tree.setModel(self.tree_model)
        tree.setHeaderHidden(True)
        tree.setRootIsDecorated(False)
        tree.setItemsExpandable(False)
        tree.setUniformRowHeights(True)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self.on_tree_context_menu)
        tree.selectionModel().currentChanged.connect(self.on_tree_current_changed)
        tree.setIndentation(tree.fontMetrics().horizontalAdvance("党"))

        self.act_branch_new = self._action(tr("新建党支部…"), "folder_add", self.new_branch)
        self.act_branch_rename = self._action(tr("重命名…"), "rename", self.rename_branch)
        self.act_branch_up = self._action(tr("上移"), "up", lambda: self.move_branch(-1))
        self.act_branch_down = self._action(tr("下移"), "down", lambda: self.move_branch(1))
        self.act_branch_merge = self._action(tr("合并到…"), "merge", self.merge_branch)
        self.act_branch_delete = self._action(tr("删除"), "delete", self.delete_branch)
        return tree

    def _update_branch_actions(self) -> None:
        branch = self.tree_model.branch_at(self.tree.currentIndex())
        branches = self.tree_model.branches()
        position = branches.index(branch) if branch is not None else -1
        writable = not self._read_only
        self.act_branch_new.setEnabled(writable)
        for action in (self.act_branch_rename, self.act_branch_merge, self.act_branch_delete):
            action.setEnabled(writable and branch is not None)
        self.act_branch_up.setEnabled(writable and position > 0)
        self.act_branch_down.setEnabled(writable and 0 <= position < len(branches) - 1)
        self.act_branch_merge.setEnabled(writable and branch is not None and len(branches) > 1)

    def _current_branch(self) -> Any:
        return self.tree_model.branch_at(self.tree.currentIndex())

    def _branch_write(self, key: str, fn: Callable[[Any, str], Any], shows: int | None, *,
                      backup: bool = False) -> bool:
        """A branch action as one unit of work (`_write`). After it the tree's current item is branch `shows`
        (None: 全部党支部) and the tree takes the keys, as the member list does after a member is saved."""
        previous, self._branch_id = self._branch_id, shows  # the refresh that follows the write shows it
        if not self._write(key, fn, backup=backup, keys_to=self.tree):
            self._branch_id = previous
            return False
        self._show_branch(shows)
        return True

    def _show_branch(self, branch_id: int | None) -> None:
        """Make `branch_id` (None: 全部党支部) the tree's current item; the member list follows it."""
        index = self.tree_model.branch_index(branch_id) if branch_id is not None else QModelIndex()
        self.tree.setCurrentIndex(index if index.isValid() else self.tree_model.top_index())
        self.tree.scrollTo(self.tree.currentIndex())

    def new_branch(self) -> None:
        from services.roll import branches as branch_service

        name, ok = QInputDialog.getText(self, self.tr("新建党支部"), self.tr("党支部名称："))  # type: ignore[arg-type, attr-defined]
        if not (ok and name.strip()):
            return
        created: list[int] = []

        def create(session: Any, actor: str) -> None:
            created.append(branch_service.create_branch(session, name, actor).id)

        if self._branch_write("branch-create", create, self._branch_id):
            self._show_branch(created[0])

    def rename_branch(self) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        if branch is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("重命名党支部"), self.tr("新的名称："),  # type: ignore[arg-type, attr-defined]
                                        text=branch.name)
        if ok and name.strip():
            self._branch_write("branch-rename", lambda s, actor: branch_service.rename_branch(s, branch.id, name, actor),
                               branch.id)

    def move_branch(self, step: int) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        ids = [b.id for b in self.tree_model.branches()]
        if branch is None or not 0 <= ids.index(branch.id) + step < len(ids):
            return
        i = ids.index(branch.id)
        ids[i], ids[i + step] = ids[i + step], ids[i]
        self._branch_write("branch-order", lambda s, actor: branch_service.reorder_branches(s, ids, actor), branch.id)

    def merge_branch(self) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        if branch is None:
            return
        others = [b for b in self.tree_model.branches() if b.id != branch.id]
        if not others:
            return
        name, ok = QInputDialog.getItem(self, self.tr("合并党支部"),  # type: ignore[arg-type, attr-defined]
                                        as_typed(self.tr("把“{0}”的全部党员并入：").format(branch.name)),  # type: ignore[attr-defined]
                                        [b.name for b in others], 0, False)
        if not ok:
            return
        target = next(b for b in others if b.name == name)
        if not confirm_irreversible(
                self, self.tr("合并党支部"),  # type: ignore[arg-type, attr-defined]
                self.tr("“{0}”的 {1} 条党员记录将并入“{2}”，“{0}”随之删除。合并后不能撤销，继续吗？").format(  # type: ignore[attr-defined]
                    branch.name, branch.all_members, target.name),
                self.tr("合并"), self.tr("不合并")):  # type: ignore[attr-defined]
            return
        self._branch_write("branch-merge", lambda s, actor: branch_service.merge_branches(s, branch.id, target.id, actor),
                           target.id, backup=True)

    def delete_branch(self) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        if branch is None:
            return
        tr = self.tr  # type: ignore[attr-defined]
        if branch.all_members:
            # Refused at once, with the reason and the way out, before any question.
            typed_text.information(self, tr("删除党支部"), tr(  # type: ignore[arg-type]
                "党支部“{0}”还有{1}名党员的记录（含已转出），不能删除。可先用“合并到…”把它并入其他党支部。")
                .format(branch.name, branch.all_members))
            return
        if confirm_irreversible(self, tr("删除党支部"), tr("删除党支部“{0}”？").format(branch.name),  # type: ignore[arg-type]
                                tr("删除党支部"), tr("不删除")):
            self._branch_write("branch-delete", lambda s, actor: branch_service.delete_branch(s, branch.id, actor), None)

    def on_tree_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self._update_branch_actions()
        menu = QMenu(self)  # type: ignore[call-overload]
        menu.addAction(self.act_branch_new)
        menu.addAction(self.act_branch_rename)
        menu.addSeparator()
        menu.addAction(self.act_branch_up)
        menu.addAction(self.act_branch_down)
        menu.addSeparator()
        menu.addAction(self.act_branch_merge)
        menu.addAction(self.act_branch_delete)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
