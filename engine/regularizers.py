"""Weight penalties added to the loss: L1, L2 and L1L2, with Keras' default factors."""

from __future__ import annotations

import math

import numpy as np

from engine.utils.registry import Registry

_registry = Registry("regularizer")


class Regularizer:
    def __call__(self, w: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


def _factor(name: str, value) -> float:
    """Keras' check: a finite, non-negative number."""
    if (not isinstance(value, int | float | np.floating | np.integer) or isinstance(value, bool)
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float. "
                         f"Received: {name}={value}")
    return float(value)


@_registry.register("L1L2", "l1_l2")
class L1L2(Regularizer):
    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _factor("l1", 0.0 if l1 is None else l1)
        self.l2 = _factor("l2", 0.0 if l2 is None else l2)

    def __call__(self, w):
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(w).sum())
        if self.l2:
            total += self.l2 * float(np.square(w).sum())
        return total

    def gradient(self, w):
        grad = np.zeros_like(w)
        if self.l1:
            grad += self.l1 * np.sign(w)
        if self.l2:
            grad += (2 * self.l2) * w
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@_registry.register("L1", "l1")
class L1(L1L2):
    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=0.01 if l1 is None else l1)

    def get_config(self):
        return {"l1": self.l1}


@_registry.register("L2", "l2")
class L2(L1L2):
    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=0.01 if l2 is None else l2)

    def get_config(self):
        return {"l2": self.l2}


def get(identifier) -> Regularizer | None:
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        return _registry.lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return _registry.lookup(identifier["class_name"]).from_config(identifier.get("config", {}))
    raise ValueError(f"Could not interpret regularizer: {identifier!r}")


def serialize(regularizer: Regularizer | None) -> dict | None:
    if regularizer is None:
        return None
    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(), "registered_name": None}
