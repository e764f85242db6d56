"""The data panel's list of data sets: an arrow on those to download first, an info mark on those
a system package provides, and a tooltip on each saying where it is or how to get it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QStyle

from gui.data_sources import DataSource
from gui.panels.download_row import megabytes


class SourceCombo(QComboBox):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetCombo")
        self.setToolTip("Sets marked with an arrow are not on this machine yet: choose one to download "
                        "it. Found: HORNBOOK_DATA_DIR, ~/.keras/datasets, system copies, Hornbook's cache.")
        # Sized for a short name, not the longest: the dock stays narrow; the popup shows them whole.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)

    def add_source(self, source: DataSource) -> None:
        self.addItem(source.name)
        self.mark(self.count() - 1, source)

    def mark(self, index: int, source: DataSource) -> None:
        """Mark entry `index` by whether `source` is on this machine (again after a download)."""
        missing = source.missing_message()
        icon = QStyle.StandardPixmap.SP_ArrowDown if source.downloadable else \
            QStyle.StandardPixmap.SP_MessageBoxInformation
        self.setItemIcon(index, QIcon() if missing is None else self.style().standardIcon(icon))
        size = megabytes(source.download_size)
        tip = source.path or ("On this machine." if missing is None else
                              f"Not on this machine: choose it to download ({size})." if source.downloadable
                              else missing)
        self.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
