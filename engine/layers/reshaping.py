"""Reshaping layers for images: ZeroPadding2D."""

from __future__ import annotations

import numpy as np

from engine.layers import _im2col as im
from engine.layers.base import Layer, Shape
from engine.layers.registry import register


@register("ZeroPadding2D")
class ZeroPadding2D(Layer):
    """Add rows and columns of zeros around images: (batch, h, w, c) → (batch, h+t+b, w+l+r, c).

    padding: an int (all four sides), (height_pad, width_pad) symmetric per axis, or
    ((top, bottom), (left, right)).
    """

    def __init__(self, padding=(1, 1), data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = im.normalize_data_format(data_format)
        if isinstance(padding, int | np.integer) and not isinstance(padding, bool):
            pads = ((int(padding),) * 2,) * 2
            if padding < 0:
                raise ValueError(f"`padding` cannot be negative. Received: padding={padding}.")
        elif isinstance(padding, list | tuple):
            if len(padding) != 2:
                raise ValueError(f"`padding` should have two elements. Received: padding={padding}.")
            pads = (im.normalize_tuple(padding[0], 2, "1st entry of padding", allow_zero=True),
                    im.normalize_tuple(padding[1], 2, "2nd entry of padding", allow_zero=True))
        else:
            raise ValueError(
                "`padding` should be either an int, a tuple of 2 ints (symmetric_height_pad, "
                "symmetric_width_pad), or a tuple of 2 tuples of 2 ints ((top_pad, bottom_pad), "
                f"(left_pad, right_pad)). Received: padding={padding}."
            )
        self.padding: im.Pads = pads

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 4:
            raise self.shape_error("a 4-D input (batch, height, width, channels)", input_shape)
        last = list(im.shape_to_channels_last(input_shape, self.data_format))
        for axis, (before, after) in zip((1, 2), self.padding, strict=True):
            if last[axis] is not None:
                last[axis] += before + after
        return im.shape_from_channels_last(tuple(last), self.data_format)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if x.ndim != 4:
            raise self.shape_error("a 4-D input (batch, height, width, channels)", x.shape)
        x = im.to_channels_last(x, self.data_format)
        (t, b), (left, r) = self.padding
        n, h, w, c = x.shape
        y = np.zeros((n, h + t + b, w + left + r, c), x.dtype)
        y[:, t:t + h, left:left + w] = x
        self._x_hw = (h, w)
        return im.from_channels_last(y, self.data_format)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        grad = im.to_channels_last(grad, self.data_format)
        (t, _), (left, _) = self.padding
        h, w = self._x_hw
        return im.from_channels_last(grad[:, t:t + h, left:left + w], self.data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": [list(p) for p in self.padding],
                "data_format": self.data_format}
