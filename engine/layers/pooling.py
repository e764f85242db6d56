"""Pooling layers: MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D.

Windowed pooling loops over the ph·pw positions of the window (never over samples or pixels):
position (i, j) of every window is one strided view of the batch, so 2×2 pooling is four
elementwise passes. The batch goes through in cache-sized chunks shared among the cores (see
_parallel). When windows do not overlap the backward pass assigns instead of adding.
"""

from __future__ import annotations

import numpy as np

from engine.layers import _im2col as im
from engine.layers import _parallel
from engine.layers.base import Layer, Shape
from engine.layers.registry import register

# Half of one core's L2 cache here (2 MB): the pass's output and index arrays need room too. Against
# 512 KB, on 2 cores, it took 5–13% less time per pass on the MNIST and CIFAR CNNs' pools.
_CHUNK_BYTES = 1 << 20


def pairwise_max(left: np.ndarray, right: np.ndarray, y: np.ndarray, rows: np.ndarray,
                 took_right: np.ndarray | None = None, took_lower: np.ndarray | None = None) -> None:
    """y (m, oh, ow, c) = the maxima of 2×2 windows at stride 2, given each window's left and
    right column: `left` and `right` are (m, 2·oh, ow, c) views of the input's even and odd columns.

    Across each window row first (a tie keeps the left element), then across the two rows (a tie
    keeps the top): the winner is the window's first maximum in row-major order. `rows`
    (m, 2·oh, ow, c) is scratch; the choices, when asked for, go to `took_right` (m, 2·oh, ow, c)
    and `took_lower` (m, oh, ow, c), booleans that `pairwise_route` follows back.
    """
    np.maximum(left, right, out=rows)
    if took_right is not None:
        np.greater(right, left, out=took_right)
        np.greater(rows[:, 1::2], rows[:, 0::2], out=took_lower)
    np.maximum(rows[:, 0::2], rows[:, 1::2], out=y)


def pairwise_route(grad: np.ndarray, took_right: np.ndarray, took_lower: np.ndarray,
                   left: np.ndarray, right: np.ndarray, rows: np.ndarray) -> None:
    """Write each window's gradient (m, oh, ow, c) to its maximum, zeros elsewhere, down
    pairwise_max's choices: the lower or upper row (g·lower and g − g·lower, exact for a 0/1 mask),
    then the right or left element. `left` and `right` (m, 2·oh, ow, c) are views of the input
    gradient's even and odd columns; `rows` (m, 2·oh, ow, c) is scratch."""
    np.multiply(grad, took_lower, out=rows[:, 1::2])
    np.subtract(grad, rows[:, 1::2], out=rows[:, 0::2])
    np.multiply(rows, took_right, out=right)
    np.subtract(rows, right, out=left)


class _Pooling2D(Layer):
    """Shared by MaxPooling2D and AveragePooling2D: window, strides, padding, data_format."""

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid",
                 data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pool_size = im.normalize_tuple(pool_size, 2, "pool_size")
        self.strides = im.normalize_tuple(pool_size if strides is None else strides, 2, "strides")
        self.padding = im.normalize_padding(padding)
        self.data_format = im.normalize_data_format(data_format)
        self._ws = im.Workspace()
        self._room = 1
        self._geometries: dict[tuple[int, int], im.Geometry] = {}

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 4:
            raise self.shape_error("a 4-D input (batch, height, width, channels)", input_shape)
        last = im.shape_to_channels_last(input_shape, self.data_format)
        spatial = [im.output_length(n, p, s, self.padding)
                   for n, p, s in zip(last[1:3], self.pool_size, self.strides, strict=True)]
        if any(o is not None and o <= 0 for o in spatial):
            raise self.shape_error(f"height and width of at least pool_size={self.pool_size} "
                                   "(or padding='same')", input_shape)
        return im.shape_from_channels_last((last[0], *spatial, last[3]), self.data_format)

    def _prepare(self, x: np.ndarray) -> tuple[np.ndarray, im.Geometry]:
        """Check x, put it channels_last; its geometry (cached per height and width)."""
        if x.ndim != 4:
            raise self.shape_error("a 4-D input (batch, height, width, channels)", x.shape)
        self.compute_output_shape(x.shape)
        x = im.to_channels_last(x, self.data_format)
        hw = x.shape[1:3]
        geo = self._geometries.get(hw)
        if geo is None:
            geo = im.Geometry.of(hw, self.pool_size, self.strides, (1, 1), self.padding)
            self._geometries[hw] = geo
        return x, geo

    def _chunks(self, xp: np.ndarray) -> list[slice]:
        """Cache-sized sample ranges of the (padded) input, for _parallel.spread."""
        chunks = im.batch_chunks(len(xp), xp[0].nbytes, _CHUNK_BYTES, _parallel.workers())
        self._room = im.largest(chunks)
        return chunks

    def _scratch(self, key: str, like: np.ndarray, dtype) -> np.ndarray:
        """A reused buffer shaped like `like` (one chunk), sized for the largest chunk."""
        room = max(self._room, len(like))
        return self._ws.array(key, (room, *like.shape[1:]), dtype)[:len(like)]

    def _input_grad(self, geo: im.Geometry, shape: tuple, dtype) -> np.ndarray:
        """A padded gradient buffer for x; zeroed unless the windows tile it exactly."""
        n, _, _, c = shape
        if geo.covers_all:
            return np.empty((n, *geo.padded_hw, c), dtype)
        return np.zeros((n, *geo.padded_hw, c), dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": list(self.pool_size),
                "padding": self.padding, "strides": list(self.strides),
                "data_format": self.data_format}


