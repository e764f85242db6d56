"""The training plots as one picture: pyqtgraph's ImageExporter draws each plot, and the images are
laid out as on screen."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPainter

MIN_WIDTH = 400  # px per plot, so a small window still exports a legible picture


def tile_plots(plots: list, columns: int) -> QImage:
    """`plots`: pyqtgraph PlotWidgets, drawn left to right, `columns` to a row."""
    from pyqtgraph.exporters import ImageExporter  # loads its own machinery: only when asked

    tiles = []
    for plot in plots:
        exporter = ImageExporter(plot.getPlotItem())
        exporter.parameters()["width"] = max(MIN_WIDTH, plot.width())
        tiles.append(exporter.export(toBytes=True))
    if not tiles:
        return QImage()
    width = max(t.width() for t in tiles)
    height = max(t.height() for t in tiles)
    rows = (len(tiles) + columns - 1) // columns
    image = QImage(width * min(len(tiles), columns), height * rows, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for i, tile in enumerate(tiles):
        painter.drawImage((i % columns) * width, (i // columns) * height, tile)
    painter.end()
    return image
