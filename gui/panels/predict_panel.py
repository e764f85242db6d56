"""Draw a digit or open a picture, see what the model receives, what it predicts and what its
convolutions see; keep mistaken drawings, correctly labelled, as your own training samples."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.canvas.draw_canvas import DRAW_HINT, DrawCanvas
from gui.canvas.image_file import IMAGE_PATTERNS, ImageFileError, picture_to_input, read_picture
from gui.canvas.model_input import ImageInput, as_probabilities, image_input_for, reads_digits
from gui.canvas.pen_width import PenWidthControl
from gui.canvas.preprocess import MNIST_SIZE, drawing_to_mnist
from gui.files.tokenizer_file import takes_word_indices
from gui.panels.feature_maps import FeatureMapsView
from gui.panels.probability_bars import ProbabilityBars
from gui.panels.sample_correction import CorrectionRow
from gui.panels.text_predict import TYPE_HINT_TEXT, TextPredictInput
from gui.user_samples import UserSampleStore

NO_MODEL_TEXT = "No model yet — train one or load a model"
DRAW_HINT_TEXT = "Draw a digit to see the prediction"
OPEN_HINT_TEXT = "Open or drop an image to see the prediction"
_PREVIEW_SIDE = 112  # 4x the 28 px input, nearest-neighbour so pixels stay visible
_MNIST_INPUT = ImageInput((MNIST_SIZE, MNIST_SIZE), MNIST_SIZE, MNIST_SIZE, 1)
_TEXT_BAR_ROWS_PX = 40


class PredictPanel(QWidget):
    """Canvas or picture → model input preview → probability bars, feature maps, corrections."""

    predictionUpdated = Signal()  # noqa: N815 (Qt naming) — after the bars show a new prediction

    def __init__(self, parent: QWidget | None = None,
                 samples: UserSampleStore | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictPanel")
        self.setAcceptDrops(True)
        self.samples = samples or UserSampleStore()
        self._model: Any = None
        self._class_names: list[str] | None = None
        self._target, self._target_error = _MNIST_INPUT, None
        self._picture: Image.Image | None = None  # an opened picture, until the user draws
        self._picture_name = ""
        self._picture_input: np.ndarray | None = None  # … converted for the current model
        self._digit: np.ndarray | None = None  # the current 28×28 digit, for "Wrong? It's a …"
        self._probs: np.ndarray | None = None
        self._text_mode = False  # a model of word sequences: the sentence box replaces the canvas
        self._build()
        # Mouse moves arrive far faster than a forward pass is worth running; a 0 ms
        # single-shot timer folds every change queued in one event-loop turn into one
        # prediction while still feeling instantaneous.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh)
        self.canvas.drawingChanged.connect(self._schedule)
        self.canvas.drawingChanged.connect(self._forget_stale_message)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.open_button.clicked.connect(self._choose_image)
        self.correction.labelChosen.connect(self.keep_as)
        self.text_input.sentenceChanged.connect(self._refresh)  # debounced there
        self.set_model(None)

    def _build(self) -> None:
        self.canvas = DrawCanvas(self)
        self.clear_button = QPushButton("&Clear", self, objectName="clearCanvasButton")
        self.clear_button.setToolTip("Erase the drawing or picture (Alt+C)")
        self.open_button = QPushButton("Open &image…", self, objectName="openImageButton")
        self.open_button.setToolTip("Predict a PNG or JPEG file (Alt+I); you can also drop "
                                    "one onto this view")
        self.pen_width = PenWidthControl(self.canvas, self)
        tools = QHBoxLayout()
        tools.addWidget(self.pen_width, 1)
        tools.addWidget(self.clear_button)
        tools.addWidget(self.open_button)

        self.predicted_label = QLabel(self, objectName="predictedLabel", wordWrap=True)
        self.predicted_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.predicted_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.predicted_label.setFont(font)
        self.message = QLabel(self, objectName="predictMessage", wordWrap=True)
        self.input_caption = QLabel(self)
        self.input_view = QLabel(self, objectName="modelInputView")
        self.input_view.setFixedSize(_PREVIEW_SIDE, _PREVIEW_SIDE)
        self.input_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.input_view.setToolTip("The image the model receives")
        self.input_view.setStyleSheet("border: 1px solid palette(mid);")
        self.bars = ProbabilityBars(self)
        self.correction = CorrectionRow(self)
        self.feature_maps = FeatureMapsView(self)

        drawing = QWidget(self)
        left = QVBoxLayout(drawing)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.canvas, 1)
        left.addLayout(tools)
        self.text_input = TextPredictInput(self)
        self.input_pages = QStackedWidget(self)
        self.input_pages.addWidget(drawing)
        self.input_pages.addWidget(self.text_input)
        right = QVBoxLayout()
        right.addWidget(self.predicted_label)
        right.addWidget(self.message)
        right.addWidget(self.input_caption)
        right.addWidget(self.input_view)
        right.addWidget(self.bars, 1)
        right.addWidget(self.correction)
        right.addStretch(0)  # takes the spare room in text mode, where the bars keep to their rows
        self._prediction_column = right
        top = QWidget(self)
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.input_pages, 3)
        row.addLayout(right, 2)
        maps_box = QGroupBox("What the convolutions see", self, objectName="featureMapsBox")
        box_layout = QVBoxLayout(maps_box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        box_layout.addWidget(self.feature_maps)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(maps_box)
        self.maps_box = maps_box
        self.splitter.setStretchFactor(0, 1)
        QVBoxLayout(self).addWidget(self.splitter)

    # ---- public API -------------------------------------------------------------
    def set_model(self, model: Any, class_names: Sequence[str] | None = None,
                  text: Any = None) -> None:
        """Use `model` (an engine model with `input_shape` and `predict`) or None; `class_names`
        label its outputs (digits 0..n-1 when None or of the wrong length). `text`: the
        TextEncoding a model of word sequences was trained with (else its `text_encoding`, set
        when it was opened with its tokenizer file)."""
        self._model = model
        self._class_names = [str(n) for n in class_names] if class_names is not None else None
        self._target, self._target_error = _MNIST_INPUT, None
        self._set_text_mode(model, text)
        if model is not None and not self._text_mode:
            try:
                self._target = image_input_for(model)
            except Exception as exc:  # any odd model must not crash the UI
                self._target_error = f"Can't predict: {exc}"
        drawable = self._target.drawable and self._target_error is None and not self._text_mode
        self.canvas.set_drawing_enabled(drawable)
        self.pen_width.setEnabled(drawable)
        # Your own samples are digits: the row is there only for a digit model.
        self.correction.setVisible(not self._text_mode and (model is None or (
            self._target_error is None and reads_digits(self._target, class_names))))
        self.canvas.set_hint(DRAW_HINT if drawable else
                             f"This model takes {self._target.describe()} images: open or drop "
                             "a picture")
        self.input_caption.setText(f"Model input ({self._target.describe()})")
        self.feature_maps.set_model(model if self._target_error is None and not self._text_mode
                                    else None)
        # Room for the maps when there are any; else just their one-line explanation.
        self.splitter.setSizes([1000, 200 if self.feature_maps.has_convolutions() else 1])
        self._picture_input = None
        self._show_picture_note()
        self._refresh()

    def _set_text_mode(self, model: Any, text: Any) -> None:
        """Sentence box instead of canvas for a model whose first layer is an Embedding."""
        self._text_mode = model is not None and takes_word_indices(model)
        self.input_pages.setCurrentWidget(self.text_input if self._text_mode else
                                          self.input_pages.widget(0))
        for widget in (self.input_caption, self.input_view, self.maps_box):
            widget.setVisible(not self._text_mode)
        # A handful of topics spread over the full height reads badly: rows of a usual height.
        self.bars.setMaximumHeight(_TEXT_BAR_ROWS_PX * _outputs(model) if self._text_mode else 16777215)
        self._prediction_column.setStretch(self._prediction_column.count() - 1, int(self._text_mode))
        if not self._text_mode:
            return
        text = text if text is not None else getattr(model, "text_encoding", None)
        if self._class_names is None:
            self._class_names = getattr(model, "text_class_names", None)
        if text is None:
            self._target_error = ("This model reads word indices, but the tokenizer it was trained "
                                  "with is unknown (no .tokenizer.json beside its file): train it "
                                  "on a text set to predict sentences.")
        self.text_input.set_encoding(text)

    def open_image(self, path: str | Path) -> bool:
        """Show and predict the picture in `path`; False (and a message) if it can't be used."""
        try:
            picture = read_picture(path)
        except ImageFileError as exc:
            self.message.setText(str(exc))
            return False
        self._picture, self._picture_input, self._picture_name = picture, None, Path(path).name
        self._show_picture_note()
        rgb = np.ascontiguousarray(np.asarray(picture.convert("RGB")))
        self.canvas.show_picture(_qimage(rgb))
        self._refresh()
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

    def current_probabilities(self) -> np.ndarray | None:
        """Last predicted probabilities, shape (n_classes,), or None if nothing predicted."""
        return None if self._probs is None else self._probs.copy()

    def current_input(self) -> np.ndarray | None:
        """The image last given to the model (height, width[, channels]) in 0..1, or None."""
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

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _input_image(self) -> np.ndarray | None:
        """What the model gets now: the picture converted for it, else the drawing, else None."""
        if self._text_mode:
            return None
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

    def _reset_prediction(self, message: str) -> None:
        self._probs = None
        self.bars.clear()
        self.predicted_label.setText(message)
        self.feature_maps.set_input(None)

    def _refresh(self) -> None:
        self._timer.stop()
        try:
            image = self._input_image()
        except ImageFileError as exc:
            self.message.setText(str(exc))
            image = None
        self._show_input(image)
        digits = reads_digits(self._target, self._class_names) and self._target_error is None
        self._digit = image if digits and image is not None else None
        self.correction.set_available(self._digit is not None)
        if self._model is None:
            return self._reset_prediction(NO_MODEL_TEXT)
        if self._target_error is not None:
            return self._reset_prediction(self._target_error)
        if self._text_mode:
            if not self.text_input.has_sentence():
                return self._reset_prediction(TYPE_HINT_TEXT)
            x = self.text_input.batch()
        elif image is None:
            return self._reset_prediction(DRAW_HINT_TEXT if self._target.drawable
                                          else OPEN_HINT_TEXT)
        else:
            x = self._target.batch(image)
        try:
            probs, note = as_probabilities(self._run_model(x))
            names = self._names_for(probs.size)
        except Exception as exc:  # show any model failure inline
            return self._reset_prediction(f"Prediction failed: {type(exc).__name__}: {exc}")
        self._probs = probs
        self.bars.set_probabilities(probs, names)
        best = int(np.argmax(probs))
        self.predicted_label.setText(f"{names[best]} — {100.0 * probs[best]:.1f}%{note}")
        self.predictionUpdated.emit()
        if not self._text_mode:
            self.feature_maps.set_input(x)  # after the bars, throttled: the bars must not wait

    def _run_model(self, x: np.ndarray) -> np.ndarray:
        # predict_on_batch is one forward pass; predict() adds batching and callback set-up that
        # costs more than the pass itself for a single image.
        run = getattr(self._model, "predict_on_batch", None)
        out = run(x) if callable(run) else self._model.predict(x, verbose=0)
        return np.asarray(out, dtype=np.float64).reshape(len(x), -1)[0]

    def _show_input(self, image: np.ndarray | None) -> None:
        t = self._target
        if image is None:
            image = np.zeros((t.height, t.width, t.channels), np.float32)
        pixels = np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)
        qimage = _qimage(np.ascontiguousarray(pixels.reshape(t.height, t.width, -1)))
        side = _PREVIEW_SIDE - 2  # inside the 1 px border
        self.input_view.setPixmap(QPixmap.fromImage(qimage.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation)))  # nearest neighbour: pixels stay visible

    def _names_for(self, n: int) -> list[str]:
        if self._class_names is not None and len(self._class_names) == n:
            return self._class_names
        return [str(i) for i in range(n)]


def _outputs(model: Any) -> int:
    try:
        return max(1, int(model.output_shape[-1]))
    except (AttributeError, TypeError, ValueError, IndexError):
        return 10


def _qimage(pixels: np.ndarray) -> QImage:
    """A (height, width, 1 or 3) uint8 array as a QImage that owns its pixels."""
    h, w, c = pixels.shape
    fmt = QImage.Format.Format_Grayscale8 if c == 1 else QImage.Format.Format_RGB888
    return QImage(pixels.data, w, h, c * w, fmt).copy()
