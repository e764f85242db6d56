"""The data panel's note when the model cannot take the chosen data, with a button for the fix
the DataController offers (insert an Embedding, set the model's input, load a template, …)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class ShapeFixRow(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("shapeFixRow")
        self.label = QLabel(objectName="shapeFixLabel", wordWrap=True)
        self.button = QPushButton(objectName="shapeFixButton")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.label)
        column.addWidget(self.button)
        self.setVisible(False)

    def show_fix(self, text: str | None, button: str | None = None) -> None:
        """`text` says what does not fit (None hides the row); `button` names the fix, if any."""
        self.setVisible(bool(text))
        self.label.setText(text or "")
        self.button.setVisible(bool(button))
        self.button.setText(button or "")
