"""Optimizers with Keras 3's names, defaults, update rules and configs.

`engine.optimizers.get('adam')`, `engine.optimizers.Adam(...)` and
`engine.optimizers.schedules.ExponentialDecay(...)` work as in Keras. Every optimizer updates the
model's weights as one flat vector; see `engine.optimizers.base`.
"""

from __future__ import annotations

from engine.optimizers import schedules
from engine.optimizers.adagrad import Adadelta, Adagrad
from engine.optimizers.adam import Adam, Adamax, AdamW, Nadam
from engine.optimizers.base import Optimizer
from engine.optimizers.rmsprop import RMSprop
from engine.optimizers.sgd import SGD
from engine.utils.registry import Registry

_registry = Registry("optimizer")

# Keras 3 looks optimizers up by their lower-cased class name; the class name works too.
for _cls in (Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop, SGD):
    _registry.register(_cls.__name__.lower(), _cls.__name__)(_cls)


def register(*names: str):
    """Decorator adding an Optimizer subclass under a snake-case name (first) and aliases."""
    return _registry.register(*names)


def names() -> list[str]:
    """Names for menus: 'adadelta', 'adagrad', 'adam', …, 'sgd'."""
    return [n for n in _registry.names() if n[0].islower()]


def get(identifier) -> Optimizer:
    """From a Keras name ('adam', 'Adam'), a config dict {'class_name', 'config'} or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _registry.lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return deserialize(identifier)
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. "
        f"Valid optimizers: {', '.join(names())}."
    )


def serialize(optimizer: Optimizer) -> dict:
    """Keras 3's serialized form, as stored in a model's training_config."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config: dict) -> Optimizer:
    """An optimizer from {'class_name': …, 'config': {…}} (Keras 2 or Keras 3)."""
    return _registry.lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Nadam", "Optimizer", "RMSprop",
           "deserialize", "get", "names", "register", "schedules", "serialize"]
