"""Hinge losses for ±1 (or 0/1, converted) targets and their categorical variant."""

from __future__ import annotations

import numpy as np

from engine.losses.base import Loss, per_element


def signed_labels(y_true: np.ndarray) -> np.ndarray:
    """Keras converts a batch of 0/1 labels to −1/+1; anything else is used as it is."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


class Hinge(Loss):
    """mean(max(1 − y·ŷ, 0)) over the last axis."""

    name = "hinge"

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return np.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        y = signed_labels(y_true)
        return -y * (1.0 - y * y_pred > 0) * y_pred.dtype.type(per_element(y_pred))


class SquaredHinge(Loss):
    """mean(max(1 − y·ŷ, 0)²) over the last axis."""

    name = "squared_hinge"

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return np.square(np.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0)).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        y = signed_labels(y_true)
        margin = np.maximum(1.0 - y * y_pred, 0.0)
        return -2.0 * y * margin * y_pred.dtype.type(per_element(y_pred))


class CategoricalHinge(Loss):
    """max(neg − pos + 1, 0) with pos = Σ y·ŷ and neg = max((1 − y)·ŷ); y one-hot."""

    name = "categorical_hinge"

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        pos = (y_true * y_pred).sum(axis=-1)
        neg = ((1.0 - y_true) * y_pred).max(axis=-1)
        return np.maximum(neg - pos + 1.0, 0.0)

    def grad_per_sample(self, y_true, y_pred):
        others = (1.0 - y_true) * y_pred
        grad = -y_true.copy()
        rival = others.argmax(axis=-1)[..., None]
        np.put_along_axis(grad, rival, np.take_along_axis(grad + (1.0 - y_true), rival, -1), -1)
        active = self.call(y_true, y_pred) > 0
        return grad * active[..., None]
