"""What a text data set looks like, and how its sentences become numbers: a sample of texts with
their classes, the vocabulary kept, a histogram of words per text with the chosen sequence length
marked, samples per class, and the Tokenizer options with an Apply that re-encodes the set.

The view only shows and asks: it emits `optionsApplied(TextOptions)`, and the data panel does the
re-encoding (gui/text_data.revectorize) and tells the rest of the window.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.panels.data_preview import ClassCounts, sample_indices
from gui.text_data import OOV_TOKEN, TextEncoding, TextOptions

ROWS_SHOWN = 60
BINS = 30
MAXLEN_COLOR = "#d62728"
TOOLTIP_CHARS = 600


def vocabulary_text(encoding: TextEncoding) -> tuple[str, str]:
    """('Vocabulary: 4,321 words, 4,000 kept (input_dim 4,002)', a tooltip saying what happens
    to the rest and what input_dim means)."""
    index = encoding.tokenizer.word_index
    oov = encoding.options.oov_token is not None and encoding.options.oov_token in index
    found = len(index) - oov
    kept = encoding.vocabulary_size - 1 - oov  # index 0 is padding, 1 the OOV token
    rest = (f"The other {found - kept:,} become {encoding.options.oov_token} (index 1)." if oov else
            f"The other {found - kept:,} are dropped.") if kept < found else "Every word is kept."
    tip = (f"{found:,} distinct words in the training texts; the {kept:,} most frequent get an index of "
           f"their own. {rest} Index 0 is padding. An Embedding reading this set needs input_dim "
           f"{encoding.vocabulary_size:,} or more.")
    return f"Vocabulary: {found:,} words, {kept:,} kept (input_dim {encoding.vocabulary_size:,})", tip


def length_summary(lengths: np.ndarray, maxlen: int) -> str:
    """The 90th/95th percentile of words per text as links the hint label turns into maxlen, and
    how many texts the chosen length cuts."""
    if lengths.size == 0:
        return "No training texts."
    p90, p95 = (int(np.ceil(np.percentile(lengths, q))) for q in (90, 95))
    cut = float(np.mean(lengths > maxlen))
    return (f"90% of texts ≤ <a href='{p90}'>{p90}</a> words, 95% ≤ <a href='{p95}'>{p95}</a>; "
            f"{cut:.0%} are cut at {maxlen}.")


class SequenceLengthHistogram(pg.PlotWidget):
    """Words per training text (as the tokenizer keeps them), with a line at maxlen; texts longer
    than the shown range are counted in the last bar."""

    def __init__(self) -> None:
        super().__init__(background="w")
        self.setObjectName("sequenceLengthHistogram")
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setLabel("bottom", "words per text")
        self.setLabel("left", "texts")
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], brush="#4c78a8", pen=pg.mkPen("w"))
        self.addItem(self.bars)
        self.maxlen_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(MAXLEN_COLOR, width=2),
                                           label="maxlen {value:.0f}",
                                           labelOpts={"color": MAXLEN_COLOR, "position": 0.9,
                                                      "anchors": [(0, 0), (0, 0)]})
        self.addItem(self.maxlen_line)
        self.counts = np.zeros(0, np.int64)
        self.edges = np.zeros(0)
        self.setMinimumHeight(80)

    def set_lengths(self, lengths: np.ndarray, maxlen: int) -> None:
        top = max(float(np.percentile(lengths, 99)) if lengths.size else 1.0, float(maxlen)) * 1.05
        self.counts, self.edges = np.histogram(np.minimum(lengths, top), bins=BINS, range=(0, max(top, 1.0)))
        self.bars.setOpts(x0=self.edges[:-1], x1=self.edges[1:], height=self.counts)
        self.maxlen_line.setValue(maxlen)
        self.setXRange(0, self.edges[-1], padding=0.02)
        self.setYRange(0, max(1, int(self.counts.max(initial=0))), padding=0.05)
        self.setToolTip(f"Words per training text ({lengths.size:,} texts; the longest, "
                        f"{int(lengths.max(initial=0)):,} words, fall in the last bar). The red line is "
                        f"the sequence length: longer texts are cut, shorter ones padded with 0.")


class TokenizerOptions(QWidget):
    """Keras' Tokenizer and pad_sequences arguments; Apply is enabled when they differ from the
    loaded set's."""

    applied = Signal(object)  # TextOptions

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tokenizerOptions")
        self.current = TextOptions()
        self.num_words = QSpinBox(objectName="numWordsSpin", minimum=0, maximum=10_000_000, singleStep=1000,
                                  specialValueText="all words", accelerated=True, groupSeparatorShown=True)
        self.num_words.setToolTip("num_words: keep only this many most frequent words (index 0 is padding); "
                                  "rarer ones become the OOV token, or are dropped without it.")
        self.maxlen = QSpinBox(objectName="maxlenSpin", minimum=0, maximum=100_000, singleStep=10,
                               specialValueText="longest", accelerated=True, groupSeparatorShown=True)
        self.maxlen.setToolTip("maxlen: words per text, the model's input length; shorter texts are "
                               "padded with 0, longer ones cut.")
        self.hint = QLabel(objectName="maxlenHint", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.hint.setToolTip("Words per training text: 90% and 95% of the texts are no longer than "
                             "these lengths. Click one to use it as the sequence length.")
        self.lower = QCheckBox("Lowercase", objectName="lowercaseCheck")
        self.lower.setToolTip("lower: lower-case every text first, so 'The' and 'the' are one word.")
        self.oov = QCheckBox(f"OOV token {OOV_TOKEN}", objectName="oovCheck")
        self.oov.setToolTip(f"oov_token: unknown and rare words become {OOV_TOKEN} (index 1) instead of "
                            "vanishing, so the model sees that a word was there.")
        self.padding = QComboBox(objectName="paddingCombo")
        self.padding.setToolTip("padding: where the zeros go in a short text; 'pre' keeps the last words "
                                "next to a recurrent layer's output.")
        self.truncating = QComboBox(objectName="truncatingCombo")
        self.truncating.setToolTip("truncating: which end of a long text is cut; 'pre' drops its first "
                                   "words, 'post' its last.")
        for combo in (self.padding, self.truncating):
            combo.addItems(["pre", "post"])
        self.apply_button = QPushButton("Apply", objectName="applyTokenizerButton", enabled=False)
        self.apply_button.setToolTip("Re-encode the texts with these options; the model's input becomes "
                                     "(sequence length,).")
        self.error = QLabel(objectName="tokenizerError", wordWrap=True, visible=False)
        self.error.setStyleSheet(f"color: {MAXLEN_COLOR}")
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 2)
        grid.setVerticalSpacing(2)
        grid.addWidget(QLabel("&Vocabulary", buddy=self.num_words), 0, 0)
        grid.addWidget(self.num_words, 0, 1)
        grid.addWidget(QLabel("Se&quence length", buddy=self.maxlen), 0, 2)
        grid.addWidget(self.maxlen, 0, 3)
        grid.addWidget(self.hint, 1, 0, 1, 4)
        grid.addWidget(QLabel("Pa&dding", buddy=self.padding), 2, 0)
        grid.addWidget(self.padding, 2, 1)
        grid.addWidget(QLabel("&Truncating", buddy=self.truncating), 2, 2)
        grid.addWidget(self.truncating, 2, 3)
        grid.addWidget(self.lower, 3, 0, 1, 2)
        grid.addWidget(self.oov, 3, 2)
        grid.addWidget(self.apply_button, 3, 3)
        grid.addWidget(self.error, 4, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        for signal in (self.num_words.valueChanged, self.maxlen.valueChanged, self.lower.toggled,
                       self.oov.toggled, self.padding.currentIndexChanged,
                       self.truncating.currentIndexChanged):
            signal.connect(self._edited)
        self.hint.linkActivated.connect(lambda length: self.maxlen.setValue(int(length)))
        self.apply_button.clicked.connect(self._apply)

    def show_options(self, options: TextOptions) -> None:
        """The loaded set's options, without counting as an edit."""
        self.current = options
        widgets = (self.num_words, self.maxlen, self.lower, self.oov, self.padding, self.truncating)
        blocked = [w.blockSignals(True) for w in widgets]
        self.num_words.setValue(options.num_words or 0)
        self.maxlen.setValue(options.maxlen or 0)
        self.lower.setChecked(options.lower)
        self.oov.setChecked(options.oov_token is not None)
        self.padding.setCurrentText(options.padding)
        self.truncating.setCurrentText(options.truncating)
        for widget, was in zip(widgets, blocked, strict=True):
            widget.blockSignals(was)
        self._edited()

    def options(self) -> TextOptions:
        """The options as set; ValueError (TextOptions' message) for an impossible vocabulary size."""
        return replace(self.current, num_words=self.num_words.value() or None,
                            maxlen=self.maxlen.value() or None, lower=self.lower.isChecked(),
                            oov_token=OOV_TOKEN if self.oov.isChecked() else None,
                            padding=self.padding.currentText(), truncating=self.truncating.currentText())

    def _edited(self) -> None:
        try:
            options, problem = self.options(), ""
        except ValueError as exc:
            options, problem = None, str(exc)
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        self.apply_button.setEnabled(options is not None and options != self.current)

    def _apply(self) -> None:
        try:
            options = self.options()
        except ValueError:
            return  # the error label already says why; Apply is disabled then
        self.applied.emit(options)


class TextDataView(QWidget):
    """The data panel's page for a text set (the image sets have the sample grid instead)."""

    optionsApplied = Signal(object)  # TextOptions

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("textDataView")
        self.vocabulary = QLabel(objectName="vocabularyLabel", wordWrap=True)
        self.rows = QTableWidget(0, 3, objectName="textRowsPreview")
        self.rows.setHorizontalHeaderLabels(["Class", "Words", "Text"])
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows.setWordWrap(False)
        self.rows.verticalHeader().setVisible(False)
        self.rows.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        header = self.rows.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.histogram = SequenceLengthHistogram()
        self.class_counts = ClassCounts()
        self.class_counts.setObjectName("textClassCounts")
        self.tabs = QTabWidget(objectName="textPreviewTabs")
        self.tabs.addTab(self.rows, "Texts")
        self.tabs.addTab(self.histogram, "Lengths")
        self.tabs.addTab(self.class_counts, "Classes")
        # A tab rather than a box below: the dock shares its height with the compile panel.
        self.tokenizer = TokenizerOptions()
        page = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        page.setWidget(self.tokenizer)  # scrolls rather than squashes its rows when the dock is short
        self.tabs.addTab(page, "Tokenizer")
        self.tabs.setTabToolTip(3, "How the texts become word indices: vocabulary size, sequence "
                                   "length, padding. Apply re-encodes the set.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.vocabulary)
        layout.addWidget(self.tabs, 1)
        self.tokenizer.applied.connect(self.optionsApplied)
        self.tokenizer.maxlen.valueChanged.connect(self._mark_maxlen)
        self.lengths = np.zeros(0, np.int64)

    def set_dataset(self, data) -> None:
        """Show a text Dataset (one whose `text` is set)."""
        encoding: TextEncoding = data.text
        self.lengths = encoding.words_per_text()
        text, tip = vocabulary_text(encoding)
        self.vocabulary.setText(text)
        self.vocabulary.setToolTip(tip)
        self._fill_rows(encoding.texts_train, data.y_train, data.class_names)
        self.class_counts.set_counts(data.y_train, data.class_names)
        self.tokenizer.show_options(encoding.options)
        self._mark_maxlen()

    def _fill_rows(self, texts: list[str], labels: np.ndarray, class_names: list[str]) -> None:
        picked = sample_indices(labels, ROWS_SHOWN)
        self.rows.setRowCount(len(picked))
        for row, i in enumerate(picked):
            text = texts[i]
            label = int(labels[i])
            name = class_names[label] if 0 <= label < len(class_names) else str(label)
            words = QTableWidgetItem(f"{int(self.lengths[i]):,}")
            words.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item = QTableWidgetItem(text)
            shown = text if len(text) <= TOOLTIP_CHARS else text[:TOOLTIP_CHARS] + "…"
            item.setToolTip(f"<p>{_escape(shown)}</p>")  # rich text, so the tooltip wraps
            for column, cell in enumerate((QTableWidgetItem(name), words, item)):
                self.rows.setItem(row, column, cell)
        self.rows.setToolTip(f"The first texts of each class ({len(picked)} of {len(texts):,}); "
                             "hover a text to read it whole.")

    def _mark_maxlen(self) -> None:
        """The line and the hint follow the spin box, before Apply: the learner sees what a length
        would cut. 'Longest' marks the longest text."""
        maxlen = self.tokenizer.maxlen.value() or int(self.lengths.max(initial=1))
        self.histogram.set_lengths(self.lengths, maxlen)
        self.tokenizer.hint.setText(length_summary(self.lengths, maxlen))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
