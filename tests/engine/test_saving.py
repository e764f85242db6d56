"""Saving and loading within the engine: round trips, the Keras file layout, the tutorial flow,
tf.keras 2.x variants, and every way a file can be bad. Interop with real Keras is in
test_keras_interop.py."""

from __future__ import annotations

import json
import os

import h5py
import numpy as np
import pytest

import engine
from engine import backend, layers, optimizers
from engine.models import Sequential, load_model, model_from_json
from engine.saving import ModelFileError, legacy_h5

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "mnist.npz")


def small_model(optimizer="adam", dropout=True, seed=0) -> Sequential:
    backend.clear_session()
    backend.set_random_seed(seed)
    stack = [layers.Input((12,)), layers.Dense(8, activation="relu")]
    stack += [layers.Dropout(0.25)] if dropout else []
    stack += [layers.Dense(3, activation="softmax")]
    model = Sequential(stack)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def data(n=48, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 12), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, n)]
    return x, y


def trained(optimizer="adam", dropout=True, epochs=2) -> Sequential:
    model = small_model(optimizer, dropout)
    x, y = data()
    model.fit(x, y, batch_size=16, epochs=epochs, verbose=0)
    return model


def continue_both(a, b, epochs=1):
    """Train two models on the same data with the same random stream; return their weights."""
    x, y = data(seed=7)
    out = []
    for model in (a, b):
        backend.set_random_seed(42)
        model.fit(x, y, batch_size=16, epochs=epochs, verbose=0)
        out.append(model.get_weights())
    return out


# --- round trips --------------------------------------------------------------------------------
def test_save_and_load_give_identical_predictions_and_evaluation(tmp_path):
    model = trained()
    path = tmp_path / "model.h5"
    model.save(path)
    loaded = load_model(path)
    x, y = data(seed=3)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert model.evaluate(x, y, verbose=0) == loaded.evaluate(x, y, verbose=0)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert loaded.name == model.name and loaded.input_shape == (None, 12)


def test_file_has_the_keras_3_legacy_layout(tmp_path):
    model = trained()
    path = tmp_path / "m.h5"
    model.save(path)
    with h5py.File(path, "r") as f:
        assert f.attrs["keras_version"].startswith("3.") and f.attrs["backend"] == "numpy"
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        entries = config["config"]["layers"]
        assert [e["class_name"] for e in entries] == ["InputLayer", "Dense", "Dropout", "Dense"]
        assert all(set(e) == {"class_name", "config"} for e in entries)  # what Keras writes to .h5
        assert entries[0]["config"]["batch_shape"] == [None, 12]
        assert "batch_input_shape" not in entries[1]["config"]
        assert config["config"]["build_input_shape"] == [None, 12]
        group = f["model_weights"]
        assert list(legacy_h5.load_list_attr(group, "layer_names")) == ["dense", "dropout", "dense_1"]
        names = legacy_h5.load_list_attr(group["dense"], "weight_names")
        assert names == ["sequential/dense/kernel", "sequential/dense/bias"]
        np.testing.assert_array_equal(group["dense"][names[0]], model.layers[0].kernel.value)
        assert legacy_h5.load_list_attr(group["dropout"], "weight_names") == []


def test_training_config_holds_compile_arguments_in_keras_form(tmp_path):
    model = trained(optimizers.Adam(learning_rate=0.005, amsgrad=True))
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as f:
        train = json.loads(f.attrs["training_config"])
    assert train["loss"] == "categorical_crossentropy" and train["metrics"] == ["accuracy"]
    assert train["loss_weights"] is None
    opt = train["optimizer_config"]
    assert opt["class_name"] == "Adam" and opt["config"]["learning_rate"] == 0.005
    keras_adam_keys = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
                       "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                       "loss_scale_factor", "gradient_accumulation_steps", "beta_1", "beta_2",
                       "epsilon", "amsgrad"}
    assert set(opt["config"]) <= keras_adam_keys and opt["config"]["amsgrad"] is True
    loaded = load_model(tmp_path / "m.h5")
    assert isinstance(loaded.optimizer, optimizers.Adam) and loaded.optimizer.amsgrad
    assert loaded.optimizer.learning_rate == pytest.approx(0.005)


def test_loss_object_with_settings_is_kept(tmp_path):
    model = small_model()
    model.compile(optimizer="sgd", loss=engine.losses.CategoricalCrossentropy(label_smoothing=0.2))
    model.save(tmp_path / "m.h5")
    loaded = load_model(tmp_path / "m.h5")
    assert loaded.loss.label_smoothing == pytest.approx(0.2)


@pytest.mark.parametrize("optimizer", [
    optimizers.Adam(), optimizers.Adam(amsgrad=True), optimizers.SGD(0.05, momentum=0.9),
    optimizers.SGD(0.05), optimizers.RMSprop(momentum=0.5, centered=True), optimizers.Adagrad(),
    optimizers.Adadelta(learning_rate=1.0), optimizers.Adamax(), optimizers.AdamW(),
    optimizers.Nadam(), optimizers.Adam(use_ema=True)], ids=lambda o: repr(o)[1:40])
