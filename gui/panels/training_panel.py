"""Training controls and live curves: epochs, batch size, Train/Stop, progress, loss and accuracy."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

TRAIN_PEN = pg.mkPen("#1f77b4", width=2)
VAL_PEN = pg.mkPen("#ff7f0e", width=2)


class LivePlot(pg.PlotWidget):
    """One metric: the running training value during each epoch, and per-epoch train/val points.

    Curves are created once and fed with setData, so an update costs one redraw.
    """

    def __init__(self, title: str, object_name: str, legend_corner: tuple = (-10, 10)) -> None:
        super().__init__(background="w")
        self.setObjectName(object_name)
        self.setTitle(title, color="#333")
        self.showGrid(x=True, y=True, alpha=0.3)
        self.setLabel("bottom", "epoch")
        self.setMouseEnabled(x=False, y=False)
        self.addLegend(offset=legend_corner)
        self.batch_curve = self.plot(pen=TRAIN_PEN, name="training")
        self.epoch_curve = self.plot(pen=None, symbol="o", symbolBrush="#1f77b4", symbolSize=7)
        self.val_curve = self.plot(pen=VAL_PEN, symbol="o", symbolBrush="#ff7f0e", symbolSize=7,
                                   name="validation")
        self.clear_data()

    def clear_data(self) -> None:
        self.batch_x, self.batch_y = [], []
        self.epoch_x, self.epoch_y, self.val_x, self.val_y = [], [], [], []
        for curve in (self.batch_curve, self.epoch_curve, self.val_curve):
            curve.setData([], [])

    def add_batch(self, x: float, y: float, new_epoch: bool = False) -> None:
        if new_epoch and self.batch_x:
            # The running mean restarts each epoch: break the line instead of drawing a jump.
            self.batch_x.append(x)
            self.batch_y.append(float("nan"))
        self.batch_x.append(x)
        self.batch_y.append(y)
        self.batch_curve.setData(self.batch_x, self.batch_y, connect="finite")

    def add_epoch(self, x: float, train: float | None, val: float | None) -> None:
        if train is not None:
            self.epoch_x.append(x)
            self.epoch_y.append(train)
            self.epoch_curve.setData(self.epoch_x, self.epoch_y)
        if val is not None:
            self.val_x.append(x)
            self.val_y.append(val)
            self.val_curve.setData(self.val_x, self.val_y)

    def point_count(self) -> int:
        finite = sum(1 for y in self.batch_y if y == y)
        return finite + len(self.epoch_x) + len(self.val_x)


class TrainingPanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.epochs = QSpinBox(objectName="epochsSpin", minimum=1, maximum=1000, value=5)
        self.epochs.setToolTip("How many passes over the training data.")
        self.batch_size = QSpinBox(objectName="batchSizeSpin", minimum=1, maximum=8192, value=32)
        self.batch_size.setToolTip("Samples per weight update.")
        self.train_button = QPushButton("▶ &Train")
        self.train_button.setObjectName("trainButton")
        self.stop_button = QPushButton("■ &Stop")
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar(objectName="trainingProgress")
        self.progress.setFormat("Ready")
        self.progress.setValue(0)
        self.status = QLabel("Press Train to start.")
        self.status.setObjectName("trainingStatus")
        self.status.setWordWrap(True)
        self.loss_plot = LivePlot("Loss", "lossPlot")
        self.accuracy_plot = LivePlot("Accuracy", "accuracyPlot", legend_corner=(-10, -30))

        form = QFormLayout()
        form.addRow("&Epochs", self.epochs)
        form.addRow("&Batch size", self.batch_size)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.stop_button)
        controls = QHBoxLayout()
        controls.addLayout(form)
        controls.addLayout(buttons)
        controls.addWidget(self.progress, 1)
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addLayout(plots, 1)
        self._total_epochs = 1
        self._epoch = -1

    def start(self, epochs: int) -> None:
        self._total_epochs = epochs
        self._epoch = -1
        self.loss_plot.clear_data()
        self.accuracy_plot.clear_data()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("Starting…")
        self.status.setText("Training…")

    def on_batch(self, epoch: int, batch: int, steps: int, logs: dict) -> None:
        x = epoch + (batch + 1) / steps
        new_epoch, self._epoch = epoch != self._epoch, epoch
        self.loss_plot.add_batch(x, logs.get("loss", float("nan")), new_epoch)
        if "accuracy" in logs:
            self.accuracy_plot.add_batch(x, logs["accuracy"], new_epoch)
        self.progress.setValue(int(1000 * x / self._total_epochs))
        self.progress.setFormat(f"Epoch {epoch + 1}/{self._total_epochs} · batch {batch + 1}/{steps}")

    def on_epoch(self, epoch: int, logs: dict) -> None:
        x = epoch + 1
        self.loss_plot.add_epoch(x, logs.get("loss"), logs.get("val_loss"))
        self.accuracy_plot.add_epoch(x, logs.get("accuracy"), logs.get("val_accuracy"))
        parts = [f"{k} {v:.4f}" for k, v in sorted(logs.items())]
        self.status.setText(f"Epoch {epoch + 1}: " + ", ".join(parts))
