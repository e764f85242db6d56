"""The predict view for text models: type a sentence and see the words as the model reads them; the
predict panel runs the model and shows the probabilities in the label and bars it lends this view,
updated as you type.

The sentence is encoded with the TextEncoding the model was trained with (kept with its training
run or read from the tokenizer file saved beside it), never with whatever the data panel shows now:
another Tokenizer numbers the words differently and the predictions would be noise.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from engine.preprocessing.text import text_to_word_sequence
from gui.panels.predict_slot import WidgetSlot
from gui.panels.probability_bars import MAX_ROWS
from gui.text_data import TextEncoding

PLACEHOLDER = "Type a sentence…"
NO_TOKENIZER_PLACEHOLDER = "No sentences without the tokenizer the model was trained with"
TYPE_HINT_TEXT = "Type a sentence to see the prediction"
# Keys arrive faster than anyone reads the bars: predict once typing pauses for this long. A
# sentence through a small LSTM takes ~6 ms (100 words, 32 units, measured), so the pause is
# for calm bars, not for speed.
DEBOUNCE_MS = 100
_BAR_ROW_PX = 40  # per class: a handful of topics spread over the full height reads badly


@dataclass
class SeenWord:
    word: str
    known: bool      # False: the model gets the out-of-vocabulary index, or nothing at all


def words_as_seen(encoding: TextEncoding, sentence: str) -> tuple[list[SeenWord], int]:
    """(the words the model reads, how many were cut off): split and lowercased as the Tokenizer
    does, each marked unknown when it is not among the num_words it kept, and cut to maxlen from
    the side `truncating` names."""
    tokenizer = encoding.tokenizer
    words = text_to_word_sequence(sentence, filters=tokenizer.filters, lower=tokenizer.lower,
                                  split=tokenizer.split)
    seen = [SeenWord(word, _in_vocabulary(tokenizer, word)) for word in words]
    # Without an OOV index unknown words are dropped, so they take no place in the sequence.
    entering = [k for k, s in enumerate(seen) if s.known or tokenizer.oov_token is not None]
    cut = max(0, len(entering) - encoding.maxlen)
    if cut:
        dropped = set(entering[:cut] if encoding.options.truncating == "pre" else entering[-cut:])
        seen = [s for k, s in enumerate(seen) if k not in dropped]
    return seen, cut


def _in_vocabulary(tokenizer, word: str) -> bool:
    """As texts_to_sequences decides: indexed, and among the num_words most frequent."""
    index = tokenizer.word_index.get(word)
    return index is not None and not (tokenizer.num_words and index >= tokenizer.num_words)


def words_html(seen: list[SeenWord], cut: int, encoding: TextEncoding) -> str:
    """The words as rich text: unknown ones struck through in red, with a line on what was cut."""
    if not seen:
        return ""
    parts = [html.escape(s.word) if s.known else
             f"<span style='color:#c0392b; text-decoration: line-through'>{html.escape(s.word)}</span>"
             for s in seen]
    unknown = sum(not s.known for s in seen)
    notes = []
    if unknown:
        notes.append(f"{unknown} out of vocabulary (struck through: the model reads them as "
                     f"{'one shared unknown word' if encoding.tokenizer.oov_token else 'nothing'})")
    if cut:
        side = "first" if encoding.options.truncating == "pre" else "last"
        notes.append(f"the {side} {cut} word{'s' * (cut != 1)} cut off: the model reads "
                     f"{encoding.maxlen} at most")
    note = f"<br><span style='color:#777'>{'; '.join(notes)}.</span>" if notes else ""
    return "The model reads: " + " ".join(parts) + note


class TextPredictView(QWidget):
    """The sentence box and the words as the model reads them, beside the label and bars the
    predict panel lends it; `sentenceChanged` fires once typing pauses."""

    sentenceChanged = Signal()  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textPredictView")
        self.encoding: TextEncoding | None = None
        self.editor = QPlainTextEdit(self, objectName="textPredictInput")
        self.editor.setPlaceholderText(PLACEHOLDER)
        self.editor.setToolTip("Type or paste a sentence: the prediction follows as you type. "
                               "Ctrl+L clears it.")
        self.editor.setTabChangesFocus(True)  # a sentence has no tabs: Tab leaves, as in a form
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.editor.setFont(font)
        lines = self.editor.fontMetrics().lineSpacing()
        self.editor.setMaximumHeight(6 * lines + 12)  # a sentence or two, not a document
        self.setFocusProxy(self.editor)
        self.about = QLabel(self, objectName="textEncodingNote", wordWrap=True)
        self.about.setStyleSheet("color: palette(placeholder-text);")
        self.words = QLabel(self, objectName="textModelWords", wordWrap=True)
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        sentence = QVBoxLayout()
        sentence.addWidget(self.editor)
        sentence.addWidget(self.about)
        sentence.addSpacing(lines // 2)
        sentence.addWidget(self.words)
        sentence.addStretch(1)
        self.label_slot, self.bars_slot = WidgetSlot(self), WidgetSlot(self)
        prediction = QVBoxLayout()
        prediction.addWidget(self.label_slot)
        prediction.addWidget(self.bars_slot, 1)  # up to its cap: rows of a usual height …
        prediction.addStretch(1)  # … the rest stays below, as a handful of topics reads best
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(sentence, 3)
        layout.addLayout(prediction, 2)
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self._typing_paused)
        self.editor.textChanged.connect(self.timer.start)

    def set_model(self, model: Any, encoding: TextEncoding | None, classes: int) -> str | None:
        """Read sentences for `model`, of `classes` outputs, with the `encoding` it was trained
        with (else its `text_encoding`, set when it was opened with its tokenizer file); returns
        why it can't, or None."""
        encoding = encoding if encoding is not None else getattr(model, "text_encoding", None)
        self.set_encoding(encoding)
        rows = min(max(2, classes), MAX_ROWS)  # one sigmoid unit is shown as two classes
        self.bars_slot.setMaximumHeight(_BAR_ROW_PX * rows)
        if encoding is None:
            return ("This model reads word indices, but the tokenizer it was trained with is "
                    "unknown (no .tokenizer.json beside its file): train it on a text set to "
                    "predict sentences.")
        return None

    def set_encoding(self, encoding: TextEncoding | None) -> None:
        self.encoding = encoding
        self.editor.setEnabled(encoding is not None)
        self.editor.setPlaceholderText(PLACEHOLDER if encoding is not None else
                                       NO_TOKENIZER_PLACEHOLDER)
        if encoding is None:
            self.about.clear()
        else:
            side = "start" if encoding.options.padding == "pre" else "end"
            self.about.setText(f"Encoded as in training: {encoding.vocabulary_size:,} word indices, "
                               f"{encoding.maxlen} words per text, padded at the {side}.")
        self._show_words()

    def sentence(self) -> str:
        return self.editor.toPlainText()

    def has_sentence(self) -> bool:
        return bool(self.sentence().strip()) and self.encoding is not None

    def batch(self) -> np.ndarray:
        """(1, maxlen) int32: the sentence as the model's input."""
        return self.encoding.encode([self.sentence()])

    def clear(self) -> None:
        self.editor.clear()

    def _typing_paused(self) -> None:
        self._show_words()
        self.sentenceChanged.emit()

    def _show_words(self) -> None:
        if self.encoding is None or not self.sentence().strip():
            self.words.clear()
            return
        seen, cut = words_as_seen(self.encoding, self.sentence())
        self.words.setText(words_html(seen, cut, self.encoding) or
                           "The model reads no words here: none of them are in its vocabulary.")

