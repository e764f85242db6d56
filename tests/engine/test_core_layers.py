"""Core layers: gradients by finite differences, Dropout's mask, shapes, configs and error text."""

from __future__ import annotations

import numpy as np
import pytest

from engine import activations, layers, regularizers
from tests.engine.gradcheck import away_from_kinks, check_layer_gradients, numeric_grad


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("activation", activations.names())
def test_dense_gradients_with_each_fused_activation(activation, use_bias):
    layer = layers.Dense(4, activation=activation, use_bias=use_bias,
                         bias_initializer="random_uniform")
    errors = check_layer_gradients(layer, away_from_kinks(np.random.default_rng(1), (5, 3)))
    assert len(errors) == (3 if use_bias else 2)


def test_dense_on_sequences_and_without_input_gradient():
    layer = layers.Dense(3, activation="tanh")
    x = np.random.default_rng(2).standard_normal((2, 4, 5))  # (batch, steps, features)
    check_layer_gradients(layer, x)
    assert layer.compute_output_shape((None, 4, 5)) == (None, 4, 3)
    first = layers.Dense(3)
    first.need_input_grad = False  # the model's first weighted layer skips dx
    assert list(check_layer_gradients(first, x)) == [first.kernel.name, first.bias.name]
    assert first.backward(np.ones((2, 4, 3))) is None


@pytest.mark.parametrize("activation", activations.names())
def test_activation_layer_gradients(activation):
    layer = layers.Activation(activation)
    check_layer_gradients(layer, away_from_kinks(np.random.default_rng(3), (3, 2, 4)))
    assert layers.Activation.from_config(layer.get_config()).activation.name == activation


def test_dropout_scales_kept_units_and_backward_reuses_the_mask():
    rate = 0.25
    layer = layers.Dropout(rate, seed=7)
    x = np.random.default_rng(4).uniform(0.5, 1.5, (400, 50))
    y = layer(x, training=True)
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-12)
    dropped = 1 - kept.mean()
    assert abs(dropped - rate) < 4 * np.sqrt(rate * (1 - rate) / x.size)
    g = np.random.default_rng(5).standard_normal(x.shape)
    np.testing.assert_allclose(layer.backward(g), g * y / x, rtol=1e-12)  # same mask, same scale
    y2 = layer(x, training=True)
    assert (y2 != 0).mean() > 0 and not np.array_equal(y2 != 0, kept)  # a new mask per batch
    np.testing.assert_array_equal(layer(x, training=False), x)
    np.testing.assert_array_equal(layer.backward(g), g)


def test_dropout_with_seed_is_repeatable_and_float32():
    x = np.ones((8, 10), np.float32)
    a = layers.Dropout(0.5, seed=3)(x, training=True)
    b = layers.Dropout(0.5, seed=3)(x, training=True)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32


def test_flatten_and_reshape_gradients_and_shapes():
    x = np.random.default_rng(6).standard_normal((2, 3, 4, 2))
    flatten = layers.Flatten()
    check_layer_gradients(flatten, x)
    assert flatten(x).shape == (2, 24)
    assert flatten.compute_output_shape((None, 3, 4, 2)) == (None, 24)
    reshape = layers.Reshape((4, -1))
    check_layer_gradients(reshape, x)
    assert reshape(x).shape == (2, 4, 6)
    assert reshape.compute_output_shape((None, 3, 4, 2)) == (None, 4, 6)
    with pytest.raises(ValueError, match="incompatible"):
        layers.Reshape((5, 5)).compute_output_shape((None, 24))


@pytest.mark.parametrize("make", [
    lambda: layers.Dense(3, activation="relu", kernel_initializer="he_normal",
                         kernel_regularizer=regularizers.L2(0.02)),
    lambda: layers.Dense(2, use_bias=False, bias_regularizer="l1"),
    lambda: layers.Activation("gelu"),
    lambda: layers.Dropout(0.3, seed=1),
    lambda: layers.Flatten(),
    lambda: layers.Reshape((2, -1)),
])
def test_core_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is type(layer)
    assert again.get_config() == config


@pytest.mark.parametrize("make, text", [
    (lambda: layers.Dense(units=0), "Received: units=0"),
    (lambda: layers.Dense(units=-3), "Received: units=-3"),
    (lambda: layers.Dropout(rate=1.5), "Received: rate=1.5"),
    (lambda: layers.Dropout(rate=-0.1), "Received: rate=-0.1"),
])
def test_hyperparameter_errors_name_the_value(make, text):
    with pytest.raises(ValueError, match=text):
        make()


def test_unknown_activation_lists_valid_ones():
    with pytest.raises(ValueError) as info:
        layers.Dense(3, activation="rleu")
    message = str(info.value)
    assert "rleu" in message
    assert all(name in message for name in ("relu", "sigmoid", "softmax", "tanh", "gelu"))


def test_dense_rejects_inputs_it_cannot_take():
    dense = layers.Dense(3)
    with pytest.raises(ValueError, match="dense"):
        dense.compute_output_shape((None,))
    dense.build((None, 4))
    with pytest.raises(ValueError, match="last dimension 4"):
        dense.compute_output_shape((None, 5))


# --- regularizers, as Dense uses them -----------------------------------------------------------

@pytest.mark.parametrize("reg", [regularizers.L1(0.3), regularizers.L2(0.2),
                                 regularizers.L1L2(l1=0.1, l2=0.05)])
def test_regularizer_gradient_matches_its_penalty(reg):
    w = away_from_kinks(np.random.default_rng(7), (4, 3))
    analytic = reg.gradient(w)
    np.testing.assert_allclose(analytic, numeric_grad(lambda: reg(w), w), rtol=1e-6, atol=1e-9)
    assert reg(w) == pytest.approx(getattr(reg, "l1", 0) * np.abs(w).sum()
                                   + getattr(reg, "l2", 0) * np.square(w).sum())


def test_regularizer_names_configs_and_errors():
    assert regularizers.get("l2").get_config() == {"l2": 0.01}  # Keras' default factors
    assert regularizers.get("l1").get_config() == {"l1": 0.01}
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.0, "l2": 0.0}  # Keras 3: L1L2()
    for reg in (regularizers.L1(0.5), regularizers.L2(0.25), regularizers.L1L2(0.1, 0.2)):
        again = regularizers.get(regularizers.serialize(reg))
        assert type(again) is type(reg) and again.get_config() == reg.get_config()
    with pytest.raises(ValueError, match="Received: l2=-1"):
        regularizers.L2(-1)
    with pytest.raises(ValueError, match="Received: l1=nan"):
        regularizers.L1(float("nan"))
