"""The evaluation view: test loss and metrics, the confusion matrix, per-class precision and recall,
and a gallery of the samples behind any cell (the mistakes by default): thumbnails of images, or
the sentences of a text set."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.panels.confusion_matrix import ConfusionMatrixView, confusion_counts, precision_recall
from gui.panels.mistakes_gallery import MistakesGallery
from gui.workers.evaluation_worker import Evaluation


def _percent(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:.1%}"


class EvaluationPanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationPanel")
        self.evaluate_button = QPushButton("Evaluate on the test set", objectName="evaluateButton")
        self.evaluate_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.summary = QLabel("Train a model, or press Evaluate.", objectName="evaluationSummary",
                              wordWrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.matrix = ConfusionMatrixView()
        self.class_table = QTableWidget(0, 4, objectName="classMetricsTable")
        self.class_table.setHorizontalHeaderLabels(["Class", "Precision", "Recall", "Samples"])
        self.class_table.verticalHeader().hide()
        self.class_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.class_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.class_table.setToolTip("Precision: of the samples predicted as this class, the share "
                                    "right. Recall: of this class's samples, the share found.")
        self.gallery_caption = QLabel(objectName="galleryCaption", wordWrap=True)
        self.all_mistakes_button = QPushButton("Show all mistakes", objectName="showMistakesButton",
                                               enabled=False)
        self.gallery = MistakesGallery()
        self.evaluation: Evaluation | None = None
        self.images: np.ndarray | None = None
        self.sentences: list[str] | None = None  # a text set's test texts, row for row with images
        self.class_names: list[str] = []
        self.counts = np.zeros((0, 0), np.int64)
        self._gallery_pending = False
        self._layout()
        self.matrix.cellClicked.connect(self.show_cell)
        self.all_mistakes_button.clicked.connect(self.show_mistakes)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.evaluate_button)
        top.addWidget(self.summary, 1)
        caption = QHBoxLayout()
        caption.addWidget(self.gallery_caption, 1)
        caption.addWidget(self.all_mistakes_button)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.class_table)
        gallery = QWidget()
        column = QVBoxLayout(gallery)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(caption)
        column.addWidget(self.gallery, 1)
        right.addWidget(gallery)
        right.setSizes([220, 400])
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.matrix)
        split.addWidget(right)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # --- showing a result ------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.summary.setText(text)

    def show_evaluation(self, evaluation: Evaluation, images: np.ndarray | None,
                        class_names: list[str], source: str,
                        sentences: list[str] | None = None) -> None:
        """`images`: the test images as the data set holds them, for the thumbnails; for a text
        set its word indices, and its `sentences` are shown instead."""
        self.evaluation, self.images = evaluation, images
        self.sentences = sentences
        if self.sentences is not None:  # sentences need the width more than the matrix does
            self.split.setSizes([400, 600])
        metrics = evaluation.metrics
        figures = [f"loss {metrics['loss']:.4f}"] + [
            f"{k} {v:.2%}" if "accuracy" in k else f"{k} {v:.4g}"
            for k, v in metrics.items() if k != "loss"]
        n = len(evaluation.true)
        classes = len(class_names)
        outputs = evaluation.num_outputs
        if outputs not in (1, classes) or (outputs == 1 and classes != 2):
            self.summary.setText(f"Test {', '.join(figures)} on {n:,} samples ({source}). The model "
                                 f"has {outputs} outputs for {classes} classes, so there is no "
                                 f"confusion matrix.")
            self.class_names, self.counts = [], np.zeros((0, 0), np.int64)
            self.matrix.set_counts(self.counts, [])
            self.class_table.setRowCount(0)
            self.gallery.clear()
            return
        self.class_names = list(class_names)
        self.counts = confusion_counts(evaluation.true, evaluation.predicted, classes)
        wrong = n - int(np.trace(self.counts))
        self.summary.setText(f"Test {', '.join(figures)} — {wrong:,} of {n:,} samples "
                             f"misclassified ({source}).")
        self.matrix.set_counts(self.counts, self.class_names)
        self._fill_class_table()
        self.show_mistakes()

    def _fill_class_table(self) -> None:
        precision, recall = precision_recall(self.counts)
        support = self.counts.sum(axis=1)
        self.class_table.setRowCount(len(self.class_names))
        for row, name in enumerate(self.class_names):
            cells = [name, _percent(precision[row]), _percent(recall[row]), f"{support[row]:,}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.class_table.setItem(row, column, item)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._gallery_pending:
            self.show_mistakes()

    def show_mistakes(self) -> None:
        """Every misclassified sample, the most confident first: the surprising ones. Painting the
        thumbnails waits until the view is shown (results arrive as training ends, and the
        training view should not stall for a gallery nobody sees yet)."""
        e = self.evaluation
        if e is None or not self.class_names:
            return
        self._gallery_pending = not self.isVisible()
        if self._gallery_pending:
            self.gallery.clear()
            self.gallery_caption.setText("")
            return
        wrong = np.flatnonzero(e.true != e.predicted)
        order = wrong[np.argsort(-e.confidence[wrong], kind="stable")]
        shown = self.gallery.show_samples(order, self.images, e.true, e.predicted, e.confidence,
                                          self.class_names, self.sentences)
        more = f" (the {shown} most confident shown)" if shown < len(order) else ""
        self.gallery_caption.setText(f"Mistakes: {len(order):,}{more}. Click a cell of the "
                                     "matrix to see its samples.")
        self.all_mistakes_button.setEnabled(False)

    def show_cell(self, true: int, predicted: int) -> None:
        """The samples of one cell: on the diagonal the least sure right answers first, off it the
        most confident mistakes first."""
        e = self.evaluation
        if e is None or not self.class_names:
            return
        members = np.flatnonzero((e.true == true) & (e.predicted == predicted))
        sign = 1.0 if true == predicted else -1.0
        order = members[np.argsort(sign * e.confidence[members], kind="stable")]
        shown = self.gallery.show_samples(order, self.images, e.true, e.predicted, e.confidence,
                                          self.class_names, self.sentences)
        more = f", {shown} shown" if shown < len(order) else ""
        t, p = self.class_names[true], self.class_names[predicted]
        self.gallery_caption.setText(f"True {t}, predicted {p}: {len(order):,} samples{more}.")
        self.all_mistakes_button.setEnabled(True)
