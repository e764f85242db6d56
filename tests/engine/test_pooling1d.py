"""Pooling over timesteps: windowed max/average and global average (mask-aware) / max."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from engine import layers
from tests.engine.gradcheck import check_layer_gradients

X = np.random.default_rng(0).standard_normal((3, 7, 4))
MASK = np.array([[1, 1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 1, 0]], bool)


def channels_first(x):
    return np.ascontiguousarray(x.transpose(0, 2, 1))


@pytest.mark.parametrize("cls", [layers.MaxPooling1D, layers.AveragePooling1D])
@pytest.mark.parametrize("pool,strides,padding,steps", [
    (2, None, "valid", 3), (3, 2, "same", 4), (3, 1, "valid", 5), (2, 3, "same", 3)])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_windowed_pooling_values_shapes_and_gradients(cls, pool, strides, padding, steps,
                                                      data_format):
    layer = cls(pool, strides, padding, data_format)
    x = X if data_format == "channels_last" else channels_first(X)
    out = layer.forward(x, training=True)
    expected_shape = (3, steps, 4) if data_format == "channels_last" else (3, 4, steps)
    assert out.shape == expected_shape
    assert layer.compute_output_shape((None, *x.shape[1:])) == (None, *expected_shape[1:])
    stride = strides or pool
    reduce = np.max if cls is layers.MaxPooling1D else np.mean
    steps_last = out if data_format == "channels_last" else out.transpose(0, 2, 1)
    if padding == "valid":  # each output is its window, read off directly
        for k in range(steps):
            np.testing.assert_allclose(steps_last[:, k],
                                       reduce(X[:, k * stride:k * stride + pool], axis=1))
    check_layer_gradients(cls(pool, strides, padding, data_format), x)


def test_windowed_pooling_refuses_too_short_inputs_and_bad_arguments():
    with pytest.raises(ValueError, match="pool_size=4"):
        layers.MaxPooling1D(4).compute_output_shape((None, 3, 2))
    with pytest.raises(ValueError, match="3-D input"):
        layers.AveragePooling1D().compute_output_shape((None, 3, 2, 1))
    with pytest.raises(ValueError, match="padding"):
        layers.MaxPooling1D(padding="full")
    assert layers.MaxPooling1D(padding="same").compute_output_shape((None, 1, 2)) == (None, 1, 2)


def test_windowed_pooling_uses_no_automatic_2d_layer_name():
    from engine import backend

    backend.clear_session()
    first = layers.MaxPooling2D().name
    backend.clear_session()
    layers.MaxPooling1D()
    assert layers.MaxPooling2D().name == first


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("masked", [False, True])
def test_global_average_pooling_averages_the_unmasked_steps(keepdims, data_format, masked):
    layer = layers.GlobalAveragePooling1D(data_format, keepdims)
    x = X if data_format == "channels_last" else channels_first(X)
    mask = MASK if masked else None
    out = layer.forward(x, mask=mask)
    keep = MASK if masked else np.ones((3, 7), bool)
    expected = np.stack([X[b, keep[b]].mean(axis=0) for b in range(3)])
    np.testing.assert_allclose(out.reshape(3, 4), expected)
    shape = (3, 4) if not keepdims else (3, 1, 4) if data_format == "channels_last" else (3, 4, 1)
    assert out.shape == shape == layer.compute_output_shape(x.shape)
    layer = layers.GlobalAveragePooling1D(data_format, keepdims)
    if masked:
        layer.forward = functools.partial(type(layer).forward, layer, mask=MASK)
    check_layer_gradients(layer, x)


def test_global_average_pooling_of_a_fully_masked_sample_is_nan_as_in_keras():
    mask = MASK.copy()
    mask[0] = False
    out = layers.GlobalAveragePooling1D().forward(X, mask=mask)
    assert np.isnan(out[0]).all() and np.isfinite(out[1:]).all()


def test_global_average_pooling_ends_the_mask():
    assert layers.GlobalAveragePooling1D().compute_mask(X, MASK) is None


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_max_pooling(keepdims, data_format):
    layer = layers.GlobalMaxPooling1D(data_format, keepdims)
    x = X if data_format == "channels_last" else channels_first(X)
    out = layer.forward(x)
    np.testing.assert_array_equal(out.reshape(3, 4), X.max(axis=1))
    check_layer_gradients(layers.GlobalMaxPooling1D(data_format, keepdims), x)


def test_global_max_pooling_sends_a_tie_to_the_first_maximum():
    x = np.array([[[1.0], [3.0], [3.0]]])
    layer = layers.GlobalMaxPooling1D()
    layer.forward(x)
    np.testing.assert_array_equal(layer.backward(np.array([[2.0]])), [[[0.0], [2.0], [0.0]]])


def test_global_max_pooling_does_not_support_masking_like_keras_3():
    """Keras 3's GlobalMaxPooling1D takes no mask: the maximum runs over every step."""
    layer = layers.GlobalMaxPooling1D()
    assert not getattr(layer, "supports_masking", False)
    assert not hasattr(layer, "compute_mask")


@pytest.mark.parametrize("make", [
    lambda: layers.MaxPooling1D(3, 2, "same", "channels_first"),
    lambda: layers.AveragePooling1D(pool_size=4),
    lambda: layers.GlobalAveragePooling1D(keepdims=True),
    lambda: layers.GlobalMaxPooling1D(data_format="channels_first")], ids=lambda f: "")
def test_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    assert layers.get(type(layer).__name__) is type(layer)
