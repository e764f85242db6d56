"""Choose the data set and the validation split; shows what was loaded — sizes, and the image
preview or, for a text set, the TextDataView — offers a download for sets not on this machine, and
can add the user's own drawn digits to a digit set's training part.

The panel only shows and asks: downloads, file dialogs and model fixes are the DataController's.
A set that takes over a second to load (IMDB, CIFAR-10, a big file of the user's) is read on a
worker thread (gui/workers/data_load_worker) with a progress row; until it is ready `dataset` stays
the set loaded before, and choosing another set drops it. `dataset` is what training gets: the
loaded set, with the user's drawings when “Include my … drawn digits” is on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QToolButton,
    QWidget,
)

from engine.datasets import DatasetError
from gui.data_sources import Dataset, DataSource, available_sources
from gui.panels.download_row import DownloadRow
from gui.panels.load_progress_row import LoadProgressRow
from gui.panels.loaded_data_view import LoadedDataView
from gui.panels.shape_fix_row import ShapeFixRow
from gui.panels.source_combo import SourceCombo
from gui.panels.user_samples_option import UserSamplesOption
from gui.text_data import TextOptions, revectorize
from gui.user_samples import UserSampleStore

SLOW_ENCODING_TEXTS = 10_000  # Fortunes' 2,800 texts re-encode in 0.3 s; IMDB's 50,000 take ~10 s


class DataPanel(QGroupBox):
    datasetChanged = Signal(object)        # Dataset
    failed = Signal(str)
    textOptionsRequested = Signal(object)  # TextOptions: the Tokenizer's Apply (see apply_text_options)
    busy = Signal(str)                     # what a slow load is doing ("" when done), for the status bar

    def __init__(self, sources: list[DataSource] | None = None, parent=None,
                 samples: UserSampleStore | None = None) -> None:
        super().__init__("Data", parent)
        self.setObjectName("dataPanel")
        self.sources = list(sources if sources is not None else available_sources())
        self.loaded: Dataset | None = None   # the set as read
        self.dataset: Dataset | None = None  # what training gets: `loaded`, maybe with the user's digits
        self.text_options = TextOptions()    # for the next text set loaded; Apply changes it
        self._cache: dict[str, Dataset] = {}
        self._loaded = -1
        self._build(samples)
        for source in self.sources:
            self.combo.add_source(source)
        first = next((i for i, s in enumerate(self.sources) if s.available()), 0)
        self.combo.setCurrentIndex(first)
        self.combo.currentIndexChanged.connect(self._select)
        self.validation_split.valueChanged.connect(self._show_counts)
        self.text_view.optionsApplied.connect(self.textOptionsRequested)
        self.samples_option.toggled.connect(self._hand_out)
        self.load_row.failed.connect(self._load_stopped)
        self.load_row.cancelled.connect(lambda name: self._load_stopped(name=name))
        self.load_row.busy.connect(self.busy)

    def _build(self, samples: UserSampleStore | None) -> None:
        self.combo = SourceCombo()
        self.open_button = QToolButton(objectName="openDataButton", text="Open…")
        self.open_button.setToolTip("Open your own data: a Keras .npz, a .csv, IDX files, a CIFAR "
                                    "archive, a folder of images in one subfolder per class; or text: "
                                    "a .csv/.tsv of text and label columns, a folder of .txt files in "
                                    "one subfolder per class.")
        self.open_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.download_row = DownloadRow()
        self.load_row = LoadProgressRow()
        self.validation_split = QDoubleSpinBox(objectName="validationSplitSpin")
        self.validation_split.setRange(0.0, 0.5)
        self.validation_split.setSingleStep(0.05)
        self.validation_split.setValue(0.1)
        self.validation_split.setToolTip("Fraction of the training data held out (the last part, "
                                         "as Keras does) to measure validation loss and accuracy.")
        self.samples_option = UserSamplesOption(samples)
        self.fix_row = ShapeFixRow()
        self.view = LoadedDataView()
        self.counts, self.preview, self.text_view = self.view.counts, self.view.preview, self.view.text_view
        self.grid, self.class_counts = self.preview.grid, self.preview.class_counts
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.open_button)
        form = QFormLayout(self)
        form.addRow("&Dataset", choice)
        form.addRow(self.download_row)
        form.addRow(self.load_row)
        form.addRow("&Validation split", self.validation_split)
        form.addRow(self.samples_option)
        form.addRow(self.fix_row)
        form.addRow(self.view)

    # --- choosing and loading ---------------------------------------------------------------------
    def load_current(self) -> None:
        self._select(self.combo.currentIndex())

    def select_source(self, name: str) -> None:
        self.combo.setCurrentIndex(self.combo.findText(name))

    def add_source(self, source: DataSource) -> bool:
        """Load the user's own data and, when it reads, add it to the list and choose it; on an
        error say why and keep the data loaded before. True when loaded or loading."""
        existing = next((i for i, s in enumerate(self.sources) if s.path and s.path == source.path), -1)
        if existing >= 0:  # opened again: read it afresh, the files may have changed
            source = self.sources[existing]
        if source.loads_slowly():
            self._load_in_background(source, lambda data: self._add_loaded(source, existing, data))
            return True
        dataset = self._read(source)
        return dataset is not None and self._add_loaded(source, existing, dataset)

    def _add_loaded(self, source: DataSource, existing: int, dataset: Dataset) -> bool:
        if existing < 0:
            base, copy = source.name, 1
            while self.combo.findText(source.name) >= 0:
                copy += 1
                source.name = dataset.name = f"{base} ({copy})"
            self.sources.append(source)
            self.combo.add_source(source)
            existing = len(self.sources) - 1
        self._cache[source.name] = dataset
        if self.combo.currentIndex() == existing:
            return self._load(existing)
        self.combo.setCurrentIndex(existing)
        return True

    def _select(self, index: int) -> None:
        if index < 0:
            return
        source = self.sources[index]
        if not source.available():
            if self.download_row.downloading:
                self.failed.emit(f"{self.download_row.pending.name} is downloading; wait for it or "
                                 "cancel it first.")
            else:
                self.download_row.offer(source)
            self._revert()
            return
        self._load(index)

    def _load(self, index: int) -> bool:
        source = self.sources[index]
        if source.name not in self._cache:
            if source.loads_slowly():
                self._load_in_background(source, lambda data: self._cache_and_show(index, data))
                return True
            dataset = self._read(source)
            if dataset is None:
                self._revert()
                return False
            self._cache[source.name] = dataset
        self.load_row.stop()  # a set chosen after a slow one: the slow one's result is not wanted
        self._show_loaded(index, self._cache[source.name])
        return True

    def download_finished(self, name: str) -> None:
        index = self.combo.findText(name)
        self.download_row.withdraw()
        self.combo.mark(index, self.sources[index])
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)  # loads it
        else:
            self._load(index)

    @property
    def loading(self) -> str | None:
        """The name of the set being read on a worker thread, if any."""
        return self.load_row.loading

    def _cache_and_show(self, index: int, dataset: Dataset) -> None:
        self._cache[self.sources[index].name] = dataset
        self._show_loaded(index, dataset)

    def _show_loaded(self, index: int, dataset: Dataset) -> None:
        self._loaded, self.loaded = index, dataset
        if self.download_row.pending is not None and not self.download_row.downloading:
            self.download_row.withdraw()  # another set was chosen: the offer is no longer what is wanted
        self._hand_out()

    def _read(self, source: DataSource) -> Dataset | None:
        """A set that loads in well under a second, read here."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return source.load(self.text_options)
        except (DatasetError, OSError, ValueError, MemoryError) as exc:
            self.failed.emit(f"Could not load {source.name}: {exc}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _load_in_background(self, source: DataSource, then: Callable[[Dataset], None]) -> None:
        what = "Reading and tokenizing" if source.is_text else "Reading"
        self.load_row.run(source.name, f"{what} {source.name}…", source.load_steps(self.text_options), then)

    def _load_stopped(self, message: str | None = None, name: str | None = None) -> None:
        """Failed or cancelled: the combo names the set loaded before again, which stays."""
        self._revert()
        if message:
            self.failed.emit(message)
        elif name is not None and self.dataset is not None:
            self.busy.emit(f"Loading {name} was cancelled; {self.dataset.name} stays.")

    def apply_text_options(self, options: TextOptions) -> bool:
        """Re-encode the loaded text set with `options` (the Tokenizer's Apply); the model's input
        follows through datasetChanged. On an error the set stays as it was."""
        data = self.loaded
        if data is None or not data.is_text:
            return False
        if len(data.text.texts_train) + len(data.text.texts_test) >= SLOW_ENCODING_TEXTS:
            self.load_row.run(data.name, f"Encoding {data.name} with the new Tokenizer options…",
                              [("tokenizing the texts", lambda _: revectorize(data, options))],
                              lambda encoded: self._encoded(options, encoded))
            return True
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            encoded = revectorize(data, options)
        except (ValueError, MemoryError) as exc:
            self.failed.emit(f"Could not encode {data.name}: {exc}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._encoded(options, encoded)
        return True

    def _encoded(self, options: TextOptions, encoded: Dataset) -> None:
        self.text_options = options
        self._cache[encoded.name] = encoded
        self._show_loaded(self._loaded, encoded)

    def _revert(self) -> None:
        """Back to the entry of the loaded set, without reloading it."""
        if 0 <= self._loaded != self.combo.currentIndex():
            blocked = self.combo.blockSignals(True)
            self.combo.setCurrentIndex(self._loaded)
            self.combo.blockSignals(blocked)

    # --- what training gets -----------------------------------------------------------------------
    def refresh_user_samples(self, *_args) -> None:
        """The Predict tab kept a drawing: count again, and hand out the grown set when included."""
        option, was = self.samples_option, self.samples_option.count
        option.refresh(self.loaded)
        if option.isChecked() and (option.count != was or option.problem):
            self._hand_out()

    def _hand_out(self, *_args) -> None:
        """`dataset` from the loaded set (with the user's drawings when included); tell the window."""
        if self.loaded is None:
            return
        data, problem = self.samples_option.apply_to(self.loaded)
        if problem:
            self.failed.emit(problem)
        self.dataset = data
        self.view.show_dataset(data, self.validation_split.value())
        self.datasetChanged.emit(data)

    # --- what was loaded --------------------------------------------------------------------------
    def show_shape_fix(self, text: str | None, button: str | None = None) -> None:
        self.fix_row.show_fix(text, button)

    def _show_counts(self) -> None:
        self.view.show_counts(self.dataset, self.validation_split.value())
