"""TrainingWorker: runs model.fit on a QThread and reports through signals.

The GUI thread never runs a batch and this worker never touches a widget: it emits plain floats
and dicts, and reads stop and pause flags that the GUI sets. Progress is throttled so the event loop
is never flooded, but the last batch of every epoch is always reported.
"""

from __future__ import annotations

import math
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from engine.callbacks import Callback
from gui.workers.batch_smoothing import BatchSmoother
from gui.workers.divergence import DivergenceGuard
from gui.workers.evaluation_worker import EvaluationCancelledError, evaluate_on

PROGRESS_INTERVAL = 0.05  # seconds between progress signals: 20 updates a second look smooth
PAUSE_POLL = 0.02         # seconds between looks at the pause flag while paused


class _Bridge(Callback):
    """Engine callback that turns training events into the worker's signals.

    After every batch it only checks the guard and the flags and keeps the engine's logs; the
    smoothing and the signal happen at most every PROGRESS_INTERVAL, over the batches kept. Work
    done after each batch runs with cold caches (the batch's arrays evicted them), so it costs
    several times what it would in a tight loop.
    """

    def __init__(self, worker: TrainingWorker) -> None:
        super().__init__()
        self.worker = worker
        self.epoch, self.steps = 0, 1
        self.last_emit = 0.0
        self.divergence: dict | None = None
        self.guard = DivergenceGuard()
        self.smoother: BatchSmoother | None = None
        self.kept: list[tuple[int, dict]] = []  # (batch, running logs) not yet sent

    def on_train_begin(self, logs=None):
        worker = self.worker
        self.smoother = BatchSmoother(worker.batch_size, worker.train_samples,
                                      BatchSmoother.mean_keys_of(self.model))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.steps = self.params.get("steps") or 1
        self.smoother.start_epoch(self.steps)

    def on_train_batch_end(self, batch, logs=None):
        worker, logs, model = self.worker, logs or {}, self.model
        message = self.guard.check(self.epoch, batch, logs.get("loss", 0.0), model.optimizer)
        if message and not self.divergence:
            self.divergence = {"epoch": self.epoch, "batch": batch, "steps": self.steps,
                               "message": message}
            model.stop_training = True
        stopping = worker._stop.is_set()
        if stopping:
            model.stop_training = True
        self.kept.append((batch, logs))  # the engine makes a new logs dict for every batch
        now = time.monotonic()
        # The last batch of an epoch is always sent, so a payload never spans two epochs.
        if now - self.last_emit >= PROGRESS_INTERVAL or batch + 1 == self.steps or model.stop_training:
            self.last_emit = now
            self._send(batch, logs)
        # Pausing blocks right here, between two batches, until Resume or Stop.
        if worker._pause.is_set() and not stopping:
            if self.kept:
                self._send(batch, logs)
            worker.pausedAt.emit(self.epoch, batch)
            while worker.pause_requested and not worker.stop_requested:
                time.sleep(PAUSE_POLL)

    def _send(self, batch: int, logs: dict) -> None:
        points = {"batch": [b for b, _ in self.kept], "values": {}}
        for kept_batch, kept_logs in self.kept:
            self.smoother.update(kept_batch, kept_logs, points["values"])
        self.kept = []
        self.worker.batchEnded.emit(self.epoch, batch, self.steps, dict(logs), points)

    def on_epoch_end(self, epoch, logs=None):
        self.worker.epochEnded.emit(epoch, {k: float(v) for k, v in (logs or {}).items()})


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
        bridge = _Bridge(self)
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
