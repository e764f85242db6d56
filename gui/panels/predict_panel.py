"""Draw a digit, see what the model receives and what it predicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.canvas.draw_canvas import DrawCanvas
from gui.canvas.preprocess import MNIST_SIZE, drawing_to_mnist
from gui.panels.probability_bars import ProbabilityBars

NO_MODEL_TEXT = "No model yet — train one or load a model"
DRAW_HINT_TEXT = "Draw a digit to see the prediction"
_PREVIEW_SIDE = 112  # 4x the 28 px input, nearest-neighbour so pixels stay visible
# Input shapes (without the batch axis) that hold one 28x28 image.
_ACCEPTED_SHAPES = {(784,), (28, 28), (28, 28, 1)}


def _model_image_shape(model: Any) -> tuple[int, ...]:
    """The per-sample input shape of ``model`` if it takes one 28x28 image, else raise."""
    shape = getattr(model, "input_shape", None)
    if not isinstance(shape, tuple | list) or len(shape) < 2:
        raise ValueError(f"unsupported model input shape {shape!r}")
    sample = tuple(shape[1:])
    if sample not in _ACCEPTED_SHAPES:
        raise ValueError(
            f"this model expects input {tuple(shape)}; drawing needs 784 pixels "
            "as (None, 784), (None, 28, 28) or (None, 28, 28, 1)"
        )
    return sample


class PredictPanel(QWidget):
    """Drawing canvas, the 28x28 model input preview, and live class probabilities."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictPanel")
        self._model: Any = None
        self._sample_shape: tuple[int, ...] | None = None
        self._shape_error: str | None = None
        self._class_names: list[str] | None = None
        self._probs: np.ndarray | None = None

        self.canvas = DrawCanvas(self)
        self.clear_button = QPushButton("&Clear", self)
        self.clear_button.setObjectName("clearCanvasButton")
        self.clear_button.setToolTip("Erase the drawing (Alt+C)")

        self.input_view = QLabel(self)
        self.input_view.setObjectName("modelInputView")
        self.input_view.setFixedSize(_PREVIEW_SIDE, _PREVIEW_SIDE)
        self.input_view.setToolTip("The 28×28 image the model receives")
        self.input_view.setStyleSheet("border: 1px solid palette(mid);")

        self.predicted_label = QLabel(self)
        self.predicted_label.setObjectName("predictedLabel")
        self.predicted_label.setWordWrap(True)
        self.predicted_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.predicted_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.predicted_label.setFont(font)

        self.bars = ProbabilityBars(self)

        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addWidget(self.clear_button)
        caption = QLabel("Model input (28×28)", self)
        right = QVBoxLayout()
        right.addWidget(self.predicted_label)
        right.addWidget(caption)
        right.addWidget(self.input_view)
        right.addWidget(self.bars, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        # Mouse moves arrive far faster than a forward pass is worth running; a 0 ms
        # single-shot timer folds every change queued in one event-loop turn into one
        # prediction while still feeling instantaneous.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh)
        self.canvas.drawingChanged.connect(self._schedule)
        self.clear_button.clicked.connect(self.canvas.clear)
        self._refresh()

    # ---- public API -------------------------------------------------------------
    def set_model(self, model: Any, class_names: Sequence[str] | None = None) -> None:
        """Use ``model`` (engine model with ``input_shape`` and ``predict``) or None."""
        self._model = model
        self._class_names = [str(n) for n in class_names] if class_names is not None else None
        self._sample_shape, self._shape_error = None, None
        if model is not None:
            try:
                self._sample_shape = _model_image_shape(model)
            except Exception as exc:  # any odd model must not crash the UI
                self._shape_error = f"Can't predict: {exc}"
        self._refresh()

    def current_probabilities(self) -> np.ndarray | None:
        """Last predicted probabilities, shape (n_classes,), or None if nothing predicted."""
        return None if self._probs is None else self._probs.copy()

    # ---- internals --------------------------------------------------------------
    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _show_input(self, image: np.ndarray) -> None:
        pixels = np.ascontiguousarray(np.round(image * 255.0).astype(np.uint8))
        qimg = QImage(pixels.data, MNIST_SIZE, MNIST_SIZE, MNIST_SIZE,
                      QImage.Format.Format_Grayscale8).copy()  # copy: numpy buffer is temporary
        pix = QPixmap.fromImage(qimg).scaled(
            _PREVIEW_SIDE, _PREVIEW_SIDE, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,  # nearest neighbour
        )
        self.input_view.setPixmap(pix)

    def _reset_prediction(self, message: str) -> None:
        self._probs = None
        self.bars.clear()
        self.predicted_label.setText(message)

    def _refresh(self) -> None:
        self._timer.stop()
        image = drawing_to_mnist(self.canvas.to_array())
        self._show_input(image)
        if self._model is None:
            return self._reset_prediction(NO_MODEL_TEXT)
        if self._shape_error is not None:
            return self._reset_prediction(self._shape_error)
        if self.canvas.is_empty():
            return self._reset_prediction(DRAW_HINT_TEXT)
        assert self._sample_shape is not None
        try:
            x = image.reshape((1, *self._sample_shape))
            out = np.asarray(self._model.predict(x, verbose=0), dtype=np.float64)
            probs = out.reshape(out.shape[0], -1)[0]
            if not np.all(np.isfinite(probs)):
                raise ValueError("model returned NaN or infinite values")
            names = self._names_for(probs.size)
        except Exception as exc:  # show any model failure inline
            return self._reset_prediction(f"Prediction failed: {type(exc).__name__}: {exc}")
        self._probs = probs
        self.bars.set_probabilities(probs, names)
        best = int(np.argmax(probs))
        self.predicted_label.setText(f"{names[best]} — {100.0 * probs[best]:.1f}%")

    def _names_for(self, n: int) -> list[str]:
        if self._class_names is not None and len(self._class_names) == n:
            return self._class_names
        return [str(i) for i in range(n)]
