"""The Predict tab: give the model one input and see what it predicts. It shows the view the model
takes its input from — a canvas and pictures for image models (image_predict.py), a sentence box
for models whose first layer is an Embedding (text_predict.py) — runs the model, and lends the
shown view the predicted label and the probability bars, so both keep their names and state."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gui.canvas.model_input import as_probabilities
from gui.files.tokenizer_file import takes_word_indices
from gui.panels.image_predict import DRAW_HINT_TEXT, OPEN_HINT_TEXT, ImagePredictView
from gui.panels.probability_bars import ProbabilityBars
from gui.panels.text_predict import TYPE_HINT_TEXT, TextPredictView
from gui.user_samples import UserSampleStore

__all__ = ["DRAW_HINT_TEXT", "NO_MODEL_TEXT", "OPEN_HINT_TEXT", "PredictPanel"]

NO_MODEL_TEXT = "No model yet — train one or load a model"
CLEAR_SHORTCUT = "Ctrl+L"
_TYPING_WIDGETS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)


class PredictPanel(QWidget):
    """Switches between the image and the text view; runs the model on what the shown one gives."""

    predictionUpdated = Signal()  # noqa: N815 (Qt naming) — after the bars show a new prediction

    def __init__(self, parent: QWidget | None = None,
                 samples: UserSampleStore | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictPanel")
        self.setAcceptDrops(True)  # a drop beside the views still reaches the image view
        # Clicking the canvas (which takes no focus) focuses the panel, so Ctrl+L reaches it.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.samples = samples or UserSampleStore()
        self._model: Any = None
        self._class_names: list[str] | None = None
        self._error: str | None = None  # why the model can't predict here
        self._probs: np.ndarray | None = None

        self.predicted_label = QLabel(self, objectName="predictedLabel", wordWrap=True)
        self.predicted_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._hint_font = self.predicted_label.font()
        self._answer_font = self.predicted_label.font()
        self._answer_font.setPointSizeF(self._answer_font.pointSizeF() * 1.5)
        self._answer_font.setBold(True)
        self.bars = ProbabilityBars(self)
        self.image = ImagePredictView(self.samples, self)
        self.text = TextPredictView(self)
        self.views = QStackedWidget(self)
        self.views.addWidget(self.image)
        self.views.addWidget(self.text)
        QVBoxLayout(self).addWidget(self.views)
        # The views' parts by their old names, for the window's controllers and the tests.
        image = self.image
        self.canvas, self.pen_width = image.canvas, image.pen_width
        self.clear_button, self.open_button = image.clear_button, image.open_button
        self.message, self.correction = image.message, image.correction
        self.input_caption, self.input_view = image.input_caption, image.input_view
        self.feature_maps = image.feature_maps
        self.text_input = self.text

        self.image.inputChanged.connect(self._refresh)
        self.text.sentenceChanged.connect(self._refresh)  # debounced there
        clear = QShortcut(QKeySequence(CLEAR_SHORTCUT), self, self.clear_input)
        clear.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.set_model(None)

    # ---- public API -------------------------------------------------------------
    def set_model(self, model: Any, class_names: Sequence[str] | None = None,
                  text: Any = None) -> None:
        """Use `model` (an engine model with `input_shape` and `predict`) or None; `class_names`
        label its outputs (digits 0..n-1 when None or of the wrong length). `text`: the
        TextEncoding a model of word sequences was trained with (else its `text_encoding`, set
        when it was opened with its tokenizer file)."""
        self._model = model
        names = [str(n) for n in class_names] if class_names is not None else None
        if model is not None and takes_word_indices(model):
            if names is None:
                names = getattr(model, "text_class_names", None)
            self._error = self.text.set_model(model, text, _outputs(model))
            self.image.set_model(None, None)  # no old model's feature maps behind the scenes
            view = self.text
        else:
            self._error = self.image.set_model(model, names)
            view = self.image
        self._class_names = names
        self._show_view(view)
        self._refresh()

    def open_image(self, path: str | Path) -> bool:
        """Show and predict the picture in `path`; False (and a message) if it can't be used."""
        return self.image.open_image(path)

    def keep_as(self, label: int) -> None:
        """Add the current 28×28 digit to the user's samples with class `label`."""
        self.image.keep_as(label)

    def clear_input(self) -> None:
        """Erase the drawing or picture, or the sentence: whichever the shown view takes."""
        if self._text_mode():
            self.text.clear()
        else:
            self.canvas.clear()

    def current_probabilities(self) -> np.ndarray | None:
        """Last predicted probabilities, shape (n_classes,), or None if nothing predicted."""
        return None if self._probs is None else self._probs.copy()

    def current_input(self) -> np.ndarray | None:
        """The image last given to the model (height, width[, channels]) in 0..1, or None."""
        return None if self._text_mode() else self.image.current_input()

    # ---- Qt overrides -----------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._text_mode() and self.text.editor.isEnabled():
            self.text.editor.setFocus(Qt.FocusReason.OtherFocusReason)  # the tab was chosen: type

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self._text_mode():
            event.ignore()  # a sentence box takes no pictures
        else:
            self.image.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        if self._text_mode():
            event.ignore()
        else:
            self.image.dropEvent(event)

    # ---- internals --------------------------------------------------------------
    def _text_mode(self) -> bool:
        return self.views.currentWidget() is self.text

    def _show_view(self, view: ImagePredictView | TextPredictView) -> None:
        switching = self.views.currentWidget() is not view
        view.label_slot.hold(self.predicted_label)
        view.bars_slot.hold(self.bars)
        self.views.setCurrentWidget(view)
        self.setFocusProxy(self.text.editor if view is self.text else None)
        # A text model arriving while the tab is shown: type at once, unless typing elsewhere.
        if switching and view is self.text and self.isVisible() and \
                not isinstance(QApplication.focusWidget(), _TYPING_WIDGETS):
            self.text.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reset_prediction(self, message: str) -> None:
        self._probs = None
        if self._model is None:
            self.bars.clear()
        else:  # the model's own classes, empty: what it will answer with
            n = max(2, _outputs(self._model))  # one sigmoid unit is read as two classes
            self.bars.set_probabilities(np.zeros(n), self._names_for(n))
        self._show_label(message, answer=False)
        if not self._text_mode():
            self.image.show_features(None)

    def _refresh(self) -> None:
        if self._text_mode():
            has_sentence = self.text.has_sentence()
            x, hint = (self.text.batch(), "") if has_sentence else (None, TYPE_HINT_TEXT)
        else:
            x, hint = self.image.model_input()
        if self._model is None:
            return self._reset_prediction(NO_MODEL_TEXT)
        if self._error is not None:
            return self._reset_prediction(self._error)
        if x is None:
            return self._reset_prediction(hint)
        try:
            probs, note = as_probabilities(self._run_model(x))
            names = self._names_for(probs.size)
        except Exception as exc:  # show any model failure inline
            return self._reset_prediction(f"Prediction failed: {type(exc).__name__}: {exc}")
        self._probs = probs
        self.bars.set_probabilities(probs, names)
        best = int(np.argmax(probs))
        self._show_label(f"{names[best]} — {100.0 * probs[best]:.1f}%{note}", answer=True)
        self.predictionUpdated.emit()
        if not self._text_mode():
            self.image.show_features(x)  # after the bars, throttled: the bars must not wait

    def _show_label(self, text: str, answer: bool) -> None:
        """A prediction large and bold; a hint or a problem in the usual type, to read calmly."""
        self.predicted_label.setFont(self._answer_font if answer else self._hint_font)
        self.predicted_label.setText(text)

    def _run_model(self, x: np.ndarray) -> np.ndarray:
        # predict_on_batch is one forward pass; predict() adds batching and callback set-up that
        # costs more than the pass itself for a single image.
        run = getattr(self._model, "predict_on_batch", None)
        out = run(x) if callable(run) else self._model.predict(x, verbose=0)
        return np.asarray(out, dtype=np.float64).reshape(len(x), -1)[0]

    def _names_for(self, n: int) -> list[str]:
        if self._class_names is not None and len(self._class_names) == n:
            return self._class_names
        return [str(i) for i in range(n)]


def _outputs(model: Any) -> int:
    try:
        return max(1, int(model.output_shape[-1]))
    except (AttributeError, TypeError, ValueError, IndexError):
        return 10
