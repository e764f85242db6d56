"""Files the loader must read although Hornbook did not write them (tf.keras 2.x, functional
configs, unknown keys), and every way a file or a save can go wrong, each with its message."""

from __future__ import annotations

import json
import os
import warnings

import h5py
import numpy as np
import pytest

from engine import backend, layers
from engine.models import Sequential, load_model
from engine.saving import ModelFileError, legacy_h5

DENSE_2X = {"trainable": True, "dtype": "float32", "use_bias": True, "activity_regularizer": None,
            "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}


def write_tf_keras_2_file(path, layer_list, weights, training=True):
    """A file laid out as Keras 2.2.4 / tf.keras 2.x wrote it: byte-string attributes, no
    InputLayer, batch_input_shape on the first layer, weight names 'dense_1/kernel:0', 'lr'."""
    rng = np.random.default_rng(0)
    values = {name: [rng.normal(size=shape).astype("float32") for shape in shapes]
              for name, shapes in weights.items()}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {
            "name": "sequential_1", "layers": layer_list}}).encode("utf-8")
        if training:
            f.attrs["training_config"] = json.dumps({
                "optimizer_config": {"class_name": "Adam", "config": {
                    "lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-07,
                    "amsgrad": False}},
                "loss": "categorical_crossentropy", "metrics": ["accuracy"],
                "sample_weight_mode": None, "loss_weights": None}).encode("utf-8")
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [e["config"]["name"].encode() for e in layer_list]
        group.attrs["backend"], group.attrs["keras_version"] = b"tensorflow", b"2.2.4"
        for entry in layer_list:
            name = entry["config"]["name"]
            sub = group.create_group(name)
            kinds = ["kernel", "bias"][:len(values.get(name, []))]
            sub.attrs["weight_names"] = [f"{name}/{k}:0".encode() for k in kinds]
            for kind, value in zip(kinds, values.get(name, []), strict=True):
                sub.create_dataset(f"{name}/{kind}:0", data=value)
        if training:  # tf.keras 2.x optimizer weights use another layout: left alone on load
            opt = f.create_group("optimizer_weights")
            opt.attrs["weight_names"] = [b"Adam/iterations:0"]
            opt.create_dataset("Adam/iterations:0", data=np.int64(7))
    return values


def two_dense_2x():
    first = {"class_name": "Dense", "config": {"name": "dense_1", "batch_input_shape": [None, 4],
                                               "units": 3, "activation": "relu", **DENSE_2X}}
    second = {"class_name": "Dense", "config": {"name": "dense_2", "units": 2,
                                                "activation": "softmax", **DENSE_2X}}
    return [first, second], {"dense_1": [(4, 3), (3,)], "dense_2": [(3, 2), (2,)]}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_tf_keras_2_file_loads_and_computes_the_same_function(tmp_path):
    path = tmp_path / "old.h5"
    layer_list, shapes = two_dense_2x()
    values = write_tf_keras_2_file(path, layer_list, shapes)
    with pytest.warns(UserWarning, match="optimizer state Keras 2.2.4 saved .* not restored"):
        model = load_model(path)
    assert [layer.name for layer in model.layers] == ["dense_1", "dense_2"]
    assert model.name == "sequential_1" and model.input_shape == (None, 4)
    assert model.optimizer.learning_rate == pytest.approx(0.002)
    x = np.random.default_rng(1).random((5, 4), dtype=np.float32)
    (w1, b1), (w2, b2) = values["dense_1"], values["dense_2"]
    expected = softmax(np.maximum(x @ w1 + b1, 0) @ w2 + b2)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_keras_2_0_bare_layer_list_config(tmp_path):
    path = tmp_path / "older.h5"
    layer_list, shapes = two_dense_2x()
    write_tf_keras_2_file(path, layer_list, shapes, training=False)
    with h5py.File(path, "a") as f:  # Keras 2.0/2.1 wrote the layer list as the whole config
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": layer_list})
    with pytest.warns(UserWarning, match="No training configuration"):
        model = load_model(path)
    assert model.output_shape == (None, 2) and model.optimizer is None


def functional_config(branch=False):
    def tensor(name, shape):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": shape, "dtype": "float32", "keras_history": [name, 0, 0]}}
    entries = [
        {"class_name": "InputLayer", "name": "input_layer", "inbound_nodes": [],
         "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input_layer"}},
        {"class_name": "Dense", "name": "dense", "config": {"name": "dense", "units": 3},
         "inbound_nodes": [{"args": [tensor("input_layer", [None, 4])], "kwargs": {}}]},
        {"class_name": "Dense", "name": "dense_1", "config": {"name": "dense_1", "units": 2},
         "inbound_nodes": [{"args": [tensor("input_layer" if branch else "dense", [None, 3])],
                            "kwargs": {}}]}]
    return {"class_name": "Functional", "config": {
        "name": "functional", "layers": entries, "input_layers": ["input_layer", 0, 0],
        "output_layers": ["dense_1", 0, 0]}}


def test_functional_chain_becomes_sequential_and_branches_are_refused():
    from engine.saving import config
    model = config.model_from_config(functional_config())
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.output_shape == (None, 2)
    with pytest.raises(ModelFileError, match="not a single chain of layers"):
        config.model_from_config(functional_config(branch=True))


def test_tf_keras_2_functional_chain():
    """tf.keras 2.x nodes: [[["input_1", 0, 0, {}]]]; endpoints as lists of [name, 0, 0]."""
    from engine.saving import config
    entries = [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                    "ragged": False, "name": "input_1"}},
        {"class_name": "Dense", "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]],
         "config": {"name": "dense", "units": 3, "activation": "relu", **DENSE_2X}},
        {"class_name": "Dense", "name": "dense_1", "inbound_nodes": [[["dense", 0, 0, {}]]],
         "config": {"name": "dense_1", "units": 2, "activation": "softmax", **DENSE_2X}}]
    model = config.model_from_config({"class_name": "Model", "config": {
        "name": "model", "layers": entries, "input_layers": [["input_1", 0, 0]],
        "output_layers": [["dense_1", 0, 0]]}})
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)


