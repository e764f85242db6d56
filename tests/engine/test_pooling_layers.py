"""Pooling layers and ZeroPadding2D: gradients, ties, 'same' semantics, shapes, config, errors."""

from __future__ import annotations

import numpy as np
import pytest

from engine import layers
from engine.layers import (
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
    ZeroPadding2D,
)
from tests.engine.gradcheck import check_layer_gradients


def distinct(shape, seed=0) -> np.ndarray:
    """Values at least 1e-3 apart, so finite differences (eps 1e-6) never change a maximum."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    return (rng.permutation(size) * 1e-3 - 0.5 * size * 1e-3).reshape(shape)


WINDOW_CASES = [
    ((2, 4, 6, 3), dict()),
    ((2, 5, 7, 2), dict()),  # odd sizes: the last row/column is dropped
    ((1, 5, 7, 2), dict(padding="same")),
    ((1, 7, 6, 2), dict(pool_size=3, strides=2)),  # overlapping windows
    ((1, 7, 8, 2), dict(pool_size=(3, 2), strides=(2, 3), padding="same")),
    ((2, 6, 6, 1), dict(pool_size=2, strides=1)),
    ((1, 2, 5, 6), dict(pool_size=2, padding="same", data_format="channels_first")),
]


@pytest.mark.parametrize("shape, kwargs", WINDOW_CASES)
def test_max_pooling_gradients(shape, kwargs):
    check_layer_gradients(MaxPooling2D(**kwargs), distinct(shape))


@pytest.mark.parametrize("shape, kwargs", WINDOW_CASES)
def test_average_pooling_gradients(shape, kwargs):
    check_layer_gradients(AveragePooling2D(**kwargs), np.random.default_rng(1).standard_normal(shape))


def reference_pool(x, pool, strides, padding, reduce):
    """One window at a time; 'same' windows hold only the real elements, as in TensorFlow."""
    n, h, w, c = x.shape
    if padding == "same":
        oh, ow = -(-h // strides[0]), -(-w // strides[1])
        top = max((oh - 1) * strides[0] + pool[0] - h, 0) // 2
        left = max((ow - 1) * strides[1] + pool[1] - w, 0) // 2
    else:
        oh, ow = (h - pool[0]) // strides[0] + 1, (w - pool[1]) // strides[1] + 1
        top = left = 0
    out = np.empty((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - top, j * strides[1] - left
            window = x[:, max(r0, 0):r0 + pool[0], max(c0, 0):c0 + pool[1]]
            out[:, i, j] = reduce(window.reshape(n, -1, c), axis=1)
    return out


@pytest.mark.parametrize("shape, kwargs", WINDOW_CASES[:-1])
@pytest.mark.parametrize("cls, reduce", [(MaxPooling2D, np.max), (AveragePooling2D, np.mean)])
def test_pooling_matches_window_by_window_reference(shape, kwargs, cls, reduce):
    layer = cls(**kwargs)
    x = np.random.default_rng(2).standard_normal(shape) - 3.0  # negative: padding must not win
    expected = reference_pool(x, layer.pool_size, layer.strides, layer.padding, reduce)
    for training in (False, True):
        np.testing.assert_allclose(layer.forward(x, training=training), expected, rtol=1e-12)
    assert expected.shape[1:] == layer.compute_output_shape((None, *shape[1:]))[1:]


def test_average_pooling_same_counts_only_real_elements():
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)
    y = AveragePooling2D(2, padding="same").forward(x)
    # windows {0,1,3,4}, {2,5}, {6,7}, {8}
    np.testing.assert_allclose(y[0, :, :, 0], [[2.0, 3.5], [6.5, 8.0]])


@pytest.mark.parametrize("kwargs", [dict(), dict(pool_size=3, strides=1), dict(padding="same")])
def test_max_pooling_tie_sends_gradient_to_the_first_element_only(kwargs):
    layer = MaxPooling2D(**kwargs)
    x = np.zeros((2, 5, 5, 3))  # every window is one big tie
    y = layer.forward(x, training=True)
    grad = np.random.default_rng(3).uniform(1, 2, y.shape)
    dx = layer.backward(grad)
    np.testing.assert_allclose(dx.sum(axis=(1, 2)), grad.sum(axis=(1, 2)))  # conserved
    # Each window's gradient landed on its first (top-left) real element.
    expected = np.zeros_like(x)
    top = 0 if layer.padding == "valid" else (max((y.shape[1] - 1) * layer.strides[0]
                                                  + layer.pool_size[0] - 5, 0) // 2)
    for i in range(y.shape[1]):
        for j in range(y.shape[2]):
            r, c = max(i * layer.strides[0] - top, 0), max(j * layer.strides[1] - top, 0)
            expected[:, r, c] += grad[:, i, j]
    np.testing.assert_allclose(dx, expected)


def test_max_pooling_partial_tie_goes_to_one_element():
    x = np.array([[1.0, 7.0], [7.0, 2.0]]).reshape(1, 2, 2, 1)
    layer = MaxPooling2D()
    layer.forward(x, training=True)
    dx = layer.backward(np.full((1, 1, 1, 1), 5.0))
    np.testing.assert_allclose(dx[0, :, :, 0], [[0.0, 5.0], [0.0, 0.0]])


def test_max_pooling_backward_needs_a_training_forward():
    layer = MaxPooling2D()
    layer.forward(np.zeros((1, 4, 4, 1)), training=False)
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.zeros((1, 2, 2, 1)))


@pytest.mark.parametrize("cls", [GlobalAveragePooling2D, GlobalMaxPooling2D])
@pytest.mark.parametrize("kwargs", [dict(), dict(keepdims=True),
                                    dict(data_format="channels_first", keepdims=True)])
def test_global_pooling_gradients(cls, kwargs):
    check_layer_gradients(cls(**kwargs), distinct((2, 3, 5, 4), seed=4))


@pytest.mark.parametrize("kwargs, expected", [
    (dict(), (None, 4)), (dict(keepdims=True), (None, 1, 1, 4)),
    (dict(data_format="channels_first"), (None, 3)),
    (dict(data_format="channels_first", keepdims=True), (None, 3, 1, 1)),
])
def test_global_pooling_shapes(kwargs, expected):
    for cls in (GlobalAveragePooling2D, GlobalMaxPooling2D):
        layer = cls(**kwargs)
        assert layer.compute_output_shape((None, 3, 5, 4)) == expected
        assert layer.forward(np.ones((2, 3, 5, 4))).shape == (2, *expected[1:])


def test_global_pooling_values():
    x = distinct((2, 3, 4, 5), seed=5)
    np.testing.assert_allclose(GlobalAveragePooling2D().forward(x), x.mean(axis=(1, 2)))
    np.testing.assert_allclose(GlobalMaxPooling2D().forward(x), x.max(axis=(1, 2)))
    tie = GlobalMaxPooling2D()
    tie.forward(np.zeros((1, 2, 2, 1)), training=True)
    np.testing.assert_allclose(tie.backward(np.ones((1, 1)))[0, :, :, 0], [[1, 0], [0, 0]])


@pytest.mark.parametrize("kwargs, input_shape, expected", [
    (dict(), (None, 26, 26, 32), (None, 13, 13, 32)),
    (dict(), (None, 7, 7, 1), (None, 3, 3, 1)),
    (dict(padding="same"), (None, 7, 7, 1), (None, 4, 4, 1)),
    (dict(pool_size=3, strides=2), (None, 9, 10, 2), (None, 4, 4, 2)),
    (dict(pool_size=(2, 3), strides=1), (None, 5, 5, 2), (None, 4, 3, 2)),
    (dict(pool_size=3, strides=2, padding="same"), (None, 9, 10, 2), (None, 5, 5, 2)),
    (dict(data_format="channels_first"), (None, 2, 8, 6), (None, 2, 4, 3)),
    (dict(), (None, None, None, 3), (None, None, None, 3)),
])
def test_pooling_output_shapes(kwargs, input_shape, expected):
    for cls in (MaxPooling2D, AveragePooling2D):
        assert cls(**kwargs).compute_output_shape(input_shape) == expected


def test_pooling_config_round_trip():
    for cls in (MaxPooling2D, AveragePooling2D):
        layer = cls(pool_size=3, strides=(1, 2), padding="Same", name="p")
        config = layer.get_config()
        assert set(config) == {"name", "trainable", "dtype", "pool_size", "padding", "strides",
                               "data_format"}
        assert config["pool_size"] == [3, 3] and config["strides"] == [1, 2]
        assert config["padding"] == "same" and config["data_format"] == "channels_last"
        assert layers.deserialize(layers.serialize(layer)).get_config() == config
        assert cls().get_config()["strides"] == [2, 2]  # strides default to pool_size
    for cls in (GlobalAveragePooling2D, GlobalMaxPooling2D):
        config = cls(keepdims=True).get_config()
        assert config["keepdims"] is True and config["data_format"] == "channels_last"
        assert layers.deserialize(layers.serialize(cls(**config))).get_config() == config


@pytest.mark.parametrize("kwargs, message", [
    (dict(pool_size=0), "pool_size=0"),
    (dict(pool_size=(2, 2, 2)), "pool_size=(2, 2, 2)"),
    (dict(strides=0), "strides=0"),
    (dict(padding="full"), "padding=full"),
    (dict(data_format="NHWC"), "data_format=NHWC"),
])
def test_pooling_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match="Received") as info:
        MaxPooling2D(**kwargs)
    assert message in str(info.value)


def test_pooling_rejects_bad_input_shapes():
    with pytest.raises(ValueError, match=r"MaxPooling2D.*4-D input"):
        MaxPooling2D().compute_output_shape((None, 28, 28))
    with pytest.raises(ValueError, match=r"AveragePooling2D.*pool_size=\(3, 3\)"):
        AveragePooling2D(3).compute_output_shape((None, 2, 8, 1))
    with pytest.raises(ValueError, match="4-D input"):
        MaxPooling2D().forward(np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="GlobalMaxPooling2D"):
        GlobalMaxPooling2D().compute_output_shape((None, 4, 4))


# --- ZeroPadding2D ---------------------------------------------------------------------------
@pytest.mark.parametrize("padding, pads", [
    (1, ((1, 1), (1, 1))), ((2, 0), ((2, 2), (0, 0))), (((1, 2), (3, 0)), ((1, 2), (3, 0))),
])
def test_zero_padding_shapes_values_and_gradients(padding, pads):
    layer = ZeroPadding2D(padding)
    assert layer.padding == pads
    expected = (None, 3 + sum(pads[0]), 4 + sum(pads[1]), 2)
    assert layer.compute_output_shape((None, 3, 4, 2)) == expected
    x = np.random.default_rng(6).standard_normal((2, 3, 4, 2))
    y = layer.forward(x)
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), pads[0], pads[1], (0, 0))))
    check_layer_gradients(ZeroPadding2D(padding), x)


def test_zero_padding_channels_first_and_config():
    layer = ZeroPadding2D(((1, 0), (0, 2)), data_format="channels_first")
    assert layer.compute_output_shape((None, 2, 3, 4)) == (None, 2, 4, 6)
    check_layer_gradients(layer, np.random.default_rng(7).standard_normal((1, 2, 3, 4)))
    config = layer.get_config()
    assert config["padding"] == [[1, 0], [0, 2]] and config["data_format"] == "channels_first"
    assert layers.deserialize(layers.serialize(layer)).get_config() == config


@pytest.mark.parametrize("padding, message", [
    ((1, 2, 3), "should have two elements"), (-1, "cannot be negative"),
    (((1, -1), (0, 0)), "1st entry of padding"), ("1", "should be either an int"),
])
def test_zero_padding_rejects_bad_padding(padding, message):
    with pytest.raises(ValueError, match=message):
        ZeroPadding2D(padding)


def test_zero_padding_rejects_bad_input():
    with pytest.raises(ValueError, match=r"ZeroPadding2D.*4-D input"):
        ZeroPadding2D().compute_output_shape((None, 5, 5))


@pytest.mark.parametrize("shape, kwargs", [
    ((3, 6, 8, 4), dict()),  # the pairwise 2×2 path
    ((2, 7, 5, 3), dict()),  # …with an odd row and column dropped
    ((2, 7, 5, 3), dict(padding="same")),  # the general path
    ((2, 7, 7, 2), dict(pool_size=3, strides=2)),
])
def test_max_pooling_routes_to_the_first_maximum_among_many_ties(shape, kwargs):
    """Small integers make ties common; each window's gradient must reach exactly the element
    np.argmax picks — the first maximum in row-major order."""
    layer = MaxPooling2D(**kwargs)
    x = np.random.default_rng(8).integers(0, 3, shape).astype(np.float64)
    y = layer.forward(x, training=True)
    grad = np.random.default_rng(9).uniform(1, 2, y.shape)
    dx = layer.backward(grad)
    expected = np.zeros_like(x)
    (ph, pw), (sh, sw) = layer.pool_size, layer.strides
    top = left = 0
    if layer.padding == "same":
        top = max((y.shape[1] - 1) * sh + ph - shape[1], 0) // 2
        left = max((y.shape[2] - 1) * sw + pw - shape[2], 0) // 2
    for i in range(y.shape[1]):
        for j in range(y.shape[2]):
            r0, c0 = i * sh - top, j * sw - left
            r1, c1 = max(r0, 0), max(c0, 0)
            window = x[:, r1:r0 + ph, c1:c0 + pw]
            flat = window.reshape(shape[0], -1, shape[3])
            first = flat.argmax(axis=1)  # (batch, channels)
            rows, cols = np.divmod(first, window.shape[2])
            for b in range(shape[0]):
                for ch in range(shape[3]):
                    expected[b, r1 + rows[b, ch], c1 + cols[b, ch], ch] += grad[b, i, j, ch]
    np.testing.assert_allclose(dx, expected)
