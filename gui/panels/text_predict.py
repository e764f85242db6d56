"""Predict for a text model: type a sentence and see the words as the model reads them; the predict
panel shows the probabilities, updated as you type.

The sentence is encoded with the TextEncoding the model was trained with (kept with its training
run or read from the tokenizer file saved beside it), never with whatever the data panel shows now:
another Tokenizer numbers the words differently and the predictions would be noise.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from engine.preprocessing.text import text_to_word_sequence
from gui.text_data import TextEncoding

PLACEHOLDER = "Type a sentence…"
TYPE_HINT_TEXT = "Type a sentence to see the prediction"
# Keys arrive faster than anyone reads the bars: predict once typing pauses for this long. A
# sentence through a small LSTM takes ~6 ms (100 words, 32 units, measured), so the pause is
# for calm bars, not for speed.
DEBOUNCE_MS = 100


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


class TextPredictInput(QWidget):
    """The sentence box and the words-as-seen line; `sentenceChanged` fires once typing pauses."""

    sentenceChanged = Signal()  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textPredictView")
        self.encoding: TextEncoding | None = None
        self.editor = QPlainTextEdit(self, objectName="textPredictInput")
        self.editor.setPlaceholderText(PLACEHOLDER)
        self.editor.setToolTip("Type or paste a sentence: the prediction follows as you type.")
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.editor.setFont(font)
        self.words = QLabel(self, objectName="textModelWords", wordWrap=True)
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.about = QLabel(self, objectName="textEncodingNote", wordWrap=True)
        lines = self.editor.fontMetrics().lineSpacing()
        self.editor.setMaximumHeight(6 * lines + 12)  # a sentence or two, not a document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.words)
        layout.addStretch(1)
        layout.addWidget(self.about)
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self._typing_paused)
        self.editor.textChanged.connect(self.timer.start)

    def set_encoding(self, encoding: TextEncoding | None) -> None:
        self.encoding = encoding
        self.editor.setEnabled(encoding is not None)
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