def test_unknown_config_keys_warn_only_when_switched_on():
    from engine.saving import config
    entry = {"class_name": "Dense", "config": {"name": "d", "units": 2, "quantization_config": None,
                                               "fancy_option": 3}}
    with pytest.warns(UserWarning, match=r"layer 'd' \(Dense\).*fancy_option=3") as record:
        layer = config.layer_from_config(entry)
    assert layer.units == 2 and "quantization_config" not in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        del entry["config"]["fancy_option"]
        config.layer_from_config(entry)


# --- bad files ----------------------------------------------------------------------------------
def saved_model(tmp_path, name="m.h5"):
    backend.clear_session()
    model = Sequential([layers.Input((6,)), layers.Dense(4), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    path = tmp_path / name
    model.save(path)
    return path


def test_truncated_file(tmp_path):
    path = saved_model(tmp_path)
    path.write_bytes(path.read_bytes()[: os.path.getsize(path) // 2])
    with pytest.raises(ModelFileError, match="damaged or truncated"):
        load_model(path)


def test_truncated_keras_archive(tmp_path):
    backend.clear_session()
    model = Sequential([layers.Input((6,)), layers.Dense(4)])
    model.save(tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "m.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="damaged or truncated .keras archive"):
        load_model(tmp_path / "m.keras")


def test_not_an_hdf5_file(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("this is not a model")
    with pytest.raises(ModelFileError, match="neither an HDF5 file nor a zip archive"):
        load_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="File not found"):
        load_model(tmp_path / "nothing.h5")


def test_h5_without_model_config_points_to_load_weights(tmp_path):
    path = saved_model(tmp_path)
    with h5py.File(path, "a") as f:
        del f.attrs["model_config"]
    with pytest.raises(ModelFileError, match=r"No model config.*weights only.*load_weights"):
        load_model(path)


def test_model_config_that_is_not_sequential(tmp_path):
    path = saved_model(tmp_path)
    with h5py.File(path, "a") as f:
        f.attrs["model_config"] = json.dumps({"class_name": "MyResNet", "config": {}})
    with pytest.raises(ModelFileError, match="holds a 'MyResNet' model.*Sequential"):
        load_model(path)


def test_weights_of_the_wrong_shape_name_layer_expected_and_received(tmp_path):
    path = saved_model(tmp_path)
    with h5py.File(path, "a") as f:
        group = f["model_weights/dense_1"]
        del group["sequential/dense_1/kernel"]
        group.create_dataset("sequential/dense_1/kernel", data=np.zeros((4, 3), "float32"))
    with pytest.raises(ModelFileError, match=r"'dense_1' \(Dense\): weight 'kernel' expects "
                                             r"shape \(4, 2\), received \(4, 3\)"):
        load_model(path)


def test_missing_weights_for_a_layer(tmp_path):
    path = saved_model(tmp_path)
    with h5py.File(path, "a") as f:
        legacy_h5.save_list_attr(f["model_weights/dense_1"], "weight_names", [])
    with pytest.raises(ModelFileError, match=r"weights for 1 layer.*Layers without saved "
                                             r"weights: dense_1"):
        load_model(path)
    with h5py.File(path, "a") as f:
        legacy_h5.save_list_attr(f["model_weights/dense_1"], "weight_names",
                                 ["sequential/dense_1/kernel", "sequential/dense_1/gone"])
    with pytest.raises(ModelFileError, match="missing weight 'sequential/dense_1/gone' of layer"):
        load_model(path)


def test_unknown_layer_class_lists_the_supported_ones(tmp_path):
    path = saved_model(tmp_path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"][1]["class_name"] = "TransformerBlock"
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ModelFileError, match=r"Unknown layer class 'TransformerBlock' \(layer "
                                             r"'dense'\)\. Hornbook supports: .*Dense.*Dropout"):
        load_model(path)


# --- bad saves ----------------------------------------------------------------------------------
def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        saved_model(tmp_path, name="no/such/folder/m.h5")
    assert os.listdir(tmp_path) == []


def test_save_into_a_folder_that_is_not_writable(tmp_path):
    if os.geteuid() != 0:
        folder = tmp_path / "read_only"
        folder.mkdir()
        folder.chmod(0o500)
    elif os.path.isdir("/proc"):
        folder = "/proc"  # root may write anywhere on disk, but not new files into /proc
    else:
        pytest.skip("running as root without /proc: no folder here refuses new files")
    with pytest.raises(ModelFileError, match="(not writable|does not accept new files)"):
        Sequential([layers.Input((2,)), layers.Dense(1)]).save(os.path.join(folder, "m.h5"))
    assert not os.path.exists(os.path.join(folder, "m.h5"))


def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = saved_model(tmp_path)
    before = path.read_bytes()
    real_write = legacy_h5.write_weights

    def write_then_fail(group, model):
        real_write(group, model)  # the file is well under way when the disk "fills up"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(legacy_h5, "write_weights", write_then_fail)
    backend.clear_session()
    other = Sequential([layers.Input((6,)), layers.Dense(4), layers.Dense(2)])
    with pytest.raises(OSError, match="No space left"):
        other.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.h5"]
    with pytest.raises(OSError, match="No space left"):
        other.save(tmp_path / "new.h5")
    assert os.listdir(tmp_path) == ["m.h5"]
