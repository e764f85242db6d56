"""Pen width control for the drawing canvas: a slider and a spin box that stay in step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget

from gui.canvas.draw_canvas import MAX_PEN_WIDTH, MIN_PEN_WIDTH, DrawCanvas

TIP = "Pen width (px on a 280 px canvas); the default gives strokes as thick as MNIST's"


class PenWidthControl(QWidget):
    """“Pen [slider] [spin] px” bound to `canvas`: either control sets the canvas' pen width."""

    def __init__(self, canvas: DrawCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QSpinBox(self, objectName="penWidthSpin", suffix=" px")
        self.slider = QSlider(Qt.Orientation.Horizontal, self, objectName="penWidthSlider")
        for control in (self.spin, self.slider):
            control.setRange(int(MIN_PEN_WIDTH), int(MAX_PEN_WIDTH))
            control.setValue(round(canvas.pen_width()))
            control.setToolTip(TIP)
        self.spin.valueChanged.connect(self.slider.setValue)
        self.slider.valueChanged.connect(self.spin.setValue)
        self.spin.valueChanged.connect(canvas.set_pen_width)
        label = QLabel("Pen &width", self)
        label.setBuddy(self.spin)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
