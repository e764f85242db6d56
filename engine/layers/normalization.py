"""BatchNormalization, as in Keras 3.

Training mode normalises each channel by the batch's mean and (biased) variance and moves the
running statistics: moving = moving·momentum + batch·(1 − momentum). Inference mode, and a layer with
`trainable = False`, normalises by the moving statistics instead. The moving statistics are
non-trainable weights: the optimizer never sees them, only this layer's update rule changes them.
"""

from __future__ import annotations

import numpy as np

from engine import constraints, initializers, regularizers
from engine.layers.base import Layer
from engine.layers.registry import register

# Keras 2 (tf.keras) options Keras 3 dropped; we accept their harmless defaults from old files.
_LEGACY_DEFAULTS = {"renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99,
                    "fused": None, "virtual_batch_size": None, "adjustment": None}


@register("BatchNormalization")
class BatchNormalization(Layer):
    """y = gamma·(x − mean)/sqrt(var + epsilon) + beta per channel of `axis`.

    Input (batch, …, channels) of any rank ≥ 2, e.g. (batch, features) or (batch, h, w, channels);
    the statistics reduce over every axis but `axis`. Output has the input's shape.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized: bool = False,
                 **kwargs) -> None:
        for key, default in _LEGACY_DEFAULTS.items():
            value = kwargs.pop(key, default)
            if value != default and not (key == "fused" and value in (True, False)):
                raise ValueError(f"BatchNormalization here does not support {key}. "
                                 f"Received: {key}={value}")
        super().__init__(**kwargs)
        if isinstance(axis, list | tuple):  # tf.keras wrote axis as a one-element list
            if len(axis) != 1:
                raise ValueError(f"BatchNormalization normalises one axis. Received: axis={axis}")
            axis = axis[0]
        self.axis = int(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        if not 0.0 <= self.momentum <= 1.0:
            raise ValueError(f"momentum must be between 0 and 1. Received: momentum={momentum}")
        if self.epsilon <= 0:
            raise ValueError(f"epsilon must be positive. Received: epsilon={epsilon}")
        self.center, self.scale, self.synchronized = bool(center), bool(scale), bool(synchronized)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def _channels(self, input_shape) -> int:
        rank = len(input_shape)
        if rank < 2 or not -rank <= self.axis < rank or self.axis % rank == 0:
            raise self.shape_error(f"an input of rank 2 or more in which axis {self.axis} is "
                                   "not the batch axis", input_shape)
        channels = input_shape[self.axis]
        if channels is None:
            raise self.shape_error(f"a known size on axis {self.axis}", input_shape)
        if self.built and channels != self.moving_mean.shape[0]:
            raise self.shape_error(f"{self.moving_mean.shape[0]} channels on axis {self.axis}",
                                   input_shape)
        return int(channels)

    def build(self, input_shape):
        shape = (self._channels(input_shape),)
        # Creation order is Keras' weight order: gamma, beta, moving_mean, moving_variance.
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, self.gamma_initializer,
                                         self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, self.beta_initializer, self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", shape, self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               self.moving_variance_initializer, trainable=False)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        self._channels(input_shape)
        return tuple(input_shape)

    def _as_rows(self, x: np.ndarray) -> np.ndarray:
        """(…, channels, …) → (samples, channels); a view when the channel axis is last."""
        return np.moveaxis(x, self.axis, -1).reshape(-1, x.shape[self.axis])

    def _from_rows(self, rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        moved = (*shape[:self.axis % len(shape)], *shape[self.axis % len(shape) + 1:],
                 shape[self.axis])
        return np.moveaxis(rows.reshape(moved), -1, self.axis)

    def forward(self, x, training=False):
        rows = self._as_rows(x)
        self._shape = x.shape
        self._batch_stats = bool(training and self.trainable)
        if self._batch_stats:
            mean = rows.mean(axis=0)
            centered = rows - mean
            var = np.square(centered).mean(axis=0)  # biased, as Keras 3 uses for both purposes
            m = self.momentum
            self.moving_mean.value[...] = self.moving_mean.value * m + mean * (1 - m)
            self.moving_variance.value[...] = self.moving_variance.value * m + var * (1 - m)
        else:
            centered = rows - self.moving_mean.value
            var = self.moving_variance.value
        self._inv_std = 1.0 / np.sqrt(var + self.epsilon)
        self._xhat = centered * self._inv_std
        out = self._xhat * self.gamma.value if self.scale else self._xhat.copy()
        if self.center:
            out += self.beta.value
        return self._from_rows(out, x.shape)

    def backward(self, grad):
        g = self._as_rows(grad)
        if self.center:
            np.sum(g, axis=0, out=self.beta.grad)
        if self.scale:
            np.sum(g * self._xhat, axis=0, out=self.gamma.grad)
        if not self.need_input_grad:
            return None
        scale = self._inv_std * self.gamma.value if self.scale else self._inv_std
        if self._batch_stats:
            # The batch mean and variance depend on x too; their share is the two mean terms.
            dx = scale * (g - g.mean(axis=0) - self._xhat * (g * self._xhat).mean(axis=0))
        else:
            dx = g * scale
        return self._from_rows(dx, self._shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer":
                    initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized}
