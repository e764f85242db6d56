"""Compile options — optimizer and learning rate, loss, metrics — filled from the engine's registries."""

from __future__ import annotations

import inspect

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QWidget,
)

from engine import losses, optimizers

CLASSIFICATION_METRICS = ["accuracy"]


def default_learning_rate(name: str) -> float:
    cls = type(optimizers.get(name))
    return float(inspect.signature(cls.__init__).parameters["learning_rate"].default)


class CompilePanel(QGroupBox):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("Compile", parent)
        self.setObjectName("compilePanel")
        self.optimizer = QComboBox()
        self.optimizer.setObjectName("optimizerCombo")
        self.optimizer.addItems(optimizers.names())
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setObjectName("learningRateSpin")
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(0.0, 1e4)
        self.learning_rate.setSingleStep(0.001)
        self.learning_rate.setToolTip("Step size of each update. Too large diverges; too small crawls.")
        self.loss = QComboBox()
        self.loss.setObjectName("lossCombo")
        self.loss.addItems(losses.names())
        self.metric_boxes = {name: QCheckBox(name) for name in CLASSIFICATION_METRICS}
        metrics_row = QWidget()
        row = QHBoxLayout(metrics_row)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.metric_boxes.values():
            box.setChecked(True)
            row.addWidget(box)
        form = QFormLayout(self)
        form.addRow("&Optimizer", self.optimizer)
        form.addRow("&Learning rate", self.learning_rate)
        form.addRow("L&oss", self.loss)
        form.addRow("Metrics", metrics_row)
        self.optimizer.currentTextChanged.connect(self._optimizer_changed)
        for widget_signal in (self.learning_rate.valueChanged, self.loss.currentTextChanged):
            widget_signal.connect(self.changed)
        self.set_options("sgd", "categorical_crossentropy")

    def _optimizer_changed(self, name: str) -> None:
        self.learning_rate.setValue(default_learning_rate(name))
        self.changed.emit()

    def set_options(self, optimizer: str, loss: str, learning_rate: float | None = None) -> None:
        self.optimizer.setCurrentText(optimizer)
        self._optimizer_changed(optimizer)
        if learning_rate is not None:
            self.learning_rate.setValue(learning_rate)
        self.loss.setCurrentText(loss)

    def options(self) -> dict:
        """Arguments for model.compile(); raises ValueError with the engine's message if refused."""
        lr = self.learning_rate.value()
        if lr <= 0:
            raise ValueError(f"The learning rate must be positive. Received: learning_rate={lr}")
        optimizer = type(optimizers.get(self.optimizer.currentText()))(learning_rate=lr)
        metrics = [name for name, box in self.metric_boxes.items() if box.isChecked()]
        return {"optimizer": optimizer, "loss": self.loss.currentText(), "metrics": metrics}
