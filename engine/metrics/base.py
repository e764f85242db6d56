"""Metric base classes: Keras 3's state API and its running (weighted) mean.

A metric accumulates over an epoch: `update_state(y_true, y_pred, sample_weight)` per batch,
`result()` for the value so far, `reset_state()` between epochs. Mean metrics reduce each sample to
one number first (the mean over its non-batch axes), so `count` is the number of samples seen (or
the sum of their weights), as in Keras.
"""

from __future__ import annotations

import numpy as np

from engine import backend
from engine.losses.base import align, as_float


class Metric:
    """Base class: a name for the logs, a dtype, and the state methods subclasses implement."""

    name = "metric"

    def __init__(self, name: str | None = None, dtype=None) -> None:
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.dtype = dtype or backend.floatx()
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Update with one batch and return the result, like calling a Keras metric."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def samplewise(values: np.ndarray, sample_weight) -> tuple[np.ndarray, np.ndarray | None]:
    """Keras' reduce_to_samplewise_values with a mean: values and weights as one number per sample.

    values: (batch, …); sample_weight: None, scalar, (batch,) or (batch, …). Returns values of
    shape (batch,) already multiplied by their weight, and the weights of shape (batch,) (or None).
    """
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        # Squeeze or expand a trailing 1 so the ranks agree, then reduce values to w's rank.
        if values.ndim == w.ndim + 1 and values.shape[-1] == 1:
            values = values.reshape(values.shape[:-1])
        elif w.ndim == values.ndim + 1 and w.shape[-1] == 1:
            w = w.reshape(w.shape[:-1])
        if values.ndim > w.ndim:
            values = values.mean(axis=tuple(range(w.ndim, values.ndim)))
        w = np.broadcast_to(w, values.shape)
        values = values * w
        if w.ndim > 1:
            w = w.mean(axis=tuple(range(1, w.ndim)))
        sample_weight = w
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Mean(Metric):
    """The weighted mean of the values given to `update_state(values, sample_weight)`."""

    def __init__(self, name: str = "mean", dtype=None) -> None:
        super().__init__(name, dtype)

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def update_values(self, values, sample_weight=None) -> None:
        values, weights = samplewise(values, sample_weight)
        self.total += float(values.sum())
        if weights is not None:
            self.count += float(weights.sum())
        else:
            self.count += values.shape[0] if values.ndim else 1

    def update_state(self, values, sample_weight=None) -> None:  # noqa: D102 - Keras' signature
        self.update_values(values, sample_weight)

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """A mean over samples of `values(y_true, y_pred)`; subclasses define `values`."""

    def __init__(self, name: str | None = None, dtype=None) -> None:
        super().__init__(name or type(self).name, dtype)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """Per-sample (or per-element) values, leading axis the batch."""
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self.update_values(self.values(np.asarray(y_true), np.asarray(y_pred)), sample_weight)


class LossMetric(MeanMetricWrapper):
    """The mean over samples of a loss's per-sample values (unreduced), e.g. metrics=['mae']."""

    loss_class: type | None = None

    def loss(self):
        return self.loss_class(reduction=None)

    def values(self, y_true, y_pred):
        return self.loss()(y_true, as_float(y_pred))


def aligned(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """y_true reshaped like Keras' squeeze_or_expand_to_same_rank against y_pred."""
    return align(np.asarray(y_true), np.asarray(y_pred))
