"""Feature maps of each convolution for the current input, and the first layer's filters.

Updated after the probability bars, at most every THROTTLE_MS while the user draws: the bars must
follow the pen within a frame, the maps may lag a little. Nothing is computed while the view is
hidden (another tab is showing); it catches up when shown.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.panels.feature_map_images import (
    conv_layers,
    conv_outputs,
    filter_tiles,
    first_filters,
    map_tiles,
    mosaic,
)

THROTTLE_MS = 60
NO_CONV_TEXT = ("No feature maps: this model has no Conv2D layer. Add one in the Model tab and "
                "train to see what its filters pick out.")
NO_MODEL_TEXT = "Feature maps of each Conv2D layer appear here once a model with one is trained or loaded."
_MIN_HEIGHT = 48  # px: below this a mosaic is unreadable, so the row scrolls instead
_MAX_ZOOM = 10.0  # a 3×3 filter tile at most 30 px


class MosaicView(QWidget):
    """Paints one RGB mosaic at the size FeatureMapsView gives it, with nearest-neighbour pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_pixels(self, rgb: np.ndarray) -> None:
        h, w, _ = rgb.shape
        data = np.ascontiguousarray(rgb)
        # copy(): the QImage must own its pixels, the array is temporary.
        self._image = QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.update()

    def image(self) -> QImage:
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if self._image.isNull():
            return
        painter = QPainter(self)
        painter.drawImage(self.rect(), self._image)  # no smoothing: nearest neighbour
        painter.end()


class _Section(QWidget):
    """A caption over a mosaic."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.caption = QLabel(self)
        self.view = MosaicView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view)
        layout.addStretch(1)


class FeatureMapsView(QWidget):
    """A row of mosaics: the first Conv2D's filters, then each Conv2D's maps for the input."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureMaps")
        self._model: Any = None
        self._x: np.ndarray | None = None
        self._dirty = False
        self.message = QLabel(NO_CONV_TEXT, self)
        self.message.setObjectName("featureMapsMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Room for two lines: a splitter sizes panes by minimum size, which ignores word wrap.
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing() + 4)

        self._row = QWidget()
        self._row_layout = QHBoxLayout(self._row)
        self._row_layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._row_layout.setContentsMargins(2, 2, 2, 2)  # every pixel of height goes to the maps
        self._row_layout.setSpacing(12)
        self._sections: list[_Section] = []
        self.scroll = QScrollArea(self)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self._row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self._update_maps)
        self.set_model(None)

    # ---- public API -------------------------------------------------------------
    def set_model(self, model: Any) -> None:
        """Show the filters of `model`'s first Conv2D and one empty section per Conv2D."""
        self._model = model
        self._x = None
        layers = conv_layers(model)
        self.message.setText(NO_CONV_TEXT if model is not None else NO_MODEL_TEXT)
        self.message.setVisible(not layers)
        self.scroll.setVisible(bool(layers))
        self._build_sections(len(layers) + 1 if layers else 0)
        if not layers:
            return
        kernel = first_filters(model)
        filters = self._sections[0]
        if kernel is not None:
            kh, kw, _, n = kernel.shape
            filters.caption.setText(f"{layers[0].name} filters ({n} × {kh}×{kw})")
            filters.view.set_pixels(mosaic(filter_tiles(kernel), mosaic_columns(n, kh, kw)))
        for section, layer in zip(self._sections[1:], layers, strict=True):
            section.caption.setText(layer.name)
        self._dirty = True
        self._update_maps(force=True)  # the maps of an empty input: the layout before any drawing

    def has_convolutions(self) -> bool:
        return bool(conv_layers(self._model))

    def set_input(self, x: np.ndarray | None) -> None:
        """The batch of one the model just predicted on (None: nothing to show). Throttled."""
        if not self.has_convolutions():
            return
        self._x = None if x is None else np.array(x, copy=True)
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def mosaics(self) -> list[tuple[str, QImage]]:
        """(caption, image) of each section, filters first — what a person sees."""
        return [(s.caption.text(), s.view.image()) for s in self._sections]

    def flush(self) -> None:
        """Bring the maps up to date now (tests and screenshots)."""
        self._timer.stop()
        self._update_maps(force=True)

    # ---- internals --------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def _build_sections(self, count: int) -> None:
        while len(self._sections) > count:
            # Hidden now: deleteLater waits for the event loop, and a grab or paint before it
            # would still show the old model's section.
            section = self._sections.pop()
            section.hide()
            section.deleteLater()
        while len(self._sections) < count:
            section = _Section(self._row)
            self._row_layout.addWidget(section)
            self._sections.append(section)

    def _update_maps(self, force: bool = False) -> None:
        if not self._dirty or (not force and not self.isVisible()):
            return  # hidden: showEvent restarts the timer
        self._dirty = False
        x = self._x
        if x is None:
            x = np.zeros((1, *self._model.input_shape[1:]), np.float32)
        try:
            outputs = conv_outputs(self._model, x)
        except Exception as exc:  # a model the engine can't run layer by layer: say so, don't crash
            self.message.setText(f"Feature maps unavailable: {type(exc).__name__}: {exc}")
            self.message.show()
            return
        for section, (name, maps) in zip(self._sections[1:], outputs, strict=False):
            h, w, n = maps.shape
            section.caption.setText(f"{name} ({n} maps, {h}×{w})")
            section.view.set_pixels(mosaic(map_tiles(maps), mosaic_columns(n, h, w)))
        self._fit_mosaics()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_mosaics()

    def _fit_mosaics(self) -> None:
        """Size every mosaic to fill the strip's height, shrunk together to fit its width."""
        views = [s.view for s in self._sections if not s.view.image().isNull()]
        if not views:
            return
        caption_h = self._sections[0].caption.sizeHint().height() + 6
        margins = self._row_layout.contentsMargins()
        avail_h = self.scroll.viewport().height() - caption_h - margins.top() - margins.bottom()
        avail_w = (self.scroll.viewport().width() - margins.left() - margins.right()
                   - self._row_layout.spacing() * (len(views) - 1))
        zooms = [min(_MAX_ZOOM, max(1, avail_h) / v.image().height()) for v in views]
        total_w = sum(v.image().width() * z for v, z in zip(views, zooms, strict=True))
        shrink = min(1.0, max(1, avail_w) / total_w) if total_w > 0 else 1.0
        for view, zoom in zip(views, zooms, strict=True):
            zoom = max(zoom * shrink, _MIN_HEIGHT / view.image().height())
            view.setFixedSize(QSize(max(1, round(view.image().width() * zoom)),
                                    max(1, round(view.image().height() * zoom))))


def mosaic_columns(n: int, h: int, w: int) -> int:
    """Columns for a mosaic about twice as wide as tall (it sits in a short, wide strip), with as
    few empty places in its last row as that allows."""

    def badness(columns: int) -> float:
        rows = math.ceil(n / columns)
        aspect = (columns * (w + 1)) / (rows * (h + 1))
        return abs(math.log(aspect / 2.0)) + 0.5 * (rows * columns - n) / columns

    return min(range(1, n + 1), key=badness)
