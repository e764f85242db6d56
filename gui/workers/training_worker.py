"""TrainingWorker: runs model.fit on a QThread and reports through signals.

The GUI thread never runs a batch and this worker never touches a widget: it emits plain floats
and dicts, and reads stop and pause flags that the GUI sets. Its TrainingBridge (an engine
callback) throttles progress so the event loop is never flooded.
"""

from __future__ import annotations

import math
import threading

from PySide6.QtCore import QObject, Signal, Slot

from gui.workers.evaluation_worker import EvaluationCancelledError, evaluate_on
from gui.workers.training_bridge import TrainingBridge


class TrainingWorker(QObject):
    # Payloads are `object`: PySide passes the Python object as it is (each is fresh, and the
    # worker never touches it again), where `dict` would convert it to a QVariantMap element by
    # element — 90 µs for a few hundred points, even with nobody listening.
    # epoch, batch, steps per epoch, running logs (Keras'), and every batch's smoothed values since
    # the last signal: {"batch": [indices], "values": {key: [values]}}.
    batchEnded = Signal(int, int, int, object, object)
    epochEnded = Signal(int, object)  # epoch, epoch logs (with val_ entries)
    pausedAt = Signal(int, int)       # epoch, batch: the worker now waits
    finished = Signal(object)  # {history, stopped, diverged {epoch, batch, message}, evaluation}
    failed = Signal(str)       # a message for the user

    def __init__(self, model, x, y, *, epochs: int, batch_size: int, validation_split: float = 0.0,
                 test_data=None, initial_epoch: int = 0, callbacks: list | None = None) -> None:
        """test_data: (x, y as the loss takes it), evaluated after a run that ends normally.
        initial_epoch: where the epochs start (Continue). callbacks: more engine callbacks for fit
        (EarlyStopping, …)."""
        super().__init__()
        self.model, self.x, self.y = model, x, y
        self.epochs, self.batch_size = epochs, batch_size
        self.validation_split, self.test_data = validation_split, test_data
        self.initial_epoch = initial_epoch
        self.callbacks = list(callbacks or [])
        self._stop = threading.Event()
        self._pause = threading.Event()

    @property
    def train_samples(self) -> int:
        """Samples fit trains on: Keras holds out the last `validation_split` of them."""
        n = len(self.x)
        return int(math.floor(n * (1.0 - self.validation_split))) if self.validation_split else n

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def pause_requested(self) -> bool:
        return self._pause.is_set()

    def request_stop(self) -> None:
        """Thread-safe; takes effect at the end of the current batch (also while paused)."""
        self._stop.set()

    def set_paused(self, paused: bool) -> None:
        """Thread-safe; the worker waits after the current batch until unpaused or stopped."""
        (self._pause.set if paused else self._pause.clear)()

    @Slot()
    def run(self) -> None:
        bridge = TrainingBridge(self)
        try:
            history = self.model.fit(self.x, self.y, epochs=self.epochs, batch_size=self.batch_size,
                                     validation_split=self.validation_split, verbose=0,
                                     callbacks=[bridge, *self.callbacks],
                                     initial_epoch=self.initial_epoch)
            result = {"history": {k: list(v) for k, v in history.history.items()},
                      "stopped": self.stop_requested, "diverged": bridge.divergence}
            if self.test_data is not None and not (self.stop_requested or bridge.divergence):
                try:
                    result["evaluation"] = evaluate_on(self.model, *self.test_data,
                                                       cancelled=self._stop.is_set)
                    result["test"] = result["evaluation"].metrics
                except EvaluationCancelledError:
                    result["stopped"] = True
            self.finished.emit(result)
        except (ValueError, RuntimeError, TypeError, MemoryError, FloatingPointError) as exc:
            self.failed.emit(f"Training could not run: {exc}")
        except Exception as exc:  # keep the app up whatever the engine raised
            self.failed.emit(f"Training failed unexpectedly ({type(exc).__name__}): {exc}")
