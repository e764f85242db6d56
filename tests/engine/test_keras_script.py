"""engine.export.keras_script: a runnable Keras 3 program rebuilding an engine model.

Without Keras the scripts are checked for syntax and content. With REAL Keras (KERAS_BACKEND=torch,
a development tool, not a Hornbook dependency) every registered layer's code is built in Keras and
must give the engine's config, and the exported scripts must predict what the engine predicts.
"""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import engine
from engine import layers, losses, metrics, optimizers
from engine.export import keras_script
from engine.export.keras_script import layer_arguments, layer_source
from engine.layers import registry
from tests.keras_optional import keras, needs_keras

# Values for the arguments a layer cannot do without; a new layer with another one fails loudly.
REQUIRED = {"units": 3, "filters": 2, "kernel_size": 3, "rate": 0.5, "activation": "tanh",
            "target_shape": (2, 2), "input_dim": 7, "output_dim": 2,
            "layer": lambda: registry.get("LSTM")(units=2)}


def _default_layer(name: str):
    cls = registry.get(name)
    required = [p.name for p in inspect.signature(cls.__init__).parameters.values()
                if p.default is inspect.Parameter.empty and p.name != "self"
                and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    missing = [r for r in required if r not in REQUIRED]
    assert not missing, f"{name}: add a test value for {missing} to REQUIRED"
    return cls(**{r: REQUIRED[r]() if callable(REQUIRED[r]) else REQUIRED[r] for r in required})


def mlp():
    engine.utils.set_random_seed(1)
    model = engine.Sequential([layers.Input(shape=(28, 28)), layers.Flatten(),
                               layers.Dense(32, activation="relu", name="hidden"),
                               layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(learning_rate=0.003), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def cnn():
    engine.utils.set_random_seed(2)
    model = engine.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(6, 3, activation="relu", padding="same", kernel_initializer="he_normal"),
        layers.MaxPooling2D(), layers.BatchNormalization(), layers.Dropout(0.25), layers.Flatten(),
        layers.Dense(10, activation="softmax", kernel_regularizer=engine.regularizers.L2(1e-3))])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss=losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy", metrics.TopKCategoricalAccuracy(k=3)])
    return model


def rnn():
    """Embedding -> Bidirectional(LSTM) -> GRU: a wrapped layer written as nested Keras code."""
    missing = [n for n in ("Embedding", "Bidirectional", "LSTM", "GRU") if n not in registry.LAYERS]
    if missing:
        pytest.skip(f"the engine has no {', '.join(missing)} layer yet")
    engine.utils.set_random_seed(3)
    model = engine.Sequential([
        layers.Input(shape=(12,)), registry.get("Embedding")(50, 8),
        registry.get("Bidirectional")(registry.get("LSTM")(6, return_sequences=True)),
        registry.get("GRU")(5), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _trained(model, one_hot: bool):
    """A few steps of training so BatchNormalization's moving statistics move off 0 and 1."""
    rng = np.random.default_rng(0)
    x = rng.random((64, *model.input_shape[1:]), dtype=np.float32)
    if model.layers[0].__class__.__name__ == "Embedding":
        x = np.floor(x * 50)  # token ids
    y = rng.integers(0, 10, 64)
    model.fit(x, np.eye(10, dtype=np.float32)[y] if one_hot else y, epochs=2, batch_size=16, verbose=0)
    return model


# --- the text ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, one_hot", [(mlp, False), (cnn, True)])
def test_script_compiles_and_says_what_the_model_is(tmp_path, make, one_hot):
    model = _trained(make(), one_hot)
    path = keras_script(model, tmp_path / "digits.py")
    text = path.read_text()
    compile(text, str(path), "exec")
    functions = {n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}
    assert {"build_model", "load_trained_model", "load_data", "main"} <= functions
    assert 'if __name__ == "__main__":' in text
    assert "Path(__file__).with_name(\"digits.h5\")" in text
    assert "keras.datasets.mnist.load_data()" in text
    assert ("to_categorical" in text) is one_hot
    # only what differs from the defaults is written
    assert "keras.layers.Flatten()" in text
    assert "keras.layers.Dropout(rate=" in text and "seed=" not in text
    assert "kernel_initializer" not in text.split("softmax")[-1].split("model.compile")[0]
    # the weights next to it are this model's
    np.testing.assert_array_equal(engine.load_model(tmp_path / "digits.h5").predict(
        np.ones((1, *model.input_shape[1:]), np.float32), verbose=0),
        model.predict(np.ones((1, *model.input_shape[1:]), np.float32), verbose=0))


def test_cnn_compile_options_and_layer_arguments_in_text(tmp_path):
    text = keras_script(cnn(), tmp_path / "cnn.py").read_text()
    assert "keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)" in text
    assert "keras.losses.CategoricalCrossentropy(label_smoothing=0.1)" in text
    assert 'metrics=["accuracy", keras.metrics.TopKCategoricalAccuracy(k=3)]' in text
    assert 'padding="same"' in text and "kernel_initializer=keras.initializers.HeNormal()" in text
    assert "kernel_regularizer=keras.regularizers.L2(l2=0.001)" in text
    assert "keras.Input(shape=(28, 28, 1))" in text


def test_arguments_are_the_non_default_ones():
    assert layer_arguments(layers.Dense(5)) == {"units": 5}
    assert layer_arguments(layers.Dense(5, use_bias=False, name="out")) == \
        {"units": 5, "use_bias": False, "name": "out"}
    assert layer_arguments(layers.Conv2D(4, 5, strides=2)) == \
        {"filters": 4, "kernel_size": [5, 5], "strides": [2, 2]}
    assert layer_source(layers.MaxPooling2D(pool_size=3)) == \
        "keras.layers.MaxPooling2D(pool_size=(3, 3), strides=(3, 3))"
    assert layer_source(layers.Dense(4, trainable=False)) == "keras.layers.Dense(units=4, trainable=False)"


def test_given_weights_file_is_used_as_it_is_and_written_when_missing(tmp_path):
    model = mlp()
    existing = tmp_path / "keep.h5"
    existing.write_bytes(b"not touched")
    text = keras_script(model, tmp_path / "a.py", weights_path=existing).read_text()
    assert existing.read_bytes() == b"not touched" and "keep.h5" in text
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    text = keras_script(model, elsewhere / "b.py", weights_path=tmp_path / "new.h5").read_text()
    assert (tmp_path / "new.h5").exists() and repr(str((tmp_path / "new.h5").resolve()))[1:-1] in text


def test_dataset_choice_and_uncompiled_model(tmp_path):
    model = engine.Sequential([layers.Input(shape=(32, 32, 3)), layers.Flatten(), layers.Dense(10)])
    text = keras_script(model, tmp_path / "c.py").read_text()
    compile(text, "c.py", "exec")
    assert "keras.datasets.cifar10.load_data()" in text and "# model.compile(" in text
    odd = engine.Sequential([layers.Input(shape=(5,)), layers.Dense(2)])
    text = keras_script(odd, tmp_path / "d.py").read_text()
    assert "raise NotImplementedError" in text
    assert "fashion_mnist" in keras_script(mlp(), tmp_path / "e.py", dataset="fashion_mnist").read_text()


def test_unbuilt_model_is_refused(tmp_path):
    with pytest.raises(ValueError, match="input shape"):
        keras_script(engine.Sequential([layers.Dense(2)]), tmp_path / "x.py")
    assert not (tmp_path / "x.py").exists()


# --- against real Keras --------------------------------------------------------------------------
def _comparable(value):
    """Configs as Keras and the engine both write them, reduced to what both must agree on (a
    wrapped layer's name follows its wrapper's and does not count)."""
    if isinstance(value, dict) and "class_name" in value:
        return value["class_name"], {k: _comparable(v) for k, v in (value.get("config") or {}).items()
                                     if v is not None and k not in ("dtype", "name")}
    if isinstance(value, list | tuple):
        return [_comparable(v) for v in value]
    return value


@needs_keras
@pytest.mark.parametrize("name", [n for n in registry.names() if n != "InputLayer"])
def test_every_registered_layer_builds_in_keras_with_the_same_config(name):
    layer = _default_layer(name)
    keras_layer = eval(layer_source(layer), {"keras": keras})  # noqa: S307 (our own generated code)
    theirs = keras_layer.get_config()
    for key, value in layer.get_config().items():
        if key in ("name", "dtype"):
            continue
        ours_c, theirs_c = _comparable(value), _comparable(theirs.get(key))
        if isinstance(ours_c, tuple):  # a Keras object: Keras may add settings we do not have
            assert ours_c[0] == theirs_c[0] and ours_c[1].items() <= theirs_c[1].items(), key
        else:
            assert ours_c == theirs_c, f"{name}.{key}: engine {value!r}, Keras {theirs.get(key)!r}"


@needs_keras
@pytest.mark.parametrize("make, one_hot", [(mlp, False), (cnn, True), (rnn, False)])
def test_keras_runs_the_script_and_predicts_what_the_engine_predicts(tmp_path, make, one_hot):
    model = _trained(make(), one_hot)
    keras_script(model, tmp_path / "exported.py")
    x = np.random.default_rng(3).random((16, *model.input_shape[1:]), dtype=np.float32)
    if make is rnn:
        x = np.floor(x * 50)
    np.save(tmp_path / "x.npy", x)
    program = ("import sys, numpy as np; sys.path.insert(0, '.'); import exported; "
               "m = exported.load_trained_model(); "
               "np.save('keras_pred.npy', np.asarray(m.predict(np.load('x.npy'), verbose=0))); "
               "print(type(m.optimizer).__name__, m.count_params())")
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == [type(model.optimizer).__name__, str(model.count_params())]
    np.testing.assert_allclose(np.load(tmp_path / "keras_pred.npy"), model.predict(x, verbose=0),
                               atol=1e-5, rtol=0)
