"""Choose the data set and the validation split; shows what was loaded."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel

from engine.datasets import DatasetError
from gui.data_sources import Dataset, DataSource, available_sources


class DataPanel(QGroupBox):
    datasetChanged = Signal(object)  # Dataset
    failed = Signal(str)

    def __init__(self, sources: list[DataSource] | None = None, parent=None) -> None:
        super().__init__("Data", parent)
        self.setObjectName("dataPanel")
        self.sources = sources if sources is not None else available_sources()
        self.combo = QComboBox(objectName="datasetCombo")
        self.combo.addItems([s.name for s in self.sources])
        self.combo.setToolTip("Full data sets appear when found on this machine "
                              "(HORNBOOK_DATA_DIR, ~/.keras/datasets, system copies).")
        self.validation_split = QDoubleSpinBox(objectName="validationSplitSpin")
        self.validation_split.setRange(0.0, 0.5)
        self.validation_split.setSingleStep(0.05)
        self.validation_split.setValue(0.1)
        self.validation_split.setToolTip("Fraction of the training data held out (the last part, "
                                         "as Keras does) to measure validation loss and accuracy.")
        self.counts = QLabel(objectName="dataCounts")
        self.counts.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("&Dataset", self.combo)
        form.addRow("&Validation split", self.validation_split)
        form.addRow(self.counts)
        self.dataset: Dataset | None = None
        self._cache: dict[str, Dataset] = {}
        self.combo.currentIndexChanged.connect(self._load)
        self.validation_split.valueChanged.connect(self._show_counts)

    def load_current(self) -> None:
        self._load(self.combo.currentIndex())

    def _load(self, index: int) -> None:
        source = self.sources[index]
        if source.name not in self._cache:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._cache[source.name] = source.load()
            except (DatasetError, OSError, ValueError) as exc:
                self.failed.emit(f"Could not load {source.name}: {exc}")
                return
            finally:
                QGuiApplication.restoreOverrideCursor()
        self.dataset = self._cache[source.name]
        self._show_counts()
        self.datasetChanged.emit(self.dataset)

    def _show_counts(self) -> None:
        if self.dataset is None:
            return
        n = len(self.dataset.x_train)
        val = int(n * self.validation_split.value())
        shape = "×".join(map(str, self.dataset.input_shape))
        self.counts.setText(f"{n - val:,} training · {val:,} validation · "
                            f"{len(self.dataset.x_test):,} test samples\n"
                            f"images {shape}, {self.dataset.num_classes} classes")
