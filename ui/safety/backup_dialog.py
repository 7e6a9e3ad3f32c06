"""Backups and restore: list the backups (date, kind, size, members), back up now, restore, second folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import access
from services.access import ADMIN, EDITOR
from services.errors import DangxunError
from services.safety import backup as backup_service
from services.safety import restore as restore_service
from services.workspace import Workspace
from ui.dialog_sizes import keep_size
from ui.safety.backups_table_model import BackupsTableModel
from ui.widgets import file_dialogs
from ui.widgets.edit_guard import confirm_irreversible
from ui.widgets.file_dialogs import first_folder, last_folder, open_file
from ui.widgets.live import ALL_KINDS
from ui.widgets.typed_text import plain
from ui.widgets.wait_cursor import waiting


class BackupDialog(QDialog):
    """Restore needs a 管理员 (or a database without accounts); backing up needs a 录入员.

    After a restore the dialog emits `restored(str)`: the window must drop cached data and reload
    every tab (the `Database` object stays valid; its connections were closed and reopen by themselves).
    """

    restored = Signal(str)
    backed_up = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.db = ws.db
        self.folder = folder or ws.backup_dir or backup_service.default_backups_dir()
        self.setWindowTitle(self.tr("备份与恢复"))
        self.resize(720, 420)

        self.model = BackupsTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.backup_button = QPushButton(self.tr("立即备份"))
        self.backup_button.setProperty("primary", True)  # the accent style of ui/app.py
        self.restore_button = QPushButton(self.tr("恢复所选备份…"))
        self.restore_file_button = QPushButton(self.tr("从文件恢复…"))
        self.second_button = QPushButton(self.tr("第二备份文件夹…"))
        self.folder_label = plain(QLabel())
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_label = QLabel(self.tr("还没有备份：点“立即备份”。程序启动时、每30分钟有改动时、"
                                          "导入和恢复之前都会自动备份。"))
        self.empty_label.setWordWrap(True)
        self.message_label = plain(QLabel())
        self.message_label.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)

        buttons = QHBoxLayout()
        for w in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.second_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.message_label)
        layout.addWidget(close)

        self.backup_button.clicked.connect(self.on_backup_button_clicked)
        self.restore_button.clicked.connect(self.on_restore_button_clicked)
        self.restore_file_button.clicked.connect(self.on_restore_file_button_clicked)
        self.second_button.clicked.connect(self.on_second_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()
        keep_size(self, "backups")

    def refresh(self) -> None:
        self.model.set_rows(backup_service.list_backups(self.folder, self.db.path))
        with self.ws.read() as session:
            second = backup_service.second_folder(session)
        text = self.tr("备份文件夹：{0}").format(self.folder)
        if second:
            text += "\n" + self.tr("第二备份文件夹：{0}").format(second)
        self.folder_label.setText(text)
        self.empty_label.setVisible(self.model.rowCount() == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        may_restore = self.ws.can(ADMIN)
        may_backup = self.ws.can(EDITOR) and not self.ws.branch_ids  # a branch account takes no copies
        self.backup_button.setEnabled(may_backup)
        self.second_button.setEnabled(may_restore)
        self.restore_file_button.setEnabled(may_restore)
        self.restore_button.setEnabled(may_restore and self.selected() is not None)

    def selected(self) -> backup_service.BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setStyleSheet("color: #B71C1C;" if error else "")
        self.message_label.setText(text)

    # ------------------------------------------------------------ actions

    def on_backup_button_clicked(self) -> None:
        try:
            with waiting(), self.ws.write("backup", needs=EDITOR, what="备份数据库") as uow:
                access.require_office(uow.session, "备份数据库", access.SNAPSHOT_REASON)
                # The backup copies the file through its own connection and logs itself.
                result = backup_service.backup_now(self.db, uow.actor, "manual", self.folder)
                uow.note("change_log")
        except DangxunError as exc:
            self.show_message(exc.message, error=True)
            return
        self.refresh()
        text = self.tr("已备份到 {0}，备份文件检查通过。").format(result.info.path)
        if result.second_error:
            text += "\n" + result.second_error
        self.show_message(text, error=bool(result.second_error))
        self.backed_up.emit(str(result.info.path))

    def confirm_restore(self, source: Path) -> bool:
        """Asks before replacing the data; tests replace this method."""
        foreign = restore_service.foreign_backup(source, self.db.path)
        return confirm_irreversible(
            self, self.tr("恢复数据库"),
            (self.tr("注意：{0}").format(foreign) + "\n" if foreign else "")
            + self.tr("用备份 {0} 替换当前数据库？\n当前数据库会先备份一份，恢复后可以再恢复回来。").format(source.name),
            self.tr("恢复"), self.tr("不恢复"))

    def restore_from(self, source: Path) -> bool:
        try:
            # A file that cannot be restored is said before the question, not after the clerk has said yes.
            with waiting():
                restore_service.check_backup_file(source)
            if not self.confirm_restore(source):
                return False
            # The restore backs up the current database itself first (its "safety backup"), so the
            # unit of work takes none; every kind of record changed for the views.
            with waiting(), self.ws.file_replaced(), self.ws.write("restore", needs=ADMIN, what="恢复数据库") as uow:
                result = restore_service.restore_backup(self.db, source, uow.actor, self.folder)
                for kind in ALL_KINDS:
                    uow.note(kind)
        except DangxunError as exc:
            self.show_message(exc.message, error=True)
            return False
        self.refresh()
        text = self.tr("已从 {0} 恢复（{1}名党员）。").format(source.name, result.members)
        if result.upgraded_from is not None:
            text += self.tr("该备份来自旧版本，已升级。")
        if result.safety_backup:
            text += self.tr("恢复前的数据库已备份为 {0}。").format(result.safety_backup.path.name)
        self.show_message(text)
        self.restored.emit(str(source))
        return True

    def on_restore_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.restore_from(chosen.path)

    def on_restore_file_button_clicked(self) -> None:
        # Where a backup was last restored from (a USB stick), else the backups folder.
        path, _ = open_file(self, "restore", self.tr("选择备份文件"),
                            self.tr("数据库备份 (*.sqlite3 *.db);;所有文件 (*)"), str(self.folder))
        if path:
            self.restore_from(Path(path))

    def on_second_button_clicked(self) -> None:
        with self.ws.read() as session:
            second = backup_service.second_folder(session)
        start = str(second) if second and second.is_dir() else last_folder("second-backup") or first_folder()
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择第二备份文件夹（如U盘）"), start)
        if folder:
            store = file_dialogs.settings()
            store.setValue("folders/second-backup", folder)
            store.sync()
        # Esc in the chooser keeps the folder set; it is given up only when the clerk says so.
        elif second is None or not confirm_irreversible(
                self, self.tr("第二备份文件夹"),
                self.tr("没有选择文件夹。不再把备份另存一份到 {0} 吗？").format(second),
                self.tr("不再另存"), self.tr("继续另存")):
            return
        self.set_second_folder(Path(folder) if folder else None)

    def set_second_folder(self, folder: Path | None) -> None:
        try:
            with self.ws.write("second-backup-folder", needs=ADMIN, what="设置第二备份文件夹") as uow:
                backup_service.set_second_folder(uow.session, folder, uow.actor)
        except DangxunError as exc:
            self.show_message(exc.message, error=True)
            return
        self.refresh()
        self.show_message(self.tr("第二备份文件夹已设为 {0}").format(folder) if folder
                          else self.tr("已取消第二备份文件夹"))
