"""Data: opens the user's own files and folders, runs downloads on a DownloadWorker thread, and
offers a fix when the model cannot take the chosen data (for a text set: a model that does not
start with an Embedding, or expects another sequence length; an Embedding too small for the
vocabulary is left to its layer card, which has the error and the quick fix).

A QObject living in the GUI thread, so the worker's signals run its slots there.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace

from PySide6.QtCore import QObject, QThread
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from gui.data_sources import DataSource, path_source
from gui.stack import commands, naming
from gui.stack.layer_spec import LayerSpec
from gui.stack.templates import ALL_TEMPLATES
from gui.stack.validation import check_stack
from gui.workers.download_worker import DownloadWorker
from gui.workers.thread_exit import end_thread, join_thread

FILE_FILTER = ("Data files (*.npz *.csv *.csv.gz *.gz *.tar.gz *.tgz *-ubyte);;"
               "Text tables (*.csv *.tsv *.txt);;All files (*)")
EMBEDDING_DIM = 32  # the output_dim the Keras text tutorials start with


def _shape(shape) -> str:
    return "×".join(map(str, shape))


class DataController(QObject):
    def __init__(self, window, timeout: float | None = None) -> None:
        super().__init__(window)
        self.window, self.panel = window, window.data_panel
        self.timeout = timeout  # seconds without a byte before a download gives up (None: engine's)
        self.thread: QThread | None = None
        self.worker: DownloadWorker | None = None
        self._fix = None
        self.open_file_action = QAction("Open data &file…", window, objectName="openDataFileAction")
        self.open_folder_action = QAction("Open data f&older…", window, objectName="openDataFolderAction")
        self.open_file_action.triggered.connect(lambda: self.open_dialog("file"))
        self.open_folder_action.triggered.connect(lambda: self.open_dialog("folder"))
        self.panel.open_button.addActions([self.open_file_action, self.open_folder_action])
        panel = self.panel
        panel.download_row.downloadClicked.connect(self.start_download)
        panel.download_row.cancelClicked.connect(self.cancel_download)
        panel.fix_row.button.clicked.connect(self.apply_fix)
        window.predict.correction.labelChosen.connect(panel.refresh_user_samples)  # a drawing kept
        panel.datasetChanged.connect(self.check_fit)
        panel.busy.connect(self._say_busy)
        panel.textOptionsRequested.connect(self.apply_text_options)
        window.stack.stackChanged.connect(self.check_fit)

    def install_menu(self, menu_bar) -> None:
        menu = menu_bar.addMenu("D&ata")
        menu.addActions([self.open_file_action, self.open_folder_action])

    # --- the user's own data ------------------------------------------------------------------
    def open_dialog(self, kind: str) -> bool:
        if kind == "folder":
            path = QFileDialog.getExistingDirectory(self.window, "Open a data folder")
        else:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open a data file", "", FILE_FILTER)
        return self.open_path(path) if path else False

    def open_path(self, path: str) -> bool:
        """Read `path` with engine.datasets.load_path and choose it; a message on failure, and the
        data loaded before stays."""
        if self._training():
            return False
        ok = self.panel.add_source(path_source(path))
        if ok and self.panel.loading is None:  # else the progress row says what is going on
            self.window.statusBar().showMessage(f"Loaded {os.path.basename(path)}.", 8000)
        return ok

    def apply_text_options(self, options) -> bool:
        """Re-encode the text set (the Tokenizer's Apply); not while a model trains on it."""
        return not self._training() and self.panel.apply_text_options(options)

    def _say_busy(self, message: str) -> None:
        bar = self.window.statusBar()
        if message:
            bar.showMessage(message, 15000)
            bar.repaint()  # painted now: the work that follows keeps the event loop busy
        elif bar.currentMessage().endswith("…"):
            bar.clearMessage()

    def _training(self) -> bool:
        running = getattr(self.window.training_controller, "running", False)
        if running:
            self.window.show_error("Training is running: stop it before changing the data.")
        return running

    # --- downloads ----------------------------------------------------------------------------
    def start_download(self, source: DataSource) -> None:
        if self.thread is not None or source is None:
            return
        self.worker = DownloadWorker(source, self.timeout)
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self.panel.download_row.show_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(self._on_failed)
        self.panel.download_row.started()
        self.thread.start()

    def cancel_download(self) -> None:
        if self.worker is not None:
            self.worker.request_cancel()

    def _end_thread(self) -> None:
        join_thread(self.thread)
        self.thread = self.worker = None

    def _on_finished(self, name: str) -> None:
        self._end_thread()
        self.panel.download_finished(name)
        self.window.statusBar().showMessage(f"Downloaded {name}.", 8000)

    def _on_cancelled(self, message: str) -> None:
        name = self.worker.source.name if self.worker is not None else "The set"
        self._end_thread()
        self.panel.download_row.stopped(f"Downloading {name} was cancelled. The part already fetched is "
                                    "kept: downloading again continues from there.")
        self.window.statusBar().showMessage(message, 8000)

    def _on_failed(self, message: str) -> None:
        self._end_thread()
        self.panel.download_row.stopped(message.split("\n", 1)[0])
        self.window.show_error(message)

    def shutdown(self, timeout_ms: int = 1000) -> None:
        """Window closing: stop a load (at once: see data_load_worker) and a download (within a
        chunk of the connection's timeout)."""
        self.panel.load_row.shutdown()
        if self.worker is not None:
            self.worker.request_cancel()
        end_thread(self.thread, self.worker, timeout_ms)  # detached if a read outlasts the wait

    # --- does the model take this data? -------------------------------------------------------
    def check_fit(self, *_args) -> None:
        """Show the panel's fix row when the model's input or first layer does not fit the data."""
        data, stack = self.panel.dataset, self.window.stack
        self._fix = None
        if data is None:
            self.panel.show_shape_fix(None)
            return
        if data.is_text:
            self._check_text(data, stack)
            return
        wanted, have = tuple(stack.input_shape), tuple(data.input_shape)
        if wanted != have and (None in wanted or math.prod(wanted) != math.prod(have)):
            self._fix = ("input", None)
            self.panel.show_shape_fix(f"This model takes {_shape(wanted)} inputs; {data.name} has "
                                      f"{_shape(have)} samples.", f"Set the model's input to {_shape(have)}")
            return
        first = stack.check.layers[0] if stack.check.layers else None
        if first is None or not first.error:
            self.panel.show_shape_fix(None)
            return
        template = self._template_for(data)
        text = (f"The first layer, {stack.specs[0].name}, can't take {data.name}'s {_shape(have)} "
                f"samples: {first.error}")
        if template is None:
            self.panel.show_shape_fix(text + " See the quick fixes on its card.")
            return
        self._fix = ("template", template)
        self.panel.show_shape_fix(text, f"Load the {template.title} template")

    def _check_text(self, data, stack) -> None:
        """Word indices need an Embedding first; a model made for another sequence length gets the
        texts re-encoded rather than reshaped."""
        wanted, have = tuple(stack.input_shape), tuple(data.input_shape)
        specs = stack.specs
        if wanted != have:
            text_model = bool(specs) and specs[0].class_name == "Embedding"
            if len(wanted) == 1 and wanted[0] and text_model:  # e.g. opened from a file: keep its weights
                self._offer(("maxlen", wanted[0]), f"This model takes texts of {wanted[0]} words; "
                            f"{data.name} is encoded as {have[0]}.", f"Encode the texts as {wanted[0]} words")
            else:
                self._offer(("input", None), f"This model takes {_shape(wanted)} inputs; {data.name} holds "
                            f"texts of {have[0]} word indices.", f"Set the model's input to {have[0]} words")
            return
        if not specs:
            self.panel.show_shape_fix(None)
            return
        first = specs[0]
        if first.class_name != "Embedding":
            self._offer_embedding(data, stack, first)
            return
        # An input_dim below the vocabulary is the Embedding card's error, with its quick fix:
        # said once, where the number is edited.
        self.panel.show_shape_fix(None)

    def _offer_embedding(self, data, stack, first) -> None:
        """Insert an Embedding when the rest of the stack then takes the data; else a text template."""
        embedding = LayerSpec("Embedding", {"input_dim": data.text.vocabulary_size,
                                            "output_dim": EMBEDDING_DIM})
        text = (f"{data.name} holds word indices: a text model starts with an Embedding, which learns "
                f"a vector per word; {first.name} would read the indices as amounts.")
        after = check_stack([embedding, *stack.specs], data.input_shape, stack.num_classes)
        if len(after.layers) > 1 and not after.layers[0].error and not after.layers[1].error:
            self._offer(("embedding", embedding), text,
                        f"Insert Embedding({data.text.vocabulary_size:,}, {EMBEDDING_DIM}) at the top")
            return
        template = self._template_for(data)
        if template is None:
            self.panel.show_shape_fix(text + " Add one from the palette's Core group.")
        else:
            self._offer(("template", template), text, f"Load the {template.title} template")

    def _offer(self, fix: tuple, text: str, button: str) -> None:
        self._fix = fix
        self.panel.show_shape_fix(text, button)

    @staticmethod
    def _template_for(data):
        """A template made for data of this shape: for text, one sized by the text set (any length
        suits it); for images, one of the same sample shape."""
        name = data.name.lower()
        if data.is_text:
            fitting = [t for t in ALL_TEMPLATES if t.for_text]
        else:
            fitting = [t for t in ALL_TEMPLATES if tuple(t.input_shape) == tuple(data.input_shape)
                       and not t.for_text]
        named = [t for t in fitting if name.startswith(t.dataset.lower())]
        return (named or fitting or [None])[0]

    def apply_fix(self) -> None:
        if self._fix is None:
            return
        kind, template = self._fix
        data = self.panel.dataset
        window = self.window
        if kind == "maxlen":
            self.panel.apply_text_options(replace(data.text.options, maxlen=template))
        elif kind == "embedding":
            spec = template.copy()
            spec.config["name"] = naming.unique_name("Embedding", window.stack.names)
            window.undo_stack.push(commands.AddLayerCommand(window.stack, 0, spec, "Insert Embedding"))
            window.statusBar().showMessage("Inserted an Embedding layer at the top. Undo with Ctrl+Z.", 8000)
        elif kind == "input":
            self.window.stack.set_data_shape(data.input_shape, data.num_classes)
            self.window.statusBar().showMessage(
                f"The model's input is now {_shape(data.input_shape)}, the shape of {data.name}.", 8000)
        else:
            self.window.template_controller.load(template)
