"""A slow load under way (IMDB, CIFAR-10, a big file of the user's): runs it on a worker thread
through a DataLoader and shows a busy bar, the step it is on ("tokenizing the texts"), the time
taken so far, and Cancel. One load at a time: starting another drops the first one's result."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from gui.workers.data_load_worker import DataLoader, Step


class LoadProgressRow(QWidget):
    failed = Signal(str)      # a message for the user
    cancelled = Signal(str)   # the name of the set the user stopped loading
    busy = Signal(str)        # what is being loaded ("" when done), for the status bar

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("loadProgressRow")
        self.loader = DataLoader(self)
        self.loading: str | None = None  # the name of the set being loaded
        self._then: Callable[[object], None] | None = None
        self.title = self.step = ""
        self._started = 0.0
        self.label = QLabel(objectName="loadProgressLabel", wordWrap=True)
        self.bar = QProgressBar(objectName="loadProgress", textVisible=False)
        self.bar.setRange(0, 0)  # how long a step takes is not known: a busy bar
        self.cancel_button = QPushButton("Cancel", objectName="cancelLoadButton")
        self.cancel_button.setToolTip("Stop loading; the data set loaded before stays.")
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.label)
        column.addLayout(row)
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._show)
        self.cancel_button.clicked.connect(self.cancel)
        self.loader.stepStarted.connect(self._on_step)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.setVisible(False)

    def run(self, name: str, title: str, steps: Sequence[Step], then: Callable[[object], None]) -> None:
        """Load `name` by `steps` on a worker thread; `then(result)` in the GUI thread when done."""
        self.loading, self._then = name, then
        self.title, self.step, self._started = title, "", time.monotonic()
        self._show()
        self.setVisible(True)
        self._clock.start()
        self.busy.emit(title)
        self.loader.start(name, steps)

    def stop(self) -> None:
        """Drop the load under way (another set was chosen): its result will not be used."""
        if self.loading is not None:
            self.loader.cancel()
            self._done()

    def cancel(self) -> None:
        """The Cancel button."""
        name = self.loading
        self.stop()
        if name is not None:
            self.cancelled.emit(name)

    def shutdown(self) -> None:
        self.loader.shutdown()
        self._done()

    def _done(self) -> None:
        self.loading = self._then = None
        self._clock.stop()
        self.setVisible(False)
        self.busy.emit("")

    def _on_step(self, what: str) -> None:
        self.step = what
        self._show()

    def _on_loaded(self, result: object) -> None:
        then = self._then
        self._done()
        if then is not None:
            then(result)

    def _on_failed(self, message: str) -> None:
        self._done()
        self.failed.emit(message)

    def _show(self) -> None:
        seconds = int(time.monotonic() - self._started)
        detail = ", ".join(part for part in (self.step, f"{seconds} s" if seconds else "") if part)
        self.label.setText(f"{self.title}\n{detail}" if detail else self.title)
