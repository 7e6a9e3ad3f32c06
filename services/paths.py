"""Where the program keeps its files: the user's data folder and the bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from services.version import APP_ID


def resources_dir() -> Path:
    """The bundled resources, both from source and from a PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    if base:
        return Path(base) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def migrations_dir() -> Path:
    """The Alembic scripts (models/migrations), from source or from a bundle."""
    base = getattr(sys, "_MEIPASS", None)
    if base:
        return Path(base) / "models" / "migrations"
    return Path(__file__).resolve().parent.parent / "models" / "migrations"


def data_dir() -> Path:
    """The per-user data folder (%APPDATA%\\dangxun on Windows, ~/.local/share/dangxun elsewhere)."""
    override = os.environ.get("DANGXUN_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        root = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Application Support"
    else:
        root = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return root / APP_ID


def default_db_path() -> Path:
    """The database the program opens unless told otherwise (`--db` or DANGXUN_DB)."""
    env = os.environ.get("DANGXUN_DB")
    if env:
        return Path(env)
    return data_dir() / "dangxun.sqlite3"


def font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"


def rare_font_path() -> Path:
    """The bundled font for the characters `font_path` lacks (CJK Extension A, the 通用规范汉字表 characters
    beyond U+FFFF): resources/fonts/README.md."""
    return resources_dir() / "fonts" / "hanamin-a-rare.ttf"
