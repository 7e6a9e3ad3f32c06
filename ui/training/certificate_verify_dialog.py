"""Verify a certificate: type its number or paste (scan) the text of its QR code."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError
from services.training import certificates
from services.workspace import Workspace
from ui.dialog_sizes import keep_size
from ui.widgets.errors import show_error
from ui.widgets.typed_text import plain


class CertificateVerifyDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(self.tr("核验结业证书"))
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("证书编号（如 2023-DX-00017）或扫描二维码得到的文字"))
        verify = QPushButton(self.tr("核验"))
        verify.setDefault(True)
        verify.clicked.connect(self.on_verify_clicked)
        row = QHBoxLayout()
        row.addWidget(self.text_edit, 1)
        row.addWidget(verify)
        self.result_label = plain(QLabel(self.tr("离线核验：无需联网，只查本机的发证记录和校验码。")))  # quotes a typed number
        self.result_label.setWordWrap(True)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addWidget(close)
        self.resize(520, 160)
        keep_size(self, "certificate-verify")
        self.genuine: bool | None = None

    def on_verify_clicked(self) -> None:
        text = self.text_edit.text().strip()
        if not text:
            return
        try:
            with self.ws.read() as s:
                result = certificates.verify_certificate(s, text)
        except DangxunError as exc:
            show_error(self, self.tr("核验结业证书"), exc)
            return
        self.genuine = result.genuine
        colour = "#1B5E20" if result.genuine else "#B71C1C"
        mark = "✔ " if result.genuine else "✘ "
        self.result_label.setStyleSheet(f"color: {colour}")
        self.result_label.setText(mark + result.message)
