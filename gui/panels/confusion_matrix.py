"""The confusion matrix as a heat map: true classes down, predicted classes across, the count in each
cell, shaded by the share of its row (so a class with few samples still shows its errors). Clicking
a cell selects it: the evaluation view shows those samples."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

LOW, HIGH = np.array([255, 255, 255]), np.array([8, 69, 148])  # white to deep blue


def confusion_counts(true: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """(classes, classes) int counts: row = true class, column = predicted class."""
    index = np.asarray(true, np.int64) * classes + np.asarray(predicted, np.int64)
    return np.bincount(index, minlength=classes * classes).reshape(classes, classes)


def precision_recall(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision (of the predictions of a class, the share right) and recall (of the
    samples of a class, the share found); NaN where a class was never predicted / never present."""
    right = np.diag(counts).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return right / counts.sum(axis=0), right / counts.sum(axis=1)


class ConfusionMatrixView(QWidget):
    cellClicked = Signal(int, int)  # true class, predicted class

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.setMouseTracking(True)
        self.setMinimumSize(260, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.counts = np.zeros((0, 0), np.int64)
        self.class_names: list[str] = []
        self.selected: tuple[int, int] | None = None
        self.setToolTip("Click a cell to see its samples.")

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def set_counts(self, counts: np.ndarray, class_names: list[str]) -> None:
        self.counts = np.asarray(counts, np.int64)
        self.class_names = list(class_names)
        self.selected = None
        self.update()

    def select(self, true: int, predicted: int) -> None:
        self.selected = (true, predicted)
        self.update()
        self.cellClicked.emit(true, predicted)

    # --- geometry --------------------------------------------------------------------------------
    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(n) for n in self.class_names), default=0) + 8

    def _rotated_columns(self, side: int) -> bool:
        """Column names run upwards when they would not fit side by side."""
        return self._label_width() > side

    def _grid(self) -> tuple[int, int, int]:
        """(left, top, cell side) of the square grid, centred in the room the labels leave."""
        k = max(1, len(self.counts))
        title = self.fontMetrics().height() + 6
        names = self._label_width()
        room_w = self.width() - title - names - 8
        short_bottom = 2 * title
        side = max(1, min(room_w, self.height() - title - short_bottom) // k)
        bottom = names + title if self._rotated_columns(side) else short_bottom
        side = max(1, min(side, (self.height() - title - bottom) // k))
        left = title + names + max(0, (room_w - side * k) // 2)
        return left, title, side

    def cell_rect(self, true: int, predicted: int) -> QRect:
        left, top, side = self._grid()
        return QRect(left + predicted * side, top + true * side, side, side)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        left, top, side = self._grid()
        k = len(self.counts)
        column, row = (pos.x() - left) // side, (pos.y() - top) // side
        inside = pos.x() >= left and pos.y() >= top and 0 <= row < k and 0 <= column < k
        return (int(row), int(column)) if inside else None

    # --- events ----------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.select(*cell)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is None:
            self.setToolTip("Click a cell to see its samples.")
        else:
            true, predicted = cell
            count, row = self.counts[true, predicted], self.counts[true].sum()
            share = f" ({count / row:.1%} of the {self.class_names[true]} samples)" if row else ""
            self.setToolTip(f"True {self.class_names[true]}, predicted "
                            f"{self.class_names[predicted]}: {count:,}{share}. Click to see them.")
        super().mouseMoveEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        k = len(self.counts)
        if not k:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Train or press Evaluate\nto see the confusion matrix.")
            return
        left, top, side = self._grid()
        rows = self.counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.nan_to_num(self.counts / rows)
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, min(11.0, side / 4.2)))
        painter.setFont(font)
        for t in range(k):
            for p in range(k):
                rect = self.cell_rect(t, p)
                rgb = LOW + (HIGH - LOW) * min(1.0, shares[t, p] ** 0.5)  # √: small errors show
                painter.fillRect(rect, QColor(*rgb.astype(int)))
                painter.setPen(QColor("white") if shares[t, p] > 0.35 else QColor("#222"))
                if self.counts[t, p]:
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{self.counts[t, p]}")
        painter.setPen(QPen(QColor("#bbb"), 1))
        painter.drawRect(QRect(left, top, side * k, side * k))
        if self.selected is not None:
            painter.setPen(QPen(QColor("#d62728"), 3))
            painter.drawRect(self.cell_rect(*self.selected).adjusted(1, 1, -2, -2))
        self._paint_labels(painter, left, top, side, k)

    def _paint_labels(self, painter: QPainter, left: int, top: int, side: int, k: int) -> None:
        painter.setFont(self.font())
        painter.setPen(self.palette().text().color())
        metrics = self.fontMetrics()
        names = self._label_width()
        rotated = self._rotated_columns(side)
        right_aligned = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        bottom = top + k * side
        for i, name in enumerate(self.class_names[:k]):
            painter.drawText(QRect(left - names, top + i * side, names - 6, side), right_aligned, name)
            if rotated:  # upwards, ending at the grid
                painter.save()
                painter.translate(left + i * side + side / 2, bottom + 4)
                painter.rotate(-90)
                painter.drawText(QRect(-names, -side // 2, names - 2, side), right_aligned, name)
                painter.restore()
            else:
                painter.drawText(QRect(left + i * side, bottom + 2, side, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter, name)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        below = bottom + (names if rotated else metrics.height()) + 6
        painter.drawText(QRect(left, below, side * k, metrics.height() + 4),
                         Qt.AlignmentFlag.AlignHCenter, "predicted class")
        painter.save()
        painter.translate(left - names - 4, top + k * side / 2)
        painter.rotate(-90)
        painter.drawText(QRect(-k * side // 2, -metrics.height() - 2, k * side, metrics.height() + 2),
                         Qt.AlignmentFlag.AlignHCenter, "true class")
        painter.restore()
