"""Training: builds the model from the stack, runs the TrainingWorker on a QThread, routes its
signals to the training panel, and hands the trained model to the predict panel."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread
from PySide6.QtGui import QAction, QKeySequence

from gui import session


class TrainingController(QObject):
    """A QObject living in the GUI thread, so the worker's signals reach its slots queued, in the
    GUI thread — a plain Python object would be called directly on the worker thread."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = window.training
        self.thread: QThread | None = None
        self.worker = None
        self.model = None
        self.panel.train_button.clicked.connect(self.start)
        self.panel.stop_button.clicked.connect(self.stop)

    def install_menu(self, menu_bar) -> None:
        run = menu_bar.addMenu("&Run")
        self.train_action = QAction("&Train", self.window, shortcut=QKeySequence("F5"))
        self.stop_action = QAction("&Stop", self.window, shortcut=QKeySequence("Shift+F5"),
                                   enabled=False)
        self.train_action.triggered.connect(self.start)
        self.stop_action.triggered.connect(self.stop)
        run.addActions([self.train_action, self.stop_action])
        toolbar = self.window.addToolBar("Run")
        toolbar.setObjectName("runToolbar")
        toolbar.addActions([self.train_action, self.stop_action])

    @property
    def running(self) -> bool:
        return self.thread is not None

    def update_enabled(self) -> None:
        problem = self.window.stack.check.problem or (
            None if self.window.data_panel.dataset else "No data loaded.")
        enabled = not self.running and problem is None
        for widget in (self.panel.train_button, self.train_action):
            widget.setEnabled(enabled)
            widget.setToolTip(problem or ("Training is running." if self.running else
                                          "Train the model on the chosen data (F5)."))
        self.panel.stop_button.setEnabled(self.running)
        self.stop_action.setEnabled(self.running)

    def start(self) -> None:
        window = self.window
        if self.running or not self.panel.train_button.isEnabled():
            return
        data = window.data_panel.dataset
        epochs = self.panel.epochs.value()
        try:
            # The stack's input shape: the data's, or that of a model the user opened.
            model = session.build_model(window.stack.specs, window.stack.input_shape,
                                        window.compile_panel.options())
            self.worker = session.make_worker(
                model, data, epochs=epochs, batch_size=self.panel.batch_size.value(),
                validation_split=window.data_panel.validation_split.value())
        except (ValueError, TypeError) as exc:
            window.show_error(f"Training can't start: {exc}")
            return
        self.thread = QThread(window)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.batchEnded.connect(self.panel.on_batch)
        self.worker.epochEnded.connect(self.panel.on_epoch)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.model = model
        self.panel.start(epochs)
        window.tabs.setCurrentWidget(self.panel)
        self.thread.start()
        self.update_enabled()
        window.statusBar().showMessage(f"Training on {data.name}…")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.request_stop()
            self.window.statusBar().showMessage("Stopping after this batch…")

    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Window closing: stop the worker and wait for its thread, briefly."""
        if self.worker is not None:
            self.worker.request_stop()
            self.worker.set_paused(False)
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait(timeout_ms)

    def _end_thread(self) -> None:
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
            self.thread = None
        self.worker = None
        self.update_enabled()

    def _on_finished(self, result: dict) -> None:
        self._end_thread()
        test = result.get("test")
        text = "Training stopped." if result.get("stopped") else "Training finished."
        if test:
            text += f" Test loss {test['loss']:.4f}" + (
                f", test accuracy {test['accuracy']:.2%}." if "accuracy" in test else ".")
        self.panel.status.setText(self.panel.status.text() + "\n" + text)
        self.panel.progress.setFormat(text.split(".")[0])
        self.window.statusBar().showMessage(text)
        self.window.predict.set_model(self.model, self.window.data_panel.dataset.class_names)

    def _on_failed(self, message: str) -> None:
        self._end_thread()
        self.panel.progress.setFormat("Stopped")
        self.panel.status.setText(message)
        self.window.show_error(message)
