"""A square, mouse-driven drawing surface: white round strokes on black, or a picture to show."""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtCore import Property, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Side length the nominal pen width refers to; strokes scale with the real side.
REFERENCE_SIDE = 280
#: Chosen against MNIST itself: a digit drawn about two thirds of the canvas tall with this pen
#: comes out of the preprocessing with MNIST's stroke width (≈2 px of 28) and ink per digit
#: (tests/test_preprocess.py compares them with the bundled sample).
DEFAULT_PEN_WIDTH = 26.0
MIN_PEN_WIDTH, MAX_PEN_WIDTH = 4.0, 60.0
DRAW_HINT = "Draw a digit here"

# A stroke is its nominal pen width plus points in unit coordinates (0..1). Keeping the
# strokes as vectors lets a resize re-render them crisply at the new resolution instead
# of repeatedly rescaling (and blurring) pixels.
_Stroke = tuple[float, list[QPointF]]


class DrawCanvas(QWidget):
    """Drawing widget backed by a square QImage of side min(width, height).

    ``to_array()`` returns the backing image as a (side, side) uint8 array.
    """

    drawingChanged = Signal()  # noqa: N815 (Qt naming for signals)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawCanvas")
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._pen_width = DEFAULT_PEN_WIDTH
        self._strokes: list[_Stroke] = []
        self._drawing = False
        self._drawing_enabled = True
        self._hint = DRAW_HINT
        self._picture = QImage()  # an opened or dropped picture, shown until the next stroke
        self._image = self._blank_image(REFERENCE_SIDE)

    # ---- public API -------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(REFERENCE_SIDE, REFERENCE_SIDE)

    def pen_width(self) -> float:
        """Nominal pen width in px for a 280x280 canvas."""
        return self._pen_width

    def set_pen_width(self, px: float) -> None:
        """Set the nominal pen width (px at 280x280); applies to strokes drawn from now on."""
        if px <= 0:
            raise ValueError("pen width must be positive")
        self._pen_width = float(px)

    # Qt property so styles/Designer/QPropertyAnimation can set it too.
    penWidth = Property(float, pen_width, set_pen_width)  # noqa: N815

    def is_empty(self) -> bool:
        """True when there are no strokes (a shown picture is not a drawing)."""
        return not self._strokes

    def set_hint(self, text: str) -> None:
        """The grey text shown on an empty canvas."""
        self._hint = text
        self.update()

    def set_drawing_enabled(self, enabled: bool) -> None:
        """Off for models that don't take a 28×28 drawing; the canvas still shows pictures."""
        self._drawing_enabled = bool(enabled)
        self._drawing = False
        self.setCursor(Qt.CursorShape.CrossCursor if enabled else Qt.CursorShape.ArrowCursor)

    def drawing_enabled(self) -> bool:
        return self._drawing_enabled

    def show_picture(self, picture: QImage) -> None:
        """Replace the drawing with `picture`, shown fitted into the square until the next stroke."""
        self._strokes.clear()
        self._drawing = False
        self._image.fill(QColor(Qt.GlobalColor.black))
        self._picture = QImage(picture)
        self.update()
        self.drawingChanged.emit()

    def has_picture(self) -> bool:
        return not self._picture.isNull()

    def clear(self) -> None:
        self._strokes.clear()
        self._picture = QImage()
        self._drawing = False
        self._image.fill(QColor(Qt.GlobalColor.black))
        self.update()
        self.drawingChanged.emit()

    def to_array(self) -> np.ndarray:
        """Copy of the drawing as a 2-D uint8 array (side, side), 0 = background."""
        # Strokes are white on black, so every colour channel holds the grey level: reading one
        # byte of each 32-bit pixel is exact and ~10x faster than a format conversion — this runs
        # on every pen move. The blue byte comes first in memory on little-endian machines, the
        # alpha byte (always 255 in RGB32) on big-endian ones.
        h, w, stride = self._image.height(), self._image.width(), self._image.bytesPerLine()
        buf = np.frombuffer(self._image.constBits(), dtype=np.uint8, count=h * stride)
        channel = 0 if sys.byteorder == "little" else 3
        return buf.reshape(h, stride // 4, 4)[:, :w, channel].copy()

    # ---- geometry ---------------------------------------------------------------
    def _side(self) -> int:
        return self._image.width()

    def _target_rect(self) -> QRect:
        """Where the square image is shown: centred in the widget."""
        side = self._side()
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def _to_unit(self, pos: QPointF) -> QPointF:
        rect = self._target_rect()
        side = max(1, rect.width())
        return QPointF((pos.x() - rect.x()) / side, (pos.y() - rect.y()) / side)

    @staticmethod
    def _blank_image(side: int) -> QImage:
        # RGB32 is the raster engine's fastest antialiased target.
        img = QImage(side, side, QImage.Format.Format_RGB32)
        img.fill(QColor(Qt.GlobalColor.black))
        return img

    # ---- rendering --------------------------------------------------------------
    def _painter(self, nominal_width: float) -> QPainter:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = nominal_width * self._side() / REFERENCE_SIDE
        pen = QPen(QColor(Qt.GlobalColor.white), width, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        return painter

    def _draw_segment(self, stroke: _Stroke, a: QPointF, b: QPointF) -> None:
        side = self._side()
        painter = self._painter(stroke[0])
        # A zero-length line with a round cap paints a dot, so a single click leaves ink.
        painter.drawLine(a * side, b * side)
        painter.end()

    def _render_all(self) -> None:
        self._image.fill(QColor(Qt.GlobalColor.black))
        side = self._side()
        for width, points in self._strokes:
            painter = self._painter(width)
            if len(points) == 1:
                painter.drawLine(points[0] * side, points[0] * side)
            else:
                painter.drawPolyline([p * side for p in points])
            painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        side = max(1, min(self.width(), self.height()))
        if side != self._side():
            self._image = self._blank_image(side)
            self._render_all()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        # Letterbox bars (when the widget is not square) use the window colour.
        painter.fillRect(self.rect(), self.palette().window())
        rect = self._target_rect()
        painter.drawImage(rect, self._image)
        if self.has_picture():
            size = self._picture.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(rect.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._picture)
        elif self.is_empty():
            painter.setPen(QColor(140, 140, 140))
            painter.drawText(rect.adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._hint)
        painter.end()

    # ---- mouse ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() != Qt.MouseButton.LeftButton or not self._drawing_enabled:
            return super().mousePressEvent(event)
        self._picture = QImage()  # drawing starts afresh over a shown picture
        point = self._to_unit(event.position())
        stroke: _Stroke = (self._pen_width, [point])
        self._strokes.append(stroke)
        self._drawing = True
        self._draw_segment(stroke, point, point)
        self.update()
        self.drawingChanged.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        # Track our own pressed state rather than event.buttons(): synthetic test events
        # and some tablets do not always report the held button on moves.
        if not self._drawing or not self._strokes:
            return super().mouseMoveEvent(event)
        stroke = self._strokes[-1]
        point = self._to_unit(event.position())
        self._draw_segment(stroke, stroke[1][-1], point)
        stroke[1].append(point)
        self.update()
        self.drawingChanged.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False
        super().mouseReleaseEvent(event)
