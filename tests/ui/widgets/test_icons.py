"""One icon set: bundled SVG line drawings, tinted to the palette, on every toolbar."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QToolBar, QToolButton

from services.paths import resources_dir
from tests.helpers.ui_workspace import workspace
from ui.main_window import TAB_SPECS, MainWindow
from ui.widgets import icons

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_every_icon_draws_in_the_current_colour_only() -> None:
    names = icons.icon_names()
    assert len(names) >= 20
    for name in names:
        text = (resources_dir() / "icons" / "toolbar" / f"{name}.svg").read_text(encoding="utf-8")
        assert "currentColor" in text, name
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(", text), f"{name}: a fixed colour"


def test_icons_take_the_palettes_text_colour(qapp) -> None:
    palette = QPalette()
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText, QColor("#123456"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#aaaaaa"))
    made = icons.icon("print", palette)
    for mode, want in ((made.Mode.Normal, "#123456"), (made.Mode.Disabled, "#aaaaaa")):
        image = made.pixmap(24, 24, mode).toImage()
        inked = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())
                 if image.pixelColor(x, y).alpha() == 255]
        assert inked and {c.name() for c in inked} == {want}


def test_every_toolbar_button_shows_an_icon_of_the_set(qtbot, demo_db) -> None:
    window = MainWindow(workspace(demo_db), db_label="t")
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    checked = 0
    for title, _factory in TAB_SPECS:
        tab = window.tab(title)
        for bar in tab.findChildren(QToolBar):
            for button in bar.findChildren(QToolButton):
                action = button.defaultAction()
                if button.objectName() == "qt_toolbar_ext_button" or (action is not None and action.isSeparator()):
                    continue
                assert not button.icon().isNull(), f"{title}: {button.text()} has no icon"
                assert button.toolButtonStyle() != button.toolButtonStyle().ToolButtonTextOnly
                checked += 1
    assert checked >= 20


def test_icons_are_drawn_when_first_shown_at_the_size_asked(qapp, monkeypatch) -> None:
    """Building a toolbar draws nothing; each size and mode is drawn once, sharp on high-DPI screens."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    drawn: list[tuple[str, str, int]] = []
    render = icons._render
    monkeypatch.setattr(icons, "_render", lambda name, color, pixels: drawn.append((name, color, pixels))
                        or render(name, color, pixels))
    palette = QPalette()
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText, QColor("#102030"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#a0a0a0"))
    made = icons.icon("export", palette)
    assert not made.isNull() and drawn == []
    assert {(s.width(), s.height()) for s in made.availableSizes()} == {(s, s) for s in icons.SIZES}
    sharp = made.pixmap(QSize(24, 24), 2.0, QIcon.Mode.Normal)
    assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (48, 48, 2.0)
    assert made.pixmap(QSize(24, 24), 2.0, QIcon.Mode.Normal).size() == sharp.size()
    assert made.pixmap(16, 16, QIcon.Mode.Disabled).width() == 16
    assert drawn == [("export", "#102030", 48), ("export", "#a0a0a0", 16)]
    assert icons.icon("export", palette).pixmap(16, 16, QIcon.Mode.Disabled).width() == 16
    assert len(drawn) == 2  # the same name and colours: the same drawings
