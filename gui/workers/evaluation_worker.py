"""Test-set evaluation off the GUI thread: the loss and metrics (model.evaluate) and each sample's
predicted class and confidence (model.predict), as plain arrays the evaluation view can show.

Predicting 10,000 images takes from a tenth of a second (an MLP) to seconds (a CNN), so it runs in a
worker; both engine loops call back after every batch, which is where a cancel request (the window
closing) is honoured.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from engine.callbacks import Callback
from engine.models import Sequential

BATCH_SIZE = 256


class EvaluationCancelledError(Exception):
    """Raised inside the engine's loop to abandon an evaluation nobody waits for any more."""


class _CancelCheck(Callback):
    def __init__(self, cancelled: Callable[[], bool]) -> None:
        super().__init__()
        self.cancelled = cancelled

    def _check(self, batch, logs=None) -> None:
        if self.cancelled():
            raise EvaluationCancelledError

    on_test_batch_end = on_predict_batch_end = _check


@dataclass
class Evaluation:
    metrics: dict[str, float]   # "loss" and every compiled metric, on the test split
    true: np.ndarray            # (n,) int class indices
    predicted: np.ndarray       # (n,) int, the argmax of the outputs (or output > 0.5 for one unit)
    confidence: np.ndarray      # (n,) float, the output of the predicted class
    num_outputs: int            # the model's output units


def class_indices(y: np.ndarray) -> np.ndarray:
    """(n,) class indices from labels as a loss takes them: indices, (n, 1) indices, or one-hot."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1).astype(np.int64)
    return y.reshape(len(y)).astype(np.int64)


def evaluate_on(model, x: np.ndarray, y: np.ndarray,
                cancelled: Callable[[], bool] = lambda: False) -> Evaluation:
    """x: (n, *input shape); y: the labels as the model's loss takes them."""
    callbacks = [_CancelCheck(cancelled)]
    metrics = model.evaluate(x, y, batch_size=BATCH_SIZE, verbose=0, return_dict=True,
                             callbacks=callbacks)
    outputs = np.asarray(model.predict(x, batch_size=BATCH_SIZE, verbose=0, callbacks=callbacks))
    outputs = outputs.reshape(len(outputs), -1)
    if outputs.shape[1] == 1:  # one sigmoid unit: class 1 above one half
        probability = outputs[:, 0]
        predicted = (probability > 0.5).astype(np.int64)
        confidence = np.where(predicted == 1, probability, 1.0 - probability)
    else:
        predicted = outputs.argmax(axis=1)
        confidence = outputs[np.arange(len(outputs)), predicted]
    return Evaluation({k: float(v) for k, v in metrics.items()}, class_indices(y),
                      predicted.astype(np.int64), confidence.astype(np.float64), outputs.shape[1])


def snapshot(model) -> Sequential:
    """A copy with the same layers, weights and compile settings (a fresh optimizer): so one thread
    can predict with it while another trains or evaluates the original."""
    from engine import metrics as metric_registry

    copy = Sequential.from_config(model.get_config())
    copy.build(model.input_shape)
    copy.set_weights(model.get_weights())
    if getattr(model, "compiled", False) and model.loss is not None:
        specs = [s if isinstance(s, str | dict) else metric_registry.deserialize(
            metric_registry.serialize(s)) for s in getattr(model, "_metric_specs", [])]
        copy.compile(optimizer="sgd", loss=model.loss, metrics=specs)
    return copy


class EvaluationWorker(QObject):
    finished = Signal(object)  # an Evaluation
    failed = Signal(str)       # a message for the user

    def __init__(self, model, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.model, self.x, self.y = model, x, y
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Thread-safe; takes effect after the current batch."""
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        try:
            self.finished.emit(evaluate_on(self.model, self.x, self.y, self._cancel.is_set))
        except EvaluationCancelledError:
            self.failed.emit("Evaluation cancelled.")
        except (ValueError, TypeError, RuntimeError, MemoryError, FloatingPointError) as exc:
            self.failed.emit(f"Evaluation could not run: {exc}")
        except Exception as exc:  # keep the app up whatever the engine raised
            self.failed.emit(f"Evaluation failed unexpectedly ({type(exc).__name__}): {exc}")
