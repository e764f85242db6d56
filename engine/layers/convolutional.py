"""Convolution layers: Conv2D and Conv1D, by im2col and BLAS (the arithmetic is in _correlate).

Forward: every window of the (padded) input becomes a row of cols (M, K), M = batch·oh·ow and
K = kh·kw·channels; the kernel, in Keras' layout (kh, kw, in_channels, filters), is already the
(K, filters) matrix, so z = cols @ kernel, then bias and activation. Backward: d kernel = colsᵀ @ dz;
d x either gathers (a correlation of the padded dz with the flipped kernel — stride 1) or scatters
(d cols = dz @ kernelᵀ added back into place, one kernel tap at a time). All of it runs on
cache-sized chunks of the batch spread over the cores. Conv1D runs the same code on
(batch, 1, steps, channels).

Not applied (stored and serialized only): activity_regularizer.
"""

from __future__ import annotations

import math

import numpy as np

from engine import activations, constraints, initializers, regularizers
from engine.layers import _correlate
from engine.layers import _im2col as im
from engine.layers.base import Layer, Shape
from engine.layers.registry import register


def relu_derivative(ws: im.Workspace, worker: int, y: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """grad · (y > 0), plain relu's derivative read from its output, for one chunk: into the
    worker's scratch in `ws`, so no chunk allocates (ReLU.backward would, twice)."""
    alive = ws.rows(f"alive{worker}", len(y), y.shape[1:], np.bool_)
    np.greater(y, 0, out=alive)
    return np.multiply(grad, alive, out=ws.rows(f"relu_grad{worker}", len(y), y.shape[1:],
                                                grad.dtype))


class BaseConv(Layer):
    """Shared by Conv1D and Conv2D; `rank` is the number of spatial axes."""

    rank = 2

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate=1, groups: int = 1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(filters, int | np.integer) or isinstance(filters, bool) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive "
                             f"value. Received filters={filters}.")
        if not isinstance(groups, int | np.integer) or isinstance(groups, bool) or groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. "
                             f"Received: groups={groups}.")
        if filters % groups:
            raise ValueError("The number of filters must be evenly divisible by the number of "
                             f"groups. Received: groups={groups}, filters={filters}.")
        self.filters, self.groups = int(filters), int(groups)
        self.kernel_size = im.normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = im.normalize_tuple(strides, self.rank, "strides")
        self.dilation_rate = im.normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        allowed = ("valid", "same", "causal") if self.rank == 1 else ("valid", "same")
        self.padding = im.normalize_padding(padding, allowed)
        self.data_format = im.normalize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                             f"Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.kernel = self.bias = None
        self._ops = _correlate.Correlator(self.groups)
        self._geometries: dict[tuple[int, int], im.Geometry] = {}

    # --- shapes ----------------------------------------------------------------------------
    def _in_channels(self, input_shape: Shape) -> int:
        """Validate the input's rank and channels; return the channel count."""
        input_shape = tuple(input_shape)
        axes = "(batch, steps, channels)" if self.rank == 1 else "(batch, height, width, channels)"
        if self.data_format == "channels_first":
            axes = "(batch, channels, steps)" if self.rank == 1 else "(batch, channels, height, width)"
        if len(input_shape) != self.rank + 2:
            raise self.shape_error(f"a {self.rank + 2}-D input {axes}", input_shape)
        channels = im.shape_to_channels_last(input_shape, self.data_format)[-1]
        if channels is None:
            raise self.shape_error(f"a known number of channels in {axes}", input_shape)
        if self.built and channels != self.kernel.shape[-2] * self.groups:
            raise self.shape_error(f"{self.kernel.shape[-2] * self.groups} channels", input_shape)
        if channels % self.groups:
            raise self.shape_error(f"a number of channels divisible by groups={self.groups}",
                                   input_shape)
        return int(channels)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        self._in_channels(input_shape)
        last = im.shape_to_channels_last(input_shape, self.data_format)
        spatial = []
        for size, k, s, d in zip(last[1:-1], self.kernel_size, self.strides, self.dilation_rate,
                                 strict=True):
            out = im.output_length(size, k, s, self.padding, d)
            if out is not None and out <= 0:
                span = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate,
                                                             strict=True))
                raise self.shape_error(f"spatial size at least {span} for a 'valid' "
                                       f"{self.kernel_size} kernel (pad with padding='same')",
                                       input_shape)
            spatial.append(out)
        return im.shape_from_channels_last((last[0], *spatial, self.filters), self.data_format)

    def build(self, input_shape: Shape) -> None:
        channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        shape = (*self.kernel_size, channels // self.groups, self.filters)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer,
                                      self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = (self.add_weight("bias", (self.filters,), self.bias_initializer,
                                     self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)
        super().build(input_shape)

    # --- 2-D view of any rank ----------------------------------------------------------------
    def _as_images(self, x: np.ndarray) -> np.ndarray:
        """channels_last (batch, h, w, c); Conv1D's (batch, steps, c) as (batch, 1, steps, c)."""
        x = im.to_channels_last(x, self.data_format)
        return x[:, None] if self.rank == 1 else x

    def _from_images(self, y: np.ndarray) -> np.ndarray:
        return im.from_channels_last(y[:, 0] if self.rank == 1 else y, self.data_format)

    def _window(self) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        if self.rank == 1:
            return (1, *self.kernel_size), (1, *self.strides), (1, *self.dilation_rate)
        return self.kernel_size, self.strides, self.dilation_rate

    def _geometry(self, hw: tuple[int, int]) -> im.Geometry:
        geo = self._geometries.get(hw)
        if geo is None:
            kernel, strides, dilation = self._window()
            padding = self.padding
            if padding == "causal":  # all the padding on the left: step t sees only steps ≤ t
                padding = ((0, 0), (dilation[1] * (kernel[1] - 1), 0))
            geo = self._geometries[hw] = im.Geometry.of(hw, kernel, strides, dilation, padding)
        return geo

    def _kernel_matrix(self) -> np.ndarray:
        """The kernel as (K, filters), K = kh·kw·channels/groups; a view of the weight."""
        return self.kernel.value.reshape(-1, self.filters)

    # --- forward / backward --------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x, geo = self._start_forward(x)
        n = len(x)
        act = self.activation
        z = np.empty((n * geo.out_hw[0] * geo.out_hw[1], self.filters), x.dtype)
        # Keep pre-activation values only when the derivative needs them; else work in place.
        y = np.empty_like(z) if act.needs_input else z

        pixels = geo.out_hw[0] * geo.out_hw[1]

        def finish(block: np.ndarray, samples: slice, _worker: int) -> None:
            self._add_bias(block)
            out = act.forward(block, inplace=not act.needs_input)
            rows = slice(samples.start * pixels, samples.stop * pixels)
            if not np.shares_memory(out, y[rows]):
                y[rows] = out

        self._ops.forward(x, geo, self._kernel_matrix(), z, finish, bias=self._product_bias())
        self._z, self._y = (z if act.needs_input else None), y
        return self._from_images(y.reshape(n, *geo.out_hw, self.filters))

    def _start_forward(self, x: np.ndarray) -> tuple[np.ndarray, im.Geometry]:
        """Check x; keep it (as images) for backward; return it with its geometry."""
        self._in_channels(x.shape)
        x = self._as_images(x)
        geo = self._geometry(x.shape[1:3])
        if min(geo.out_hw) <= 0:
            raise self.shape_error("an input at least as large as the kernel", x.shape)
        # Backward re-pads x chunk by chunk, so only x is kept (layers never modify their inputs).
        self._x, self._geo = x, geo
        return x, geo

    def _product_bias(self) -> np.ndarray | None:
        """The bias for the product to add (with one group it rides in it: Correlator.forward)."""
        return self.bias.value if self.use_bias and self.groups == 1 else None

    def _add_bias(self, block: np.ndarray) -> None:
        """Add the bias to a chunk's output when the product did not."""
        if self.use_bias and self.groups > 1:
            block += self.bias.value

    def _gather_geometry(self, geo: im.Geometry) -> im.Geometry | None:
        """Geometry for d x as a correlation of d y, or None to scatter d windows instead.

        Gathering skips col2im's kh·kw passes over d x but multiplies over x's whole area; where
        'valid' windows cover much less than x (small images), scattering is cheaper.
        """
        transposed = _correlate.transposed_geometry(geo)
        in_area, out_area = math.prod(geo.in_hw), math.prod(geo.out_hw)
        return transposed if transposed is not None and in_area <= 1.25 * out_area else None

    def backward(self, grad: np.ndarray, through_activation: bool = True) -> np.ndarray | None:
        grad = self._as_images(grad).reshape(-1, self.filters)
        act = self.activation if through_activation else None
        plain_relu = isinstance(act, activations.ReLU) and not act.needs_input

        def grad_rows(rows: slice, worker: int) -> np.ndarray:
            if act is None:
                return grad[rows]
            if plain_relu:  # the common case
                return relu_derivative(self._ops.ws, worker, self._y[rows], grad[rows])
            return act.backward(None if self._z is None else self._z[rows], self._y[rows], grad[rows])

        return self._backward_rows(grad_rows, grad.dtype)

    def _backward_rows(self, grad_rows, dtype, paired: bool = False) -> np.ndarray | None:
        """All gradients, given `grad_rows(rows, worker)`: the output gradient (after the
        activation's derivative) of a chunk's rows (see Correlator.backward, also for `paired`);
        d x in `dtype`."""
        x, geo = self._x, self._geo
        dx = np.empty(x.shape, dtype) if self.need_input_grad else None
        gather = self._gather_geometry(geo) if self.need_input_grad else None
        kernel = self.kernel.value.reshape(*self._window()[0], -1, self.filters)
        self._ops.backward(x, geo, grad_rows, kernel, self.kernel.grad.reshape(-1, self.filters),
                           self.bias.grad if self.use_bias else None, dx, gather, paired)
        return None if dx is None else self._from_images(dx)

    # --- config ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


@register("Conv2D", "Convolution2D")
class Conv2D(BaseConv):
    """2-D convolution over (batch, height, width, channels); kernel (kh, kw, channels, filters).

    padding='same' pads like TensorFlow: output ⌈size/stride⌉, the odd extra row/column of
    padding at the bottom/right.
    """

    rank = 2

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate=(1, 1), groups: int = 1,
                 activation=None, use_bias: bool = True, **kwargs) -> None:
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


@register("Conv1D", "Convolution1D")
class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels); kernel (k, channels, filters).

    padding='causal' pads (k−1)·dilation steps on the left only, so output t sees inputs ≤ t.
    """

    rank = 1

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate=1, groups: int = 1,
                 activation=None, use_bias: bool = True, **kwargs) -> None:
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)
