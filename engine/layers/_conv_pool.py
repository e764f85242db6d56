"""A Conv2D feeding a 2×2 MaxPooling2D, run as one step, chunk by chunk while in cache.

Layer by layer, the convolution writes its whole output to memory (the MNIST CNN's first:
128×26×26×32 floats, 11 MB) and the pooling reads it back; backward, the pooling writes a
gradient as large, which the convolution reads with its output again for relu's derivative.
Fused, every chunk of samples is pooled right after its product, while it is still in the L2
cache, and backward routes the pooled gradient into a chunk-sized scratch just before the
convolution uses it: only the pooled output and the pooling's choices (booleans) pass through
memory.

Only the outputs the pooling reads are computed (an odd last row or column is not), in the row
order that lets the pooling compare long runs (_im2col.cropped_to_even). Max pooling commutes
with relu (both keep order), so relu runs after the pooling, on a quarter of the values; relu's
derivative at a window's maximum is (pooled output > 0), the derivative the layer-by-layer path
applies there. Outputs and gradients agree with that path to rounding: the kernel gradient adds
the same products in another order (tests/engine/test_conv_pool.py).

A Sequential model runs its pairs this way in every pass, training or not (`steps`); calling
the layers one by one still works as before.
"""

from __future__ import annotations

import numpy as np

from engine import activations
from engine.layers import _im2col as im
from engine.layers.convolutional import Conv2D, relu_derivative
from engine.layers.pooling import MaxPooling2D, pairwise_max, pairwise_route


class ConvPool:
    """Conv2D (relu or no activation) then MaxPooling2D (2×2, stride 2, 'valid'), channels_last.

    Weights, gradients and `need_input_grad` stay the convolution's; the pooling keeps no state.
    """

    def __init__(self, conv: Conv2D, pool: MaxPooling2D) -> None:
        assert self.fits(conv, pool)
        self.conv, self.pool = conv, pool
        self.name = f"{conv.name}+{pool.name}"
        self._ws = im.Workspace()
        self._y = self._right = self._lower = None

    @staticmethod
    def fits(conv, pool) -> bool:
        """Whether the pair can run fused. Exact types only: a subclass may override forward."""
        if type(conv) is not Conv2D or type(pool) is not MaxPooling2D:
            return False
        act = conv.activation
        plain = type(act) is activations.Linear or (type(act) is activations.ReLU
                                                    and not act.needs_input)
        return (plain and conv.data_format == pool.data_format == "channels_last"
                and pool.pool_size == pool.strides == (2, 2) and pool.padding == "valid")

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        conv = self.conv
        x, geo = conv._start_forward(x)
        # The pooling's own check (a map smaller than its window), for inputs of a size not fixed
        # when the model was built.
        self.pool.compute_output_shape((len(x), *geo.out_hw, conv.filters))
        (ph, pw), f = (geo.out_hw[0] // 2, geo.out_hw[1] // 2), conv.filters
        pixels = 4 * ph * pw  # the convolution computes only what the pooling reads
        y = np.empty((len(x), ph, pw, f), x.dtype)
        # The pooling's choices, for backward: only in training.
        right = np.empty((len(x), 2 * ph, pw, f), np.bool_) if training else None
        lower = np.empty(y.shape, np.bool_) if training else None

        def block(samples: slice, worker: int) -> np.ndarray:
            """The worker's scratch for a chunk's convolution output: it never leaves the cache."""
            return self._ws.rows(f"z{worker}", (samples.stop - samples.start) * pixels, (f,),
                                 x.dtype)

        def pool(z: np.ndarray, samples: slice, worker: int) -> None:
            conv._add_bias(z)
            m = samples.stop - samples.start
            z = z.reshape(m, 2 * ph, 2, pw, f)  # each row: its even columns, then its odd ones
            rows = self._ws.rows(f"rows{worker}", m, (2 * ph, pw, f), x.dtype)
            choices = (right[samples], lower[samples]) if training else ()
            pairwise_max(z[:, :, 0], z[:, :, 1], y[samples], rows, *choices)
            conv.activation.forward(y[samples], inplace=True)

        conv._ops.forward(x, geo, conv._kernel_matrix(), block, pool, bias=conv._product_bias(),
                          paired=True)
        self._y, self._right, self._lower = y, right, lower
        conv._z = conv._y = None  # a previous unfused pass's output: not needed, let it go
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray | None:
        conv, y, right, lower = self.conv, self._y, self._right, self._lower
        if right is None:
            raise RuntimeError(f"'{self.name}': backward needs a forward pass with training=True "
                               "first.")
        (_, ph, pw, f) = y.shape
        pixels = 4 * ph * pw
        relu = type(conv.activation) is activations.ReLU

        def grad_rows(rows: slice, worker: int) -> np.ndarray:
            samples = slice(rows.start // pixels, rows.stop // pixels)
            m = samples.stop - samples.start
            g = grad[samples]
            if relu:
                g = relu_derivative(self._ws, worker, y[samples], g)
            dz = self._ws.rows(f"dz{worker}", m, (2 * ph, 2, pw, f), grad.dtype)
            scratch = self._ws.rows(f"rows{worker}", m, right.shape[1:], grad.dtype)
            pairwise_route(g, right[samples], lower[samples], dz[:, :, 0], dz[:, :, 1], scratch)
            return dz.reshape(m * pixels, f)

        return conv._backward_rows(grad_rows, grad.dtype, paired=True)


# Off: the trainer runs every layer on its own (tests compare the two; a benchmark can A/B them).
ENABLED = True


def steps(layers: list) -> list:
    """The layers in order, each Conv2D → MaxPooling2D pair that fits run as one ConvPool."""
    steps, i = [], 0
    while i < len(layers):
        if ENABLED and i + 1 < len(layers) and ConvPool.fits(layers[i], layers[i + 1]):
            steps.append(ConvPool(layers[i], layers[i + 1]))
            i += 2
        else:
            steps.append(layers[i])
            i += 1
    return steps
