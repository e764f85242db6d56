"""A callback the fit test files share."""

from __future__ import annotations

from engine.callbacks import Callback


class BatchCounter(Callback):
    """Records the index of every training batch that ends, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)
