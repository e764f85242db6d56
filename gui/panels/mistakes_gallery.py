"""Thumbnails of test samples with their true label, the prediction and its confidence: by default
the model's most confident mistakes, or the samples of one confusion-matrix cell. For a text set
the samples are its sentences, one per row (its word indices are no picture)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

THUMB_SIDE = 56     # twice an MNIST image: pixels stay visible, sixty fit on screen
MAX_SHOWN = 200     # icons are cheap, but thousands of them are not worth a look
SENTENCE_CHARS = 220  # about three lines of the gallery; the tooltip has the whole text
INDEX_ROLE = Qt.ItemDataRole.UserRole


def thumbnail(image: np.ndarray) -> QPixmap | None:
    """A pixmap of one sample — (h, w), (h, w, 1) or (h, w, 3) values in 0..1 — or None for data
    that is not an image."""
    array = np.asarray(image, np.float32)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] != 3):
        return None
    scale = 255.0 if array.max(initial=0.0) <= 1.0 else 1.0
    pixels = np.ascontiguousarray(np.clip(array * scale, 0, 255).astype(np.uint8))
    height, width = pixels.shape[:2]
    if pixels.ndim == 2:
        qimage = QImage(pixels.data, width, height, width, QImage.Format.Format_Grayscale8)
    else:
        qimage = QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(qimage.copy()).scaled(  # copy: the array is temporary
        THUMB_SIDE, THUMB_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.FastTransformation)


class MistakesGallery(QListWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mistakesGallery")
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self._set_sentence_mode(False)

    def _set_sentence_mode(self, sentences: bool) -> None:
        """Thumbnails in a grid, or one wrapped sentence per row."""
        self.sentence_mode = sentences
        self.setViewMode(QListView.ViewMode.ListMode if sentences else QListView.ViewMode.IconMode)
        self.setIconSize(QSize(0, 0) if sentences else QSize(THUMB_SIDE, THUMB_SIDE))
        self.setGridSize(QSize() if sentences else QSize(THUMB_SIDE + 34, THUMB_SIDE + 40))
        self.setUniformItemSizes(not sentences)
        self.setAlternatingRowColors(sentences)
        self.setSpacing(1 if sentences else 2)

    def show_samples(self, indices: np.ndarray, images: np.ndarray | None, true: np.ndarray,
                     predicted: np.ndarray, confidence: np.ndarray, class_names: list[str],
                     sentences: list[str] | None = None) -> int:
        """Shows up to MAX_SHOWN of `indices` (already in the order wanted); returns how many.
        With `sentences` (a text set's test texts) the rows show those instead of thumbnails."""
        self.clear()
        self._set_sentence_mode(sentences is not None)
        shown = np.asarray(indices)[:MAX_SHOWN]
        for i in shown:
            i = int(i)
            t, p, c = class_names[true[i]], class_names[predicted[i]], confidence[i]
            tip = f"Test sample #{i}: true {t}, predicted {p} with {c:.1%} confidence"
            if sentences is not None:
                item = QListWidgetItem(f"“{_shortened(sentences[i])}”\n    true {t} → predicted {p}, "
                                       f"{c:.0%} sure")
                tip += f"\n\n{sentences[i]}"
            else:
                item = QListWidgetItem(f"{t} → {p}\n{c:.0%}")
                pixmap = thumbnail(images[i]) if images is not None else None
                if pixmap is not None:
                    item.setIcon(QIcon(pixmap))
            item.setData(INDEX_ROLE, i)
            item.setToolTip(tip)
            self.addItem(item)
        return len(shown)

    def sample_indices(self) -> list[int]:
        return [self.item(row).data(INDEX_ROLE) for row in range(self.count())]


def _shortened(sentence: str) -> str:
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    return sentence[:SENTENCE_CHARS].rsplit(" ", 1)[0] + " …"
