"""Self-gated activations x·g(x): GELU, SiLU (swish), hard SiLU and Mish."""

from __future__ import annotations

import math

import numpy as np

from engine.activations.base import ActivationFunction, _sigmoid, erf


class GELU(ActivationFunction):
    """x·Φ(x) with Φ the normal CDF (exact erf form by default, as Keras 3), or its tanh estimate."""

    name = "gelu"
    needs_input = True
    _C = math.sqrt(2 / math.pi)

    def __init__(self, approximate: bool = False) -> None:
        self.approximate = approximate

    def _cdf(self, x):
        if self.approximate:
            return 0.5 * (1 + np.tanh(self._C * (x + 0.044715 * x**3)))
        return 0.5 * (1 + erf(x / math.sqrt(2)))

    def forward(self, x, inplace=False):
        return (x * self._cdf(x)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        if self.approximate:  # the derivative of the tanh estimate itself
            t = 2 * self._cdf(x) - 1
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * self._C * (1 + 0.134145 * x * x))
        # erf is the slow part, so read Φ(x) back from y = x·Φ(x); near 0 use Φ ≈ ½ + x·φ(0).
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        small = np.abs(x) < 1e-4
        cdf = np.where(small, 0.5 + x / math.sqrt(2 * math.pi), y / np.where(small, 1, x))
        return grad * (cdf + x * pdf)

    def get_config(self):
        return {"approximate": self.approximate}


class SiLU(ActivationFunction):
    """x·sigmoid(x), also called swish."""

    name = "silu"
    needs_input = True

    def forward(self, x, inplace=False):
        return (x * _sigmoid(x)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        s = _sigmoid(x)
        return grad * (s * (1 + x * (1 - s)))


class HardSiLU(ActivationFunction):
    """x·hard_sigmoid(x)."""

    name = "hard_silu"
    needs_input = True

    def forward(self, x, inplace=False):
        return (x * (np.clip(x + 3, 0, 6) / 6)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        inside = (x > -3) & (x < 3)
        return grad * np.where(inside, (2 * x + 3) / 6, (x >= 3).astype(grad.dtype))


class Mish(ActivationFunction):
    """x·tanh(softplus(x))."""

    name = "mish"
    needs_input = True

    def forward(self, x, inplace=False):
        return (x * np.tanh(np.logaddexp(x, 0))).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        t = np.tanh(np.logaddexp(x, 0))
        return grad * (t + x * (1 - t * t) * _sigmoid(x))
