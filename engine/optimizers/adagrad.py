"""Adagrad and Adadelta: per-parameter rates from accumulated squared gradients."""

from __future__ import annotations

import numpy as np

from engine.optimizers.base import Optimizer


class Adagrad(Optimizer):
    """a ← a + g² (a starts at initial_accumulator_value); w ← w − lr·g/√(a + ε)."""

    default_name = None  # Keras names it "adagrad", "adagrad_1", … like layers

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError("`initial_accumulator_value` must be non-negative. Received: "
                             f"initial_accumulator_value={initial_accumulator_value}")
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.accumulator = np.full(size, self.initial_accumulator_value, self._dtype)

    def update(self, value, grad, lr):
        self.accumulator += grad * grad
        value -= lr * grad / np.sqrt(self.accumulator + value.dtype.type(self.epsilon))

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Keras 3: a ← ρ·a + (1−ρ)·g²; Δ = −√(d + ε)·g/√(a + ε); d ← ρ·d + (1−ρ)·Δ²; w ← w + lr·Δ."""

    default_name = "adadelta"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.accumulated_grad, self.accumulated_delta_var = self._zeros(), self._zeros()
        self._scratch = np.empty(size, self._dtype)
        self._scratch_2 = np.empty(size, self._dtype)

    def update(self, value, grad, lr):
        f = value.dtype.type
        rho, eps = f(self.rho), f(self.epsilon)
        acc_g, acc_d = self.accumulated_grad, self.accumulated_delta_var
        delta, tmp = self._scratch, self._scratch_2
        acc_g *= rho
        np.multiply(grad, grad, out=tmp)
        tmp *= f(1 - self.rho)
        acc_g += tmp
        # delta = −√(d + ε)·g / √(a + ε), built in place.
        np.add(acc_d, eps, out=delta)
        np.sqrt(delta, out=delta)
        delta *= grad
        np.add(acc_g, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(delta, tmp, out=delta)
        np.negative(delta, out=delta)
        acc_d *= rho
        np.multiply(delta, delta, out=tmp)
        tmp *= f(1 - self.rho)
        acc_d += tmp
        delta *= lr
        value += delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
