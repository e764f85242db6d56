"""Per-batch values and their exponential moving average, recovered from Keras' running means.

Keras reports, after each batch, the mean over the epoch so far: a curve that flattens as the epoch
goes on and restarts at every epoch. What a learner wants to see is how the latest batches do. The
engine's logs do not carry the batch value, but the difference of two running totals is exactly it:

    batch value = (mean_k · seen_k − mean_(k−1) · seen_(k−1)) / (seen_k − seen_(k−1))

This sees every batch (the worker only throttles what it emits), so the average is the same however
often the GUI is told.
"""

from __future__ import annotations

import math

from engine.metrics.base import Mean


def smoothing_span(steps_per_epoch: int) -> float:
    """The EMA's span in batches: a tenth of an epoch (within 8…100), so curves look equally calm
    on 5,000 or 60,000 samples while still following the first, steep batches."""
    return min(100.0, max(8.0, steps_per_epoch / 10))


class BatchSmoother:
    """Turns each batch's running-mean logs into the EMA of the per-batch values.

    Keys that are not sample means (the loss and Mean metrics are; AUC, precision are not) pass
    through as their running value.
    """

    def __init__(self, batch_size: int, train_samples: int, mean_keys: set[str]) -> None:
        self.batch_size, self.train_samples = batch_size, train_samples
        self.mean_keys = {"loss", *mean_keys}
        self.averages: dict[str, float] = {}
        self.alpha = 1.0
        self._decay = 1.0  # (1 − alpha) to the number of updates so far
        self._totals: dict[str, float] = {}
        self._seen = 0

    @staticmethod
    def mean_keys_of(model) -> set[str]:
        return {m.name for m in getattr(model, "compiled_metrics", []) if isinstance(m, Mean)}

    def start_epoch(self, steps: int) -> None:
        self._totals, self._seen = {}, 0
        self.alpha = 2.0 / (smoothing_span(steps) + 1.0)

    def update(self, batch: int, logs: dict, out: dict[str, list]) -> None:
        """Appends to out[key] the smoothed value of every key after batch `batch` (0-based within
        its epoch). Runs after every batch, so it is kept lean."""
        seen = min((batch + 1) * self.batch_size, self.train_samples)
        added, alpha = seen - self._seen, self.alpha
        self._seen = seen
        # Bias correction (as Adam's): the average starts at zero, so early values are scaled up.
        self._decay *= 1.0 - alpha
        correction = 1.0 - self._decay
        totals, averages, mean_keys = self._totals, self.averages, self.mean_keys
        for key, running in logs.items():
            series = out.get(key)
            if series is None:
                series = out[key] = []
            if key not in mean_keys or added <= 0:
                series.append(float(running))
                continue
            total = running * seen
            value = (total - totals.get(key, 0.0)) / added
            totals[key] = total
            average = averages.get(key, 0.0)
            average = average + alpha * (value - average) if math.isfinite(average) else value
            averages[key] = average
            series.append(average / correction)
