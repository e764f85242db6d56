"""The main window: assembles the panels, menus and shortcuts, and routes their signals."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QThread
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui import session
from gui.panels.compile_panel import CompilePanel
from gui.panels.data_panel import DataPanel
from gui.panels.inspector import LayerInspector
from gui.panels.palette import LayerPalette
from gui.panels.predict_panel import PredictPanel
from gui.panels.stack_view import LayerStackView
from gui.panels.summary_panel import SummaryPanel
from gui.panels.training_panel import TrainingPanel
from gui.stack import catalog, commands
from gui.stack.layer_spec import LayerSpec
from gui.stack.stack_model import LayerStackModel

DEFAULT_STACK = [LayerSpec("Flatten"), LayerSpec("Dense", {"units": 64, "activation": "relu"}),
                 LayerSpec("Dense", {"units": 10, "activation": "softmax"})]


class MainWindow(QMainWindow):
    def __init__(self, data_sources=None, pretrained=None) -> None:
        super().__init__()
        self.setWindowTitle("Hornbook")
        self.resize(1360, 820)
        self.undo_stack = QUndoStack(self)
        self.stack = LayerStackModel([s.copy() for s in DEFAULT_STACK], self)
        self.palette_panel = LayerPalette()
        self.stack_view = LayerStackView()
        self.stack_view.setModel(self.stack)
        self.inspector = LayerInspector()
        self.summary = SummaryPanel(self.stack)
        self.compile_panel = CompilePanel()
        self.data_panel = DataPanel(data_sources)
        self.training = TrainingPanel()
        self.predict = PredictPanel()
        self.thread: QThread | None = None
        self.worker = None
        self.model = None
        self._layout()
        self._menus()
        self._connect()
        self.data_panel.load_current()
        self.predict.set_model(pretrained)
        self._update_train_enabled()

    # --- assembly ---------------------------------------------------------------------------
    def _layout(self) -> None:
        builder = QSplitter(Qt.Orientation.Horizontal)
        builder.addWidget(self.stack_view)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.inspector)
        right.addWidget(self.summary)
        builder.addWidget(right)
        builder.setSizes([520, 420])
        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.addTab(builder, "&Model")
        self.tabs.addTab(self.training, "T&raining")
        self.tabs.addTab(self.predict, "&Predict")
        self.setCentralWidget(self.tabs)
        self._dock("Layers", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        side = QWidget()
        column = QVBoxLayout(side)
        column.addWidget(self.data_panel)
        column.addWidget(self.compile_panel)
        column.addStretch(1)
        self._dock("Data and compile", side, Qt.DockWidgetArea.RightDockWidgetArea)
        self.statusBar().showMessage("Ready. Build a model, then press Train (F5).")

    def _dock(self, title: str, widget: QWidget, area) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{widget.objectName() or title}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)

    def _menus(self) -> None:
        edit = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        edit.addActions([undo, redo])
        self.delete_action = QAction("&Delete layer", self, shortcut=QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.addAction(self.delete_action)
        run = self.menuBar().addMenu("&Run")
        self.train_action = QAction("&Train", self, shortcut=QKeySequence("F5"))
        self.stop_action = QAction("&Stop", self, shortcut=QKeySequence("Shift+F5"), enabled=False)
        run.addActions([self.train_action, self.stop_action])
        toolbar = self.addToolBar("Run")
        toolbar.setObjectName("runToolbar")
        toolbar.addActions([self.train_action, self.stop_action])

    def _connect(self) -> None:
        self.palette_panel.addRequested.connect(self.add_layer)
        self.stack.dropRequested.connect(self._on_drop)
        self.stack_view.deleteRequested.connect(self.remove_layers)
        self.stack_view.selectionModel().currentChanged.connect(lambda *_: self._show_selected())
        self.stack.stackChanged.connect(self._on_stack_changed)
        self.inspector.editRequested.connect(self._on_edit)
        self.data_panel.datasetChanged.connect(self._on_dataset)
        self.data_panel.failed.connect(self.show_error)
        self.training.train_button.clicked.connect(self.start_training)
        self.training.stop_button.clicked.connect(self.stop_training)
        self.train_action.triggered.connect(self.start_training)
        self.stop_action.triggered.connect(self.stop_training)

    # --- stack editing ------------------------------------------------------------------------
    def add_layer(self, class_name: str, row: int | None = None) -> None:
        if row is None:
            selected = self.stack_view.selected_rows()
            row = selected[-1] + 1 if selected else len(self.stack.specs)
        self.undo_stack.push(commands.AddLayerCommand(self.stack, row,
                                                      catalog.default_spec(class_name)))
        self.select_row(row)

    def remove_layers(self, rows: list[int]) -> None:
        self.undo_stack.beginMacro("Remove layers" if len(rows) > 1 else "Remove layer")
        for row in sorted(rows, reverse=True):
            self.undo_stack.push(commands.RemoveLayerCommand(self.stack, row))
        self.undo_stack.endMacro()

    def _on_drop(self, payload: dict, row: int) -> None:
        if "add" in payload:
            self.add_layer(payload["add"], row)
        elif payload.get("move_rows"):
            source = payload["move_rows"][0]
            target = row - 1 if row > source else row
            target = max(0, min(target, len(self.stack.specs) - 1))
            if target != source:
                self.undo_stack.push(commands.MoveLayerCommand(self.stack, source, target))
                self.select_row(target)

    def select_row(self, row: int) -> None:
        index = self.stack.index(row)
        self.stack_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _show_selected(self) -> None:
        index = self.stack_view.currentIndex()
        specs = self.stack.specs
        self.inspector.show_spec(specs[index.row()] if index.isValid() and index.row() < len(specs)
                                 else None)

    def _on_edit(self, key: str, value) -> None:
        row = self.stack_view.currentIndex().row()
        if row >= 0:
            self.undo_stack.push(commands.EditLayerCommand(self.stack, row, key, value))

    def _on_stack_changed(self) -> None:
        self._update_train_enabled()
        index = self.stack_view.currentIndex()
        if index.isValid() and self.inspector.spec is not None and \
                self.stack.specs[index.row()].to_dict() != self.inspector.spec.to_dict():
            self._show_selected()

    def _on_dataset(self, data) -> None:
        self.stack.set_data_shape(data.input_shape, data.num_classes)

    # --- training -----------------------------------------------------------------------------
    def _update_train_enabled(self) -> None:
        running = self.thread is not None
        problem = self.stack.check.problem or (None if self.data_panel.dataset else "No data loaded.")
        enabled = not running and problem is None
        for widget in (self.training.train_button, self.train_action):
            widget.setEnabled(enabled)
            widget.setToolTip(problem or ("Training is running." if running else
                                          "Train the model on the chosen data (F5)."))
        self.training.stop_button.setEnabled(running)
        self.stop_action.setEnabled(running)

    def start_training(self) -> None:
        if self.thread is not None or not self.training.train_button.isEnabled():
            return
        data = self.data_panel.dataset
        try:
            model = session.build_model(self.stack.specs, data.input_shape,
                                        self.compile_panel.options())
        except (ValueError, TypeError) as exc:
            self.show_error(f"The model could not be built: {exc}")
            return
        epochs = self.training.epochs.value()
        self.worker = session.make_worker(model, data, epochs=epochs,
                                          batch_size=self.training.batch_size.value(),
                                          validation_split=self.data_panel.validation_split.value())
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.batchEnded.connect(self.training.on_batch)
        self.worker.epochEnded.connect(self.training.on_epoch)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.model = model
        self.training.start(epochs)
        self.tabs.setCurrentWidget(self.training)
        self.thread.start()
        self._update_train_enabled()
        self.statusBar().showMessage(f"Training on {data.name}…")

    def stop_training(self) -> None:
        if self.worker is not None:
            self.worker.request_stop()
            self.statusBar().showMessage("Stopping after this batch…")

    def _end_thread(self) -> None:
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
            self.thread = None
        self.worker = None
        self._update_train_enabled()

    def _on_finished(self, result: dict) -> None:
        self._end_thread()
        test = result.get("test")
        text = "Training stopped." if result.get("stopped") else "Training finished."
        if test:
            text += f" Test loss {test['loss']:.4f}" + (
                f", test accuracy {test['accuracy']:.2%}." if "accuracy" in test else ".")
        self.training.status.setText(self.training.status.text() + "\n" + text)
        self.training.progress.setFormat(text.split(".")[0])
        self.statusBar().showMessage(text)
        self.predict.set_model(self.model, self.data_panel.dataset.class_names)

    def _on_failed(self, message: str) -> None:
        self._end_thread()
        self.training.progress.setFormat("Stopped")
        self.training.status.setText(message)
        self.show_error(message)

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Hornbook", message, parent=self)
        box.setObjectName("errorBox")
        box.open()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.worker is not None:
            self.worker.request_stop()
            self.worker.set_paused(False)
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait(2000)
        super().closeEvent(event)
