"""Files move both ways with REAL Keras 3.

The golden files in tests/fixtures/ were written by Keras 3.15.1 (scripts/make_keras_fixtures.py)
and must load here with Keras' predictions to 1e-5. The other direction (engine writes, Keras
reads) runs when keras is importable (KERAS_BACKEND=torch is set here), and skips otherwise:
keras is a development tool for these checks, not a Hornbook dependency.
"""

from __future__ import annotations

import json
import os
import warnings

import h5py
import numpy as np
import pytest

from engine import backend, layers, optimizers
from engine.layers import registry
from engine.models import Sequential, load_model, model_from_json
from engine.saving import legacy_h5
from tests.keras_optional import keras, needs_keras

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from keras on torch

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")



def fixture(name):
    with np.load(os.path.join(FIXTURES, f"{name}.npz")) as data:
        return os.path.join(FIXTURES, f"{name}.h5"), dict(data)


# --- files Keras wrote --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["keras_mlp", "keras_cnn", "keras_adam_continue",
                                  "keras_functional"])
def test_keras_file_loads_with_keras_predictions(name):
    if name == "keras_cnn":
        missing = [c for c in ("Conv2D", "MaxPooling2D", "BatchNormalization")
                   if c not in registry.LAYERS]
        if missing:
            pytest.skip(f"the engine has no {', '.join(missing)} layer yet")
    path, data = fixture(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Keras 3 file must load without any complaint
        model = load_model(path)
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["predictions"],
                               atol=1e-5, rtol=0)
    loss, accuracy = model.evaluate(data["x"], data["y"], verbose=0)
    assert loss == pytest.approx(float(data["loss"]), abs=1e-5)
    assert accuracy == pytest.approx(float(data["accuracy"]))
    assert model.optimizer.iterations == int(data["iterations"])


def test_keras_mlp_is_compiled_as_the_tutorial_compiled_it():
    model = load_model(fixture("keras_mlp")[0])
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dropout", "Dense"]
    assert isinstance(model.optimizer, optimizers.Adam)
    assert model.loss.name == "categorical_crossentropy"
    assert model.input_shape == (None, 784)


@pytest.mark.parametrize("name", ["keras_adam_continue", "keras_functional"])
@pytest.mark.parametrize("extension", [".h5", ".keras"])
def test_training_continues_from_keras_optimizer_state(name, extension):
    """One more step here lands where Keras' own next step landed (Adam; SGD with momentum)."""
    path, data = fixture(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = load_model(path.replace(".h5", extension))
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["predictions"],
                               atol=1e-5, rtol=0)
    assert model.optimizer.iterations == int(data["iterations"])
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_array_equal(weight, data[f"saved_weight_{i}"])
    history = model.fit(data["step_x"], data["step_y"], batch_size=32, epochs=1, shuffle=False,
                        verbose=0)
    assert history.history["loss"][0] == pytest.approx(float(data["step_loss"]), abs=1e-5)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, data[f"step_weight_{i}"], atol=1e-5, rtol=0)


def test_keras_fixtures_are_small():
    for name in os.listdir(FIXTURES):
        assert os.path.getsize(os.path.join(FIXTURES, name)) < 300_000, name


