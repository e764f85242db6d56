"""Pooling over timesteps: MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D,
GlobalMaxPooling1D. Inputs are (batch, steps, channels), or (batch, channels, steps) with
data_format='channels_first'.

The windowed layers are the 2-D ones (pooling.py) over a (steps, 1) image, so window positions,
'same' padding and tie-breaking are exactly theirs. As in Keras 3, GlobalAveragePooling1D
averages only the unmasked steps, while the others do not support masking (a mask stops there).
"""

from __future__ import annotations

import numpy as np

from engine.layers import _im2col as im
from engine.layers.base import Layer, Shape
from engine.layers.masking import as_step_mask
from engine.layers.pooling import AveragePooling2D, MaxPooling2D
from engine.layers.registry import register


def _check_3d(layer: Layer, shape: Shape) -> None:
    if len(shape) != 3:
        raise layer.shape_error("a 3-D input (batch, steps, channels)", shape)


class _Pooling1D(Layer):
    POOL_2D: type = MaxPooling2D

    def __init__(self, pool_size=2, strides=None, padding: str = "valid",
                 data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pool_size = im.normalize_tuple(pool_size, 1, "pool_size")
        self.strides = im.normalize_tuple(pool_size if strides is None else strides, 1, "strides")
        self.padding = im.normalize_padding(padding)
        self.data_format = im.normalize_data_format(data_format)
        # A named inner layer: no automatic name is used up ('max_pooling2d' stays free).
        self._pool = self.POOL_2D(pool_size=(self.pool_size[0], 1), strides=(self.strides[0], 1),
                                  padding=self.padding, name=f"{self.name}_2d")

    def _steps_last(self, shape: Shape) -> Shape:
        """(batch, steps, channels) whatever the data_format."""
        return tuple(shape) if self.data_format == "channels_last" else (shape[0], shape[2],
                                                                        shape[1])

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        _check_3d(self, input_shape)
        n, steps, c = self._steps_last(input_shape)
        out = im.output_length(steps, self.pool_size[0], self.strides[0], self.padding)
        if out is not None and out <= 0:
            raise self.shape_error(f"at least pool_size={self.pool_size[0]} steps (or "
                                   "padding='same')", input_shape)
        return (n, out, c) if self.data_format == "channels_last" else (n, c, out)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        _check_3d(self, x.shape)
        self.compute_output_shape(x.shape)
        if self.data_format == "channels_first":
            x = x.transpose(0, 2, 1)
        y = self._pool.forward(np.ascontiguousarray(x[:, :, None, :]), training=training)[:, :, 0]
        return y if self.data_format == "channels_last" else np.ascontiguousarray(
            y.transpose(0, 2, 1))

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if self.data_format == "channels_first":
            grad = grad.transpose(0, 2, 1)
        dx = self._pool.backward(np.ascontiguousarray(grad[:, :, None, :]))[:, :, 0]
        return dx if self.data_format == "channels_last" else np.ascontiguousarray(
            dx.transpose(0, 2, 1))

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": list(self.pool_size),
                "padding": self.padding, "strides": list(self.strides),
                "data_format": self.data_format}


@register("MaxPooling1D", "MaxPool1D")
class MaxPooling1D(_Pooling1D):
    """The maximum of each window of pool_size steps: (batch, steps, c) → (batch, out, c)."""

    POOL_2D = MaxPooling2D


@register("AveragePooling1D", "AvgPool1D")
class AveragePooling1D(_Pooling1D):
    """The mean of each window of pool_size steps; with 'same' only real steps count."""

    POOL_2D = AveragePooling2D


class _GlobalPooling1D(Layer):
    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = im.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self._axis = 1 if self.data_format == "channels_last" else 2

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        _check_3d(self, input_shape)
        n = input_shape[0]
        c = input_shape[2] if self.data_format == "channels_last" else input_shape[1]
        if not self.keepdims:
            return (n, c)
        return (n, 1, c) if self.data_format == "channels_last" else (n, c, 1)

    def _spread(self, grad: np.ndarray) -> np.ndarray:
        """The upstream gradient with a steps axis of 1, whatever keepdims was."""
        return grad if self.keepdims else np.expand_dims(grad, self._axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


@register("GlobalAveragePooling1D", "GlobalAvgPool1D")
class GlobalAveragePooling1D(_GlobalPooling1D):
    """The mean over steps: (batch, steps, c) → (batch, c). With a mask, the mean of the unmasked
    steps (a sample with every step masked gives NaN, as in Keras)."""

    supports_masking = True

    def compute_mask(self, x: np.ndarray, mask=None):
        return None  # the steps are gone

    def forward(self, x: np.ndarray, training: bool = False, mask=None) -> np.ndarray:
        _check_3d(self, x.shape)
        self._x_shape = x.shape
        steps_last = x if self.data_format == "channels_last" else x.transpose(0, 2, 1)
        mask = as_step_mask(mask, steps_last, self.name)
        if mask is None:
            self._share = np.asarray(1.0 / x.shape[self._axis], x.dtype)
            return x.mean(axis=self._axis, keepdims=self.keepdims)
        keep = np.expand_dims(mask, 2 if self.data_format == "channels_last" else 1).astype(x.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            self._share = keep / keep.sum(axis=self._axis, keepdims=True)
        return (x * self._share).sum(axis=self._axis, keepdims=self.keepdims)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        dx = np.empty(self._x_shape, grad.dtype)
        np.multiply(self._spread(grad), self._share, out=dx)
        return dx


@register("GlobalMaxPooling1D", "GlobalMaxPool1D")
class GlobalMaxPooling1D(_GlobalPooling1D):
    """The maximum over steps; the gradient goes to the first maximum. Like Keras 3 it does not
    support masking: masked steps count, and the mask ends here with a warning."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        _check_3d(self, x.shape)
        self._x_shape = x.shape
        self._argmax = np.expand_dims(x.argmax(axis=self._axis), self._axis)
        y = np.take_along_axis(x, self._argmax, axis=self._axis)
        return y if self.keepdims else y.squeeze(self._axis)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        dx = np.zeros(self._x_shape, grad.dtype)
        np.put_along_axis(dx, self._argmax, self._spread(grad), axis=self._axis)
        return dx
