"""Activation functions with their derivatives, by Keras name.

Each activation is an object you can call like Keras' function (`activations.relu(x)`,
`activations.relu(x, max_value=6.0)`) that also knows its backward pass. `backward` receives the
input `x`, the output `y` and the upstream gradient; activations whose derivative is cheapest from `y`
say `needs_input = False`, so a layer may apply them in place and keep only `y` (x is then None).

The classes live by family in the submodules (`base`, `rectifiers`, `sigmoidal`, `gated`,
`exponentials`); this module holds the one registry, the lookup functions and Keras' ready-made
instances (`activations.relu`, `activations.softmax`, …).
"""

from __future__ import annotations

from engine.activations.base import ActivationFunction, Linear, erf
from engine.activations.exponentials import Exponential, LogSoftmax, Softmax
from engine.activations.gated import GELU, HardSiLU, Mish, SiLU
from engine.activations.rectifiers import ELU, SELU, LeakyReLU, ReLU, ReLU6, Softplus
from engine.activations.sigmoidal import HardSigmoid, Sigmoid, Softsign, Tanh
from engine.utils.registry import Registry

__all__ = [
    "ELU", "GELU", "SELU", "ActivationFunction", "Exponential", "HardSiLU", "HardSigmoid", "LeakyReLU",
    "Linear", "LogSoftmax", "Mish", "ReLU", "ReLU6", "SiLU", "Sigmoid", "Softmax", "Softplus", "Softsign",
    "Tanh", "elu", "erf", "exponential", "gelu", "get", "hard_sigmoid", "hard_silu", "hard_swish",
    "leaky_relu", "linear", "log_softmax", "mish", "names", "register", "relu", "relu6", "selu",
    "serialize", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh",
]

_registry = Registry("activation")

# Keras' name first, then its aliases; registered in this (historical) order.
_NAMES = [
    (Linear, ("linear", "None")),
    (ReLU, ("relu",)),
    (LeakyReLU, ("leaky_relu",)),
    (ReLU6, ("relu6",)),
    (ELU, ("elu",)),
    (SELU, ("selu",)),
    (GELU, ("gelu",)),
    (Sigmoid, ("sigmoid",)),
    (HardSigmoid, ("hard_sigmoid",)),
    (SiLU, ("silu", "swish")),
    (HardSiLU, ("hard_silu", "hard_swish")),
    (Tanh, ("tanh",)),
    (Softplus, ("softplus",)),
    (Softsign, ("softsign",)),
    (Mish, ("mish",)),
    (Exponential, ("exponential",)),
    (Softmax, ("softmax",)),
    (LogSoftmax, ("log_softmax",)),
]
for _cls, _names in _NAMES:
    _registry.register(*_names)(_cls)

def register(*names: str):
    """Add an activation class to the registry under Keras' name(s); used by extension modules."""
    return _registry.register(*names)


def names() -> list[str]:
    return [n for n in _registry.names() if n != "None"]


def get(identifier) -> ActivationFunction:
    """An activation from a Keras name, None (linear), a Keras config dict or an instance."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, ActivationFunction):
        return identifier()
    if isinstance(identifier, dict) and isinstance(identifier.get("config"), str):
        # Keras may write a function as {"class_name": "function", "config": "relu", …}.
        identifier = identifier["config"]
    if isinstance(identifier, str):
        cls = _registry.lookup(identifier)
        act = cls()
        act.name = _registry.canonical(identifier)
        return act
    raise ValueError(
        f"Could not interpret activation: {identifier!r}. Use a name such as "
        f"{', '.join(names())}."
    )


def serialize(activation: ActivationFunction) -> str:
    return activation.name


linear, relu, leaky_relu, relu6 = Linear(), ReLU(), LeakyReLU(), ReLU6()
elu, selu, gelu, sigmoid, hard_sigmoid = ELU(), SELU(), GELU(), Sigmoid(), HardSigmoid()
silu = swish = SiLU()
hard_silu = hard_swish = HardSiLU()
tanh, softplus, softsign, mish, exponential = Tanh(), Softplus(), Softsign(), Mish(), Exponential()
softmax, log_softmax = Softmax(), LogSoftmax()