# --- files the engine wrote, read by Keras ------------------------------------------------------
def engine_mlp(optimizer="adam", dropout=True):
    backend.clear_session()
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((64, 20), dtype=np.float32)
    y = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 64)]
    stack = [layers.Input((20,)), layers.Dense(16, activation="relu")]
    stack += [layers.Dropout(0.3)] if dropout else []
    model = Sequential(stack + [layers.Dense(4, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model, x, y


def engine_cnn():
    backend.clear_session()
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((32, 10, 10, 1), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 32)]
    model = Sequential([layers.Input((10, 10, 1)), layers.Conv2D(4, 3, activation="relu"),
                        layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Dropout(0.2),
                        layers.Flatten(), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return model, x, y


def keras_load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keras.models.load_model(path)


@needs_keras
@pytest.mark.parametrize("make", [engine_mlp, engine_cnn])
def test_keras_loads_engine_file_with_equal_predictions(tmp_path, make):
    model, x, y = make()
    model.save(tmp_path / "m.h5")
    theirs = keras_load(tmp_path / "m.h5")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5, rtol=0)
    assert [layer.name for layer in theirs.layers] == [layer.name for layer in model.layers]
    assert int(theirs.optimizer.iterations.numpy()) == model.optimizer.iterations
    loss, _ = theirs.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(model.evaluate(x, y, verbose=0)[0], abs=1e-5)


def keras_with_file_optimizer_state(path):
    """Keras' model with the optimizer variables of the file at `path`, set by Keras itself.

    Keras 3.15.1 (torch) restores `iterations` in load_model but then refuses to train ("Unknown
    variable"), with its own .h5 files too; so the optimizer is built afresh on the loaded model
    and given the file's variables through Keras' own set_weights, which checks count and shapes.
    """
    theirs = keras_load(path)
    opt = type(theirs.optimizer).from_config(theirs.optimizer.get_config())
    theirs.compile(optimizer=opt, loss=theirs.loss)
    opt.build(theirs.trainable_variables)
    with h5py.File(path, "r") as f:
        group = f["optimizer_weights"]
        opt.set_weights([np.asarray(group[n]) for n in legacy_h5.load_list_attr(group,
                                                                                "weight_names")])
    return theirs


@needs_keras
@pytest.mark.parametrize("optimizer", [
    optimizers.Adam(0.01), optimizers.Adam(0.01, amsgrad=True), optimizers.AdamW(0.01),
    optimizers.SGD(0.05, momentum=0.9), optimizers.SGD(0.05),
    optimizers.RMSprop(momentum=0.5, centered=True), optimizers.Adagrad(0.05),
    optimizers.Adadelta(1.0), optimizers.Adamax(0.01)], ids=lambda o: repr(o)[1:30])
def test_keras_continues_training_from_engine_optimizer_state(tmp_path, optimizer):
    model, x, y = engine_mlp(optimizer, dropout=False)
    model.save(tmp_path / "m.h5")
    theirs = keras_with_file_optimizer_state(tmp_path / "m.h5")
    assert int(theirs.optimizer.iterations.numpy()) == model.optimizer.iterations == 8
    xb, yb = x[:16], y[:16]
    theirs.train_on_batch(xb, yb)
    model.fit(xb, yb, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for ours, keras_weight in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(ours, np.asarray(keras_weight), atol=1e-5, rtol=0)


@needs_keras
def test_keras_loads_engine_keras_file_and_continues_training(tmp_path):
    model, x, y = engine_mlp(optimizers.Adam(0.01), dropout=False)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5, rtol=0)
    assert int(theirs.optimizer.iterations.numpy()) == model.optimizer.iterations
    theirs.train_on_batch(x[:16], y[:16])
    model.fit(x[:16], y[:16], batch_size=16, epochs=1, shuffle=False, verbose=0)
    for ours, keras_weight in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(ours, np.asarray(keras_weight), atol=1e-5, rtol=0)


@needs_keras
def test_weights_files_move_both_ways(tmp_path):
    model, x, _ = engine_mlp()
    model.save_weights(tmp_path / "ours.weights.h5")
    theirs = keras.models.model_from_json(model.to_json())
    theirs.load_weights(tmp_path / "ours.weights.h5")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5, rtol=0)
    theirs.set_weights([w + 0.5 for w in theirs.get_weights()])
    theirs.save_weights(tmp_path / "theirs.weights.h5")
    model.load_weights(tmp_path / "theirs.weights.h5")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5, rtol=0)


@needs_keras
def test_to_json_is_read_by_keras_and_keras_json_is_read_here():
    model, _, _ = engine_mlp()
    theirs = keras.models.model_from_json(model.to_json())
    assert [layer.name for layer in theirs.layers] == [layer.name for layer in model.layers]
    assert tuple(theirs.output_shape) == model.output_shape
    back = model_from_json(theirs.to_json())
    assert [layer.get_config() for layer in back.layers] == \
        [layer.get_config() for layer in model.layers]


LAYER_ARGS = {"Dense": {"units": 3}, "Activation": {"activation": "relu"},
              "Dropout": {"rate": 0.5}, "Reshape": {"target_shape": (2, 3)},
              "Conv2D": {"filters": 2, "kernel_size": 3}, "Conv1D": {"filters": 2, "kernel_size": 3},
              "MaxPooling2D": {"pool_size": 2}, "AveragePooling2D": {"pool_size": 2},
              "InputLayer": {"shape": (6,)}, "Embedding": {"input_dim": 10, "output_dim": 3},
              "LSTM": {"units": 3}, "GRU": {"units": 3}, "SimpleRNN": {"units": 3}}


@needs_keras
@pytest.mark.parametrize("class_name", registry.names())
def test_every_registered_layer_config_is_accepted_by_keras(class_name):
    from engine.saving.config import keras_layer_config
    try:
        ours = registry.get(class_name)(**LAYER_ARGS.get(class_name, {}))
    except TypeError as exc:
        pytest.skip(f"no example arguments for {class_name}: {exc}")
    if not hasattr(keras.layers, class_name):
        pytest.skip(f"Keras has no layer {class_name}")
    config = keras_layer_config(ours)
    theirs = keras.layers.deserialize({"class_name": class_name, "config": config,
                                       "module": "keras.layers", "registered_name": None})
    # Keras must read every key we wrote as the value we meant (it may add keys of its own).
    assert_subset(json.loads(json.dumps(config)), json.loads(json.dumps(theirs.get_config())))


def assert_subset(ours, theirs, where="config"):
    if isinstance(ours, dict):
        for key, value in ours.items():
            if key != "dtype":
                assert key in theirs, f"{where}.{key}"
                assert_subset(value, theirs[key], f"{where}.{key}")
    else:
        assert ours == theirs, where
