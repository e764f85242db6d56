"""The Adam family: Adam, AdamW (decoupled weight decay), Adamax (infinity norm), Nadam (Nesterov)."""

from __future__ import annotations

import numpy as np

from engine.layers import _parallel
from engine.optimizers.base import Optimizer


class Adam(Optimizer):
    """Keras 3 Adam: m, v moving averages of g and g²; the bias correction is folded into the step
    size α = lr·√(1−β2ᵗ)/(1−β1ᵗ), and ε sits outside the square root: w ← w − α·m/(√v + ε)."""

    default_name = "adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.m, self.v = self._zeros(), self._zeros()
        self.v_hat = self._zeros() if self.amsgrad else None
        self._scratch = np.empty(size, self._dtype)

    def update(self, value, grad, lr):
        t = self.iterations + 1
        alpha = value.dtype.type(lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t))
        _parallel.over_slices(value.size, lambda part: self._update_slice(value, grad, alpha, part))

    def _update_slice(self, value, grad, alpha, part: slice) -> None:
        f = value.dtype.type
        value, grad, m, v, tmp = value[part], grad[part], self.m[part], self.v[part], self._scratch[part]
        # m += (g − m)(1 − β1);  v += (g² − v)(1 − β2), in preallocated buffers.
        np.subtract(grad, m, out=tmp)
        tmp *= f(1 - self.beta_1)
        m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= f(1 - self.beta_2)
        v += tmp
        if self.v_hat is not None:
            v_hat = self.v_hat[part]
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=tmp)
        tmp += f(self.epsilon)
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        value -= tmp

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (default 0.004): w ← w − w·wd·lr before each Adam step."""

    default_name = "adamw"

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")


class Adamax(Optimizer):
    """Adam with the infinity norm: u ← max(β2·u, |g|); w ← w − lr·m / ((1 − β1ᵗ)(u + ε))."""

    default_name = "adamax"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.m, self.u = self._zeros(), self._zeros()

    def update(self, value, grad, lr):
        f = value.dtype.type
        t = self.iterations + 1
        self.m += (grad - self.m) * f(1 - self.beta_1)
        np.maximum(self.u * f(self.beta_2), np.abs(grad), out=self.u)
        value -= (lr * self.m) / (f(1 - self.beta_1**t) * (self.u + f(self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Keras' momentum schedule u_t = β1·(1 − ½·0.96ᵗ):
    m̂ = u_{t+1}·m/(1 − Πu_{≤t+1}) + (1 − u_t)·g/(1 − Πu_{≤t}); w ← w − lr·m̂/(√(v/(1−β2ᵗ)) + ε)."""

    default_name = "nadam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **kwargs) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, size, dtype=None):
        super().build(size, dtype or self._dtype)
        self.m, self.v = self._zeros(), self._zeros()
        self.u_product = 1.0
        self._scratch = np.empty(size, self._dtype)
        self._scratch_2 = np.empty(size, self._dtype)

    def _u(self, step: int) -> float:
        return self.beta_1 * (1.0 - 0.5 * 0.96**step)

    def update(self, value, grad, lr):
        f = value.dtype.type
        t = self.iterations + 1
        u_t, u_next = self._u(t), self._u(t + 1)
        self.u_product *= u_t
        u_product_next = self.u_product * u_next
        tmp, num = self._scratch, self._scratch_2
        np.subtract(grad, self.m, out=tmp)
        tmp *= f(1 - self.beta_1)
        self.m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= self.v
        tmp *= f(1 - self.beta_2)
        self.v += tmp
        # m̂ in `num`, √v̂ + ε in `tmp`: no temporaries of the model's size.
        np.multiply(self.m, f(u_next / (1 - u_product_next)), out=num)
        np.multiply(grad, f((1 - u_t) / (1 - self.u_product)), out=tmp)
        num += tmp
        np.multiply(self.v, f(1 / (1 - self.beta_2**t)), out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += f(self.epsilon)
        np.divide(num, tmp, out=num)
        num *= lr
        value -= num

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
