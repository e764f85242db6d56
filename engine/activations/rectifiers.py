"""Rectifiers: ReLU and its leaky, capped and exponential variants, and softplus, its smooth form."""

from __future__ import annotations

import numpy as np

from engine.activations.base import ActivationFunction


class ReLU(ActivationFunction):
    """max(x, 0); Keras' options clip at `max_value`, zero below `threshold` or leak below it."""

    name = "relu"

    def __init__(self, negative_slope: float = 0.0, max_value: float | None = None,
                 threshold: float = 0.0) -> None:
        self.negative_slope, self.max_value, self.threshold = negative_slope, max_value, threshold
        # The plain ReLU's derivative is readable from y; the variants need x.
        self.needs_input = bool(negative_slope or threshold or max_value is not None)

    def forward(self, x, inplace=False):
        if not self.needs_input:
            return np.maximum(x, 0, out=x if inplace else None)
        y = np.where(x > self.threshold, x, 0).astype(x.dtype, copy=False)
        if self.max_value is not None:
            np.clip(y, 0, self.max_value, out=y)
        if self.negative_slope:
            y += self.negative_slope * np.minimum(x - self.threshold, 0)
        return y

    def backward(self, x, y, grad):
        if not self.needs_input:
            return grad * (y > 0)
        slope = (x > self.threshold).astype(grad.dtype)
        if self.max_value is not None:
            slope *= (x > 0) & (x < self.max_value)
        if self.negative_slope:
            slope += self.negative_slope * (x < self.threshold)
        return grad * slope

    def get_config(self):
        return {"negative_slope": self.negative_slope, "max_value": self.max_value,
                "threshold": self.threshold}


class LeakyReLU(ActivationFunction):
    """max(x, negative_slope·x); Keras' function defaults to 0.2 (the layer to 0.3)."""

    name = "leaky_relu"
    needs_input = True

    def __init__(self, negative_slope: float = 0.2) -> None:
        self.negative_slope = negative_slope

    def forward(self, x, inplace=False):
        return np.maximum(x, self.negative_slope * x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * np.where(x >= self.negative_slope * x, 1, self.negative_slope).astype(grad.dtype)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


class ReLU6(ActivationFunction):
    name = "relu6"

    def forward(self, x, inplace=False):
        return np.clip(x, 0, 6, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * ((y > 0) & (y < 6))


class ELU(ActivationFunction):
    """x for x ≥ 0, alpha·(exp(x) − 1) below."""

    name = "elu"
    needs_input = True

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def forward(self, x, inplace=False):
        return np.where(x >= 0, x, self.alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        return grad * np.where(x > 0, 1, self.alpha * np.exp(np.minimum(x, 0))).astype(grad.dtype)

    def get_config(self):
        return {"alpha": self.alpha}


class SELU(ELU):
    """scale·elu(x, alpha) with the self-normalising constants of Klambauer et al."""

    name = "selu"
    ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

    def __init__(self) -> None:
        super().__init__(self.ALPHA)

    def forward(self, x, inplace=False):
        return (self.SCALE * super().forward(x)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        return self.SCALE * super().backward(x, y, grad)

    def get_config(self):
        return {}


class Softplus(ActivationFunction):
    """log(1 + exp(x)), computed without overflow; its derivative sigmoid(x) = 1 − exp(−y)."""

    name = "softplus"

    def forward(self, x, inplace=False):
        return np.logaddexp(x, 0, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * -np.expm1(-y)
