"""Choose the data set and the validation split; shows what was loaded — sizes, sample images with
their labels, samples per class; for a text set the TextDataView (texts, vocabulary, lengths and
the Tokenizer options) — and offers a download for sets not on this machine.

The panel only shows and asks: downloads, file dialogs and model fixes are the DataController's.
Its `dataset` is always a loaded set and the combo always names it; choosing a set that is not
here brings up the download row instead and leaves the loaded one as it was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QTabWidget,
    QToolButton,
    QWidget,
)

from engine.datasets import DatasetError
from gui.data_sources import Dataset, DataSource, available_sources
from gui.panels.data_preview import ClassCounts, SampleGrid
from gui.panels.text_data_view import TextDataView
from gui.text_data import TextOptions, revectorize


def _megabytes(size: int | None) -> str:
    return f"{size / 1e6:,.0f} MB" if size else "size unknown"


def _row(*widgets) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if isinstance(widget, QLabel | QProgressBar | QComboBox) else 0)
    return row


class DataPanel(QGroupBox):
    datasetChanged = Signal(object)        # Dataset
    failed = Signal(str)
    downloadRequested = Signal(object)     # DataSource
    cancelDownloadRequested = Signal()
    openRequested = Signal(str)            # "file" or "folder"
    shapeFixRequested = Signal()
    textOptionsRequested = Signal(object)  # TextOptions: the Tokenizer's Apply (see apply_text_options)
    busy = Signal(str)                     # what a slow load is doing ("" when done), for the status bar

    def __init__(self, sources: list[DataSource] | None = None, parent=None) -> None:
        super().__init__("Data", parent)
        self.setObjectName("dataPanel")
        self.sources = list(sources if sources is not None else available_sources())
        self.dataset: Dataset | None = None
        self.pending: DataSource | None = None  # a set the user chose that is not on this machine
        self.downloading = False
        self.text_options = TextOptions()  # for the next text set loaded; Apply changes it
        self._cache: dict[str, Dataset] = {}
        self._loaded = -1
        self._build()
        for source in self.sources:
            self._add_item(source)
        first = next((i for i, s in enumerate(self.sources) if s.available()), 0)
        self.combo.setCurrentIndex(first)
        self.combo.currentIndexChanged.connect(self._select)
        self.validation_split.valueChanged.connect(self._show_counts)
        self.download_button.clicked.connect(lambda: self.downloadRequested.emit(self.pending))
        self.cancel_button.clicked.connect(self.cancelDownloadRequested)
        self.fix_button.clicked.connect(self.shapeFixRequested)
        self.text_view.optionsApplied.connect(self.textOptionsRequested)

    def _build(self) -> None:
        self.combo = QComboBox(objectName="datasetCombo")
        self.combo.setToolTip("Sets marked with an arrow are not on this machine yet: choose one to "
                              "download it. Found: HORNBOOK_DATA_DIR, ~/.keras/datasets, system copies, "
                              "Hornbook's cache.")
        self.open_button = QToolButton(objectName="openDataButton", text="Open…")
        self.open_button.setToolTip("Open your own data: a Keras .npz, a .csv, IDX files, a CIFAR "
                                    "archive, a folder of images in one subfolder per class; or text: "
                                    "a .csv/.tsv of text and label columns, a folder of .txt files in "
                                    "one subfolder per class.")
        self.open_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.download_label = QLabel(objectName="downloadLabel", wordWrap=True)
        self.download_button = QPushButton("Download", objectName="downloadButton")
        self.progress = QProgressBar(objectName="downloadProgress", visible=False)
        self.cancel_button = QPushButton("Cancel", objectName="cancelDownloadButton", visible=False)
        self.download_row = QWidget(objectName="downloadRow", visible=False)
        column = QFormLayout(self.download_row)
        column.setContentsMargins(0, 0, 0, 0)
        column.addRow(self.download_label)
        column.addRow(_row(self.progress, self.download_button, self.cancel_button))
        self.validation_split = QDoubleSpinBox(objectName="validationSplitSpin")
        self.validation_split.setRange(0.0, 0.5)
        self.validation_split.setSingleStep(0.05)
        self.validation_split.setValue(0.1)
        self.validation_split.setToolTip("Fraction of the training data held out (the last part, "
                                         "as Keras does) to measure validation loss and accuracy.")
        self.counts = QLabel(objectName="dataCounts", wordWrap=True)
        self.fix_label = QLabel(objectName="shapeFixLabel", wordWrap=True)
        self.fix_button = QPushButton(objectName="shapeFixButton")
        self.fix_row = QWidget(objectName="shapeFixRow", visible=False)
        fix_layout = QFormLayout(self.fix_row)
        fix_layout.setContentsMargins(0, 0, 0, 0)
        fix_layout.addRow(self.fix_label)
        fix_layout.addRow(self.fix_button)
        self.grid = SampleGrid()
        self.class_counts = ClassCounts()
        self.preview = QTabWidget(objectName="dataPreviewTabs")
        self.preview.addTab(self.grid, "Samples")
        self.preview.addTab(self.class_counts, "Classes")
        self.text_view = TextDataView()
        self.text_view.setVisible(False)
        form = QFormLayout(self)
        form.addRow("&Dataset", _row(self.combo, self.open_button))
        form.addRow(self.download_row)
        form.addRow("&Validation split", self.validation_split)
        form.addRow(self.counts)
        form.addRow(self.fix_row)
        form.addRow(self.preview)
        form.addRow(self.text_view)

    def _add_item(self, source: DataSource) -> None:
        self.combo.addItem(source.name)
        self._mark(self.combo.count() - 1)

    def _mark(self, index: int) -> None:
        """An arrow icon and a tooltip on entries that must be downloaded first."""
        source = self.sources[index]
        missing = source.missing_message()
        icon = QStyle.StandardPixmap.SP_ArrowDown if source.downloadable else \
            QStyle.StandardPixmap.SP_MessageBoxInformation
        self.combo.setItemIcon(index, QIcon() if missing is None else self.style().standardIcon(icon))
        size = _megabytes(source.download_size)
        tip = source.path or ("On this machine." if missing is None else
                              f"Not on this machine: choose it to download ({size})." if source.downloadable
                              else missing)
        self.combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

    # --- choosing and loading ---------------------------------------------------------------------
    def load_current(self) -> None:
        self._select(self.combo.currentIndex())

    def select_source(self, name: str) -> None:
        self.combo.setCurrentIndex(self.combo.findText(name))

    def add_source(self, source: DataSource) -> bool:
        """Load the user's own data and, when it reads, add it to the list and choose it; on an
        error say why and keep the data loaded before."""
        existing = next((i for i, s in enumerate(self.sources) if s.path and s.path == source.path), -1)
        if existing >= 0:  # opened again: read it afresh, the files may have changed
            source = self.sources[existing]
        dataset = self._read(source)
        if dataset is None:
            return False
        if existing >= 0:
            self._cache[source.name] = dataset
            if self.combo.currentIndex() == existing:
                return self._load(existing)
            self.combo.setCurrentIndex(existing)
            return True
        base, copy = source.name, 1
        while self.combo.findText(source.name) >= 0:
            copy += 1
            source.name = dataset.name = f"{base} ({copy})"
        self.sources.append(source)
        self._cache[source.name] = dataset
        self._add_item(source)
        self.combo.setCurrentIndex(len(self.sources) - 1)
        return True

    def _select(self, index: int) -> None:
        if index < 0:
            return
        source = self.sources[index]
        if not source.available():
            self._offer_download(source)
            self._revert()
            return
        self._load(index)

    def _load(self, index: int) -> bool:
        source = self.sources[index]
        if source.name not in self._cache:
            dataset = self._read(source)
            if dataset is None:
                self._revert()
                return False
            self._cache[source.name] = dataset
        self._loaded = index
        self.dataset = self._cache[source.name]
        if self.pending is not None and not self.downloading:
            self._hide_download()  # another set was chosen: the offer is no longer what is wanted
        self._show_counts()
        self._show_preview()
        self.datasetChanged.emit(self.dataset)
        return True

    def _read(self, source: DataSource) -> Dataset | None:
        if source.is_text:  # 50,000 reviews take seconds to tokenize: say what is going on
            self._say_busy(f"Reading and tokenizing {source.name}…")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return source.load(self.text_options)
        except (DatasetError, OSError, ValueError, MemoryError) as exc:
            self.failed.emit(f"Could not load {source.name}: {exc}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
            self._show_counts()
            if source.is_text:
                self.busy.emit("")  # done: the status bar may say something else

    def _say_busy(self, message: str) -> None:
        self.busy.emit(message)
        self.counts.setText(message)
        self.counts.repaint()  # painted now: the work that follows keeps the event loop busy

    def apply_text_options(self, options: TextOptions) -> bool:
        """Re-encode the loaded text set with `options` (the Tokenizer's Apply); the model's input
        follows through datasetChanged. On an error the set stays as it was."""
        data = self.dataset
        if data is None or not data.is_text:
            return False
        self._say_busy(f"Encoding {data.name} with the new Tokenizer options…")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            encoded = revectorize(data, options)
        except (ValueError, MemoryError) as exc:
            self.failed.emit(f"Could not encode {data.name}: {exc}")
            self._show_counts()
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.busy.emit("")
        self.text_options = options
        self._cache[data.name] = self.dataset = encoded
        self._show_counts()
        self._show_preview()
        self.datasetChanged.emit(encoded)
        return True

    def _revert(self) -> None:
        """Back to the entry of the loaded set, without reloading it."""
        if 0 <= self._loaded != self.combo.currentIndex():
            blocked = self.combo.blockSignals(True)
            self.combo.setCurrentIndex(self._loaded)
            self.combo.blockSignals(blocked)

    # --- download row -------------------------------------------------------------------------
    def _offer_download(self, source: DataSource) -> None:
        if self.downloading:
            self.failed.emit(f"{self.pending.name} is downloading; wait for it or cancel it first.")
            return
        self.pending = source
        if not source.downloadable:  # a system package: say how to install it
            self.download_label.setText(source.missing_message() or f"{source.name} is not on this machine.")
            self.download_button.setVisible(False)
            self.download_row.setVisible(True)
            return
        self.download_label.setText(f"{source.name} is not on this machine. Download it "
                                    f"({_megabytes(source.download_size)}) into Hornbook's cache?")
        self.download_button.setVisible(True)
        self.download_button.setText("Download")
        self.download_row.setVisible(True)

    def download_started(self) -> None:
        self.downloading = True
        self.download_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)  # busy until the server says the size
        self.download_label.setText(f"Downloading {self.pending.name}…")

    def show_progress(self, done: int, total: int | None) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(done, total) / total))
            self.progress.setFormat(f"%p%  ({done / 1e6:,.1f} of {total / 1e6:,.1f} MB)")
        else:
            self.progress.setRange(0, 0)

    def download_stopped(self, message: str) -> None:
        """Cancelled or failed: the row stays, offering to try again (a partial file resumes)."""
        self.downloading = False
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.download_button.setVisible(True)
        self.download_button.setText("Try again")
        self.download_label.setText(message)

    def download_finished(self, name: str) -> None:
        index = self.combo.findText(name)
        self._hide_download()
        self._mark(index)
        self.combo.setCurrentIndex(index)
        if self._loaded != index:  # it was already the current entry: no change signal
            self._load(index)

    def _hide_download(self) -> None:
        self.pending, self.downloading = None, False
        self.download_row.setVisible(False)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    # --- what was loaded ------------------------------------------------------------------------
    def show_shape_fix(self, text: str | None, button: str | None = None) -> None:
        self.fix_row.setVisible(bool(text))
        self.fix_label.setText(text or "")
        self.fix_button.setVisible(bool(button))
        self.fix_button.setText(button or "")

    def _show_counts(self) -> None:
        if self.dataset is None:
            self.counts.clear()
            return
        data = self.dataset
        n = len(data.x_train)
        val = int(n * self.validation_split.value())
        shape = "×".join(map(str, data.input_shape))
        what = (f"texts as {data.text.maxlen} word indices" if data.is_text
                else f"samples {shape}") + f" ({data.x_train.dtype})"
        self.counts.setText(f"{n - val:,} training · {val:,} validation · {len(data.x_test):,} test "
                            f"samples\n{what}, {data.num_classes} classes")

    def _show_preview(self) -> None:
        """The sample grid for images, the text view for text; only the one shown is filled."""
        data = self.dataset
        self.preview.setVisible(not data.is_text)
        self.text_view.setVisible(data.is_text)
        if data.is_text:
            self.text_view.set_dataset(data)
            return
        self.grid.set_samples(data.x_train, data.y_train, data.class_names)
        self.class_counts.set_counts(data.y_train, data.class_names)
