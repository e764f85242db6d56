"""The Loss base class: Keras 3's shape alignment, sample weights, masks, reductions and gradients.

A subclass gives per-sample values `call(y_true, y_pred)` of shape y_pred.shape[:-1] (one value per
row of the last axis) and their elementwise derivative `grad_per_sample`, of y_pred's shape. The base
weights them (sample_weight, and the mask of ignored entries) and reduces them with Keras' rule:
"sum_over_batch_size" (the default) and "mean" divide the weighted sum by the number of values,
"sum" does not divide, "mean_with_sample_weight" divides by the sum of the weights, "none" keeps
them. `gradient` is the derivative of that reduced number with respect to y_pred.

Where the model's last activation equals `fused_activation`, the model calls
`gradient_from_logits(y_true, probs)` instead and skips the activation's Jacobian: softmax +
cross-entropy is (p − y)/n, sigmoid + binary cross-entropy is (p − y)/(n·k).
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def as_float(y_pred) -> np.ndarray:
    """Predictions as a float array: float32/float64 stay as they are, anything else is float32."""
    y_pred = np.asarray(y_pred)
    return y_pred if y_pred.dtype in (np.float32, np.float64) else y_pred.astype(np.float32)


def align(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Keras' squeeze_or_expand_to_same_rank, resolved on y_true: (n,) labels meet (n, 1) outputs."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        return y_true.reshape(y_true.shape[:-1])
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        return y_true.reshape(*y_true.shape, 1)
    return y_true


def broadcast_weights(sample_weight, shape: tuple, dtype) -> np.ndarray:
    """sample_weight (scalar, (batch,), (batch, 1), …) broadcast onto the values' shape, aligned from
    the batch axis (not numpy's trailing rule, which would mix samples with time steps)."""
    w = np.asarray(sample_weight, dtype=dtype)
    while w.ndim > len(shape) and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    if 0 < w.ndim < len(shape):
        w = w.reshape(*w.shape, *([1] * (len(shape) - w.ndim)))
    return np.broadcast_to(w, shape)


class Loss:
    """Base class of all losses; `fused_activation` names the activation its fused gradient spans."""

    name = "loss"
    fused_activation: str | None = None
    align_targets = True  # sparse labels opt out: their rank is one below the predictions'

    def __init__(self, reduction="sum_over_batch_size", name: str | None = None, dtype=None) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(
                "Invalid value for argument `reduction`. Expected one of "
                f"{set(REDUCTIONS)}. Received: reduction={reduction}")
        self.reduction = reduction
        self.name = name or type(self).name
        self.dtype = dtype

    # --- to implement -----------------------------------------------------------------------------
    def call(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """Per-sample losses, shape y_pred.shape[:-1]."""
        raise NotImplementedError

    def grad_per_sample(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """d call(…)[i] / d y_pred[i, :], shape of y_pred."""
        raise NotImplementedError

    def fused_grad_per_sample(self, y_true: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """d call(…)[i] / d logits[i, :] given probs = fused_activation(logits)."""
        raise NotImplementedError(f"{type(self).__name__} has no fused activation gradient.")

    def mask(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray | None:
        """Boolean array of the values' shape marking the entries that count, or None for all."""
        return None

    # --- shared machinery ---------------------------------------------------------------------------
    def prepare(self, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
        y_pred = as_float(y_pred)
        y_true = np.asarray(y_true)
        if self.align_targets:
            y_true = align(y_true, y_pred).astype(y_pred.dtype, copy=False)
        return y_true, y_pred

    def _weights(self, y_true, y_pred, sample_weight) -> tuple[np.ndarray | None, float]:
        """Per-value weights (or None) and the divisor of the reduction."""
        shape = y_pred.shape[:-1]
        size = int(np.prod(shape))
        weights = None
        valid = self.mask(y_true, y_pred)
        if valid is not None:
            weights = valid.astype(y_pred.dtype)
            count = float(weights.sum())
            if self.reduction in ("mean", "sum_over_batch_size"):
                # Ignored entries drop out of the average: divide by the valid count, not all.
                weights *= y_pred.dtype.type(size / count if count else 0.0)
        if sample_weight is not None:
            sw = broadcast_weights(sample_weight, shape, y_pred.dtype)
            weights = sw if weights is None else weights * sw
        if self.reduction in ("sum", "none", None):
            return weights, 1.0
        if self.reduction == "mean_with_sample_weight" and sample_weight is not None:
            return weights, float(weights.sum(dtype=np.float64))
        return weights, float(size)

    def __call__(self, y_true, y_pred, sample_weight=None) -> float | np.ndarray:
        y_true, y_pred = self.prepare(y_true, y_pred)
        values = self.call(y_true, y_pred)
        weights, divisor = self._weights(y_true, y_pred, sample_weight)
        if weights is not None:
            values = values * weights
        if self.reduction in ("none", None):
            return values
        total = float(values.sum(dtype=np.float64))
        return total / divisor if divisor else 0.0

    def _scale(self, grad: np.ndarray, y_true, y_pred, sample_weight) -> np.ndarray:
        weights, divisor = self._weights(y_true, y_pred, sample_weight)
        factor = 1.0 / divisor if divisor else 0.0
        if weights is None:
            grad *= grad.dtype.type(factor)
        else:
            grad *= (weights * grad.dtype.type(factor))[..., None]
        return grad

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        """d loss / d y_pred, shape of y_pred ("none" is differentiated as "sum")."""
        y_true, y_pred = self.prepare(y_true, y_pred)
        return self._scale(self.grad_per_sample(y_true, y_pred), y_true, y_pred, sample_weight)

    def gradient_from_logits(self, y_true, probs, sample_weight=None) -> np.ndarray:
        """d loss / d logits, given probs = fused_activation(logits) (the model's output)."""
        y_true, probs = self.prepare(y_true, probs)
        return self._scale(self.fused_grad_per_sample(y_true, probs), y_true, probs, sample_weight)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused: bool = False):
        """(loss, d loss / d y_pred) in one pass — or d loss / d logits when `fused` — for the
        training step, which needs both and should prepare targets and weights only once."""
        y_true, y_pred = self.prepare(y_true, y_pred)
        weights, divisor = self._weights(y_true, y_pred, sample_weight)
        values = self.call(y_true, y_pred)
        if weights is not None:
            values = values * weights
        total = float(values.sum(dtype=np.float64))
        factor = 1.0 / divisor if divisor else 0.0
        grad = (self.fused_grad_per_sample if fused else self.grad_per_sample)(y_true, y_pred)
        if weights is None:
            grad *= grad.dtype.type(factor)
        else:
            grad *= (weights * grad.dtype.type(factor))[..., None]
        return total * factor if self.reduction not in ("sum", "none", None) else total, grad

    # --- config -------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def mean_last(x: np.ndarray) -> np.ndarray:
    """Mean over the last axis: Keras' per-sample reduction for elementwise losses."""
    return x.mean(axis=-1)


def per_element(y_pred: np.ndarray) -> float:
    """1/k for a mean over the last axis of k elements, as the gradient's factor."""
    return 1.0 / max(1, y_pred.shape[-1])
