"""`TerminateOnNaN`: stop training as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math

from engine.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Checks the running loss after every batch; `raise_error=True` raises instead of stopping."""

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               "Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
