"""Cross-entropies, KL divergence and Poisson, with Keras 3's clipping and label smoothing.

Probabilities are clipped to [ε, 1 − ε] (ε = backend.epsilon() = 1e-7) before any log, as Keras
does, so a confident wrong prediction costs −log ε ≈ 16.1 instead of infinity; the gradient is zero
where the clip is active, the derivative of what is computed.
"""

from __future__ import annotations

import numpy as np

from engine import backend
from engine.losses.base import Loss, per_element


def _check_axis(axis) -> None:
    if isinstance(axis, bool) or axis != -1:
        raise ValueError(f"Only the last axis is supported for the class axis. Received: axis={axis}")


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


class BinaryCrossentropy(Loss):
    """mean over the last axis of −[y·log p + (1 − y)·log(1 − p)]; y_true of y_pred's shape (or (n,)
    against (n, 1)). Label smoothing squeezes y towards ½: y·(1 − s) + s/2."""

    name = "binary_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None) -> None:
        super().__init__(reduction, name, dtype)
        _check_axis(axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.fused_activation = None if from_logits else "sigmoid"

    def _targets(self, y_true):
        s = self.label_smoothing
        return y_true * (1.0 - s) + 0.5 * s if s else y_true

    def call(self, y_true, y_pred):
        y = self._targets(y_true)
        if self.from_logits:
            # max(z, 0) − z·y + log(1 + e^−|z|): the exact, overflow-free form.
            z = y_pred
            return (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean(axis=-1)
        eps = backend.epsilon()
        p = np.clip(y_pred, eps, 1 - eps)
        return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        y = self._targets(y_true)
        k = y_pred.dtype.type(per_element(y_pred))
        if self.from_logits:
            return (sigmoid(y_pred) - y) * k
        eps = backend.epsilon()
        inside = (y_pred > eps) & (y_pred < 1 - eps)
        p = np.clip(y_pred, eps, 1 - eps)
        return (p - y) / (p * (1 - p)) * inside * k

    def fused_grad_per_sample(self, y_true, probs):
        return (probs - self._targets(y_true)) * probs.dtype.type(per_element(probs))

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class CategoricalCrossentropy(Loss):
    """−Σ y·log p over the last axis; y_true one-hot (batch, …, classes). Probabilities are
    renormalised to sum to 1, then clipped. Label smoothing: y·(1 − s) + s/classes."""

    name = "categorical_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy",
                 dtype=None) -> None:
        super().__init__(reduction, name, dtype)
        _check_axis(axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.fused_activation = None if from_logits else "softmax"

    def _targets(self, y_true):
        s = self.label_smoothing
        return y_true * (1.0 - s) + s / y_true.shape[-1] if s else y_true

    def call(self, y_true, y_pred):
        y = self._targets(y_true)
        return -(y * self.log_probs(y_pred)).sum(axis=-1)

    def log_probs(self, y_pred):
        if self.from_logits:
            return log_softmax(y_pred)
        eps = backend.epsilon()
        return np.log(np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), eps, 1 - eps))

    def grad_per_sample(self, y_true, y_pred):
        y = self._targets(y_true)
        if self.from_logits:
            return softmax(y_pred) * y.sum(axis=-1, keepdims=True) - y
        total = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / total
        eps = backend.epsilon()
        y_in = y * ((p > eps) & (p < 1 - eps))
        # Through the renormalisation p = ŷ/Σŷ: dL/dŷ_j = (−y_j/p_j + Σ_c y_c) / Σŷ over unclipped c.
        return (y_in.sum(axis=-1, keepdims=True) - y_in / p) / total

    def fused_grad_per_sample(self, y_true, probs):
        y = self._targets(y_true)
        return probs * y.sum(axis=-1, keepdims=True) - y

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused=False):
        """The training step's common case — softmax output, unweighted, plain targets — in a
        handful of NumPy calls; everything else takes the general path."""
        if not (fused and sample_weight is None and not self.label_smoothing and y_pred.ndim == 2
                and self.reduction == "sum_over_batch_size" and y_pred.dtype == np.float32
                and np.shape(y_true) == y_pred.shape):
            return super().value_and_gradient(y_true, y_pred, sample_weight, fused)
        y = np.asarray(y_true, dtype=np.float32)
        n = y_pred.shape[0]
        eps = backend.epsilon()
        # A softmax output already sums to 1, so Keras' renormalisation changes nothing here.
        log_p = np.maximum(y_pred, eps)
        np.minimum(log_p, 1 - eps, out=log_p)
        np.log(log_p, out=log_p)
        log_p *= y
        loss = -float(log_p.sum(dtype=np.float64)) / n
        grad = y_pred * y.sum(axis=-1, keepdims=True)
        grad -= y
        grad *= np.float32(1.0 / n)
        return loss, grad

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer labels of shape y_pred.shape[:-1] (a trailing 1 is allowed).
    Entries labelled `ignore_class` count as zero and drop out of the average."""

    name = "sparse_categorical_crossentropy"
    align_targets = False

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None) -> None:
        super().__init__(reduction, name, dtype)
        _check_axis(axis)
        self.from_logits, self.ignore_class = from_logits, ignore_class
        self.fused_activation = None if from_logits else "softmax"

    def _labels(self, y_true, y_pred) -> np.ndarray:
        labels = np.asarray(y_true)
        if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
            labels = labels.reshape(labels.shape[:-1])
        if labels.shape != y_pred.shape[:-1]:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape up until the last "
                f"dimension: target.shape={np.shape(y_true)}, output.shape={y_pred.shape}")
        labels = labels.astype(np.intp)
        if self.ignore_class is not None:
            labels = np.where(labels == self.ignore_class, 0, labels)
        if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1]):
            raise ValueError(f"Labels range over {labels.min()}..{labels.max()} but the "
                             f"predictions have {y_pred.shape[-1]} classes.")
        return labels

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused=False):
        """Lean path for the training step's usual case (softmax output, unweighted, no ignored
        class); anything else takes the general path."""
        if not (fused and sample_weight is None and self.ignore_class is None and y_pred.ndim == 2
                and self.reduction == "sum_over_batch_size" and y_pred.dtype == np.float32):
            return super().value_and_gradient(y_true, y_pred, sample_weight, fused)
        labels = self._labels(y_true, y_pred)
        rows = np.arange(y_pred.shape[0])
        n = y_pred.shape[0]
        eps = backend.epsilon()
        picked = np.minimum(np.maximum(y_pred[rows, labels], eps), 1 - eps)
        loss = -float(np.log(picked).sum(dtype=np.float64)) / n
        grad = y_pred.copy()
        grad[rows, labels] -= 1
        grad *= np.float32(1.0 / n)
        return loss, grad

    def _one_hot(self, y_true, y_pred) -> np.ndarray:
        labels = self._labels(y_true, y_pred)
        one_hot = np.zeros_like(y_pred)
        np.put_along_axis(one_hot, labels[..., None], 1, axis=-1)
        return one_hot

    def mask(self, y_true, y_pred):
        if self.ignore_class is None:
            return None
        labels = np.asarray(y_true).reshape(y_pred.shape[:-1])
        return labels != self.ignore_class

    def call(self, y_true, y_pred):
        labels = self._labels(y_true, y_pred)[..., None]
        if self.from_logits:
            values = -np.take_along_axis(log_softmax(y_pred), labels, axis=-1)[..., 0]
        else:
            eps = backend.epsilon()
            p = np.take_along_axis(y_pred, labels, axis=-1)[..., 0] / y_pred.sum(axis=-1)
            values = -np.log(np.clip(p, eps, 1 - eps))
        valid = self.mask(y_true, y_pred)
        return values if valid is None else np.where(valid, values, 0.0).astype(values.dtype)

    def _dense(self) -> CategoricalCrossentropy:
        return CategoricalCrossentropy(from_logits=self.from_logits)

    def grad_per_sample(self, y_true, y_pred):
        return self._dense().grad_per_sample(self._one_hot(y_true, y_pred), y_pred)

    def fused_grad_per_sample(self, y_true, probs):
        return probs - self._one_hot(y_true, probs)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "ignore_class": self.ignore_class}


class KLDivergence(Loss):
    """Σ y·log(y/p) over the last axis, y and p both clipped to [ε, 1]."""

    name = "kl_divergence"

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None) -> None:
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        eps = backend.epsilon()
        y, p = np.clip(y_true, eps, 1), np.clip(y_pred, eps, 1)
        return (y * np.log(y / p)).sum(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        eps = backend.epsilon()
        y = np.clip(y_true, eps, 1)
        inside = (y_pred > eps) & (y_pred < 1)
        return -y / np.clip(y_pred, eps, 1) * inside


class Poisson(Loss):
    """mean over the last axis of p − y·log(p + ε)."""

    name = "poisson"

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None) -> None:
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return (y_pred - y_true * np.log(y_pred + backend.epsilon())).mean(axis=-1)

    def grad_per_sample(self, y_true, y_pred):
        k = y_pred.dtype.type(per_element(y_pred))
        return (1 - y_true / (y_pred + backend.epsilon())) * k
