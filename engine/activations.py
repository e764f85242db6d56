"""Activation functions with their derivatives, by Keras name.

Each activation is an object you can call like Keras' function (`activations.relu(x)`,
`activations.relu(x, max_value=6.0)`) that also knows its backward pass. `backward` receives the
input `x`, the output `y` and the upstream gradient; activations whose derivative is cheapest from `y`
say `needs_input = False`, so a layer may apply them in place and keep only `y` (x is then None).
"""

from __future__ import annotations

import math

import numpy as np

from engine.utils.registry import Registry

_registry = Registry("activation")
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


@_registry.register("linear", "None")
class Linear(ActivationFunction):
    def forward(self, x, inplace=False):
        return x

    def backward(self, x, y, grad):
        return grad


@_registry.register("relu")
class ReLU(ActivationFunction):
    """max(x, 0); Keras' options clip at `max_value`, zero below `threshold` or leak below it."""

    name = "relu"

    def __init__(self, negative_slope: float = 0.0, max_value: float | None = None,
                 threshold: float = 0.0) -> None:
        self.negative_slope, self.max_value, self.threshold = negative_slope, max_value, threshold
        # The plain ReLU's derivative is readable from y; the variants need x.
        self.needs_input = bool(negative_slope or threshold or max_value is not None)

    def forward(self, x, inplace=False):
        if not self.needs_input:
            return np.maximum(x, 0, out=x if inplace else None)
        y = np.where(x > self.threshold, x, 0).astype(x.dtype, copy=False)
        if self.max_value is not None:
            np.clip(y, 0, self.max_value, out=y)
        if self.negative_slope:
            y += self.negative_slope * np.minimum(x - self.threshold, 0)
        return y

    def backward(self, x, y, grad):
        if not self.needs_input:
            return grad * (y > 0)
        slope = (x > self.threshold).astype(grad.dtype)
        if self.max_value is not None:
            slope *= (x > 0) & (x < self.max_value)
        if self.negative_slope:
            slope += self.negative_slope * (x < self.threshold)
        return grad * slope

    def get_config(self):
        return {"negative_slope": self.negative_slope, "max_value": self.max_value,
                "threshold": self.threshold}


