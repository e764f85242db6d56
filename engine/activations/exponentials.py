"""exp and its normalised forms over an axis: softmax and log_softmax."""

from __future__ import annotations

import numpy as np

from engine.activations.base import ActivationFunction


class Exponential(ActivationFunction):
    name = "exponential"

    def forward(self, x, inplace=False):
        return np.exp(x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * y


class Softmax(ActivationFunction):
    """Softmax over `axis` (an int or a tuple), shifted by the maximum so exp never overflows."""

    name = "softmax"

    def __init__(self, axis: int | tuple[int, ...] = -1) -> None:
        self.axis = tuple(axis) if isinstance(axis, list | tuple) else axis

    def forward(self, x, inplace=False):
        out = np.subtract(x, x.max(axis=self.axis, keepdims=True), out=x if inplace else None)
        np.exp(out, out=out)
        out /= out.sum(axis=self.axis, keepdims=True)
        return out

    def backward(self, x, y, grad):
        return y * (grad - (grad * y).sum(axis=self.axis, keepdims=True))

    def get_config(self):
        return {"axis": self.axis}


class LogSoftmax(Softmax):
    """x − logsumexp(x) over `axis`; its Jacobian uses softmax = exp(y)."""

    name = "log_softmax"

    def forward(self, x, inplace=False):
        out = np.subtract(x, x.max(axis=self.axis, keepdims=True), out=x if inplace else None)
        out -= np.log(np.exp(out).sum(axis=self.axis, keepdims=True))
        return out

    def backward(self, x, y, grad):
        return grad - np.exp(y) * grad.sum(axis=self.axis, keepdims=True)
