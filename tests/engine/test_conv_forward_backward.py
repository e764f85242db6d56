"""Conv2D and Conv1D forward against a direct-loop reference, and their finite-difference gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.layers import Conv1D, Conv2D
from tests.engine.conv_helpers import built
from tests.engine.gradcheck import check_layer_gradients


def tf_same_pads(size: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's rule, written out independently of the engine's helper."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def direct_conv(x, kernel, bias, strides, dilation, padding, groups=1):
    """The textbook definition, one output element at a time (float64)."""
    n, h, w, c = x.shape
    kh, kw, cg, f = kernel.shape
    (sh, sw), (dh, dw) = strides, dilation
    if padding == "same":
        pads = (tf_same_pads(h, kh, sh, dh), tf_same_pads(w, kw, sw, dw))
    else:
        pads = ((0, 0), (0, 0))
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    oh = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((n, oh, ow, f))
    fg = f // groups
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for o in range(f):
                    g = o // fg
                    total = 0.0 if bias is None else bias[o]
                    for p in range(kh):
                        for q in range(kw):
                            pixel = xp[b, i * sh + p * dh, j * sw + q * dw, g * cg:(g + 1) * cg]
                            total += float(pixel @ kernel[p, q, :, o])
                    out[b, i, j, o] = total
    return out


CASES = [  # (x shape, Conv2D kwargs)
    ((2, 6, 7, 3), dict(filters=4, kernel_size=3)),
    ((2, 6, 7, 3), dict(filters=4, kernel_size=3, padding="same")),
    ((1, 7, 8, 2), dict(filters=3, kernel_size=(3, 2), strides=2, padding="same")),
    ((1, 8, 7, 2), dict(filters=3, kernel_size=(2, 3), strides=(2, 3))),
    ((2, 9, 8, 3), dict(filters=2, kernel_size=3, dilation_rate=2)),
    ((1, 7, 9, 2), dict(filters=3, kernel_size=3, dilation_rate=(2, 1), padding="same")),
    ((1, 5, 6, 4), dict(filters=6, kernel_size=2, groups=2)),
    ((2, 6, 5, 4), dict(filters=6, kernel_size=3, groups=2, padding="same")),
    ((2, 5, 5, 9), dict(filters=2, kernel_size=4, padding="same", use_bias=False)),
    ((1, 6, 5, 16), dict(filters=3, kernel_size=1, strides=2)),
]


@pytest.mark.parametrize("shape, kwargs", CASES)
def test_forward_matches_direct_convolution(shape, kwargs):
    layer = built(Conv2D(**kwargs), (None, *shape[1:]))
    x = np.random.default_rng(1).standard_normal(shape)
    bias = layer.bias.value if layer.use_bias else None
    expected = direct_conv(x, layer.kernel.value, bias, layer.strides, layer.dilation_rate,
                           layer.padding, layer.groups)
    got = layer.forward(x)
    assert got.shape == expected.shape == (shape[0], *layer.compute_output_shape(shape)[1:])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_forward_float32_matches_reference():
    layer = Conv2D(8, 3, padding="same", activation="relu")
    x = np.random.default_rng(2).standard_normal((3, 7, 6, 5)).astype(np.float32)
    y = layer(x)
    assert y.dtype == np.float32
    z = direct_conv(x.astype(np.float64), layer.kernel.value.astype(np.float64),
                    layer.bias.value.astype(np.float64), (1, 1), (1, 1), "same")
    np.testing.assert_allclose(y, np.maximum(z, 0), rtol=1e-4, atol=1e-5)


GRAD_CASES = CASES + [
    ((2, 5, 6, 3), dict(filters=3, kernel_size=3, activation="tanh")),
    ((2, 5, 5, 2), dict(filters=3, kernel_size=3, padding="same", activation="sigmoid")),
    ((1, 3, 5, 6), dict(filters=2, kernel_size=2, data_format="channels_first")),
]


@pytest.mark.parametrize("shape, kwargs", GRAD_CASES)
def test_conv2d_gradients(shape, kwargs):
    layer = Conv2D(**kwargs)
    x = np.random.default_rng(3).standard_normal(shape)
    check_layer_gradients(layer, x)


@pytest.mark.parametrize("kwargs", [
    dict(filters=3, kernel_size=3),
    dict(filters=2, kernel_size=2, padding="same", strides=2),
    dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2),
    dict(filters=4, kernel_size=2, groups=2, activation="tanh"),
])
def test_conv1d_gradients(kwargs):
    x = np.random.default_rng(4).standard_normal((2, 7, 4))
    check_layer_gradients(Conv1D(**kwargs), x)


def test_conv1d_equals_conv2d_on_one_row():
    conv1 = built(Conv1D(3, 3, strides=2, padding="same"), (None, 9, 2))
    conv2 = built(Conv2D(3, (1, 3), strides=(1, 2), padding="same"), (None, 1, 9, 2))
    conv2.kernel.value[...] = conv1.kernel.value[None]
    conv2.bias.value[...] = conv1.bias.value
    x = np.random.default_rng(5).standard_normal((2, 9, 2))
    np.testing.assert_allclose(conv1.forward(x), conv2.forward(x[:, None])[:, 0])


def test_causal_conv1d_output_ignores_the_future():
    layer = built(Conv1D(2, 3, padding="causal", dilation_rate=2), (None, 10, 1))
    x = np.random.default_rng(6).standard_normal((1, 10, 1))
    later = x.copy()
    later[:, 6:] += 5.0
    assert layer.compute_output_shape((None, 10, 1)) == (None, 10, 2)
    np.testing.assert_allclose(layer.forward(x)[:, :6], layer.forward(later)[:, :6])
    assert not np.allclose(layer.forward(x)[:, 6:], layer.forward(later)[:, 6:])


def test_backward_without_activation_is_the_pre_activation_gradient():
    """through_activation=False lets a loss fuse the last activation (softmax + cross-entropy)."""
    fused = built(Conv2D(4, 3, activation="softmax"), (None, 5, 5, 2))
    linear = built(Conv2D(4, 3), (None, 5, 5, 2))
    linear.set_weights(fused.get_weights())
    x = np.random.default_rng(8).standard_normal((2, 5, 5, 2))
    grad = np.random.default_rng(9).standard_normal((2, 3, 3, 4))
    fused.forward(x, training=True)
    linear.forward(x, training=True)
    dx_fused = fused.backward(grad, through_activation=False)
    kernel_grad = fused.kernel.grad.copy()
    np.testing.assert_allclose(dx_fused, linear.backward(grad))
    np.testing.assert_allclose(kernel_grad, linear.kernel.grad)


def test_first_layer_skips_the_input_gradient():
    layer = Conv2D(2, 3)
    layer.need_input_grad = False
    x = np.random.default_rng(10).standard_normal((2, 5, 5, 1)).astype(np.float32)
    layer(x, training=True)
    assert layer.backward(np.ones((2, 3, 3, 2), np.float32)) is None
    assert np.abs(layer.kernel.grad).sum() > 0
