"""Live summary of the stack: each layer's output shape and parameters, and the totals."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from gui.stack.stack_model import LayerStackModel, _shape_text


class SummaryPanel(QWidget):
    def __init__(self, stack: LayerStackModel, parent=None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("modelSummary")
        self.table.setHorizontalHeaderLabels(["Layer", "Output shape", "Params"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.total = QLabel()
        self.total.setObjectName("summaryTotal")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.total)
        stack.stackChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        specs, checks = self.stack.specs, self.stack.check.layers
        self.table.setRowCount(len(specs) + 1)
        self._set_row(0, "Input", _shape_text((None, *self.stack.input_shape)), "0")
        for row, (spec, check) in enumerate(zip(specs, checks, strict=False), start=1):
            shape = _shape_text(check.output_shape) if check.output_shape else "—"
            self._set_row(row, spec.describe(), shape, f"{check.params:,}")
        total = sum(c.params for c in checks)
        self.total.setText(f"Total parameters: {total:,} ({total * 4 / 1024:,.1f} KB as float32)")

    def _set_row(self, row: int, *cells: str) -> None:
        for col, text in enumerate(cells):
            self.table.setItem(row, col, QTableWidgetItem(text))

    def total_params(self) -> int:
        return sum(c.params for c in self.stack.check.layers)
