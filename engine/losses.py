"""Losses with Keras' names, reductions and clipping, and their gradients.

A loss reduces per-sample values to one number with Keras' default "sum_over_batch_size": the
(sample-weighted) sum divided by the batch size. `gradient(y_true, y_pred)` is the derivative of that
number with respect to `y_pred`. Where the model's last activation matches `fused_activation`,
`gradient_from_logits` skips the activation's Jacobian: softmax + cross-entropy is simply (p − y)/n.
"""

from __future__ import annotations

import numpy as np

from engine import backend
from engine.utils.registry import Registry

_registry = Registry("loss")


class Loss:
    name = "loss"
    fused_activation: str | None = None

    def __init__(self, reduction: str = "sum_over_batch_size", name: str | None = None) -> None:
        if reduction not in ("sum_over_batch_size", "sum", "none", None):
            raise ValueError(f"Invalid reduction. Received: reduction={reduction}")
        self.reduction = reduction
        if name:
            self.name = name

    def call(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """Per-sample losses, shape (batch,)."""
        raise NotImplementedError

    def grad_per_sample(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """d call(…)[i] / d y_pred[i], shape of y_pred."""
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None) -> float | np.ndarray:
        y_pred = np.asarray(y_pred)
        y_true = np.asarray(y_true)
        values = self.call(y_true, y_pred)
        if sample_weight is not None:
            values = values * np.asarray(sample_weight).reshape(values.shape)
        if self.reduction in ("none", None):
            return values
        total = float(values.sum(dtype=np.float64))
        return total if self.reduction == "sum" else total / max(1, values.shape[0])

    def _scale(self, n: int, sample_weight) -> float | np.ndarray:
        scale = 1.0 if self.reduction == "sum" else 1.0 / max(1, n)
        if sample_weight is None:
            return np.float32(scale)
        return (np.asarray(sample_weight, np.float32) * scale).reshape(n, *([1] * 0))

    def _weighted(self, grad: np.ndarray, n: int, sample_weight) -> np.ndarray:
        scale = self._scale(n, sample_weight)
        if isinstance(scale, np.ndarray) and scale.ndim:
            scale = scale.reshape(n, *([1] * (grad.ndim - 1)))
        grad *= scale
        return grad

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        grad = self.grad_per_sample(np.asarray(y_true), y_pred)
        return self._weighted(grad, y_pred.shape[0], sample_weight)

    def gradient_from_logits(self, y_true, probs, sample_weight=None) -> np.ndarray:
        """Gradient with respect to the logits, given the activated output `probs`."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}


@_registry.register("categorical_crossentropy", "CategoricalCrossentropy")
class CategoricalCrossentropy(Loss):
    """-Σ y·log p over the last axis; `y_true` one-hot (batch, classes)."""

    name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction="sum_over_batch_size", name=None) -> None:
        super().__init__(reduction, name)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.fused_activation = "linear" if from_logits else "softmax"

    def _targets(self, y_true, n_classes):
        y = y_true.astype(np.float32, copy=False)
        if self.label_smoothing:
            y = y * (1 - self.label_smoothing) + self.label_smoothing / n_classes
        return y

    def call(self, y_true, y_pred):
        y = self._targets(y_true, y_pred.shape[-1])
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        else:
            # Keras renormalises, then clips to [ε, 1-ε] so log never sees 0.
            p = y_pred / y_pred.sum(axis=-1, keepdims=True)
            log_p = np.log(np.clip(p, backend.epsilon(), 1 - backend.epsilon()))
        return -(y * log_p).sum(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        y = self._targets(y_true, y_pred.shape[-1])
        if self.from_logits:
            return self._softmax(y_pred) * y.sum(-1, keepdims=True) - y
        total = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / total
        eps = backend.epsilon()
        inside = (p > eps) & (p < 1 - eps)
        return (-y / p * inside + (y * inside).sum(-1, keepdims=True)) / total

    @staticmethod
    def _softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def gradient_from_logits(self, y_true, probs, sample_weight=None):
        y = self._targets(np.asarray(y_true), probs.shape[-1])
        return self._weighted(probs - y, probs.shape[0], sample_weight)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


@_registry.register("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer labels, shape (batch,) or (batch, 1)."""

    name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False, ignore_class=None,
                 reduction="sum_over_batch_size", name=None) -> None:
        super().__init__(reduction, name)
        self.from_logits, self.ignore_class = from_logits, ignore_class
        self.fused_activation = "linear" if from_logits else "softmax"

    @staticmethod
    def _labels(y_true, n):
        labels = np.asarray(y_true).reshape(-1).astype(np.intp, copy=False)
        if labels.shape[0] != n:
            raise ValueError(f"Expected {n} integer labels; received y_true of shape "
                             f"{np.shape(y_true)}.")
        return labels

    def call(self, y_true, y_pred):
        rows = np.arange(y_pred.shape[0])
        labels = self._labels(y_true, y_pred.shape[0])
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
            log_z = np.log(np.exp(shifted).sum(axis=-1))
            return log_z - shifted[rows, labels]
        p = y_pred[rows, labels] / y_pred.sum(axis=-1)
        return -np.log(np.clip(p, backend.epsilon(), 1 - backend.epsilon()))

    def grad_per_sample(self, y_true, y_pred):
        one_hot = np.zeros_like(y_pred)
        one_hot[np.arange(y_pred.shape[0]), self._labels(y_true, y_pred.shape[0])] = 1
        return CategoricalCrossentropy(self.from_logits).grad_per_sample(one_hot, y_pred)

    def gradient_from_logits(self, y_true, probs, sample_weight=None):
        grad = probs.copy()
        grad[np.arange(probs.shape[0]), self._labels(y_true, probs.shape[0])] -= 1
        return self._weighted(grad, probs.shape[0], sample_weight)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "ignore_class": self.ignore_class}


@_registry.register("mean_squared_error", "mse", "MeanSquaredError")
class MeanSquaredError(Loss):
    """Mean over the last axis of (y_pred − y_true)²."""

    name = "mean_squared_error"

    def call(self, y_true, y_pred):
        diff = y_pred - y_true.reshape(y_pred.shape)
        return np.square(diff).reshape(diff.shape[0], -1).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        per_sample = y_pred[0].size if y_pred.ndim > 1 else 1
        return (y_pred - y_true.reshape(y_pred.shape)) * np.float32(2.0 / per_sample)


def register(*names: str):
    return _registry.register(*names)


def names() -> list[str]:
    return [n for n in _registry.names() if n[0].islower()]


def get(identifier) -> Loss:
    """From a Keras name, a config dict or a Loss instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        loss = _registry.lookup(identifier)()
        return loss
    if isinstance(identifier, dict) and "class_name" in identifier:
        config = dict(identifier.get("config") or {})
        config.pop("fn", None)
        return _registry.lookup(identifier["class_name"])(**config)
    raise ValueError(
        f"Could not interpret loss: {identifier!r}. Valid losses: {', '.join(names())}."
    )
