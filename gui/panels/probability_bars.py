"""Horizontal bar chart of class probabilities, painted directly with QPainter.

A plain painted widget (rather than pyqtgraph) keeps it light: it repaints on every
stroke while the user draws, and ten bars need no axes, zooming or plot items.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

_ROW_MIN = 16  # px per class row before text would crowd
#: With more classes than this (CIFAR-100), only the most likely ones get a bar, best first.
MAX_ROWS = 10
_GAP = 6  # px between label, bar and percentage columns
_RIGHT_MID = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ProbabilityBars(QWidget):
    """One labelled bar per class; the most likely class is drawn in the highlight colour."""

    def __init__(self, parent: QWidget | None = None, n_classes: int = 10) -> None:
        super().__init__(parent)
        self.setObjectName("predictionBars")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._probs = np.zeros(n_classes, dtype=np.float64)
        self._names = [str(i) for i in range(n_classes)]
        self._update_tooltip()

    # ---- public API -------------------------------------------------------------
    def probabilities(self) -> np.ndarray:
        """Copy of the shown probabilities, shape (n_classes,)."""
        return self._probs.copy()

    def class_names(self) -> list[str]:
        return list(self._names)

    def set_probabilities(
        self, p: Sequence[float] | np.ndarray, class_names: Sequence[str] | None = None
    ) -> None:
        """Show probabilities ``p`` (1-D, one per class).

        Without ``class_names`` the previous names are kept when the class count is
        unchanged, otherwise classes are labelled 0..n-1.
        """
        probs = np.asarray(p, dtype=np.float64).reshape(-1)
        if class_names is not None:
            names = [str(n) for n in class_names]
            if len(names) != probs.size:
                raise ValueError(f"{len(names)} class names for {probs.size} probabilities")
        elif len(self._names) == probs.size:
            names = self._names
        else:
            names = [str(i) for i in range(probs.size)]
        self._probs = probs.copy()
        self._names = names
        self._update_tooltip()
        self.updateGeometry()  # row count may have changed
        self.update()

    def clear(self) -> None:
        """Zero every bar, keeping the classes."""
        self.set_probabilities(np.zeros_like(self._probs))

    def shown_rows(self) -> list[int]:
        """Class indices that get a bar, top to bottom."""
        if self._probs.size <= MAX_ROWS:
            return list(range(self._probs.size))
        return [int(i) for i in np.argsort(-self._probs, kind="stable")[:MAX_ROWS]]

    # ---- Qt overrides -----------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        rows = max(1, min(MAX_ROWS, self._probs.size))
        return QSize(240, rows * max(_ROW_MIN, self.fontMetrics().height() + 6))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(160, max(1, min(MAX_ROWS, self._probs.size)) * _ROW_MIN)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        rows = self.shown_rows()
        n = len(rows)
        if n == 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        bold = QFont(self.font())
        bold.setBold(True)
        fm = QFontMetrics(bold)  # the top class is drawn bold: measure the widest case
        label_w = max(fm.horizontalAdvance(self._names[i]) for i in rows) + _GAP
        pct_w = fm.horizontalAdvance("100.0%") + _GAP
        bar_x = label_w
        bar_w = max(10.0, self.width() - label_w - pct_w)
        row_h = self.height() / n
        bar_h = max(4.0, min(row_h * 0.62, 22.0))
        top = int(np.argmax(self._probs)) if self._probs.max() > 0 else -1
        track = QColor(pal.color(QPalette.ColorRole.Mid))
        track.setAlpha(60)

        for row, i in enumerate(rows):
            prob, name = self._probs[i], self._names[i]
            y = row * row_h
            is_top = i == top
            font = painter.font()
            font.setBold(is_top)
            painter.setFont(font)
            text_color = pal.color(
                QPalette.ColorRole.Highlight if is_top else QPalette.ColorRole.WindowText
            )
            label_rect = QRectF(0, y, label_w - _GAP, row_h)
            painter.setPen(text_color)
            painter.drawText(label_rect, _RIGHT_MID, name)

            bar_y = y + (row_h - bar_h) / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(QRectF(bar_x, bar_y, bar_w, bar_h), 3, 3)
            fill = float(np.clip(prob, 0.0, 1.0)) * bar_w
            if fill > 0.5:
                color = pal.color(QPalette.ColorRole.Highlight) if is_top else QColor(128, 128, 128)
                painter.setBrush(color)
                painter.drawRoundedRect(QRectF(bar_x, bar_y, fill, bar_h), 3, 3)

            painter.setPen(text_color)
            pct_rect = QRectF(bar_x + bar_w + _GAP, y, pct_w - _GAP, row_h)
            painter.drawText(pct_rect, _RIGHT_MID, f"{100.0 * prob:.1f}%")
        painter.end()

    # ---- helpers ----------------------------------------------------------------
    def _update_tooltip(self) -> None:
        # Screen readers and hover both get the numbers, which the painting alone hides.
        text = ", ".join(f"{self._names[i]}: {100.0 * self._probs[i]:.1f}%"
                         for i in self.shown_rows())
        if len(self.shown_rows()) < self._probs.size:
            text = f"Most likely {MAX_ROWS} of {self._probs.size} classes: {text}"
        self.setToolTip(text)
        self.setAccessibleDescription(text)
