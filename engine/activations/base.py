"""The activation contract (`ActivationFunction`), the identity, and the maths helpers others share."""

from __future__ import annotations

import math

import numpy as np

_erf_scalar = np.frompyfunc(math.erf, 1, 1)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, exact to float64 (NumPy has none; speed matters less than accuracy)."""
    x = np.asarray(x)
    return np.asarray(_erf_scalar(x), dtype=np.float64).astype(x.dtype, copy=False)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp of a large negative overflows harmlessly to inf → 0; silence the warning only.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


class ActivationFunction:
    """Base class; subclasses set `name` (Keras') and take Keras' keyword arguments in __init__."""

    name = "linear"
    needs_input = False

    def __call__(self, x: np.ndarray, **kwargs) -> np.ndarray:
        fn = type(self)(**{**self.get_config(), **kwargs}) if kwargs else self
        return fn.forward(np.array(x, dtype=np.result_type(x, np.float32)), inplace=True)

    def forward(self, x: np.ndarray, inplace: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, x: np.ndarray | None, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Linear(ActivationFunction):
    def forward(self, x, inplace=False):
        return x

    def backward(self, x, y, grad):
        return grad
