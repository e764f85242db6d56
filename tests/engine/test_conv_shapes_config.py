"""Conv2D and Conv1D output shapes, Keras configs and weight layout, errors, and a small CNN that learns."""

from __future__ import annotations

import numpy as np
import pytest

from engine import layers
from engine.layers import Conv1D, Conv2D


@pytest.mark.parametrize("kwargs, input_shape, expected", [
    (dict(filters=32, kernel_size=3), (None, 28, 28, 1), (None, 26, 26, 32)),
    (dict(filters=8, kernel_size=3, padding="same"), (None, 32, 32, 3), (None, 32, 32, 8)),
    (dict(filters=8, kernel_size=3, strides=2, padding="same"), (None, 7, 7, 3), (None, 4, 4, 8)),
    (dict(filters=8, kernel_size=3, strides=2), (None, 7, 8, 3), (None, 3, 3, 8)),
    (dict(filters=8, kernel_size=(5, 1)), (None, 7, 8, 3), (None, 3, 8, 8)),
    (dict(filters=4, kernel_size=3, dilation_rate=2), (None, 10, 9, 3), (None, 6, 5, 4)),
    (dict(filters=4, kernel_size=2, data_format="channels_first"), (None, 3, 5, 6),
     (None, 4, 4, 5)),
    (dict(filters=4, kernel_size=3), (None, None, None, 3), (None, None, None, 4)),
])
def test_conv2d_output_shapes(kwargs, input_shape, expected):
    layer = Conv2D(**kwargs)
    assert layer.compute_output_shape(input_shape) == expected
    layer.build(input_shape)
    if None not in input_shape[1:]:
        x = np.zeros((2, *input_shape[1:]), np.float32)
        assert layer(x).shape == (2, *expected[1:])


@pytest.mark.parametrize("kwargs, input_shape, expected", [
    (dict(filters=4, kernel_size=3), (None, 10, 2), (None, 8, 4)),
    (dict(filters=4, kernel_size=3, strides=2, padding="same"), (None, 9, 2), (None, 5, 4)),
    (dict(filters=4, kernel_size=3, padding="causal"), (None, 9, 2), (None, 9, 4)),
])
def test_conv1d_output_shapes(kwargs, input_shape, expected):
    assert Conv1D(**kwargs).compute_output_shape(input_shape) == expected


KERAS_CONV_KEYS = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format",
    "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer",
    "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
    "kernel_constraint", "bias_constraint",
}


def test_conv2d_config_round_trip():
    layer = Conv2D(16, (3, 5), strides=(1, 2), padding="SAME", activation="relu",
                   kernel_regularizer="l2", use_bias=False, name="c1")
    config = layer.get_config()
    assert set(config) == KERAS_CONV_KEYS
    assert config["kernel_size"] == [3, 5] and config["strides"] == [1, 2]
    assert config["dilation_rate"] == [1, 1] and config["padding"] == "same"
    assert config["data_format"] == "channels_last" and config["activation"] == "relu"
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is Conv2D and again.get_config() == config


def test_conv_builds_keras_weight_layout():
    conv2 = Conv2D(6, (3, 2), groups=2)
    conv2.build((None, 8, 8, 4))
    assert [w.shape for w in conv2.get_weights()] == [(3, 2, 2, 6), (6,)]
    conv1 = Conv1D(5, 4, use_bias=False)
    conv1.build((None, 9, 3))
    assert [w.shape for w in conv1.get_weights()] == [(4, 3, 5)]


@pytest.mark.parametrize("kwargs, message", [
    (dict(filters=0, kernel_size=3), "filters=0"),
    (dict(filters=4, kernel_size=0), "kernel_size=0"),
    (dict(filters=4, kernel_size=(3, 3, 3)), "kernel_size=(3, 3, 3)"),
    (dict(filters=4, kernel_size="3"), "kernel_size=3"),
    (dict(filters=4, kernel_size=3, strides=0), "strides=0"),
    (dict(filters=4, kernel_size=3, padding="full"), "padding=full"),
    (dict(filters=4, kernel_size=3, padding="causal"), "padding=causal"),
    (dict(filters=4, kernel_size=3, data_format="nhwc"), "data_format=nhwc"),
    (dict(filters=4, kernel_size=3, strides=2, dilation_rate=2), "dilation_rate=(2, 2)"),
    (dict(filters=6, kernel_size=3, groups=4), "groups=4, filters=6"),
    (dict(filters=4, kernel_size=3, groups=0), "groups=0"),
])
def test_conv2d_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match="Received") as info:
        Conv2D(**kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize("input_shape, fragment", [
    ((None, 28, 28), "4-D input"),
    ((None, 28, 28, 1, 1), "4-D input"),
    ((None, 2, 2, 2), "spatial size at least (3, 3)"),
    ((None, 8, 8, 3), "divisible by groups=2"),
    ((None, 8, 8, None), "known number of channels"),
])
def test_conv2d_rejects_bad_input_shapes(input_shape, fragment):
    layer = Conv2D(4, 3, groups=2)
    with pytest.raises(ValueError, match="Conv2D") as info:
        layer.compute_output_shape(input_shape)
    assert fragment in str(info.value)


def test_conv2d_rejects_wrong_channels_at_run_time():
    layer = Conv2D(4, 3)
    layer.build((None, 8, 8, 3))
    with pytest.raises(ValueError, match=r"expected 3 channels.*\(2, 8, 8, 1\)"):
        layer(np.zeros((2, 8, 8, 1), np.float32))
    with pytest.raises(ValueError, match="4-D input"):
        layer(np.zeros((2, 8, 8), np.float32))


def test_small_cnn_learns_line_orientation():
    """End to end through Sequential.fit: Conv2D → MaxPooling2D → Flatten → Dense(softmax)."""
    import engine
    from engine.layers import Dense, Flatten, Input, MaxPooling2D

    engine.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 0.3, (200, 8, 8, 1)).astype(np.float32)
    y = rng.integers(0, 2, 200)
    for img, label, pos in zip(x, y, rng.integers(1, 7, 200), strict=True):
        if label:
            img[pos, 1:7, 0] = 1.0  # a horizontal line
        else:
            img[1:7, pos, 0] = 1.0  # a vertical line
    model = engine.Sequential([Input((8, 8, 1)), Conv2D(4, 3, activation="relu"), MaxPooling2D(),
                               Flatten(), Dense(2, activation="softmax")])
    model.compile(optimizer=engine.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:150], y[:150], epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    accuracy = (model.predict(x[150:], verbose=0).argmax(axis=1) == y[150:]).mean()
    assert accuracy >= 0.9
