"""Losses with Keras 3's names, aliases, reductions, clipping and configs, and their gradients.

`engine.losses.get('mse')`, `engine.losses.CategoricalCrossentropy(from_logits=True)` work as in
Keras. See `engine.losses.base` for the reduction rule and the fused activation gradients.
"""

from __future__ import annotations

from engine.losses.base import Loss
from engine.losses.hinge import CategoricalHinge, Hinge, SquaredHinge
from engine.losses.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from engine.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
)
from engine.utils.registry import Registry

_registry = Registry("loss")

# Canonical snake-case name first (Keras' function name), then the class name and Keras' aliases.
_NAMES = {
    BinaryCrossentropy: ("binary_crossentropy", "bce"),
    CategoricalCrossentropy: ("categorical_crossentropy",),
    SparseCategoricalCrossentropy: ("sparse_categorical_crossentropy",),
    KLDivergence: ("kl_divergence", "kld", "kullback_leibler_divergence"),
    Poisson: ("poisson",),
    MeanSquaredError: ("mean_squared_error", "mse"),
    MeanAbsoluteError: ("mean_absolute_error", "mae"),
    MeanAbsolutePercentageError: ("mean_absolute_percentage_error", "mape"),
    MeanSquaredLogarithmicError: ("mean_squared_logarithmic_error", "msle"),
    Huber: ("huber", "huber_loss"),
    LogCosh: ("log_cosh", "logcosh"),
    CosineSimilarity: ("cosine_similarity",),
    Hinge: ("hinge",),
    SquaredHinge: ("squared_hinge",),
    CategoricalHinge: ("categorical_hinge",),
}
for _cls, (_snake, *_aliases) in _NAMES.items():
    _registry.register(_snake, _cls.__name__, *_aliases)(_cls)


def _lookup(name: str) -> type:
    # The registry would pluralise "loss" as "losss"; say it properly here.
    if name not in _registry:
        raise ValueError(f"Unknown loss: '{name}'. Valid losses: {', '.join(names())}.")
    return _registry.lookup(name)


def register(*names: str):
    """Decorator adding a Loss subclass under a snake-case name (first) and aliases."""
    return _registry.register(*names)


def names() -> list[str]:
    """Names for menus: 'binary_crossentropy', 'categorical_crossentropy', …"""
    return [n for n in _registry.names() if n[0].islower()]


def get(identifier) -> Loss:
    """From a Keras name ('mse', 'MSE', 'CategoricalCrossentropy'), a config dict or an instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return deserialize(identifier)
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Valid losses: {', '.join(names())}."
    )


def serialize(loss: Loss) -> dict:
    """Keras 3's serialized form of a Loss object."""
    return {"module": "keras.losses", "class_name": type(loss).__name__,
            "config": loss.get_config(), "registered_name": None}


def deserialize(config: dict) -> Loss:
    """A loss from Keras' serialized forms: a Loss class with its config, a bare function
    ({'class_name': 'function', 'config': 'mse'}) or a LossFunctionWrapper around one."""
    class_name, inner = config["class_name"], config.get("config")
    if class_name == "function":
        return _lookup(inner)()
    inner = dict(inner or {})
    if class_name == "LossFunctionWrapper":
        fn = inner.pop("fn")
        fn_name = fn.get("config") if isinstance(fn, dict) else fn
        inner.pop("name", None)  # the wrapper's name is the user's spelling; keep our default
        return _lookup(fn_name).from_config(inner)
    return _lookup(class_name).from_config(inner)


__all__ = [
    "BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity",
    "Hinge", "Huber", "KLDivergence", "LogCosh", "Loss", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson",
    "SparseCategoricalCrossentropy", "SquaredHinge", "deserialize", "get", "names", "register",
    "serialize",
]