@_registry.register("leaky_relu")
class LeakyReLU(ActivationFunction):
    """max(x, negative_slope·x); Keras' function defaults to 0.2 (the layer to 0.3)."""

    name = "leaky_relu"
    needs_input = True

    def __init__(self, negative_slope: float = 0.2) -> None:
        self.negative_slope = negative_slope

    def forward(self, x, inplace=False):
        return np.maximum(x, self.negative_slope * x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * np.where(x >= self.negative_slope * x, 1, self.negative_slope).astype(grad.dtype)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


@_registry.register("relu6")
class ReLU6(ActivationFunction):
    name = "relu6"

    def forward(self, x, inplace=False):
        return np.clip(x, 0, 6, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * ((y > 0) & (y < 6))


@_registry.register("elu")
class ELU(ActivationFunction):
    """x for x ≥ 0, alpha·(exp(x) − 1) below."""

    name = "elu"
    needs_input = True

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def forward(self, x, inplace=False):
        return np.where(x >= 0, x, self.alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        return grad * np.where(x > 0, 1, self.alpha * np.exp(np.minimum(x, 0))).astype(grad.dtype)

    def get_config(self):
        return {"alpha": self.alpha}


@_registry.register("selu")
class SELU(ELU):
    """scale·elu(x, alpha) with the self-normalising constants of Klambauer et al."""

    name = "selu"
    ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

    def __init__(self) -> None:
        super().__init__(self.ALPHA)

    def forward(self, x, inplace=False):
        return (self.SCALE * super().forward(x)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        return self.SCALE * super().backward(x, y, grad)

    def get_config(self):
        return {}


@_registry.register("gelu")
class GELU(ActivationFunction):
    """x·Φ(x) with Φ the normal CDF (exact erf form by default, as Keras 3), or its tanh estimate."""

    name = "gelu"
    needs_input = True
    _C = math.sqrt(2 / math.pi)

    def __init__(self, approximate: bool = False) -> None:
        self.approximate = approximate

    def _cdf(self, x):
        if self.approximate:
            return 0.5 * (1 + np.tanh(self._C * (x + 0.044715 * x**3)))
        return 0.5 * (1 + erf(x / math.sqrt(2)))

    def forward(self, x, inplace=False):
        return (x * self._cdf(x)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        if self.approximate:  # the derivative of the tanh estimate itself
            t = 2 * self._cdf(x) - 1
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * self._C * (1 + 0.134145 * x * x))
        # erf is the slow part, so read Φ(x) back from y = x·Φ(x); near 0 use Φ ≈ ½ + x·φ(0).
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        small = np.abs(x) < 1e-4
        cdf = np.where(small, 0.5 + x / math.sqrt(2 * math.pi), y / np.where(small, 1, x))
        return grad * (cdf + x * pdf)

    def get_config(self):
        return {"approximate": self.approximate}


@_registry.register("sigmoid")
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


@_registry.register("hard_sigmoid")
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


@_registry.register("silu", "swish")
class SiLU(ActivationFunction):
    """x·sigmoid(x), also called swish."""

    name = "silu"
    needs_input = True

    def forward(self, x, inplace=False):
        return (x * _sigmoid(x)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        s = _sigmoid(x)
        return grad * (s * (1 + x * (1 - s)))


@_registry.register("hard_silu", "hard_swish")
class HardSiLU(ActivationFunction):
    """x·hard_sigmoid(x)."""

    name = "hard_silu"
    needs_input = True

    def forward(self, x, inplace=False):
        return (x * (np.clip(x + 3, 0, 6) / 6)).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        inside = (x > -3) & (x < 3)
        return grad * np.where(inside, (2 * x + 3) / 6, (x >= 3).astype(grad.dtype))


@_registry.register("tanh")
class Tanh(ActivationFunction):
    name = "tanh"

    def forward(self, x, inplace=False):
        return np.tanh(x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * (1 - y * y)


@_registry.register("softplus")
class Softplus(ActivationFunction):
    """log(1 + exp(x)), computed without overflow; its derivative sigmoid(x) = 1 − exp(−y)."""

    name = "softplus"

    def forward(self, x, inplace=False):
        return np.logaddexp(x, 0, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * -np.expm1(-y)


@_registry.register("softsign")
class Softsign(ActivationFunction):
    """x / (1 + |x|); its derivative 1/(1 + |x|)² equals (1 − |y|)²."""

    name = "softsign"

    def forward(self, x, inplace=False):
        return np.divide(x, 1 + np.abs(x), out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * np.square(1 - np.abs(y))


@_registry.register("mish")
class Mish(ActivationFunction):
    """x·tanh(softplus(x))."""

    name = "mish"
    needs_input = True

    def forward(self, x, inplace=False):
        return (x * np.tanh(np.logaddexp(x, 0))).astype(x.dtype, copy=False)

    def backward(self, x, y, grad):
        t = np.tanh(np.logaddexp(x, 0))
        return grad * (t + x * (1 - t * t) * _sigmoid(x))


@_registry.register("exponential")
class Exponential(ActivationFunction):
    name = "exponential"

    def forward(self, x, inplace=False):
        return np.exp(x, out=x if inplace else None)

    def backward(self, x, y, grad):
        return grad * y


@_registry.register("softmax")
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


@_registry.register("log_softmax")
class LogSoftmax(Softmax):
    """x − logsumexp(x) over `axis`; its Jacobian uses softmax = exp(y)."""

    name = "log_softmax"

    def forward(self, x, inplace=False):
        out = np.subtract(x, x.max(axis=self.axis, keepdims=True), out=x if inplace else None)
        out -= np.log(np.exp(out).sum(axis=self.axis, keepdims=True))
        return out

    def backward(self, x, y, grad):
        return grad - np.exp(y) * grad.sum(axis=self.axis, keepdims=True)


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
