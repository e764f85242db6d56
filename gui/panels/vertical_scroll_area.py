"""A scroll area that scrolls only up and down and is as wide as its contents need, for a dock
whose panels must not be squashed when they grow (a download row and a fix note at once)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class VerticalScrollArea(QScrollArea):
    def __init__(self, widget: QWidget, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """The contents' minimum width (plus room for the scroll bar); any height, since it scrolls."""
        inner = self.widget().minimumSizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), 80)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        inner = self.widget().sizeHint()
        return QSize(max(inner.width(), self.minimumSizeHint().width()), inner.height())
