"""Live summary of the stack: per layer output shape, parameters and multiply-adds; totals, memory,
and a measured time per epoch."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.stack.cost import StackCost, human_bytes, human_count, stack_cost
from gui.stack.stack_model import LayerStackModel, _shape_text
from gui.workers.epoch_estimate_worker import EpochEstimator

MACS_TIP = ("Multiply-adds per sample: Dense in×out, Conv2D kh·kw·c_in·c_out·h_out·w_out, recurrent "
            "layers their gate products per step; activations and normalization one per value; "
            "pooling, reshaping and dropout none.")
MEMORY_TIP = ("Weights: parameters × 4 bytes (float32). Activations: the output values of every layer "
              "for one batch × 4 bytes; training keeps a gradient for each (×2). The optimizer's own "
              "state (Adam keeps two values per weight) is not counted.")


class SummaryPanel(QWidget):
    """`estimateRequested` asks the window for the batch size, data size and compile options; it
    answers with `estimate(...)`."""

    estimateRequested = Signal()

    def __init__(self, stack: LayerStackModel, parent=None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.batch_size = 32
        self.steps_per_epoch: int | None = None
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("modelSummary")
        self.table.setHorizontalHeaderLabels(["Layer", "Output shape", "Params", "Mult-adds"])
        self.table.horizontalHeaderItem(3).setToolTip(MACS_TIP)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.total = QLabel(objectName="summaryTotal", toolTip=MACS_TIP)
        self.memory = QLabel(objectName="summaryMemory", toolTip=MEMORY_TIP, wordWrap=True)
        self.estimate_button = QPushButton("&Estimate time per epoch", objectName="estimateButton")
        self.estimate_button.setToolTip("Times a few training batches of this model on this machine "
                                        "(random data, current batch size) on a background thread.")
        self.estimate_label = QLabel(objectName="epochEstimate", wordWrap=True)
        estimate_row = QHBoxLayout()
        estimate_row.addWidget(self.estimate_button)
        estimate_row.addWidget(self.estimate_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.total)
        layout.addWidget(self.memory)
        layout.addLayout(estimate_row)
        self.estimator = EpochEstimator(self)
        self.estimator.estimated.connect(self._on_estimated)
        self.estimator.failed.connect(self._on_estimate_failed)
        self.estimate_button.clicked.connect(self.estimateRequested)
        stack.stackChanged.connect(self.refresh)
        self.refresh()

    # --- table and totals ---------------------------------------------------------------------
    def cost(self) -> StackCost:
        return stack_cost(self.stack.specs, self.stack.check.layers)

    def refresh(self) -> None:
        specs, checks = self.stack.specs, self.stack.check.layers
        cost = self.cost()
        self.table.setRowCount(len(specs) + 1)
        self._set_row(0, "Input", _shape_text((None, *self.stack.input_shape)), "0", "0")
        for row, (spec, check, macs) in enumerate(zip(specs, checks, cost.macs, strict=False), start=1):
            shape = _shape_text(check.output_shape) if check.output_shape else "—"
            self._set_row(row, f"{spec.name} · {spec.describe()}", shape, f"{check.params:,}",
                          human_count(macs))
        self.total.setText(f"Total parameters: {cost.params:,} · multiply-adds per sample: "
                           f"{human_count(cost.total_macs)} ({cost.total_macs:,})")
        self._show_memory(cost)
        self.estimate_button.setEnabled(self.stack.check.ok and not self.estimator.running)
        if self.estimate_label.text() and not self.estimator.running:
            self.estimate_label.setText("The model changed: press Estimate again.")

    def _show_memory(self, cost: StackCost) -> None:
        b = self.batch_size
        self.memory.setText(
            f"Memory: weights {human_bytes(cost.weight_bytes)} (float32) · activations per batch of "
            f"{b}: {human_bytes(cost.activation_bytes(b, False))} predicting, "
            f"{human_bytes(cost.activation_bytes(b, True))} training (with gradients)")

    def set_batch_size(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self._show_memory(self.cost())

    def _set_row(self, row: int, *cells: str) -> None:
        for col, text in enumerate(cells):
            self.table.setItem(row, col, QTableWidgetItem(text))

    def total_params(self) -> int:
        return sum(c.params for c in self.stack.check.layers)

    # --- time per epoch -----------------------------------------------------------------------
    def estimate(self, compile_args: dict, batch_size: int, steps_per_epoch: int) -> None:
        """Start timing on the worker thread; the answer arrives in estimate_label."""
        if not self.stack.check.ok:
            self.estimate_label.setText(f"Can't time an invalid model: {self.stack.check.problem}")
            return
        self.steps_per_epoch = steps_per_epoch
        if self.estimator.start(self.stack.specs, self.stack.input_shape, compile_args, batch_size):
            self.estimate_button.setEnabled(False)
            self.estimate_label.setText(f"Timing a few batches of {batch_size}…")

    def stop_estimate(self) -> None:
        """Stop a running estimate and wait for its thread (the window is closing)."""
        if self.estimator.running:
            self.estimator.shutdown()
            self.estimate_label.setText("Estimate stopped.")
            self.estimate_button.setEnabled(self.stack.check.ok)

    def _on_estimated(self, per_batch: float, batches: int) -> None:
        steps = self.steps_per_epoch or 0
        seconds = per_batch * steps
        self.estimate_label.setText(
            f"≈ {_duration(seconds)} per epoch ({steps:,} batches × {per_batch * 1000:,.0f} ms, "
            f"measured over {batches} batches on this machine)")
        self.estimate_button.setEnabled(self.stack.check.ok)

    def _on_estimate_failed(self, message: str) -> None:
        self.estimate_label.setText(message)
        self.estimate_button.setEnabled(self.stack.check.ok)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
