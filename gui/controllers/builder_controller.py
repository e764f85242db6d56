"""Keeps the builder's companions in step: compile-panel edits become undo commands, and the Keras
code pane and the summary's memory figures and time estimate follow the stack, the compile
options, the data and the training settings."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject

from gui.stack import commands, keras_code


class BuilderController(QObject):
    """A QObject in the GUI thread: it receives the estimate worker's results and filters the
    window's Close event to stop that worker before the window goes."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.compile_panel = window.compile_panel
        self.compile_panel.apply_edits_directly = False
        self.compile_panel.editRequested.connect(self._on_compile_edit)
        summary, training, data = window.summary, window.training, window.data_panel
        summary.estimateRequested.connect(self.estimate)
        summary.set_batch_size(training.batch_size.value())
        training.batch_size.valueChanged.connect(summary.set_batch_size)
        for signal in (window.stack.stackChanged, self.compile_panel.changed, data.datasetChanged,
                       training.batch_size.valueChanged, training.epochs.valueChanged,
                       data.validation_split.valueChanged):
            signal.connect(self.refresh_code)
        window.code_pane.failed.connect(window.show_error)
        window.code_pane.exported.connect(
            lambda path: window.statusBar().showMessage(f"Exported the Keras program to {path}.", 8000))
        window.installEventFilter(self)
        self.refresh_code()

    def install_menu(self, menu_bar) -> None:
        """Nothing of its own: compile edits show up under Edit → Undo."""

    def _on_compile_edit(self, text: str, state: dict, merge_key) -> None:
        self.window.undo_stack.push(commands.ChangeCompileOptionsCommand(
            self.compile_panel.model, state, text, merge_key))

    def run_settings(self) -> keras_code.RunSettings:
        window, data = self.window, self.window.data_panel.dataset
        return keras_code.RunSettings(
            dataset=data.name if data else None,
            num_classes=window.stack.num_classes or 10,
            batch_size=window.training.batch_size.value(), epochs=window.training.epochs.value(),
            validation_split=round(window.data_panel.validation_split.value(), 4))

    def refresh_code(self, *_args) -> None:
        window = self.window
        text = keras_code.program(window.stack.specs, window.stack.input_shape,
                                  self.compile_panel.model.state, self.run_settings())
        window.code_pane.set_code(text)

    def steps_per_epoch(self, batch_size: int) -> int:
        data = self.window.data_panel.dataset
        if data is None:
            return 0
        n = len(data.x_train)
        train = n - int(n * self.window.data_panel.validation_split.value())
        return math.ceil(train / batch_size)

    def estimate(self) -> None:
        window = self.window
        try:
            compile_args = self.compile_panel.options()
        except ValueError as exc:
            window.summary.estimate_label.setText(f"Can't time it: {exc}")
            return
        batch_size = window.training.batch_size.value()
        window.summary.estimate(compile_args, batch_size, self.steps_per_epoch(batch_size))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.window.summary.stop_estimate()
        return False
