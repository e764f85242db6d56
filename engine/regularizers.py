"""Weight penalties added to the loss: L1, L2 and L1L2, with Keras' default factors."""

from __future__ import annotations

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


@_registry.register("L1L2", "l1_l2")
class L1L2(Regularizer):
    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        for key, value in (("l1", l1), ("l2", l2)):
            if value < 0:
                raise ValueError(f"{key} must be non-negative. Received: {key}={value}")
        self.l1, self.l2 = float(l1), float(l2)

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
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


@_registry.register("L2", "l2")
class L2(L1L2):
    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

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