@register("MaxPooling2D", "MaxPool2D")
class MaxPooling2D(_Pooling2D):
    """The maximum of each pool_size window; (batch, h, w, c) → (batch, oh, ow, c).

    The gradient of a window goes to its maximum. On a tie it goes to ONE element — the first
    in row-major window order — so the gradient's sum is conserved, as TensorFlow does.
    'same' pads with −inf, so padding is never the maximum.
    """

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x, geo = self._prepare(x)
        xp = im.pad_into(self._ws, x, geo, fill=-np.inf)
        y = np.empty((x.shape[0], *geo.out_hw, x.shape[3]), x.dtype)
        self._argmax = self._pairwise = None
        if geo.kernel == geo.strides == (2, 2) and not geo.padded:  # the common case, faster
            body = self._pairwise_forward(xp, y, training)
        else:
            body = self._general_forward(xp, y, geo, training)
        _parallel.spread(self._chunks(xp), body)
        self._geo, self._x_shape = geo, x.shape
        return im.from_channels_last(y, self.data_format)

    def _general_forward(self, xp: np.ndarray, y: np.ndarray, geo: im.Geometry, training: bool):
        """Any window: one pass per tap; in training the index of each window's first maximum
        (a later tap wins only when strictly greater) goes to self._argmax."""
        taps = list(geo.taps())
        argmax = np.empty(y.shape, np.min_scalar_type(len(taps))) if training else None
        self._argmax = argmax

        def body(part: slice, worker: int) -> None:
            out = y[part]
            _, _, rows, cols = taps[0]
            np.copyto(out, xp[part, rows, cols])
            if argmax is None:
                for _, _, rows, cols in taps[1:]:
                    np.maximum(out, xp[part, rows, cols], out=out)
                return
            # Since k grows, argmax = max(argmax, k·greater) records the winner without masked
            # copies, which are several times slower than plain elementwise passes.
            index = argmax[part]
            index[...] = 0
            greater = self._scratch(f"greater{worker}", out, np.bool_)
            stamp = self._scratch(f"stamp{worker}", out, index.dtype)
            for k, (_, _, rows, cols) in enumerate(taps[1:], start=1):
                window = xp[part, rows, cols]
                np.greater(window, out, out=greater)
                np.maximum(out, window, out=out)
                np.multiply(greater, index.dtype.type(k), out=stamp)
                np.maximum(index, stamp, out=index)

        return body

    def _pairwise_forward(self, x: np.ndarray, y: np.ndarray, training: bool):
        """2×2 windows at stride 2 by `pairwise_max`: the same winner as the general path, in four
        elementwise passes instead of thirteen; its two choice masks, kept for backward, replace
        argmax."""
        n, oh, ow, c = y.shape
        x = x[:, :2 * oh, :2 * ow]  # 'valid' drops an odd last row/column
        right = np.empty((n, 2 * oh, ow, c), np.bool_) if training else None
        lower = np.empty(y.shape, np.bool_) if training else None
        self._pairwise = (right, lower) if training else None

        def body(part: slice, worker: int) -> None:
            left_x, right_x = x[part, :, 0::2], x[part, :, 1::2]
            rows = self._scratch(f"rows{worker}", left_x, x.dtype)
            pairwise_max(left_x, right_x, y[part], rows,
                         *((right[part], lower[part]) if training else ()))

        return body

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if self._argmax is None and self._pairwise is None:
            raise RuntimeError(f"Layer '{self.name}': backward needs a forward pass with "
                               "training=True first.")
        grad = im.to_channels_last(grad, self.data_format)
        geo, argmax = self._geo, self._argmax
        dxp = self._input_grad(geo, self._x_shape, grad.dtype)
        if self._pairwise is not None:
            _parallel.spread(self._chunks(dxp), self._pairwise_backward(grad, dxp))
            return im.from_channels_last(dxp, self.data_format)

        def body(part: slice, worker: int) -> None:
            g, index, target = grad[part], argmax[part], dxp[part]
            chosen = self._scratch(f"chosen{worker}", index, np.bool_)
            routed = None if geo.disjoint else self._scratch(f"routed{worker}", g, g.dtype)
            for k, (_, _, rows, cols) in enumerate(geo.taps()):
                np.equal(index, k, out=chosen)
                if routed is None:  # windows do not overlap: each element is written once
                    np.multiply(g, chosen, out=target[:, rows, cols])
                else:
                    np.multiply(g, chosen, out=routed)
                    target[:, rows, cols] += routed

        _parallel.spread(self._chunks(dxp), body)
        return im.from_channels_last(geo.crop(dxp), self.data_format)

    def _pairwise_backward(self, grad: np.ndarray, dx: np.ndarray):
        """Route each window's gradient down the choices _pairwise_forward recorded."""
        right, lower = self._pairwise
        oh, ow = grad.shape[1:3]

        def body(part: slice, worker: int) -> None:
            rows = self._scratch(f"rows{worker}", right[part], grad.dtype)
            target = dx[part, :2 * oh, :2 * ow]
            pairwise_route(grad[part], right[part], lower[part], target[:, :, 0::2],
                           target[:, :, 1::2], rows)

        return body


