"""Core layers: InputLayer/Input, Dense, Activation, Dropout, Flatten, Reshape."""

from __future__ import annotations

import math

import numpy as np

from engine import activations, backend, constraints, initializers, regularizers
from engine.layers import _parallel
from engine.layers.base import Layer, Shape
from engine.layers.registry import register


@register("InputLayer")
class InputLayer(Layer):
    """Declares the model's input shape; it holds no weights and passes data through."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 name=None, input_tensor=None, optional=False, ragged=None, **kwargs) -> None:
        if shape is None and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape", None)
            if batch_shape is None and "input_shape" in kwargs:
                shape = kwargs.pop("input_shape")
        if shape is None and batch_shape is None:
            raise ValueError("InputLayer needs a shape, e.g. Input(shape=(28, 28)).")
        if shape is not None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size, *shape)
        super().__init__(name=name, batch_shape=tuple(batch_shape), **kwargs)
        for dim in self.batch_input_shape[1:]:
            if dim is not None and dim <= 0:
                raise ValueError(f"Input dimensions must be positive. Received: shape={shape}")
        self.sparse = bool(sparse)

    def forward(self, x, training=False):
        return x

    def backward(self, grad):
        return grad

    def get_config(self):
        return {"batch_shape": list(self.batch_input_shape), "dtype": self.dtype,
                "sparse": self.sparse, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,  # noqa: N802 (Keras name)
          tensor=None, optional=False) -> InputLayer:
    """Keras' `Input(shape)`. Here it returns the InputLayer, which Sequential accepts first."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                      batch_shape=batch_shape, name=name)


@register("Dense")
class Dense(Layer):
    """`activation(x @ kernel + bias)` over the last axis; x is (batch, …, features)."""

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(units, int | np.integer) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        features = self._features(input_shape)
        self.kernel = self.add_weight("kernel", (features, self.units), self.kernel_initializer,
                                      self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = (self.add_weight("bias", (self.units,), self.bias_initializer,
                                     self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)
        super().build(input_shape)

    def _features(self, input_shape: Shape) -> int:
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise self.shape_error("at least 2 dimensions with a known last one (batch, features)",
                                   input_shape)
        if self.built and input_shape[-1] != self.kernel.shape[0]:
            raise self.shape_error(f"last dimension {self.kernel.shape[0]}", input_shape)
        return int(input_shape[-1])

    def compute_output_shape(self, input_shape):
        self._features(input_shape)
        return (*tuple(input_shape)[:-1], self.units)

    def forward(self, x, training=False):
        self._x = x.reshape(-1, x.shape[-1])
        z = _parallel.matmul(self._x, self.kernel.value)
        if self.use_bias:
            z += self.bias.value
        # Apply in place unless the derivative needs the pre-activation values.
        self._z = z if self.activation.needs_input else None
        self._y = self.activation.forward(z, inplace=not self.activation.needs_input)
        return self._y.reshape(*x.shape[:-1], self.units)

    def backward(self, grad, through_activation: bool = True):
        g = grad.reshape(-1, self.units)
        if through_activation:
            g = self.activation.backward(self._z, self._y, g)
        x, kernel, dx = self._x, self.kernel.value, None
        if self.need_input_grad and len(g) * kernel.size >= _parallel.CONCURRENT_PRODUCT:
            # The two products are independent: one core each.
            dx = np.empty((len(g), kernel.shape[0]), np.result_type(g, kernel))
            _parallel.both(lambda: np.matmul(x.T, g, out=self.kernel.grad),
                           lambda: np.matmul(g, kernel.T, out=dx))
        else:
            _parallel.matmul(x.T, g, self.kernel.grad)
            if self.need_input_grad:
                dx = g @ kernel.T
        if self.use_bias:
            np.sum(g, axis=0, out=self.bias.grad)
        return None if dx is None else dx.reshape(*grad.shape[:-1], kernel.shape[0])

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


@register("Activation")
class Activation(Layer):
    def __init__(self, activation, **kwargs) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def forward(self, x, training=False):
        self._x = x if self.activation.needs_input else None
        self._y = self.activation.forward(x)
        return self._y

    def backward(self, grad, through_activation: bool = True):
        if not through_activation:
            return grad
        return self.activation.backward(self._x, self._y, grad)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


@register("Dropout")
class Dropout(Layer):
    """Zeroes a fraction `rate` of inputs while training and scales the rest by 1/(1-rate)."""

    def __init__(self, rate: float, noise_shape=None, seed=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(rate, int | float) or not 0 <= rate < 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1 (1 excluded). Received: rate={rate}"
            )
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return x
        shape = x.shape
        if self.noise_shape is not None:
            shape = tuple(d if n is None else n for d, n in zip(x.shape, self.noise_shape,
                                                                strict=True))
        rng = self._rng or backend.rng()
        keep = rng.random(shape, dtype=np.float32) >= self.rate
        self._mask = keep.astype(x.dtype) * np.asarray(1.0 / (1.0 - self.rate), x.dtype)
        return x * self._mask

    def backward(self, grad):
        return grad if self._mask is None else grad * self._mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


@register("Flatten")
class Flatten(Layer):
    """(batch, d1, d2, …) → (batch, d1·d2·…)."""

    def __init__(self, data_format=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def forward(self, x, training=False):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad):
        return grad.reshape(self._shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


@register("Reshape")
class Reshape(Layer):
    """Reshape each sample to `target_shape` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs) -> None:
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError(
                f"target_shape may hold positive sizes and at most one -1. "
                f"Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return (input_shape[0], *self.target_shape)
        size, known = math.prod(rest), math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            if size % known:
                raise self.shape_error(f"a size divisible by {known}", input_shape)
            return (input_shape[0], *(size // known if d == -1 else d for d in self.target_shape))
        if size != known:
            raise self.shape_error(f"{known} values per sample for target_shape "
                                   f"{self.target_shape}", input_shape)
        return (input_shape[0], *self.target_shape)

    def forward(self, x, training=False):
        self._shape = x.shape
        return x.reshape(x.shape[0], *self.target_shape)

    def backward(self, grad):
        return grad.reshape(self._shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
