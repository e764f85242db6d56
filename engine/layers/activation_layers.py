"""Activation layers with their own hyperparameters: ReLU, LeakyReLU, ELU, Softmax and PReLU.

Each keeps the input's shape. The first four wrap a configured function from `engine.activations`;
PReLU learns its negative slope.
"""

from __future__ import annotations

import warnings

import numpy as np

from engine import activations, constraints, initializers, regularizers
from engine.layers.base import Layer
from engine.layers.registry import register


class _FunctionLayer(Layer):
    """A weightless layer applying `self._fn` (an ActivationFunction) elementwise."""

    _fn: activations.ActivationFunction

    def forward(self, x, training=False):
        self._x = x if self._fn.needs_input else None
        self._y = self._fn.forward(x)
        return self._y

    def backward(self, grad, through_activation: bool = True):
        if not through_activation:  # the loss already folded this activation into its gradient
            return grad
        return self._fn.backward(self._x, self._y, grad)


def _non_negative(layer: str, name: str, value) -> None:
    if value is None or value < 0:
        raise ValueError(f"{name} of a {layer} layer cannot be None or a negative value. "
                         f"Received: {name}={value}")


@register("ReLU")
class ReLU(_FunctionLayer):
    """max_value if x ≥ max_value; x if threshold ≤ x < max_value; negative_slope·(x − threshold)
    below the threshold."""

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        if max_value is not None:
            _non_negative("ReLU", "max_value", max_value)
        _non_negative("ReLU", "negative_slope", negative_slope)
        _non_negative("ReLU", "threshold", threshold)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold
        self._fn = activations.ReLU(negative_slope, max_value, threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


@register("LeakyReLU")
class LeakyReLU(_FunctionLayer):
    """x for x ≥ 0, negative_slope·x below (Keras 3's default slope is 0.3)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs) -> None:
        if "alpha" in kwargs:  # the Keras 2 name, still found in old files
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        _non_negative("LeakyReLU", "negative_slope", negative_slope)
        self.negative_slope = negative_slope
        self._fn = activations.LeakyReLU(negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@register("ELU")
class ELU(_FunctionLayer):
    """x for x ≥ 0, alpha·(exp(x) − 1) below."""

    def __init__(self, alpha: float = 1.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha
        self._fn = activations.ELU(alpha)

    def get_config(self):
        # Keras 3 leaves alpha out of its config (and so forgets it); Keras accepts it back.
        return {**super().get_config(), "alpha": self.alpha}


@register("Softmax")
class Softmax(_FunctionLayer):
    """exp(x − max) / sum(exp(x − max)) over `axis` (an int or a list of ints)."""

    def __init__(self, axis: int | list[int] = -1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, list | tuple) else int(axis)
        self._fn = activations.Softmax(self.axis)
        if self.axis == -1:
            # Exposed under the name the losses look for, so softmax + cross-entropy fuse.
            self.activation = self._fn

    def compute_output_shape(self, input_shape):
        rank = len(input_shape)
        for a in self.axis if isinstance(self.axis, list) else [self.axis]:
            if not -rank < a < rank or a % rank == 0:
                raise self.shape_error(f"a non-batch axis {a}", input_shape)
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@register("PReLU")
class PReLU(Layer):
    """x for x ≥ 0, alpha·x below, with alpha learned per position (batch excluded).

    `shared_axes` (1-based, as in Keras) share one alpha along those axes, e.g. [1, 2] for one
    alpha per channel of (batch, h, w, channels).
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = list(shared_axes) if isinstance(shared_axes, list | tuple) \
                else [shared_axes]

    def _alpha_shape(self, input_shape) -> tuple[int, ...]:
        shape = list(input_shape[1:])
        for a in self.shared_axes or []:
            if not 1 <= a < len(input_shape):
                raise self.shape_error(f"an axis {a} to share (1-based, batch excluded)",
                                       input_shape)
            shape[a - 1] = 1
        if any(d is None for d in shape):
            raise self.shape_error("known sizes on every axis that is not shared", input_shape)
        return tuple(shape)

    def build(self, input_shape):
        self.alpha = self.add_weight("alpha", self._alpha_shape(input_shape),
                                     self.alpha_initializer, self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        self._alpha_shape(input_shape)
        return tuple(input_shape)

    def forward(self, x, training=False):
        self._neg = np.minimum(x, 0)
        return np.maximum(x, 0) + self.alpha.value * self._neg

    def backward(self, grad):
        # Sum the alpha gradient over the batch and over every shared axis.
        reduce = (0, *(self.shared_axes or []))
        self.alpha.grad[...] = np.sum(grad * self._neg, axis=reduce, keepdims=True)[0]
        if not self.need_input_grad:
            return None
        return grad * np.where(self._neg < 0, self.alpha.value, 1)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
