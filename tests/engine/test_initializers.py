"""Initializers: Keras names and configs, fan-based variances, orthogonality, seeding."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import backend, initializers, layers

KERAS3_NAMES = {
    "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
    "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform",
    "truncated_normal", "variance_scaling", "zeros",
}
TRUNCATED_STD = 0.87962566103423978  # std of a unit normal cut at ±2


def test_names_cover_keras3():
    assert set(initializers.names()) == KERAS3_NAMES


@pytest.mark.parametrize("name", sorted(KERAS3_NAMES))
def test_shape_and_dtype(name):
    shape = (4, 4) if name == "identity" else (3, 4, 5)
    values = initializers.get(name)(shape)
    assert values.shape == shape and values.dtype == np.float32
    assert initializers.get(name)(shape, dtype="float64").dtype == np.float64


def test_compute_fans():
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans((20, 30)) == (20, 30)
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)


# name → (scale, mode, uniform?) from the Keras docs: variance = scale / fan.
PRESETS = {
    "glorot_uniform": (1.0, "fan_avg", True), "glorot_normal": (1.0, "fan_avg", False),
    "he_uniform": (2.0, "fan_in", True), "he_normal": (2.0, "fan_in", False),
    "lecun_uniform": (1.0, "fan_in", True), "lecun_normal": (1.0, "fan_in", False),
}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_variance_matches_fan_formula(name):
    scale, mode, uniform = PRESETS[name]
    shape = (3, 3, 64, 96)  # fan_in 576, fan_out 864; 55 296 draws
    fan_in, fan_out = 576, 864
    fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    w = initializers.get(name)(shape).astype(np.float64)
    assert w.var() == pytest.approx(scale / fan, rel=0.03)
    assert abs(w.mean()) < 4 * math.sqrt(scale / fan / w.size)
    bound = math.sqrt(3 * scale / fan) if uniform else 2 * math.sqrt(scale / fan) / TRUNCATED_STD
    assert np.abs(w).max() <= bound * (1 + 1e-6)


def test_variance_scaling_modes_and_distributions():
    w = initializers.VarianceScaling(3.0, "fan_out", "untruncated_normal", seed=1)((200, 400))
    assert w.var() == pytest.approx(3.0 / 400, rel=0.03)
    assert np.abs(w).max() > 2 * math.sqrt(3.0 / 400)  # not truncated
    # Keras 3 reads "normal" as the truncated normal.
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    for kwargs, text in (({"scale": 0}, "scale=0"), ({"mode": "fan"}, "mode=fan"),
                         ({"distribution": "cauchy"}, "distribution=cauchy")):
        with pytest.raises(ValueError, match=text):
            initializers.VarianceScaling(**kwargs)


def test_random_defaults_are_keras():
    n = (300, 300)
    normal = initializers.get("random_normal")(n)
    assert normal.std() == pytest.approx(0.05, rel=0.02) and abs(normal.mean()) < 1e-3
    uniform = initializers.get("random_uniform")(n)
    assert uniform.min() >= -0.05 and uniform.max() < 0.05
    assert uniform.var() == pytest.approx(0.1**2 / 12, rel=0.02)
    truncated = initializers.TruncatedNormal(mean=1.0, stddev=0.5)(n)
    assert np.abs(truncated - 1.0).max() <= 1.0
    assert truncated.std() == pytest.approx(0.5 * TRUNCATED_STD, rel=0.02)


def test_constants():
    np.testing.assert_array_equal(initializers.get("zeros")((2, 3)), 0)
    np.testing.assert_array_equal(initializers.get("ones")((2, 3)), 1)
    np.testing.assert_array_equal(initializers.Constant(0.7)((2,)), np.float32(0.7))
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)), [[2, 0, 0], [0, 2, 0]])
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("shape", [(5, 8), (8, 5), (6, 6), (3, 3, 4, 6)])
def test_orthogonal(shape):
    q = initializers.Orthogonal(gain=2.0, seed=3)(shape).astype(np.float64)
    m = q.reshape(-1, shape[-1])
    gram = m @ m.T if m.shape[0] < m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(m.shape)), atol=1e-5)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((4,))


@pytest.mark.parametrize("name", ["glorot_uniform", "he_normal", "orthogonal", "random_normal",
                                  "random_uniform", "truncated_normal", "lecun_uniform"])
def test_seeds(name):
    cls = type(initializers.get(name))
    a = cls(seed=11)((6, 7))
    np.testing.assert_array_equal(a, cls(seed=11)((6, 7)))  # same seed, same values
    np.testing.assert_array_equal(a, cls(seed=11)((6, 7)))
    seeded = cls(seed=11)
    np.testing.assert_array_equal(seeded((6, 7)), seeded((6, 7)))  # Keras: repeats per call
    assert not np.array_equal(a, cls(seed=12)((6, 7)))
    unseeded = cls()
    backend.set_random_seed(5)
    first = unseeded((6, 7))
    assert not np.array_equal(first, unseeded((6, 7)))
    backend.set_random_seed(5)
    np.testing.assert_array_equal(first, unseeded((6, 7)))


INSTANCES = [
    initializers.Zeros(), initializers.Ones(), initializers.Constant(0.25),
    initializers.Identity(gain=0.5), initializers.RandomNormal(0.1, 0.2, seed=1),
    initializers.RandomUniform(-1.0, 2.0, seed=2), initializers.TruncatedNormal(0.0, 0.3, seed=3),
    initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=4),
    initializers.GlorotNormal(seed=5), initializers.HeUniform(), initializers.LecunNormal(seed=6),
    initializers.Orthogonal(gain=1.5, seed=7),
]


@pytest.mark.parametrize("init", INSTANCES, ids=lambda i: type(i).__name__)
def test_serialize_round_trip(init):
    config = initializers.serialize(init)
    assert set(config) == {"module", "class_name", "config", "registered_name"}
    assert config["class_name"] == type(init).__name__
    again = initializers.get(config)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    if "seed" in init.get_config() and init.get_config()["seed"] is not None:
        np.testing.assert_array_equal(again((4, 4)), init((4, 4)))


def test_keras_config_keys():
    assert initializers.RandomNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert initializers.RandomUniform().get_config() == {"seed": None, "minval": -0.05,
                                                         "maxval": 0.05}
    assert initializers.GlorotUniform(seed=3).get_config() == {"seed": 3}
    assert initializers.Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert initializers.VarianceScaling().get_config() == {
        "seed": None, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}
    assert initializers.Constant(2.0).get_config() == {"value": 2.0}


def test_aliases_and_old_configs():
    for alias, cls in (("uniform", initializers.RandomUniform), ("normal", initializers.RandomNormal),
                       ("one", initializers.Ones), ("zero", initializers.Zeros),
                       ("OrthogonalInitializer", initializers.Orthogonal),
                       ("HeNormal", initializers.HeNormal), ("he_normal", initializers.HeNormal)):
        assert type(initializers.get(alias)) is cls
    keras2 = {"class_name": "VarianceScaling",
              "config": {"scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": None}}
    assert initializers.get(keras2).distribution == "truncated_normal"
    tf1 = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.1, "seed": None,
                                                    "dtype": "float32"}}
    assert initializers.get(tf1).stddev == 0.1
    assert type(initializers.get(initializers.HeUniform)) is initializers.HeUniform
    with pytest.raises(ValueError) as info:
        initializers.get("glorot_uniformm")
    assert "glorot_uniformm" in str(info.value) and "he_normal" in str(info.value).lower()


def test_dense_uses_the_initializer_it_is_given():
    dense = layers.Dense(5, kernel_initializer=initializers.Orthogonal(seed=1),
                         bias_initializer=initializers.Constant(0.5))
    dense.build((None, 5))
    np.testing.assert_allclose(dense.kernel.value @ dense.kernel.value.T, np.eye(5), atol=1e-5)
    np.testing.assert_array_equal(dense.bias.value, 0.5)
    again = layers.Dense.from_config(dense.get_config())
    again.build((None, 5))
    np.testing.assert_array_equal(again.kernel.value, dense.kernel.value)
