"""Regression losses: squared, absolute, percentage, logarithmic, Huber, log-cosh and cosine.

Each is a mean over the last axis (cosine similarity a sum), so a (batch, k) output gives one value
per sample and the derivative carries a factor 1/k.
"""

from __future__ import annotations

import math

import numpy as np

from engine import backend
from engine.losses.base import Loss, per_element


def _k(y_pred: np.ndarray):
    return y_pred.dtype.type(per_element(y_pred))


class MeanSquaredError(Loss):
    """mean((y_pred − y_true)²) over the last axis."""

    name = "mean_squared_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return np.square(y_pred - y_true).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        return (y_pred - y_true) * (2 * _k(y_pred))


class MeanAbsoluteError(Loss):
    """mean(|y_pred − y_true|) over the last axis."""

    name = "mean_absolute_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return np.abs(y_pred - y_true).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        return np.sign(y_pred - y_true) * _k(y_pred)


class MeanAbsolutePercentageError(Loss):
    """100 · mean(|y_true − y_pred| / max(|y_true|, ε)) over the last axis."""

    name = "mean_absolute_percentage_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        scale = np.maximum(np.abs(y_true), backend.epsilon())
        return 100.0 * (np.abs(y_true - y_pred) / scale).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        scale = np.maximum(np.abs(y_true), backend.epsilon())
        return 100.0 * np.sign(y_pred - y_true) / scale * _k(y_pred)


class MeanSquaredLogarithmicError(Loss):
    """mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))²) over the last axis."""

    name = "mean_squared_logarithmic_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(reduction, name, dtype)

    @staticmethod
    def _diff(y_true, y_pred):
        eps = backend.epsilon()
        return np.log(np.maximum(y_pred, eps) + 1.0) - np.log(np.maximum(y_true, eps) + 1.0)

    def call(self, y_true, y_pred):
        return np.square(self._diff(y_true, y_pred)).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        eps = backend.epsilon()
        inside = y_pred > eps
        return 2 * self._diff(y_true, y_pred) / (np.maximum(y_pred, eps) + 1.0) * inside * _k(y_pred)


class Huber(Loss):
    """mean over the last axis of ½e² where |e| ≤ δ, else δ·|e| − ½δ²; e = y_pred − y_true."""

    name = "huber_loss"

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(reduction, name, dtype)
        if delta <= 0:
            raise ValueError(f"`delta` must be positive. Received: delta={delta}")
        self.delta = delta

    def call(self, y_true, y_pred):
        e = y_pred - y_true
        a = np.abs(e)
        d = self.delta
        return np.where(a <= d, 0.5 * e * e, d * a - 0.5 * d * d).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        e = y_pred - y_true
        return np.clip(e, -self.delta, self.delta) * _k(y_pred)

    def get_config(self):
        # Keras 3's config has no delta (so a custom delta is lost there); ours keeps a custom one.
        config = super().get_config()
        return config if self.delta == 1.0 else {**config, "delta": self.delta}


class LogCosh(Loss):
    """mean(log(cosh(y_pred − y_true))) over the last axis, as x + softplus(−2x) − log 2."""

    name = "log_cosh"

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        x = y_pred - y_true
        return (x + np.logaddexp(-2.0 * x, 0.0) - math.log(2.0)).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        return np.tanh(y_pred - y_true) * _k(y_pred)


class CosineSimilarity(Loss):
    """−Σ ŷ_true·ŷ_pred over the last axis, each side divided by max(‖·‖₂, ε): −1 for aligned vectors."""

    name = "cosine_similarity"

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(reduction, name, dtype)
        if axis != -1:
            raise ValueError(f"Only axis=-1 is supported. Received: axis={axis}")
        self.axis = axis

    @staticmethod
    def _norm(x):
        return np.maximum(np.sqrt((x * x).sum(axis=-1, keepdims=True)), backend.epsilon())

    def call(self, y_true, y_pred):
        return -((y_true / self._norm(y_true)) * (y_pred / self._norm(y_pred))).sum(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        a = y_true / self._norm(y_true)
        n = self._norm(y_pred)
        u = y_pred / n
        # Above ε the norm moves with y_pred, which removes the radial part of the gradient.
        radial = ((a * u).sum(axis=-1, keepdims=True) * u) * (n > backend.epsilon())
        return -(a - radial) / n
