"""`EarlyStopping`: stop training when a monitored quantity has stopped improving."""

from __future__ import annotations

import math
import operator

from engine.callbacks.callback import Callback
from engine.callbacks.monitor import check_mode, missing_monitor_warning, monitor_op


class EarlyStopping(Callback):
    """Stops `fit` after `patience` epochs without an improvement of more than `min_delta`.

    Args (Keras 3's, with its defaults):
        monitor: the log key to watch, e.g. 'val_loss' or 'val_accuracy'.
        min_delta: a change smaller than this does not count as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a line when it stops and when it restores weights.
        mode: 'min', 'max', or 'auto' (inferred from the name: losses go down, accuracy up).
        baseline: training stops unless the quantity beats this within `patience` epochs.
        restore_best_weights: put back the weights of the best epoch when training ends.
        start_from_epoch: epochs of warm-up before watching starts.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.min_delta = baseline, abs(min_delta)
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.mode = check_mode("EarlyStopping", mode)
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best_weights = None
        self.monitor_op = None
        self.best = math.inf

    def _set_monitor_op(self) -> None:
        self.monitor_op = monitor_op("EarlyStopping", self.model, self.monitor, self.mode)
        if self.monitor_op is operator.lt:
            self.min_delta *= -1  # improvement means going below best − |min_delta|
        self.best = math.inf if self.monitor_op is operator.lt else -math.inf

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            missing_monitor_warning("Early stopping", self.monitor, logs or {})
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing stored yet: the current weights are the best so far.
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only a result that also beats the baseline restarts the count.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        return (logs or {}).get(self.monitor)

    def _is_improvement(self, value: float, reference: float) -> bool:
        return bool(self.monitor_op(value - self.min_delta, reference))
