"""The predict view for image models: draw a digit or open a picture, see what the model receives
and what its convolutions see, and keep a mistaken drawing, correctly labelled, as your own
training sample. The predict panel runs the model and lends this view its label and bars."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui.canvas.draw_canvas import DRAW_HINT, DrawCanvas
from gui.canvas.image_file import IMAGE_PATTERNS, ImageFileError, picture_to_input, read_picture
from gui.canvas.model_input import ImageInput, image_input_for, reads_digits
from gui.canvas.pen_width import PenWidthControl
from gui.canvas.preprocess import MNIST_SIZE, drawing_to_mnist
from gui.panels.feature_maps import FeatureMapsView
from gui.panels.predict_preview import ModelInputPreview, as_qimage
from gui.panels.predict_slot import WidgetSlot
from gui.panels.sample_correction import CorrectionRow
from gui.user_samples import UserSampleStore

DRAW_HINT_TEXT = "Draw a digit to see the prediction"
OPEN_HINT_TEXT = "Open or drop an image to see the prediction"
_MNIST_INPUT = ImageInput((MNIST_SIZE, MNIST_SIZE), MNIST_SIZE, MNIST_SIZE, 1)


class ImagePredictView(QWidget):
    """Canvas or picture → model input preview, with feature maps and "Wrong? It's a …"."""

    inputChanged = Signal()  # noqa: N815 (Qt naming) — what the model should see has changed

    def __init__(self, samples: UserSampleStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imagePredictView")
        self.setAcceptDrops(True)
        self.samples = samples
        self._model: Any = None
        self._class_names: list[str] | None = None
        self._target, self._target_error = _MNIST_INPUT, None
        self._picture: Image.Image | None = None  # an opened picture, until the user draws
        self._picture_name = ""
        self._picture_input: np.ndarray | None = None  # … converted for the current model
        self._digit: np.ndarray | None = None  # the current 28×28 digit, for "Wrong? It's a …"
        self._build()
        # Mouse moves arrive far faster than a forward pass is worth running; a 0 ms
        # single-shot timer folds every change queued in one event-loop turn into one
        # prediction while still feeling instantaneous.
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.inputChanged)
        self.canvas.drawingChanged.connect(self._timer.start)
        self.canvas.drawingChanged.connect(self._forget_stale_message)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.open_button.clicked.connect(self._choose_image)
        self.correction.labelChosen.connect(self.keep_as)

    def _build(self) -> None:
        self.canvas = DrawCanvas(self)
        self.clear_button = QPushButton("&Clear", self, objectName="clearCanvasButton")
        self.clear_button.setToolTip("Erase the drawing or picture (Alt+C or Ctrl+L)")
        self.open_button = QPushButton("Open &image…", self, objectName="openImageButton")
        self.open_button.setToolTip("Predict a PNG or JPEG file (Alt+I); you can also drop "
                                    "one onto this view")
        self.pen_width = PenWidthControl(self.canvas, self)
        tools = QHBoxLayout()
        tools.addWidget(self.pen_width, 1)
        tools.addWidget(self.clear_button)
        tools.addWidget(self.open_button)
        drawing = QVBoxLayout()
        drawing.addWidget(self.canvas, 1)
        drawing.addLayout(tools)

        self.label_slot, self.bars_slot = WidgetSlot(self), WidgetSlot(self)
        self.message = QLabel(self, objectName="predictMessage", wordWrap=True)
        self.input_caption = QLabel(self)
        self.input_view = ModelInputPreview(self)
        self.correction = CorrectionRow(self)
        right = QVBoxLayout()
        for widget in (self.label_slot, self.message, self.input_caption, self.input_view):
            right.addWidget(widget)
        right.addWidget(self.bars_slot, 1)
        right.addWidget(self.correction)

        top = QWidget(self)
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(drawing, 3)
        row.addLayout(right, 2)
        self.feature_maps = FeatureMapsView(self)
        self.maps_box = QGroupBox("What the convolutions see", self, objectName="featureMapsBox")
        box_layout = QVBoxLayout(self.maps_box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        box_layout.addWidget(self.feature_maps)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.maps_box)
        self.splitter.setStretchFactor(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # ---- public API -------------------------------------------------------------
    def set_model(self, model: Any, class_names: Sequence[str] | None) -> str | None:
        """Take pictures as `model` (None: no model yet) does; returns why it can't, or None."""
        self._model, self._class_names = model, class_names
        self._target, self._target_error = _MNIST_INPUT, None
        if model is not None:
            try:
                self._target = image_input_for(model)
            except Exception as exc:  # any odd model must not crash the UI
                self._target_error = f"Can't predict: {exc}"
        drawable = self._target.drawable and self._target_error is None
        if not drawable and not self.canvas.is_empty():
            self.canvas.clear()  # strokes this model can't read would only look like its input
        self.canvas.set_drawing_enabled(drawable)
        self.pen_width.setEnabled(drawable)
        # Your own samples are digits: the row is there only for a digit model.
        self.correction.setVisible(model is None or (
            self._target_error is None and reads_digits(self._target, class_names)))
        self.canvas.set_hint(DRAW_HINT if drawable else
                             f"This model takes {self._target.describe()} images: open or drop "
                             "a picture")
        self.input_caption.setText(f"Model input ({self._target.describe()})")
        self.feature_maps.set_model(model if self._target_error is None else None)
        # Room for the maps when there are any; else just their one-line explanation.
        self.splitter.setSizes([1000, 200 if self.feature_maps.has_convolutions() else 1])
        self._picture_input = None
        self._show_picture_note()
        return self._target_error

    def model_input(self) -> tuple[np.ndarray | None, str]:
        """(the batch of one the model gets now, or None and what to do to get one); shows it in
        the preview and offers it to "Wrong? It's a …" when it is a digit."""
        self._timer.stop()  # this reads the newest input: a pending change has nothing to add
        try:
            image = self._input_image()
        except ImageFileError as exc:
            self.message.setText(str(exc))
            image = None
        self.input_view.show_image(image, self._target)
        digits = reads_digits(self._target, self._class_names) and self._target_error is None
        self._digit = image if digits and image is not None else None
        self.correction.set_available(self._digit is not None)
        if image is None:
            return None, DRAW_HINT_TEXT if self._target.drawable else OPEN_HINT_TEXT
        return self._target.batch(image), ""

    def show_features(self, x: np.ndarray | None) -> None:
        """What the convolutions make of the batch just predicted (None: of nothing)."""
        self.feature_maps.set_input(x)

    def open_image(self, path: str | Path) -> bool:
        """Show the picture in `path` as the input; False (and a message) if it can't be used."""
        try:
            picture = read_picture(path)
        except ImageFileError as exc:
            self.message.setText(str(exc))
            return False
        self._picture, self._picture_input, self._picture_name = picture, None, Path(path).name
        self._show_picture_note()
        rgb = np.ascontiguousarray(np.asarray(picture.convert("RGB")))
        self.canvas.show_picture(as_qimage(rgb))
        self.inputChanged.emit()  # now, not on the next turn: callers read the prediction next
        return True

    def keep_as(self, label: int) -> None:
        """Add the current 28×28 digit to the user's samples with class `label`."""
        if self._digit is None:
            return
        try:
            total = self.samples.add(self._digit, label)
        except (OSError, ValueError) as exc:
            self.correction.show_status(f"Couldn't keep the sample: {exc}")
            return
        self.correction.set_available(False)  # once per drawing: no accidental duplicates
        self.correction.show_status(f"Kept as “{label}”. {total} sample{'s' * (total != 1)} of "
                                    "yours, ready to train on (Data panel).")

    def current_input(self) -> np.ndarray | None:
        """The image the model gets (height, width[, channels]) in 0..1, or None."""
        image = self._input_image()
        return None if image is None else image.copy()

    # ---- drag and drop ----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_image(files[0])

    # ---- internals --------------------------------------------------------------
    def _choose_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", "",
                                              f"Images ({IMAGE_PATTERNS});;All files (*)")
        if path:
            self.open_image(path)

    def _show_picture_note(self) -> None:
        if self._picture is None:
            self.message.clear()
        else:
            replace = " — draw to replace it" if self.canvas.drawing_enabled() else ""
            self.message.setText(f"Picture: {self._picture_name}{replace}")

    def _forget_stale_message(self) -> None:
        if not self.canvas.has_picture():  # a stroke or Clear: the picture's note or error is old
            self.message.clear()

    def _input_image(self) -> np.ndarray | None:
        """What the model gets now: the picture converted for it, else the drawing, else None."""
        if self._picture is not None and not self.canvas.has_picture():
            self._picture = self._picture_input = None  # the user drew over it
        if self._picture is not None:
            if self._picture_input is None:
                digits = self._model is None or reads_digits(self._target, self._class_names)
                self._picture_input = picture_to_input(self._picture, self._target, digits)
            return self._picture_input
        if self.canvas.is_empty() or not self._target.drawable:
            return None
        return drawing_to_mnist(self.canvas.to_array())