def test_training_continues_exactly_after_reload(tmp_path, optimizer):
    model = trained(optimizer, epochs=2)
    model.save(tmp_path / "m.h5")
    loaded = load_model(tmp_path / "m.h5")
    assert loaded.optimizer.iterations == model.optimizer.iterations == 6
    with h5py.File(tmp_path / "m.h5", "r") as f:
        keras_layout = "optimizer_weights" in f
        assert keras_layout != ("hornbook_optimizer_state" in f)
    assert keras_layout == (type(optimizer).__name__ != "Nadam" and not optimizer.use_ema)
    original, reloaded = continue_both(model, loaded)
    for a, b in zip(original, reloaded, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_fresh_optimizer_would_have_trained_differently(tmp_path):
    """The check above can fail: without the saved Adam state the next epoch lands elsewhere."""
    model = trained("adam")
    model.save(tmp_path / "m.h5")
    fresh = load_model(tmp_path / "m.h5", compile=False)
    fresh.compile(optimizer="adam", loss="categorical_crossentropy")
    original, restarted = continue_both(model, fresh)
    assert np.abs(original[0] - restarted[0]).max() > 1e-4


def test_tutorial_flow_mnist_mlp(tmp_path, monkeypatch):
    if not os.path.exists(MNIST):
        pytest.skip(f"real MNIST not found at {MNIST}")
    with np.load(MNIST) as mnist:
        x = mnist["x_train"][:600].reshape(-1, 784).astype("float32") / 255
        y = engine.utils.to_categorical(mnist["y_train"][:600], 10)
        x_test = mnist["x_test"][:200].reshape(-1, 784).astype("float32") / 255
        y_test = engine.utils.to_categorical(mnist["y_test"][:200], 10)
    backend.clear_session()
    backend.set_random_seed(0)
    model = Sequential([layers.Dense(32, activation="relu", input_shape=(784,)),
                        layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    monkeypatch.chdir(tmp_path)
    model.save("mnist_mlp_model.h5")
    loaded = engine.load_model("mnist_mlp_model.h5")
    assert loaded.evaluate(x_test, y_test, verbose=0) == model.evaluate(x_test, y_test, verbose=0)
    np.testing.assert_array_equal(loaded.predict(x_test, verbose=0), model.predict(x_test, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations == 10
    backend.set_random_seed(9)
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    backend.set_random_seed(9)
    loaded.fit(x, y, batch_size=64, epochs=1, verbose=0)
    assert loaded.optimizer.iterations == 20
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_save_weights_and_load_weights_keras_3_layout(tmp_path):
    model = trained()
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert sorted(f["layers"]) == ["dense", "dense_1", "dropout"]
        assert f["layers/dense_1/vars"].attrs["name"] == "dense_1"
        np.testing.assert_array_equal(f["layers/dense_1/vars/0"], model.layers[2].kernel.value)
        assert len(f["optimizer/vars"]) == 2 + 2 * 4  # iteration, learning_rate, m and v per weight
    other = small_model(seed=5)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert other.optimizer.iterations == model.optimizer.iterations


def test_save_weights_follows_keras_3_file_name_rule(tmp_path):
    with pytest.raises(ValueError, match=r"The filename must end in `\.weights\.h5`\. Received: "):
        trained().save_weights(tmp_path / "m.h5")


def test_load_weights_from_a_full_model_file_by_layer_order(tmp_path):
    model = trained()
    model.save(tmp_path / "full.h5")
    other = small_model(seed=3)
    other.layers[0].name = "renamed"  # order decides, as in Keras, not names
    other.load_weights(tmp_path / "full.h5")
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_load_weights_into_a_different_model_names_the_layer(tmp_path):
    trained().save_weights(tmp_path / "m.weights.h5")
    backend.clear_session()
    other = Sequential([layers.Input((12,)), layers.Dense(5), layers.Dense(3)])
    before = other.get_weights()
    with pytest.raises(ModelFileError, match=r"Layer 'dense'.*kernel.*\(12, 5\).*\(12, 8\)"):
        other.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(before, other.get_weights(), strict=True):  # nothing half-loaded
        np.testing.assert_array_equal(a, b)


def test_to_json_and_model_from_json():
    model = trained()
    text = model.to_json()
    config = json.loads(text)
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    dense = config["config"]["layers"][1]
    assert dense["module"] == "keras.layers" and dense["registered_name"] is None
    assert dense["build_config"] == {"input_shape": [None, 12]}
    assert config["config"]["layers"][3]["build_config"] == {"input_shape": [None, 8]}
    rebuilt = model_from_json(text)
    assert rebuilt.get_config() == model.get_config()
    assert rebuilt.output_shape == (None, 3) and rebuilt.optimizer is None


def test_engine_exports_load_model():
    assert engine.load_model is load_model


def test_save_rejects_other_extensions(tmp_path):
    with pytest.raises(ModelFileError, match=r"Invalid filepath extension.*Received: filepath="):
        trained().save(tmp_path / "m.txt")
    assert os.listdir(tmp_path) == []


def test_keras_native_zip_round_trip(tmp_path):
    import zipfile
    model = trained("adam")
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        config = json.loads(archive.read("config.json"))
    assert config["compile_config"]["loss"]["config"] == "categorical_crossentropy"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    loaded = load_model(path)
    x, _ = data(seed=3)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    other = small_model(seed=4)
    other.load_weights(path)
    np.testing.assert_array_equal(other.get_weights()[0], model.get_weights()[0])
    original, reloaded = continue_both(model, loaded)
    for a, b in zip(original, reloaded, strict=True):
        np.testing.assert_array_equal(a, b)


def test_overwrite_false_keeps_the_existing_file(tmp_path):
    path = tmp_path / "m.h5"
    path.write_bytes(b"old")
    with pytest.raises(ModelFileError, match="already exists"):
        trained().save(path, overwrite=False)
    assert path.read_bytes() == b"old"


def test_duplicate_layer_names_cannot_be_saved(tmp_path):
    model = trained()
    model.layers[2].name = "dense"
    with pytest.raises(ModelFileError, match="these repeat: dense"):
        model.save(tmp_path / "m.h5")
    assert not (tmp_path / "m.h5").exists()
