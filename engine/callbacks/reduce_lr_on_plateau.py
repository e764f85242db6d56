"""`ReduceLROnPlateau`: lower the learning rate when a monitored quantity stops improving."""

from __future__ import annotations

import math
import warnings

import numpy as np

from engine.callbacks.callback import Callback
from engine.callbacks.monitor import missing_monitor_warning


class ReduceLROnPlateau(Callback):
    """After `patience` epochs without improvement, learning_rate ← max(lr·factor, min_lr).

    Args (Keras 3's, with its defaults): monitor='val_loss', factor=0.1, patience=10, verbose=0,
    mode='auto' ('acc' in the name means higher is better), min_delta=1e-4, cooldown=0 (epochs to
    wait after a reduction), min_lr=0. Each epoch's logs get the rate in use as 'learning_rate'.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0, **kwargs) -> None:
        super().__init__()
        if "epsilon" in kwargs:  # Keras 2's name for min_delta
            min_delta = kwargs.pop("epsilon")
            warnings.warn("`epsilon` argument is deprecated and will be removed, use `min_delta` "
                          "instead.", DeprecationWarning, stacklevel=2)
        if kwargs:
            raise TypeError(f"Unrecognized arguments for ReduceLROnPlateau: {kwargs}")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.monitor, self.factor, self.min_lr = monitor, factor, min_lr
        self.min_delta, self.patience, self.verbose = min_delta, patience, verbose
        self.cooldown, self.cooldown_counter = cooldown, 0
        self.wait, self.best, self.mode = 0, 0.0, mode
        self.monitor_op = None
        self._reset()

    def _reset(self) -> None:
        if self.mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {self.mode} is unknown, fallback to auto "
                          "mode.", stacklevel=2)
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = math.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -math.inf
        self.cooldown_counter, self.wait = 0, 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            missing_monitor_warning("Learning rate reduction", self.monitor, logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0
