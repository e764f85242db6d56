"""Grid lines at the axes' major ticks, drawn as one batch of cosmetic lines.

pyqtgraph's own grid is painted by the axis items, whose cached picture (labels included) is
replayed over the whole plot on every repaint; during training the plots repaint ten times a second,
and that replay was most of the GUI thread's drawing time.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPen

GRID_COLOR = QColor(228, 228, 228)


class AxisGrid(pg.GraphicsObject):
    """Add to a PlotItem with ignoreBounds=True; follows its view and its axes' tick choice."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        super().__init__()
        self.plot_item = plot_item
        self.pen = QPen(GRID_COLOR)
        self.pen.setCosmetic(True)  # one pixel wide at any zoom
        self.setZValue(-100)
        plot_item.getViewBox().sigRangeChanged.connect(self._range_changed)

    def _range_changed(self, *args) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        (x0, x1), (y0, y1) = self.plot_item.getViewBox().viewRange()
        return QRectF(x0, y0, x1 - x0, y1 - y0)

    def _major(self, axis: str, low: float, high: float) -> list[float]:
        view = self.plot_item.getViewBox()
        length = view.width() if axis == "bottom" else view.height()  # pixels: the tick spacing
        levels = self.plot_item.getAxis(axis).tickValues(low, high, max(length, 1.0))
        return [v for v in (levels[0][1] if levels else []) if low <= v <= high]

    def paint(self, painter, option, widget=None) -> None:
        rect = self.boundingRect()
        lines = [QLineF(x, rect.top(), x, rect.bottom())
                 for x in self._major("bottom", rect.left(), rect.right())]
        lines += [QLineF(rect.left(), y, rect.right(), y)
                  for y in self._major("left", rect.top(), rect.bottom())]
        painter.setPen(self.pen)
        painter.drawLines(lines)