@register("AveragePooling2D", "AvgPool2D")
class AveragePooling2D(_Pooling2D):
    """The mean of each pool_size window; with 'same' only real (unpadded) elements count."""

    def _counts(self, geo: im.Geometry, dtype) -> np.ndarray | float:
        """Elements per window: a number, or an (oh, ow, 1) array when padding shrinks some."""
        if not geo.padded:
            return float(geo.kernel[0] * geo.kernel[1])
        ones = np.zeros((1, *geo.padded_hw, 1), dtype)
        geo.crop(ones)[...] = 1
        counts = sum(ones[:, rows, cols] for _, _, rows, cols in geo.taps())
        return counts[0]

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x, geo = self._prepare(x)
        xp = im.pad_into(self._ws, x, geo, fill=0.0)
        taps = list(geo.taps())
        y = np.empty((x.shape[0], *geo.out_hw, x.shape[3]), x.dtype)
        counts = self._counts(geo, x.dtype)

        def body(part: slice, worker: int) -> None:
            out = y[part]
            _, _, rows, cols = taps[0]
            np.copyto(out, xp[part, rows, cols])
            for _, _, rows, cols in taps[1:]:
                out += xp[part, rows, cols]
            out /= counts

        _parallel.spread(self._chunks(xp), body)
        self._geo, self._x_shape, self._count = geo, x.shape, counts
        return im.from_channels_last(y, self.data_format)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        grad = im.to_channels_last(grad, self.data_format)
        geo = self._geo
        share = grad / self._count
        dxp = self._input_grad(geo, self._x_shape, share.dtype)

        def body(part: slice, worker: int) -> None:
            target, g = dxp[part], share[part]
            for _, _, rows, cols in geo.taps():
                if geo.disjoint:
                    target[:, rows, cols] = g
                else:
                    target[:, rows, cols] += g

        _parallel.spread(self._chunks(dxp), body)
        return im.from_channels_last(geo.crop(dxp), self.data_format)


class _GlobalPooling2D(Layer):
    """Reduce height and width: (batch, h, w, c) → (batch, c), or (batch, 1, 1, c) with keepdims."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = im.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 4:
            raise self.shape_error("a 4-D input (batch, height, width, channels)", input_shape)
        n, c = input_shape[0], im.shape_to_channels_last(input_shape, self.data_format)[-1]
        if not self.keepdims:
            return (n, c)
        return im.shape_from_channels_last((n, 1, 1, c), self.data_format)

    def _prepare(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 4:
            raise self.shape_error("a 4-D input (batch, height, width, channels)", x.shape)
        x = im.to_channels_last(x, self.data_format)
        self._x_shape = x.shape
        return x

    def _finish(self, y: np.ndarray) -> np.ndarray:
        """(batch, c) → the configured output layout."""
        if not self.keepdims:
            return y
        return im.from_channels_last(y[:, None, None, :], self.data_format)

    def _grad_nc(self, grad: np.ndarray) -> np.ndarray:
        """The upstream gradient as (batch, c)."""
        return grad.reshape(grad.shape[0], -1)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


@register("GlobalAveragePooling2D", "GlobalAvgPool2D")
class GlobalAveragePooling2D(_GlobalPooling2D):
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._prepare(x)
        return self._finish(x.mean(axis=(1, 2)))

    def backward(self, grad: np.ndarray) -> np.ndarray:
        n, h, w, c = self._x_shape
        share = self._grad_nc(grad) / (h * w)
        dx = np.empty(self._x_shape, share.dtype)
        dx[...] = share[:, None, None, :]
        return im.from_channels_last(dx, self.data_format)


@register("GlobalMaxPooling2D", "GlobalMaxPool2D")
class GlobalMaxPooling2D(_GlobalPooling2D):
    """Per channel the maximum over all positions; the gradient goes to the first maximum."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._prepare(x)
        flat = x.reshape(x.shape[0], -1, x.shape[3])
        self._argmax = flat.argmax(axis=1)[:, None, :]  # argmax picks the first of equal values
        return self._finish(np.take_along_axis(flat, self._argmax, axis=1)[:, 0, :])

    def backward(self, grad: np.ndarray) -> np.ndarray:
        n, h, w, c = self._x_shape
        g = self._grad_nc(grad)
        dx = np.zeros((n, h * w, c), g.dtype)
        np.put_along_axis(dx, self._argmax, g[:, None, :], axis=1)
        return im.from_channels_last(dx.reshape(self._x_shape), self.data_format)
