"""Mean metrics that reuse a loss's per-sample values: regression errors, cross-entropies, hinges.

metrics=['mae'] reports the running mean of mean_absolute_error over the epoch's samples. Each
class takes (name=<Keras default>, dtype=None) like its Keras namesake.
"""

from __future__ import annotations

import math

import numpy as np

from engine import losses
from engine.losses.base import as_float
from engine.metrics.base import LossMetric, Mean, aligned


class MeanSquaredError(LossMetric):
    """Mean of (y_pred − y_true)²."""

    name = "mean_squared_error"
    loss_class = losses.MeanSquaredError


class MeanAbsoluteError(LossMetric):
    """Mean of |y_pred − y_true|."""

    name = "mean_absolute_error"
    loss_class = losses.MeanAbsoluteError


class MeanAbsolutePercentageError(LossMetric):
    """Mean of 100·|y_true − y_pred|/|y_true|."""

    name = "mean_absolute_percentage_error"
    loss_class = losses.MeanAbsolutePercentageError


class MeanSquaredLogarithmicError(LossMetric):
    """Mean of (log(1 + y_pred) − log(1 + y_true))²."""

    name = "mean_squared_logarithmic_error"
    loss_class = losses.MeanSquaredLogarithmicError


class LogCoshError(LossMetric):
    """Mean of log(cosh(y_pred − y_true))."""

    name = "logcosh"
    loss_class = losses.LogCosh


class KLDivergence(LossMetric):
    """Mean of Σ y·log(y/p)."""

    name = "kl_divergence"
    loss_class = losses.KLDivergence


class Poisson(LossMetric):
    """Mean of p − y·log p."""

    name = "poisson"
    loss_class = losses.Poisson


class Hinge(LossMetric):
    """Mean of max(1 − y·ŷ, 0)."""

    name = "hinge"
    loss_class = losses.Hinge


class SquaredHinge(LossMetric):
    """Mean of max(1 − y·ŷ, 0)²."""

    name = "squared_hinge"
    loss_class = losses.SquaredHinge


class CategoricalHinge(LossMetric):
    """Mean of max(neg − pos + 1, 0)."""

    name = "categorical_hinge"
    loss_class = losses.CategoricalHinge


class RootMeanSquaredError(Mean):
    """√(mean of (y_pred − y_true)²) over everything seen, not a mean of per-batch roots."""

    name = "root_mean_squared_error"

    def __init__(self, name: str = "root_mean_squared_error", dtype=None) -> None:
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_float(y_pred)
        self.update_values(np.square(y_pred - aligned(y_true, y_pred)), sample_weight)

    def result(self) -> float:
        return math.sqrt(super().result())


class CosineSimilarity(LossMetric):
    """Mean of the cosine similarity Σ ŷ_true·ŷ_pred (+1 for aligned vectors, unlike the loss)."""

    name = "cosine_similarity"
    loss_class = losses.CosineSimilarity

    def __init__(self, name: str = "cosine_similarity", dtype=None, axis: int = -1) -> None:
        super().__init__(name, dtype)
        if axis != -1:
            raise ValueError(f"Only axis=-1 is supported. Received: axis={axis}")
        self.axis = axis

    def values(self, y_true, y_pred):
        return -super().values(y_true, y_pred)


class BinaryCrossentropy(LossMetric):
    name = "binary_crossentropy"

    def __init__(self, name: str = "binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0.0) -> None:
        super().__init__(name, dtype)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing

    def loss(self):
        return losses.BinaryCrossentropy(self.from_logits, self.label_smoothing, reduction=None)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(LossMetric):
    name = "categorical_crossentropy"

    def __init__(self, name: str = "categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0.0, axis=-1) -> None:
        super().__init__(name, dtype)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis

    def loss(self):
        return losses.CategoricalCrossentropy(self.from_logits, self.label_smoothing, self.axis,
                                              reduction=None)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(LossMetric):
    name = "sparse_categorical_crossentropy"

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype=None,
                 from_logits=False, ignore_class=None, axis=-1) -> None:
        super().__init__(name, dtype)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def loss(self):
        return losses.SparseCategoricalCrossentropy(self.from_logits, self.ignore_class,
                                                    reduction=None)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
