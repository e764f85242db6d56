"""Every mistake a user can make on the command line: exit code 2 and one clear line, no traceback."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from PIL import Image

import engine
from engine import datasets
from gui.cli import main, one_line


def _fails(capsys, argv: list[str], *fragments: str) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, (captured.out, err)
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"hornbook {argv[0]}: error: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_missing_model_file(capsys, tmp_path):
    _fails(capsys, ["summary", str(tmp_path / "nope.h5")], "nope.h5: no such file")


def test_not_a_model_file_name(capsys, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    _fails(capsys, ["train", str(path), "--dataset", "sample"], "not a Keras model file", ".h5")


def test_folder_instead_of_a_file(capsys, tmp_path):
    _fails(capsys, ["evaluate", str(tmp_path), "--dataset", "sample"], "is a folder")


def test_h5_that_is_not_hdf5_passes_the_engine_message_through(capsys, tmp_path):
    path = tmp_path / "fake.h5"
    path.write_bytes(b"this is not HDF5 at all")
    _fails(capsys, ["summary", str(path)], "fake.h5", "neither an HDF5 file nor a zip archive")


def test_unknown_dataset(capsys, mlp_path):
    _fails(capsys, ["train", str(mlp_path), "--dataset", "imagenet"], "Unknown dataset 'imagenet'",
           "sample")


def test_data_that_does_not_fit_the_model_input(capsys, tmp_path):
    path = tmp_path / "rgb.h5"
    model = engine.Sequential([engine.layers.Input(shape=(32, 32, 3)), engine.layers.Flatten(),
                               engine.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.save(path)
    _fails(capsys, ["train", str(path), "--dataset", "sample"], "(32, 32, 3)", "(28, 28)")


def test_output_units_that_do_not_fit_the_classes(capsys, tmp_path):
    path = tmp_path / "five.h5"
    model = engine.Sequential([engine.layers.Input(shape=(28, 28)), engine.layers.Flatten(),
                               engine.layers.Dense(5, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.save(path)
    _fails(capsys, ["evaluate", str(path), "--dataset", "sample"], "5 outputs", "10 classes")


def test_unreadable_and_missing_images(capsys, mlp_path, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_text("not an image")
    _fails(capsys, ["predict", str(mlp_path), str(bad)], "broken.png", "not a readable image")
    _fails(capsys, ["predict", str(mlp_path), str(tmp_path / "gone.png")], "gone.png")


def test_model_that_takes_no_images(capsys, tmp_path):
    path = tmp_path / "tabular.h5"
    engine.Sequential([engine.layers.Input(shape=(7,)), engine.layers.Dense(2)]).save(path)
    image = tmp_path / "x.png"
    Image.fromarray(np.zeros((7, 7), np.uint8)).save(image)
    _fails(capsys, ["predict", str(path), str(image)], "(7,)", "not an image")


def test_unknown_optimizer(capsys, mlp_path):
    _fails(capsys, ["train", str(mlp_path), "--dataset", "sample", "--optimizer", "adamm"],
           "adamm", "adam")


def test_bad_numbers(capsys, mlp_path):
    _fails(capsys, ["train", str(mlp_path), "--dataset", "sample", "--epochs", "0"], "--epochs")
    _fails(capsys, ["train", str(mlp_path), "--dataset", "sample", "--validation-split", "1.5"],
           "--validation-split")


def test_missing_full_mnist_folds_the_engine_message_onto_one_line(capsys, mlp_path, tmp_path,
                                                                   monkeypatch):
    for variable in ("HORNBOOK_DATA_DIR", "KERAS_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "empty"))
    err = _fails(capsys, ["evaluate", str(mlp_path), "--dataset", "mnist"], "MNIST was not found",
                 "HORNBOOK_DATA_DIR")
    assert str(tmp_path / "empty") in err


def test_cifar10_missing_or_not_fitting_is_one_line(capsys, mlp_path):
    err = _fails(capsys, ["evaluate", str(mlp_path), "--dataset", "cifar10"])
    if importlib.util.find_spec("engine.datasets.cifar10") is None:
        assert "The cifar10 data set is not available" in err
    else:  # not downloaded, or a 28x28 model against 32x32x3 images: both are stated
        assert "CIFAR" in err.upper()


def test_dataset_path_without_or_with_the_engine_reader(capsys, mlp_path, tmp_path, digits):
    (x, y), (x_test, y_test) = digits
    path = tmp_path / "mine.npz"
    np.savez(path, x_train=x[:200], y_train=y[:200], x_test=x_test[:100], y_test=y_test[:100])
    if not hasattr(datasets, "load_path"):
        _fails(capsys, ["evaluate", str(mlp_path), "--dataset", str(path)], "not available")
        return
    assert main(["evaluate", str(mlp_path), "--dataset", str(path)]) == 0
    assert "(test split, 100 samples)" in capsys.readouterr().out


def test_argparse_usage_errors_exit_2(capsys):
    assert main(["trian"]) == 2
    assert "invalid choice: 'trian'" in capsys.readouterr().err
    assert main(["train"]) == 2


@pytest.mark.parametrize("message, expected", [
    ("MNIST was not found. Looked for mnist.npz in:\n  - /a\n  - /b\nPut the file there.",
     "MNIST was not found. Looked for mnist.npz in: /a, /b; Put the file there."),
    ("'quoted key'", "quoted key"),
    ("one line", "one line"),
])
def test_one_line(message, expected):
    assert one_line(message) == expected
