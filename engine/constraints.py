"""Weight constraints: projections a weight goes through right after every optimizer step.

MaxNorm, MinMaxNorm, UnitNorm and NonNeg follow Keras 3's formulas, defaults and names. The norm
ones rescale each slice of the weight: with axis=0 a Dense kernel (inputs, units) is rescaled
per unit (column), with axis=[0, 1, 2] a Conv2D kernel (kh, kw, channels, filters) per filter.
The trainer applies them (see Trainer.train_step); a layer only hands them to `add_weight`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from engine import backend
from engine.utils.registry import Registry

_registry = Registry("constraint")


@_registry.register("Constraint", "constraint")
class Constraint:
    """The identity; subclasses return the projected weight, an array of `w`'s shape."""

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)


def _norms(w: np.ndarray, axis) -> np.ndarray:
    """The L2 norm of every slice along `axis`, kept broadcastable against w."""
    # Configs read from JSON give a list; NumPy takes several axes only as a tuple.
    axis = tuple(axis) if isinstance(axis, list | tuple) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


def _rescaled(w: np.ndarray, norms: np.ndarray, desired: np.ndarray) -> np.ndarray:
    # Keras adds epsilon to the norm, not to the ratio: an all-zero slice stays zero, and a slice
    # already within bounds shrinks by a factor norm / (norm + 1e-7).
    return w * (desired / (backend.epsilon() + norms))


@_registry.register("MaxNorm", "max_norm")
class MaxNorm(Constraint):
    """Scale down every slice whose norm exceeds max_value to norm max_value."""

    def __init__(self, max_value: float = 2, axis=0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return _rescaled(w, norms, np.clip(norms, 0, self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@_registry.register("MinMaxNorm", "min_max_norm")
class MinMaxNorm(Constraint):
    """Move every slice's norm towards [min_value, max_value]: to
    `rate·clip(norm, min_value, max_value) + (1 − rate)·norm`, so rate=1 enforces the bounds
    at once and a smaller rate approaches them a step at a time."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis=0) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return _rescaled(w, norms, desired)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


@_registry.register("UnitNorm", "unit_norm")
class UnitNorm(Constraint):
    """Scale every slice to norm 1 (just under: the norm is divided by norm + epsilon)."""

    def __init__(self, axis=0) -> None:
        self.axis = axis

    def __call__(self, w):
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


@_registry.register("NonNeg", "non_neg")
class NonNeg(Constraint):
    """Negative entries become 0."""

    def __call__(self, w):
        return np.maximum(w, 0)


def get(identifier) -> Callable[[np.ndarray], np.ndarray] | None:
    """None, a name ('max_norm', 'MaxNorm'), a Keras config dict, a Constraint (class or
    instance) or any function w -> w, as Keras accepts them."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _registry.lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return _registry.lookup(identifier["class_name"]).from_config(identifier.get("config") or {})
    if inspect.isclass(identifier) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


def serialize(constraint) -> dict | None:
    """Keras 3's {"module", "class_name", "config", "registered_name"}; None for None and for a
    plain function, which has no config to write (saving warns about it: see engine.saving)."""
    if not isinstance(constraint, Constraint):
        return None
    return {"module": "keras.constraints", "class_name": type(constraint).__name__,
            "config": constraint.get_config(), "registered_name": None}


def deserialize(config: dict) -> Constraint:
    return get(config)
