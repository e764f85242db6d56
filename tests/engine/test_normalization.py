"""BatchNormalization: gradients in both modes, the moving-statistics rule, weights, configs."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import layers
from tests.engine.gradcheck import check_layer_gradients

KERAS3_CONFIG_KEYS = {
    "name", "trainable", "dtype", "axis", "momentum", "epsilon", "center", "scale",
    "beta_initializer", "gamma_initializer", "moving_mean_initializer",
    "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
    "gamma_constraint", "synchronized",
}


def _random_affine(layer: layers.BatchNormalization, rng: np.random.Generator) -> None:
    """Non-trivial gamma/beta and moving statistics, so no term hides behind a 1 or a 0."""
    for var, low, high in ((layer.gamma, 0.5, 2.0), (layer.beta, -1.0, 1.0),
                           (layer.moving_mean, -1.0, 1.0), (layer.moving_variance, 0.5, 3.0)):
        if var is not None:
            var.value[...] = rng.uniform(low, high, var.shape)


@pytest.mark.parametrize("shape, axis", [((6, 4), -1), ((3, 2, 3, 2), -1), ((3, 2, 3, 2), 1),
                                         ((4, 3, 5), 1)])
@pytest.mark.parametrize("training", [True, False])
def test_gradients(shape, axis, training):
    rng = np.random.default_rng(0)
    layer = layers.BatchNormalization(axis=axis)
    layer.build((None, *shape[1:]))
    _random_affine(layer, rng)
    x = rng.normal(1.0, 2.0, shape)
    errors = check_layer_gradients(layer, x, training=training)
    assert set(errors) == {"x", layer.gamma.name, layer.beta.name}


@pytest.mark.parametrize("center, scale", [(False, True), (True, False), (False, False)])
def test_gradients_without_beta_or_gamma(center, scale):
    layer = layers.BatchNormalization(center=center, scale=scale)
    errors = check_layer_gradients(layer, np.random.default_rng(1).normal(size=(5, 3)))
    assert len(errors) == 1 + center + scale
    assert len(layer.weights) == 2 + center + scale


def test_training_forward_normalises_with_batch_statistics():
    rng = np.random.default_rng(2)
    layer = layers.BatchNormalization()
    x = rng.normal(3.0, 5.0, (32, 4, 4, 3)).astype(np.float32)
    layer.build((None, 4, 4, 3))
    _random_affine(layer, rng)
    y = layer(x, training=True)
    assert y.dtype == np.float32 and y.shape == x.shape
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))  # biased variance
    expected = layer.gamma.value * (x - mean) / np.sqrt(var + 1e-3) + layer.beta.value
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_moving_statistics_update_rule_after_one_training_forward():
    rng = np.random.default_rng(3)
    layer = layers.BatchNormalization(momentum=0.9)
    x = rng.normal(-2.0, 3.0, (10, 5))
    layer(x, training=True)
    # moving = moving·momentum + batch·(1 − momentum), from zeros and ones, biased batch variance.
    np.testing.assert_allclose(layer.moving_mean.value, 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.value, 0.9 + 0.1 * x.var(0), rtol=1e-5)
    before = layer.get_weights()
    layer(x, training=False)  # inference leaves them alone
    for a, b in zip(before, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_inference_uses_moving_statistics():
    rng = np.random.default_rng(4)
    layer = layers.BatchNormalization(epsilon=0.01)
    layer.build((None, 3))
    _random_affine(layer, rng)
    x = rng.normal(size=(7, 3))
    expected = (layer.gamma.value * (x - layer.moving_mean.value)
                / np.sqrt(layer.moving_variance.value + 0.01) + layer.beta.value)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5)


def test_frozen_layer_runs_in_inference_mode():
    layer = layers.BatchNormalization()
    x = np.random.default_rng(5).normal(4.0, 1.0, (8, 2))
    layer.build((None, 2))
    layer.trainable = False
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False))
    np.testing.assert_array_equal(layer.moving_mean.value, 0)
    assert layer.trainable_weights == []


def test_weights_are_in_keras_order():
    layer = layers.BatchNormalization()
    layer.build((None, 8, 8, 6))
    assert [v.name.split("/")[-1] for v in layer.weights] == [
        "gamma", "beta", "moving_mean", "moving_variance"]
    assert [v.name.split("/")[-1] for v in layer.trainable_weights] == ["gamma", "beta"]
    assert all(v.shape == (6,) for v in layer.weights) and layer.count_params() == 24
    values = [np.full(6, i, np.float32) for i in range(4)]
    layer.set_weights(values)
    assert layer.moving_variance.value[0] == 3


def test_fit_changes_moving_statistics_only_through_the_update_rule():
    """BN first: its input is the data itself, so three full-batch steps have a closed form."""
    rng = np.random.default_rng(6)
    x = rng.normal(2.0, 3.0, (64, 5)).astype(np.float32)
    y = np.eye(3)[np.arange(64) % 3]
    model = engine.Sequential([layers.Input((5,)), layers.BatchNormalization(),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    bn = model.layers[0]
    assert all(v in model.trainable_weights for v in (bn.gamma, bn.beta))
    assert not any(v in model.trainable_weights for v in (bn.moving_mean, bn.moving_variance))
    model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
    kept = 0.99 ** 3
    np.testing.assert_allclose(bn.moving_mean.value, (1 - kept) * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.value, kept + (1 - kept) * x.var(0), rtol=1e-5)
    assert not np.allclose(bn.gamma.value, 1) and not np.allclose(bn.beta.value, 0)  # trained


def test_config_matches_keras3_and_round_trips():
    layer = layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, center=False,
                                      gamma_regularizer="l2", gamma_initializer="random_normal")
    config = layer.get_config()
    assert set(config) == KERAS3_CONFIG_KEYS
    assert config["moving_variance_initializer"]["class_name"] == "Ones"
    again = layers.deserialize(layers.serialize(layer))
    assert again.get_config() == config


def test_keras2_config_loads():
    old = {"name": "batch_normalization", "trainable": True, "dtype": "float32", "axis": [3],
           "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
           "beta_initializer": {"class_name": "Zeros", "config": {}},
           "gamma_initializer": {"class_name": "Ones", "config": {}},
           "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
           "moving_variance_initializer": {"class_name": "Ones", "config": {}},
           "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None,
           "gamma_constraint": None, "renorm": False, "fused": True}
    layer = layers.BatchNormalization.from_config(old)
    assert layer.axis == 3
    with pytest.raises(ValueError, match="renorm=True"):
        layers.BatchNormalization.from_config({**old, "renorm": True})


def test_shape_errors_name_the_layer():
    layer = layers.BatchNormalization(name="bn")
    with pytest.raises(ValueError, match="'bn'"):
        layer.compute_output_shape((None, None))
    with pytest.raises(ValueError, match="'bn'"):
        layer.compute_output_shape((None,))
    layer.build((None, 4))
    with pytest.raises(ValueError, match="4 channels"):
        layer.compute_output_shape((None, 5))
    with pytest.raises(ValueError, match="Received: epsilon=0"):
        layers.BatchNormalization(epsilon=0)
