"""The image the model receives, enlarged with nearest-neighbour scaling so its pixels stay visible:
what the preprocessing made of a drawing or a picture."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from gui.canvas.model_input import ImageInput

PREVIEW_SIDE = 112  # 4x the 28 px input


class ModelInputPreview(QLabel):
    """A fixed square showing one (height, width[, channels]) image in 0..1, or black."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="modelInputView")
        self.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setToolTip("The image the model receives")
        self.setStyleSheet("border: 1px solid palette(mid);")

    def show_image(self, image: np.ndarray | None, target: ImageInput) -> None:
        """Show `image`, laid out as `target` says; None: an empty input of that size."""
        t = target
        if image is None:
            image = np.zeros((t.height, t.width, t.channels), np.float32)
        pixels = np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)
        qimage = as_qimage(np.ascontiguousarray(pixels.reshape(t.height, t.width, -1)))
        side = PREVIEW_SIDE - 2  # inside the 1 px border
        self.setPixmap(QPixmap.fromImage(qimage.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation)))  # nearest neighbour: pixels stay visible


def as_qimage(pixels: np.ndarray) -> QImage:
    """A (height, width, 1 or 3) uint8 array as a QImage that owns its pixels."""
    h, w, c = pixels.shape
    fmt = QImage.Format.Format_Grayscale8 if c == 1 else QImage.Format.Format_RGB888
    return QImage(pixels.data, w, h, c * w, fmt).copy()
