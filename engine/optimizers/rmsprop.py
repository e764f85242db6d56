"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

import numpy as np

from engine.optimizers.base import Optimizer


class RMSprop(Optimizer):
    """Keras 3: v ← ρ·v + (1−ρ)·g²; step = lr·g/√(v + ε) (centered: √(v − ḡ² + ε) with ḡ the running
    mean of g); with momentum μ: s ← μ·s + step, w ← w − s, else w ← w − step."""

    default_name = "rmsprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.velocity = self._zeros()
        self.momentums = self._zeros() if self.momentum > 0 else None
        self.average_grad = self._zeros() if self.centered else None

    def update(self, value, grad, lr):
        f = value.dtype.type
        rho = f(self.rho)
        self.velocity *= rho
        self.velocity += f(1 - self.rho) * grad * grad
        if self.average_grad is not None:
            self.average_grad *= rho
            self.average_grad += f(1 - self.rho) * grad
            denominator = self.velocity - self.average_grad * self.average_grad + f(self.epsilon)
        else:
            denominator = self.velocity + f(self.epsilon)
        increment = lr * grad / np.sqrt(denominator)
        if self.momentums is not None:
            self.momentums *= f(self.momentum)
            self.momentums += increment
            value -= self.momentums
        else:
            value -= increment

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
