""""Wrong? It's a …": one button per digit, to keep the current drawing with the right label."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from gui.canvas.model_input import DIGIT_NAMES

ENABLED_TIP = ("Keep this 28×28 image, labelled “{name}”, in your own samples; the Data panel "
               "can add them to the training set")
DISABLED_TIP = "Your own samples are 28×28 digits: draw or open one with a digit model loaded"


class CorrectionRow(QWidget):
    """Digit buttons 0–9 in two rows under “Wrong? It's a …”; emits the chosen class index."""

    labelChosen = Signal(int)  # noqa: N815 (Qt naming for signals)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correctionRow")
        self.title = QLabel("Wrong? It's a …", self)
        grid = QGridLayout()
        grid.setSpacing(2)
        self.buttons: list[QPushButton] = []
        for index, name in enumerate(DIGIT_NAMES):
            button = QPushButton(name, self)
            button.setObjectName(f"correctAs{name}")
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(24)
            button.setToolTip(ENABLED_TIP.format(name=name))
            button.setAccessibleName(f"It's a {name}")
            button.clicked.connect(lambda _=False, i=index: self.labelChosen.emit(i))
            grid.addWidget(button, index // 5, index % 5)
            self.buttons.append(button)
        self.status = QLabel(self)
        self.status.setObjectName("userSamplesStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.status)

    def set_available(self, available: bool) -> None:
        """Buttons on only while there is a digit to keep."""
        for button in self.buttons:
            button.setEnabled(available)
        self.setToolTip("" if available else DISABLED_TIP)

    def show_status(self, text: str) -> None:
        self.status.setText(text)
