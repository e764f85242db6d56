"""Optimizers with Keras' names, defaults and update rules.

The model hands an optimizer all trainable weights as ONE flat float32 vector (each layer's weights
are views into it) together with the matching flat gradient. The element-wise rules below then run
as a handful of NumPy calls per step, whatever the number of layers. `segments` gives each weight's
slice of that vector for rules that need per-weight norms (clipnorm).
"""

from __future__ import annotations

import numpy as np

from engine.utils.registry import Registry

_registry = Registry("optimizer")


class Optimizer:
    name = "optimizer"

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs) -> None:
        kwargs.pop("decay", None)  # Keras 2's decay; Keras 3 configs no longer carry it
        if kwargs:
            raise TypeError(f"Unrecognized arguments for {type(self).__name__}: {kwargs}")
        if isinstance(learning_rate, int | float) and learning_rate <= 0:
            raise ValueError(
                f"learning_rate must be positive. Received: learning_rate={learning_rate}")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Use only one of clipnorm, clipvalue and global_clipnorm.")
        self.learning_rate = learning_rate
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.iterations = 0
        self.name = name or self.name
        self.segments: list[slice] = []
        self._built_size = -1

    def current_learning_rate(self) -> float:
        lr = self.learning_rate
        return float(lr(self.iterations)) if callable(lr) else float(lr)

    def build(self, size: int) -> None:
        """Allocate per-weight state (momentum, moments) as flat vectors of `size`."""
        self._built_size = size

    def apply(self, value: np.ndarray, grad: np.ndarray, segments: list[slice] | None = None):
        """One step: update `value` in place from `grad` (both flat float32 vectors)."""
        if self._built_size != value.size:
            self.build(value.size)
        if segments is not None:
            self.segments = segments
        grad = self._clip(grad)
        lr = np.float32(self.current_learning_rate())
        if self.weight_decay:
            value -= value * (lr * np.float32(self.weight_decay))
        self.update(value, grad, lr)
        self.iterations += 1

    def _clip(self, grad: np.ndarray) -> np.ndarray:
        if self.clipvalue is not None:
            return np.clip(grad, -self.clipvalue, self.clipvalue)
        if self.global_clipnorm is not None:
            norm = float(np.sqrt(np.dot(grad, grad)))
            return grad * np.float32(min(1.0, self.global_clipnorm / max(norm, 1e-12)))
        if self.clipnorm is not None:
            grad = grad.copy()
            for part in self.segments or [slice(None)]:
                norm = float(np.sqrt(np.dot(grad[part], grad[part])))
                if norm > self.clipnorm:
                    grad[part] *= np.float32(self.clipnorm / norm)
        return grad

    def update(self, value: np.ndarray, grad: np.ndarray, lr: np.float32) -> None:
        raise NotImplementedError

    def get_config(self) -> dict:
        lr = self.learning_rate
        return {"name": self.name,
                "learning_rate": lr.get_config() if hasattr(lr, "get_config") else float(lr),
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                "loss_scale_factor": None, "gradient_accumulation_steps": None}

    @classmethod
    def from_config(cls, config: dict) -> Optimizer:
        return cls(**config)


@_registry.register("SGD", "sgd")
class SGD(Optimizer):
    """Keras 3: m ← μm − lr·g; w ← w + m (Nesterov: w ← w + μm − lr·g)."""

    name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1]. Received: momentum={momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build(self, size):
        super().build(size)
        self.velocity = np.zeros(size, np.float32) if self.momentum else None

    def update(self, value, grad, lr):
        if self.velocity is None:
            value -= lr * grad
            return
        m = self.velocity
        m *= np.float32(self.momentum)
        m -= lr * grad
        if self.nesterov:
            value += np.float32(self.momentum) * m - lr * grad
        else:
            value += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


@_registry.register("Adam", "adam")
class Adam(Optimizer):
    """Keras 3 Adam: bias correction folded into the step size, ε outside the square root."""

    name = "adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build(self, size):
        super().build(size)
        self.m = np.zeros(size, np.float32)
        self.v = np.zeros(size, np.float32)
        self.v_hat = np.zeros(size, np.float32) if self.amsgrad else None
        self._scratch = np.empty(size, np.float32)

    def update(self, value, grad, lr):
        t = self.iterations + 1
        alpha = np.float32(lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t))
        tmp = self._scratch
        # m += (g − m)(1 − β1);  v += (g² − v)(1 − β2), all in preallocated buffers.
        np.subtract(grad, self.m, out=tmp)
        tmp *= np.float32(1 - self.beta_1)
        self.m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= self.v
        tmp *= np.float32(1 - self.beta_2)
        self.v += tmp
        v = self.v
        if self.v_hat is not None:
            np.maximum(self.v_hat, self.v, out=self.v_hat)
            v = self.v_hat
        np.sqrt(v, out=tmp)
        tmp += np.float32(self.epsilon)
        np.divide(self.m, tmp, out=tmp)
        tmp *= alpha
        value -= tmp

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


def register(*names: str):
    return _registry.register(*names)


def names() -> list[str]:
    return [n for n in _registry.names() if n[0].islower()]


def get(identifier) -> Optimizer:
    """From a Keras name ('adam'), a config dict {'class_name', 'config'} or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _registry.lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return _registry.lookup(identifier["class_name"]).from_config(identifier.get("config", {}))
    raise ValueError(
        f"Could not interpret optimizer: {identifier!r}. Valid optimizers: {', '.join(names())}."
    )


def serialize(optimizer: Optimizer) -> dict:
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}
