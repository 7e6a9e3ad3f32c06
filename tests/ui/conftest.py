"""UI fixtures shared by every window test (defined in tests/helpers/ui_workspace.py)."""

import pytest  # noqa: E402

from tests.helpers.ui_workspace import demo_ws, ws  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _own_folder_settings(tmp_path_factory, monkeypatch):
    """File dialogs remember folders in a settings file of the test's own, never the user's."""
    from PySide6.QtCore import QSettings

    from ui.widgets import file_dialogs

    path = str(tmp_path_factory.mktemp("settings") / "folders.ini")
    monkeypatch.setattr(file_dialogs, "settings", lambda: QSettings(path, QSettings.Format.IniFormat))
