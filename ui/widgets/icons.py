"""The program's one icon set: line drawings in resources/icons/toolbar, tinted to the palette.

Each SVG draws with `currentColor`; `icon(name)` paints it in the palette's text colour (and its
disabled colour for a disabled button), so every toolbar shows the same style on any theme.
An icon is drawn only when Qt first asks for it at a size (a tab's toolbar builds a dozen icons of
which the first screen shows a few, at one size): drawing them all up front cost start-up 20 ms.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from services.paths import resources_dir

SIZES = (16, 20, 24, 32)  # the sizes an icon lists as available (as before: toolbars, menus, buttons)


def icon_names() -> list[str]:
    return sorted(p.stem for p in (resources_dir() / "icons" / "toolbar").glob("*.svg"))


@cache
def _svg(name: str) -> str:
    return (resources_dir() / "icons" / "toolbar" / f"{name}.svg").read_text(encoding="utf-8")


def tinted_pixmap(name: str, color: QColor, size: int, ratio: float = 1.0) -> QPixmap:
    """The icon `name` painted in `color`, `size` device-independent pixels square."""
    pixels = max(1, round(size * ratio))
    pixmap = _render(name, color.name(), pixels)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _render(name: str, color: str, pixels: int) -> QPixmap:
    svg = _svg(name).replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    pixmap = QPixmap(QSize(pixels, pixels))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return pixmap


class _TintedEngine(QIconEngine):
    """Draws `name` in the normal or the disabled colour at the size asked for, once per size."""

    def __init__(self, name: str, normal: str, disabled: str) -> None:
        super().__init__()
        self.name = name
        self.colors = (normal, disabled)
        self.drawn: dict[tuple[int, bool], QPixmap] = {}

    def _pixels(self, pixels: int, mode: QIcon.Mode) -> QPixmap:
        disabled = mode == QIcon.Mode.Disabled
        key = (max(1, pixels), disabled)
        pixmap = self.drawn.get(key)
        if pixmap is None:
            pixmap = self.drawn[key] = _render(self.name, self.colors[disabled], key[0])
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:  # noqa: ARG002
        return QPixmap(self._pixels(min(size.width(), size.height()), mode))

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,  # noqa: N802, ARG002
                     scale: float) -> QPixmap:
        # `size` is in device-independent pixels (Qt 6.8 and later): drawn at size × scale pixels.
        pixmap = QPixmap(self._pixels(round(min(size.width(), size.height()) * scale), mode))
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:  # noqa: ARG002
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        side = min(rect.width(), rect.height())
        pixmap = self._pixels(round(side * ratio), mode)
        painter.drawPixmap(QRect(rect.x(), rect.y(), side, side), pixmap)

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:  # noqa: N802, ARG002
        side = min(size.width(), size.height())
        return QSize(side, side)

    def availableSizes(self, mode: QIcon.Mode = QIcon.Mode.Normal,  # noqa: N802, ARG002
                       state: QIcon.State = QIcon.State.Off) -> list[QSize]:
        return [QSize(s, s) for s in SIZES]

    def iconName(self) -> str:  # noqa: N802
        return self.name

    def key(self) -> str:
        return "dangxun-tinted"

    def clone(self) -> QIconEngine:
        twin = _TintedEngine(self.name, *self.colors)
        twin.drawn = dict(self.drawn)
        _ENGINES.append(twin)
        return twin


# Each engine stays alive with the program (the QIcons share it; a dozen names in two colours).
_ENGINES: list[_TintedEngine] = []


@cache
def _icon(name: str, normal: str, disabled: str) -> QIcon:
    engine = _TintedEngine(name, normal, disabled)
    _ENGINES.append(engine)
    return QIcon(engine)


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """A QIcon of `name` in the palette's colours (text colour; the disabled text colour when off)."""
    app = QGuiApplication.instance()
    pal = palette or (QGuiApplication.palette() if app is not None else QPalette())
    normal = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    return QIcon(_icon(name, normal.name(), disabled.name()))
