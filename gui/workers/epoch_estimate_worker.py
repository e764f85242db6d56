"""Measures how long the current model takes per training batch on this machine, on a worker thread.

The model is built fresh from the builder's specs and trained on random data of the input shape
with the chosen batch size: one warm-up batch (first calls allocate), then batches until about a
second has passed (at least two, at most twenty). The time per epoch is that time per batch ×
steps per epoch. Validation and the epoch-end test pass are not counted.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from gui import session
from gui.stack.layer_spec import LayerSpec
from gui.workers.thread_exit import join_thread

_MIN_BATCHES, _MAX_BATCHES, _BUDGET_S = 2, 20, 1.0


def random_batch(input_shape: tuple, output_units: int, batch_size: int, sparse: bool,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs in 0..1 like scaled pixels; labels as indices or one-hot rows, as the loss reads them."""
    rng = np.random.default_rng(seed)
    x = rng.random((batch_size, *input_shape), dtype=np.float32)
    labels = rng.integers(0, output_units, batch_size)
    return x, (labels if sparse else np.eye(output_units, dtype=np.float32)[labels])


class EpochEstimateWorker(QObject):
    finished = Signal(float, int)   # (seconds per batch, batches timed)
    failed = Signal(str)

    def __init__(self, specs: list[LayerSpec], input_shape: tuple, compile_args: dict,
                 batch_size: int) -> None:
        super().__init__()
        self.specs, self.input_shape = [s.copy() for s in specs], tuple(input_shape)
        self.compile_args, self.batch_size = compile_args, batch_size
        self._stop = False

    def request_stop(self) -> None:
        self._stop = True

    @Slot()
    def run(self) -> None:
        try:
            with np.errstate(all="ignore"):  # random data may overflow a loss: only time counts
                elapsed, timed = self._time_batches()
        except Exception as exc:  # any failure becomes a message, never a crash
            self.failed.emit(f"Could not time the model: {exc}")
            return
        if not self._stop:
            self.finished.emit(elapsed / max(timed, 1), timed)

    def _time_batches(self) -> tuple[float, int]:
        model = session.build_model(self.specs, self.input_shape, self.compile_args)
        units = int(model.output_shape[-1])
        x, y = random_batch(self.input_shape, units, self.batch_size,
                            "sparse" in str(self.compile_args["loss"]))
        model.train_on_batch(x, y)  # warm-up: weights and buffers are allocated here
        timed, started = 0, time.perf_counter()
        while not self._stop and timed < _MAX_BATCHES and (
                timed < _MIN_BATCHES or time.perf_counter() - started < _BUDGET_S):
            model.train_on_batch(x, y)
            timed += 1
        return time.perf_counter() - started, timed


class EpochEstimator(QObject):
    """Owns the thread; lives in the GUI thread so the worker's results arrive there."""

    estimated = Signal(float, int)  # (seconds per batch, batches timed)
    failed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.thread: QThread | None = None
        self.worker: EpochEstimateWorker | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None

    def start(self, specs: list[LayerSpec], input_shape: tuple, compile_args: dict,
              batch_size: int) -> bool:
        if self.running:
            return False
        self.worker = EpochEstimateWorker(specs, input_shape, compile_args, batch_size)
        self.thread = QThread()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.thread.start()
        return True

    def shutdown(self) -> None:
        """Closing: ask the worker to stop after its batch and wait for it."""
        if self.worker is not None:
            self.worker.request_stop()
        self._end()

    def _end(self) -> None:
        join_thread(self.thread)
        self.thread = self.worker = None

    def _on_finished(self, per_batch: float, batches: int) -> None:
        self._end()
        self.estimated.emit(per_batch, batches)

    def _on_failed(self, message: str) -> None:
        self._end()
        self.failed.emit(message)
