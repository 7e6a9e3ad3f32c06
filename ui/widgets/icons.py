"""The program's one icon set: line drawings in resources/icons/toolbar, tinted to the palette.

Each SVG draws with `currentColor`; `icon(name)` paints it in the palette's text colour (and its
disabled colour for a disabled button), so every toolbar shows the same style on any theme.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from services.paths import resources_dir

SIZES = (16, 20, 24, 32)


def icon_names() -> list[str]:
    return sorted(p.stem for p in (resources_dir() / "icons" / "toolbar").glob("*.svg"))


@cache
def _svg(name: str) -> str:
    return (resources_dir() / "icons" / "toolbar" / f"{name}.svg").read_text(encoding="utf-8")


def tinted_pixmap(name: str, color: QColor, size: int, ratio: float = 1.0) -> QPixmap:
    """The icon `name` painted in `color`, `size` device-independent pixels square."""
    svg = _svg(name).replace("currentColor", color.name())
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(QSize(pixels, pixels))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """A QIcon of `name` in the palette's colours (text colour; the disabled text colour when off)."""
    app = QGuiApplication.instance()
    pal = palette or (QGuiApplication.palette() if app is not None else QPalette())
    ratio = max(app.devicePixelRatio(), 1.0) if isinstance(app, QGuiApplication) else 1.0
    normal = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    result = QIcon()
    for size in SIZES:
        result.addPixmap(tinted_pixmap(name, normal, size, ratio), QIcon.Mode.Normal)
        result.addPixmap(tinted_pixmap(name, disabled, size, ratio), QIcon.Mode.Disabled)
    return result
