"""TrainingWorker: runs model.fit on a QThread and reports through signals.

The GUI thread never runs a batch and this worker never touches a widget: it emits plain floats
and dicts, and reads a stop flag that the GUI sets. Progress is throttled so the event loop is never
flooded, but the last batch of every epoch is always reported.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from engine.callbacks import Callback
from gui.workers.divergence import DivergenceGuard

PROGRESS_INTERVAL = 0.05  # seconds between progress signals: 20 updates a second look smooth


class _Bridge(Callback):
    """Engine callback that turns training events into the worker's signals."""

    def __init__(self, worker: TrainingWorker) -> None:
        super().__init__()
        self.worker = worker
        self.epoch = 0
        self.last_emit = 0.0
        self.divergence: str | None = None
        self.guard = DivergenceGuard()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        worker, logs = self.worker, logs or {}
        message = self.guard.check(self.epoch, batch, logs.get("loss", 0.0), self.model.optimizer)
        if message and not self.divergence:
            self.divergence = message
            self.model.stop_training = True
        if worker.stop_requested:
            self.model.stop_training = True
        steps = self.params.get("steps") or 1
        now = time.monotonic()
        if now - self.last_emit >= PROGRESS_INTERVAL or batch + 1 == steps or self.model.stop_training:
            self.last_emit = now
            worker.batchEnded.emit(self.epoch, batch, steps, dict(logs))
        while worker.pause_requested and not worker.stop_requested:
            time.sleep(0.02)

    def on_epoch_end(self, epoch, logs=None):
        self.worker.epochEnded.emit(epoch, {k: float(v) for k, v in (logs or {}).items()})


class TrainingWorker(QObject):
    batchEnded = Signal(int, int, int, dict)  # epoch, batch, steps per epoch, running logs
    epochEnded = Signal(int, dict)            # epoch, epoch logs (with val_ entries)
    finished = Signal(dict)                   # history, plus "test" results when test data given
    failed = Signal(str)                      # a message for the user

    def __init__(self, model, x, y, *, epochs: int, batch_size: int, validation_split: float = 0.0,
                 test_data=None, initial_epoch: int = 0) -> None:
        super().__init__()
        self.model, self.x, self.y = model, x, y
        self.epochs, self.batch_size = epochs, batch_size
        self.validation_split, self.test_data = validation_split, test_data
        self.initial_epoch = initial_epoch
        self._stop = threading.Event()
        self._pause = threading.Event()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def pause_requested(self) -> bool:
        return self._pause.is_set()

    def request_stop(self) -> None:
        """Thread-safe; takes effect at the end of the current batch."""
        self._stop.set()

    def set_paused(self, paused: bool) -> None:
        (self._pause.set if paused else self._pause.clear)()

    @Slot()
    def run(self) -> None:
        bridge = _Bridge(self)
        try:
            history = self.model.fit(self.x, self.y, epochs=self.epochs, batch_size=self.batch_size,
                                     validation_split=self.validation_split, verbose=0,
                                     callbacks=[bridge], initial_epoch=self.initial_epoch)
            if bridge.divergence:
                self.failed.emit(bridge.divergence)
                return
            result = {"history": {k: list(v) for k, v in history.history.items()},
                      "stopped": self.stop_requested}
            if self.test_data is not None and not self.stop_requested:
                result["test"] = self.model.evaluate(*self.test_data, verbose=0, return_dict=True)
            self.finished.emit(result)
        except (ValueError, RuntimeError, TypeError, MemoryError, FloatingPointError) as exc:
            self.failed.emit(f"Training could not run: {exc}")
        except Exception as exc:  # keep the app up whatever the engine raised
            self.failed.emit(f"Training failed unexpectedly ({type(exc).__name__}): {exc}")
