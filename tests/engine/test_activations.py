"""Activation functions (values, derivatives, names) and the activation layers."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import engine
from engine import activations, layers
from tests.engine.gradcheck import away_from_kinks, check_layer_gradients

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _relu6(v: float) -> float:
    return min(max(v, 0.0), 6.0)


# Scalar definitions written from the Keras 3 docs, independent of the vectorised code.
SCALAR = {
    "linear": lambda v: v,
    "relu": lambda v: max(v, 0.0),
    "relu6": _relu6,
    "leaky_relu": lambda v: v if v >= 0 else 0.2 * v,
    "elu": lambda v: v if v >= 0 else math.expm1(v),
    "selu": lambda v: SELU_SCALE * (v if v >= 0 else SELU_ALPHA * math.expm1(v)),
    "gelu": lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))),
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
    "hard_sigmoid": lambda v: _relu6(v + 3) / 6,
    "silu": lambda v: v / (1 + math.exp(-v)),
    "hard_silu": lambda v: v * _relu6(v + 3) / 6,
    "tanh": math.tanh,
    "softplus": lambda v: math.log1p(math.exp(v)),
    "softsign": lambda v: v / (1 + abs(v)),
    "mish": lambda v: v * math.tanh(math.log1p(math.exp(v))),
    "exponential": math.exp,
}
ROW_WISE = {"softmax", "log_softmax"}


def test_every_registered_activation_has_a_reference_definition():
    assert set(activations.names()) == set(SCALAR) | ROW_WISE


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_forward_matches_scalar_definition(name):
    x = np.linspace(-7, 7, 57)
    expected = np.array([SCALAR[name](v) for v in x])
    fn = activations.get(name)
    np.testing.assert_allclose(fn.forward(x.copy()), expected, rtol=1e-12, atol=1e-14)
    y32 = getattr(activations, name)(x.astype(np.float32))  # Keras-style call keeps float32
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, expected, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("name", sorted(SCALAR) + sorted(ROW_WISE))
def test_inplace_forward_and_derivative_from_output(name):
    fn = activations.get(name)
    x = away_from_kinks(np.random.default_rng(3), (4, 6))
    y = fn.forward(x.copy())
    np.testing.assert_array_equal(fn.forward(x.copy(), inplace=True), y)
    g = np.random.default_rng(4).standard_normal(y.shape)
    with_x = fn.backward(x, y, g)
    if not fn.needs_input:  # layers then keep only y and pass x=None
        np.testing.assert_allclose(fn.backward(None, y, g), with_x, rtol=1e-12)
    eps = 1e-6
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = np.sum((fn.forward(up) - fn.forward(down)) * g) / (2 * eps)
    np.testing.assert_allclose(with_x, numeric, rtol=1e-6, atol=1e-8)


def test_softmax_and_log_softmax_rows():
    x = np.array([[1.0, 2.0, 1.0], [1000.0, 1000.0, -1000.0]])
    p = activations.softmax(x)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 1]) / np.exp([1, 2, 1]).sum())
    np.testing.assert_allclose(p[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(activations.log_softmax(x[:1]), np.log(p[:1]), rtol=1e-6)
    assert np.isfinite(activations.log_softmax(x)).all()
    np.testing.assert_allclose(activations.softmax(x, axis=0).sum(axis=0), 1.0, rtol=1e-6)


def test_relu_options_follow_keras_examples():
    x = np.array([-10, -5, 0.0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x), [0, 0, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, negative_slope=0.5), [-5, -2.5, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, max_value=5.0), [0, 0, 0, 5, 5])
    np.testing.assert_array_equal(activations.relu(x, threshold=5.0), [0, 0, 0, 0, 10])
    assert activations.relu.max_value is None  # the shared instance kept its defaults


def test_extreme_inputs_stay_finite():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("sigmoid", "softplus", "silu", "mish", "gelu", "elu", "selu", "softsign",
                     "tanh", "hard_sigmoid"):
            assert np.isfinite(getattr(activations, name)(x)).all(), name
    np.testing.assert_allclose(activations.softplus(x)[[0, 4]], [0.0, 1000.0])


def test_gelu_is_exact_by_default_and_tanh_form_on_request():
    x = np.linspace(-4, 4, 33)
    tanh_form = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(activations.gelu(x, approximate=True), tanh_form, rtol=1e-6)
    assert np.abs(activations.gelu(x) - tanh_form).max() > 1e-5  # they really differ
    grid = np.linspace(-6, 6, 241)
    np.testing.assert_array_equal(activations.erf(grid), [math.erf(v) for v in grid])
    assert activations.erf(grid.astype(np.float32)).dtype == np.float32


def test_hard_sigmoid_is_keras3_definition():
    # Keras 2 used 0.2·x + 0.5 (0.7 at x=1); Keras 3 uses relu6(x + 3) / 6.
    assert activations.hard_sigmoid(np.array([1.0]))[0] == pytest.approx(4 / 6)


def test_names_aliases_and_errors():
    assert activations.get("swish").name == "silu"
    assert activations.serialize(activations.get("hard_swish")) == "hard_silu"
    assert activations.get(None).name == "linear"
    assert activations.get({"class_name": "function", "config": "relu"}).name == "relu"
    for name in activations.names():
        assert activations.serialize(activations.get(name)) == name
    with pytest.raises(ValueError) as info:
        activations.get("relux")
    assert "relux" in str(info.value) and "relu" in str(info.value) and "softmax" in str(info.value)


# --- activation layers ---------------------------------------------------------------------------

LAYERS = [
    lambda: layers.ReLU(),
    lambda: layers.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5),
    lambda: layers.LeakyReLU(),
    lambda: layers.ELU(alpha=0.5),
    lambda: layers.Softmax(),
    lambda: layers.Softmax(axis=[1, 2]),
    lambda: layers.PReLU(alpha_initializer="random_uniform"),
    lambda: layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1, 2]),
]


@pytest.mark.parametrize("make", LAYERS)
def test_activation_layer_gradients(make):
    layer = make()
    x = away_from_kinks(np.random.default_rng(5), (3, 2, 2, 3))
    check_layer_gradients(layer, x)
    assert layer.compute_output_shape((None, 2, 2, 3)) == (None, 2, 2, 3)


@pytest.mark.parametrize("make", LAYERS)
def test_activation_layer_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == {**config}
    assert layers.deserialize(layers.serialize(layer)).get_config() == config


def test_activation_layer_values_and_keras_defaults():
    x = np.array([[-10, -5, 0.0, 5, 10]])
    np.testing.assert_array_equal(layers.ReLU(max_value=10, negative_slope=0.5)(x),
                                  [[-5, -2.5, 0, 5, 10]])
    assert layers.LeakyReLU().negative_slope == 0.3
    np.testing.assert_allclose(layers.LeakyReLU(negative_slope=0.5)(x), [[-5, -2.5, 0, 5, 10]])
    np.testing.assert_allclose(layers.ELU()(np.array([[-1.0, 2.0]])), [[math.expm1(-1), 2.0]])
    np.testing.assert_allclose(layers.Softmax()(np.array([[1.0, 2.0, 1.0]])),
                               [[0.21194157, 0.5761169, 0.21194157]], rtol=1e-6)
    prelu = layers.PReLU()
    prelu.build((None, 5))
    assert prelu.alpha.shape == (5,) and not prelu.alpha.value.any()  # Keras: zeros
    assert set(layers.ReLU().get_config()) >= {"max_value", "negative_slope", "threshold"}


def test_leaky_relu_accepts_keras2_alpha():
    with pytest.warns(UserWarning, match="negative_slope"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1 and "alpha" not in layer.get_config()


@pytest.mark.parametrize("make, text", [
    (lambda: layers.ReLU(max_value=-1.0), "Received: max_value=-1.0"),
    (lambda: layers.ReLU(negative_slope=-0.5), "Received: negative_slope=-0.5"),
    (lambda: layers.ReLU(threshold=-2), "Received: threshold=-2"),
    (lambda: layers.LeakyReLU(negative_slope=-1), "Received: negative_slope=-1"),
])
def test_activation_layer_errors(make, text):
    with pytest.raises(ValueError, match=text):
        make()


def test_softmax_layer_trains_like_a_softmax_activation():
    """Dense(3) + Softmax() must take the same SGD step as Dense(3, activation='softmax')."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), np.eye(3)[rng.integers(0, 3, 16)]
    fused = engine.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    split = engine.Sequential([layers.Input((4,)), layers.Dense(3), layers.Softmax()])
    split.set_weights(fused.get_weights())
    for model in (fused, split):
        model.compile(optimizer="sgd", loss="categorical_crossentropy")
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(fused.get_weights(), split.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
