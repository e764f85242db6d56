"""`LearningRateScheduler`: set the learning rate at the start of every epoch from a function."""

from __future__ import annotations

import numpy as np

from engine.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """`schedule(epoch, lr) -> new_lr` (epoch counted from 0) runs before each epoch; a Keras 2
    style `schedule(epoch)` works too. Each epoch's logs get the rate as 'learning_rate'."""

    def __init__(self, schedule, verbose: int = 0) -> None:
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # the one-argument form of older programs
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, float | np.float32 | np.float64):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {learning_rate}")
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
