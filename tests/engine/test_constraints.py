"""Weight constraints: Keras 3's formulas, names and configs, applied after every optimizer step,
kept through configs and files, and understood by real Keras (when importable) both ways."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import engine
from engine import constraints, layers, optimizers
from engine.constraints import MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from engine.export.keras_script import layer_source
from engine.models import load_model
from engine.saving.config import layer_from_config
from tests.engine.training_data import blobs
from tests.keras_optional import keras, needs_keras

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from keras on torch

EPS = 1e-7  # Keras' backend epsilon


# --- the formulas, restated in float64 -------------------------------------------------------------
def norms64(w, axis):
    return np.sqrt(np.sum(np.square(w.astype(np.float64)), axis=tuple(np.atleast_1d(axis)),
                          keepdims=True))


def min_max_norm64(w, low, high, rate, axis):
    """MinMaxNorm; MaxNorm is the case low=0, rate=1."""
    n = norms64(w, axis)
    return w * ((rate * np.clip(n, low, high) + (1 - rate) * n) / (EPS + n))


def weight(shape, axis, slice_norms):
    """float32 weights whose slices along `axis` have the given norms (one per remaining index)."""
    w = np.random.default_rng(0).normal(size=shape)
    w *= np.reshape(slice_norms, norms64(w, axis).shape) / norms64(w, axis)
    return w.astype(np.float32)


CASES = {  # a Dense kernel (in, out), a Conv2D kernel (kh, kw, in, filters), a bias vector
    "dense": ((6, 4), 0, [0.0, 0.3, 2.5, 7.0]),
    "conv": ((3, 3, 2, 3), [0, 1, 2], [0.4, 1.0, 9.0]),
    "vector": ((7,), 0, [3.0]),
}


@pytest.mark.parametrize("case", CASES)
def test_norm_constraints_follow_keras_formulas(case):
    shape, axis, slice_norms = CASES[case]
    w = weight(shape, axis, slice_norms)
    for ours, expected in [
        (MaxNorm(2.0, axis=axis)(w), min_max_norm64(w, 0, 2.0, 1.0, axis)),
        (MinMaxNorm(0.5, 1.5, rate=1.0, axis=axis)(w), min_max_norm64(w, 0.5, 1.5, 1.0, axis)),
        (MinMaxNorm(0.5, 1.5, rate=0.25, axis=axis)(w), min_max_norm64(w, 0.5, 1.5, 0.25, axis)),
        (UnitNorm(axis=axis)(w), w / (EPS + norms64(w, axis))),
    ]:
        assert ours.dtype == np.float32 and ours.shape == w.shape
        np.testing.assert_allclose(ours, expected, rtol=2e-6, atol=1e-7)
    capped = norms64(MaxNorm(2.0, axis=axis)(w), axis).ravel()
    for before, after in zip(slice_norms, capped, strict=True):
        # Below the limit only the epsilon in the denominator shrinks it; above, it is the limit.
        assert after == pytest.approx(min(before, 2.0), rel=1e-6, abs=1e-7)
    assert not np.isnan(UnitNorm(axis=axis)(w)).any()  # an all-zero slice stays zero


def test_min_max_norm_with_rate_moves_part_of_the_way():
    w = weight((5, 3), 0, [0.1, 1.0, 4.0])
    after = norms64(MinMaxNorm(0.5, 2.0, rate=0.5)(w), 0).ravel()
    np.testing.assert_allclose(after, [0.3, 1.0, 3.0], rtol=1e-6)


def test_non_neg_and_the_keras_defaults():
    w = np.array([[-1.5, 0.0], [2.0, -0.1]], np.float32)
    np.testing.assert_array_equal(NonNeg()(w), np.maximum(w, 0))
    assert MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert UnitNorm().get_config() == {"axis": 0}
    assert NonNeg().get_config() == {}


# --- get / serialize -------------------------------------------------------------------------------
@pytest.mark.parametrize("name, cls", [
    ("max_norm", MaxNorm), ("MaxNorm", MaxNorm), ("min_max_norm", MinMaxNorm),
    ("MinMaxNorm", MinMaxNorm), ("non_neg", NonNeg), ("NonNeg", NonNeg), ("unit_norm", UnitNorm),
    ("UnitNorm", UnitNorm)])
def test_get_by_name_and_alias(name, cls):
    assert type(constraints.get(name)) is cls


def test_get_configs_objects_and_callables():
    keras3 = {"module": "keras.constraints", "class_name": "MaxNorm",
              "config": {"max_value": 3.0, "axis": [0, 1, 2]}, "registered_name": None}
    assert constraints.get(keras3).get_config() == {"max_value": 3.0, "axis": [0, 1, 2]}
    tf_keras = {"class_name": "MinMaxNorm", "config": {"min_value": 0.1, "max_value": 2.0,
                                                         "rate": 0.5, "axis": 1}}
    assert constraints.get(tf_keras).get_config() == tf_keras["config"]
    assert constraints.serialize(constraints.get(keras3)) == keras3
    unit, clip = UnitNorm(axis=1), np.negative  # any function w -> w, as Keras allows
    assert constraints.get(unit) is unit and constraints.get(clip) is clip
    assert type(constraints.get(NonNeg)) is NonNeg
    assert constraints.get(None) is None and constraints.serialize(None) is None


def test_unknown_names_are_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown constraint: 'max_nrm'.*MaxNorm, MinMaxNorm, NonNeg"):
        constraints.get("max_nrm")
    with pytest.raises(ValueError, match="Could not interpret constraint"):
        constraints.get(3)
    with pytest.raises(ValueError, match="max_nrm"):  # at construction, as in Keras
        layers.Dense(2, kernel_constraint="max_nrm")


# --- every layer that takes constraints ------------------------------------------------------------
LAYERS = {  # name: (layer, input shape without batch)
    "Dense": (lambda c: layers.Dense(3, kernel_constraint=c, bias_constraint=c), (4,)),
    "Conv1D": (lambda c: layers.Conv1D(2, 3, kernel_constraint=c, bias_constraint=c), (6, 2)),
    "Conv2D": (lambda c: layers.Conv2D(2, 3, kernel_constraint=c, bias_constraint=c), (5, 5, 2)),
    **{rnn: (lambda c, rnn=rnn: getattr(layers, rnn)(3, kernel_constraint=c, recurrent_constraint=c,
                                                      bias_constraint=c), (4, 2))
       for rnn in ("SimpleRNN", "LSTM", "GRU")},
    "Bidirectional": (lambda c: layers.Bidirectional(layers.LSTM(2, kernel_constraint=c,
                      recurrent_constraint=c, bias_constraint=c)), (4, 2)),
    "BatchNormalization": (lambda c: layers.BatchNormalization(beta_constraint=c,
                                                               gamma_constraint=c), (4,)),
    "PReLU": (lambda c: layers.PReLU(alpha_initializer="random_normal", alpha_constraint=c), (4,)),
    "Embedding": (lambda c: layers.Embedding(10, 3, embeddings_constraint=c), (5,)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_each_layer_applies_and_serializes_its_constraints(name):
    make, shape = LAYERS[name]
    layer = make("non_neg")
    engine.utils.set_random_seed(0)
    model = engine.Sequential([layers.Input(shape), layer, layers.Flatten(), layers.Dense(1)])
    model.compile(optimizers.SGD(0.5), "mse")
    rng = np.random.default_rng(1)
    x = rng.integers(0, 10, (8, *shape)) if name == "Embedding" else rng.normal(size=(8, *shape))
    model.train_on_batch(x.astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32))
    for var in layer.trainable_weights:
        assert isinstance(var.constraint, NonNeg), var.name
        assert var.value.min() >= 0, var.name
    config = layer.get_config()
    again = type(layer).from_config(config).get_config()
    assert again == config and "NonNeg" in str(config)


def train_dense(constrained: bool):
    """A Dense model trained hard (learning rate 0.5), with the largest kernel column norm and the
    smallest bias seen after each batch."""
    engine.utils.set_random_seed(0)
    small = engine.initializers.RandomUniform(-0.1, 0.1)
    hidden = layers.Dense(8, activation="relu", kernel_initializer=small,
                          kernel_constraint=MaxNorm(0.5) if constrained else None,
                          bias_constraint=NonNeg() if constrained else None)
    model = engine.Sequential([layers.Input((4,)), hidden, layers.Dense(3, activation="softmax")])
    model.compile(optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    seen = []
    record = engine.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(
        (np.linalg.norm(hidden.kernel.value, axis=0).max(), hidden.bias.value.min())))
    x, y = blobs(n=96)
    model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[record])
    return np.array(seen)


def test_training_keeps_max_norm_and_non_neg_after_every_batch():
    free, kept = train_dense(False), train_dense(True)
    assert free[:, 0].max() > 0.6 and free[:, 1].min() < 0  # the limits do bind here
    assert kept[:, 0].max() <= 0.5 + 1e-6 and kept[:, 1].min() >= 0


# --- files -----------------------------------------------------------------------------------------
def constrained_model():
    model = engine.Sequential([
        layers.Input((5, 5, 1)),
        layers.Conv2D(2, 3, kernel_constraint=MaxNorm(1.5, axis=[0, 1, 2])),
        layers.Flatten(),
        layers.Dense(3, kernel_constraint=UnitNorm(axis=0),
                     bias_constraint=MinMaxNorm(0.1, 2.0, rate=0.5))])
    model.compile("sgd", "mse")
    return model


@pytest.mark.parametrize("extension", [".h5", ".keras"])
def test_save_and_load_keep_constraints(tmp_path, extension):
    model = constrained_model()
    model.save(tmp_path / f"m{extension}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is ignored any more
        loaded = load_model(tmp_path / f"m{extension}")
    for ours, theirs in zip(model.layers, loaded.layers, strict=True):
        for a, b in zip(ours.trainable_weights, theirs.trainable_weights, strict=True):
            assert constraints.serialize(a.constraint) == constraints.serialize(b.constraint)
    assert loaded.layers[0].kernel_constraint.axis == [0, 1, 2]


def test_unknown_and_unsaveable_constraints_warn(tmp_path):
    entry = {"class_name": "Dense", "config": {"units": 2, "kernel_constraint": {
        "module": "my_package", "class_name": "Spectral", "config": {}, "registered_name": "x"}}}
    with pytest.warns(UserWarning, match="'Spectral' is not available here; the weight is left "
                                         "unconstrained"):
        assert layer_from_config(entry).kernel_constraint is None
    clip = np.negative
    wrapped = layers.Bidirectional(layers.LSTM(2, kernel_constraint=clip))
    assert wrapped.forward_layer.kernel_constraint is clip is wrapped.backward_layer.kernel_constraint
    model = engine.Sequential([layers.Input((3, 2)), wrapped])
    with pytest.warns(UserWarning, match="_lstm.*/kernel'.*plain function"):  # both copies
        model.save(tmp_path / "m.h5")


def test_exported_keras_code_writes_the_constraint():
    source = layer_source(constrained_model().layers[0])
    assert "kernel_constraint=keras.constraints.MaxNorm(max_value=1.5, axis=(0, 1, 2))" in source


# --- real Keras ------------------------------------------------------------------------------------
@needs_keras
@pytest.mark.parametrize("extension", [".h5", ".keras"])
def test_keras_file_with_max_norm_opens_with_it(tmp_path, extension):
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_constraint=keras.constraints.MaxNorm(2.0, axis=0))])
    theirs.compile("sgd", "mse")
    theirs.save(tmp_path / f"k{extension}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = load_model(tmp_path / f"k{extension}")
    assert isinstance(ours.layers[0].kernel.constraint, MaxNorm)
    assert ours.layers[0].kernel_constraint.get_config() == {"max_value": 2.0, "axis": 0}


@needs_keras
def test_keras_reads_engine_constraints_and_trains_alike(tmp_path):
    engine.utils.set_random_seed(0)
    ours = engine.Sequential([layers.Input((4,)), layers.Dense(
        3, kernel_constraint=MaxNorm(0.5), bias_constraint=MinMaxNorm(0.1, 0.3, rate=0.5))])
    ours.compile(optimizers.SGD(0.5), "mse")
    ours.save(tmp_path / "m.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(tmp_path / "m.h5")
    dense = theirs.layers[0]
    assert isinstance(dense.kernel_constraint, keras.constraints.MaxNorm)
    assert dense.kernel_constraint.get_config() == {"max_value": 0.5, "axis": 0}
    assert dense.bias_constraint.get_config() == {"min_value": 0.1, "max_value": 0.3, "rate": 0.5,
                                                  "axis": 0}
    theirs.compile(keras.optimizers.SGD(0.5), "mse")
    x, _ = blobs(n=16)
    y = np.random.default_rng(2).normal(size=(16, 3)).astype(np.float32)
    theirs.train_on_batch(x, y)
    ours.train_on_batch(x, y)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, np.asarray(b), atol=1e-5, rtol=0)
