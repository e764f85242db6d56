"""Activation functions with their derivatives, by Keras name.

Each activation is an object you can call like Keras' function (`activations.relu(x)`) that also
knows its backward pass. `backward` receives the input `x`, the output `y` and the upstream gradient;
activations whose derivative is cheapest from `y` say `needs_input = False`, so a layer may apply them
in place and keep only `y`.
"""

from __future__ import annotations

import numpy as np

from engine.utils.registry import Registry

_registry = Registry("activation")


class ActivationFunction:
    name = "linear"
    needs_input = False

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(np.array(x, dtype=np.result_type(x, np.float32)), inplace=True)

    def forward(self, x: np.ndarray, inplace: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, x: np.ndarray | None, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


@_registry.register("linear", "None")
class Linear(ActivationFunction):
    def forward(self, x, inplace=False):
        return x

    def backward(self, x, y, grad):
        return grad


@_registry.register("relu")
class ReLU(ActivationFunction):
    name = "relu"

    def forward(self, x, inplace=False):
        return np.maximum(x, 0, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * (y > 0)


@_registry.register("sigmoid")
class Sigmoid(ActivationFunction):
    name = "sigmoid"

    def forward(self, x, inplace=False):
        # exp of a large negative overflows harmlessly to inf → 0; silence the warning only.
        out = x if inplace else np.empty_like(x)
        with np.errstate(over="ignore"):
            np.negative(x, out=out)
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def backward(self, x, y, grad):
        return grad * y * (1 - y)


@_registry.register("tanh")
class Tanh(ActivationFunction):
    name = "tanh"

    def forward(self, x, inplace=False):
        return np.tanh(x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * (1 - y * y)


@_registry.register("softmax")
class Softmax(ActivationFunction):
    """Softmax over the last axis, shifted by the row maximum so exp never overflows."""

    name = "softmax"

    def forward(self, x, inplace=False):
        out = np.subtract(x, x.max(axis=-1, keepdims=True), out=x if inplace else None)
        np.exp(out, out=out)
        out /= out.sum(axis=-1, keepdims=True)
        return out

    def backward(self, x, y, grad):
        return y * (grad - (grad * y).sum(axis=-1, keepdims=True))


def register(*names: str):
    """Add an activation class to the registry under Keras' name(s); used by extension modules."""
    return _registry.register(*names)


def names() -> list[str]:
    return [n for n in _registry.names() if n != "None"]


def get(identifier) -> ActivationFunction:
    """An activation from a Keras name, None (linear) or an ActivationFunction instance."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, ActivationFunction):
        return identifier()
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


linear = Linear()
relu = ReLU()
sigmoid = Sigmoid()
tanh = Tanh()
softmax = Softmax()
