"""The runs of this session: name, settings and final figures; a check box shows or hides a run's
curves, so two runs can be compared on the same plots."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from gui.controllers.training_run import TrainingRun

NUMBER_ROLE = Qt.ItemDataRole.UserRole


class RunList(QTreeWidget):
    visibilityChanged = Signal(int, bool)  # run number, shown

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("runList")
        self.setHeaderLabels(["Run", "Settings", "Epochs", "Final figures"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setToolTip("Every training run of this session. Tick runs to overlay their curves.")
        header = self.header()
        for column in (0, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setColumnWidth(1, 340)  # long data set names are cut; the tooltip has them whole
        self._items: dict[int, QTreeWidgetItem] = {}
        self.itemChanged.connect(self._on_item_changed)

    def add_run(self, run: TrainingRun) -> None:
        item = QTreeWidgetItem([run.name, run.settings, "0", ""])
        item.setData(0, NUMBER_ROLE, run.number)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setForeground(0, QBrush(QColor(run.colors[0])))
        item.setCheckState(0, Qt.CheckState.Checked if run.visible else Qt.CheckState.Unchecked)
        self._items[run.number] = item
        self.addTopLevelItem(item)
        self.scrollToItem(item)

    def update_run(self, run: TrainingRun, state: str = "") -> None:
        item = self._items.get(run.number)
        if item is None:
            return
        self.blockSignals(True)  # text changes are not the user ticking a box
        item.setText(2, str(run.epochs_done))
        text = run.final_text() + (f" ({state})" if state else "")
        item.setText(3, text)
        item.setToolTip(3, text)
        item.setToolTip(1, run.settings)
        self.blockSignals(False)

    def set_checked(self, number: int, checked: bool) -> None:
        """Tick or untick a run as the user would: the curves follow through visibilityChanged."""
        item = self._items.get(number)
        if item is not None:
            item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def is_checked(self, number: int) -> bool:
        item = self._items.get(number)
        return item is not None and item.checkState(0) == Qt.CheckState.Checked

    def item_for(self, number: int) -> QTreeWidgetItem | None:
        return self._items.get(number)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self.visibilityChanged.emit(item.data(0, NUMBER_ROLE),
                                        item.checkState(0) == Qt.CheckState.Checked)
