"""Notices a run that has gone wrong and says what to try.

Two signs: the loss is NaN or infinite; or the loss has climbed far above where it started.
The second matters because cross-entropy clips probabilities, so a run with a wild learning rate
often never produces NaN — it just sits at a huge, constant loss.
"""

from __future__ import annotations

import inspect
import math

RISE_FACTOR = 3.0       # this many times the reference, …
RISE_MARGIN = 0.5       # … and at least this much above it, counts as diverging


def suggested_learning_rate(optimizer) -> float:
    """The optimizer's Keras default if the current rate is above it, else a tenth of it."""
    current = optimizer.current_learning_rate()
    try:
        default = inspect.signature(type(optimizer).__init__).parameters["learning_rate"].default
    except (KeyError, ValueError):
        default = None
    if isinstance(default, int | float) and default < current:
        return float(default)
    return current / 10


class DivergenceGuard:
    def __init__(self) -> None:
        self.baseline: float | None = None

    @property
    def alarm_level(self) -> float:
        """check() speaks for a loss above this, or not finite (infinite before the first loss):
        one comparison per batch tells whether to ask it now."""
        if self.baseline is None:
            return math.inf
        return max(RISE_FACTOR * self.baseline, self.baseline + RISE_MARGIN)

    def check(self, epoch: int, batch: int, loss: float, optimizer) -> str | None:
        """A message for the user when training should stop, else None. `loss` is the running
        mean of the current epoch, as Keras reports it."""
        if math.isfinite(loss):
            if self.baseline is None:
                # The first batch's loss is the untrained model's: a healthy run only goes down.
                self.baseline = loss
            if not (
                    loss > RISE_FACTOR * self.baseline and loss > self.baseline + RISE_MARGIN):
                return None
            what = f"the loss rose from {self.baseline:.3g} to {loss:.3g}"
        else:
            what = f"the loss became {'NaN' if math.isnan(loss) else 'infinite'}"
        lr = optimizer.current_learning_rate()
        name = type(optimizer).__name__
        return (f"Training diverged at epoch {epoch + 1}, batch {batch + 1}: {what}, so it was "
                f"stopped. A learning rate of {lr:g} is too high for {name}; try "
                f"{suggested_learning_rate(optimizer):g}.")
