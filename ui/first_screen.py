"""The member list's first screen straight from the file, shown while the database is being opened.

Start-up (ui/app.py) paints the window, takes the lock, and, when the file needs nothing done on
opening (recognise.ready_as_is: ours, current schema, no accounts, checked today), shows the roll
read with plain sqlite3 (services/roll/first_screen.py) before SQLAlchemy is imported. The database
is then opened as always (its checks, messages and backups unchanged) and the tab attached to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ui.main_window import TabSlot, members_tab


def show_first_screen(window: Any, path: Path) -> bool:
    """Show the roll of `path` in the window's members tab if that tab is the visible one and the
    file opens as is; False (nothing shown) otherwise."""
    slot = window.tabs.currentWidget()
    if not isinstance(slot, TabSlot) or slot.factory is not members_tab or slot.widget is not None:
        return False
    from services.safety.recognise import ready_as_is

    conn = ready_as_is(path)
    if conn is None:
        return False
    from services.roll.first_screen import read_first_screen
    from ui.roll.members_tab import FIRST_SCREEN_ROWS, MembersTab

    try:
        screen = read_first_screen(conn, FIRST_SCREEN_ROWS)
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    tab = MembersTab(None, slot)
    slot.set_widget(tab)
    slot.first_screen = True
    if window.settings is not None:
        tab.restore_settings(window.settings)
    tab.show_first_screen(screen)
    window.counts_label.setText(tab.status_text())
    return True
