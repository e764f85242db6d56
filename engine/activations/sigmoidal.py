"""Bounded S-shaped curves: sigmoid, hard sigmoid, tanh and softsign."""

from __future__ import annotations

import numpy as np

from engine.activations.base import ActivationFunction


class Sigmoid(ActivationFunction):
    name = "sigmoid"

    def forward(self, x, inplace=False):
        out = x if inplace else np.empty_like(x)
        with np.errstate(over="ignore"):
            np.negative(x, out=out)
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def backward(self, x, y, grad):
        return grad * y * (1 - y)


class HardSigmoid(ActivationFunction):
    """Keras 3's relu6(x + 3) / 6: 0 below −3, 1 above 3, linear between."""

    name = "hard_sigmoid"

    def forward(self, x, inplace=False):
        out = np.add(x, 3, out=x if inplace else None)
        np.clip(out, 0, 6, out=out)
        out /= 6
        return out

    def backward(self, x, y, grad):
        return grad * (((y > 0) & (y < 1)) / 6)


class Tanh(ActivationFunction):
    name = "tanh"

    def forward(self, x, inplace=False):
        return np.tanh(x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * (1 - y * y)


class Softsign(ActivationFunction):
    """x / (1 + |x|); its derivative 1/(1 + |x|)² equals (1 − |y|)²."""

    name = "softsign"

    def forward(self, x, inplace=False):
        return np.divide(x, 1 + np.abs(x), out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * np.square(1 - np.abs(y))
