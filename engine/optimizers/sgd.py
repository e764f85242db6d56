"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from engine.optimizers.base import Optimizer


class SGD(Optimizer):
    """Keras 3: v ← μ·v − lr·g, then w ← w + v (Nesterov: w ← w + μ·v − lr·g); μ = 0 is w ← w − lr·g."""

    default_name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, int | float) \
                or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.velocity = self._zeros() if self.momentum else None

    def update(self, value, grad, lr):
        if self.velocity is None:
            value -= lr * grad
            return
        mu = value.dtype.type(self.momentum)
        v = self.velocity
        v *= mu
        v -= lr * grad
        if self.nesterov:
            value += mu * v - lr * grad
        else:
            value += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
