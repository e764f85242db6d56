"""Each `hornbook` subcommand run in-process through gui.cli.main, on the bundled MNIST sample."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

import engine
from engine.utils import to_categorical
from gui.cli import main
from tests.cli.conftest import prepared

SUBCOMMANDS = ("train", "evaluate", "predict", "summary", "export")


def test_help_lists_the_subcommands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(re.search(rf"^\s+{name}\s", out, re.M) for name in SUBCOMMANDS)
    assert "opens the app" in " ".join(out.split())


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(capsys, name):
    assert main([name, "--help"]) == 0
    assert f"usage: hornbook {name}" in capsys.readouterr().out


def test_train_shows_progress_and_saves_changed_weights(capsys, mlp_path, digits):
    before = engine.load_model(mlp_path).get_weights()
    assert main(["train", str(mlp_path), "--dataset", "sample", "--epochs", "2", "--batch-size", "64",
                 "--validation-split", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    # Keras' finished progress line: "57/57 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: … - loss: …"
    assert re.search(r"57/57 ━{20} \d+m?s \d+[mu]?s/step - accuracy: [\d.]+ - loss: [\d.]+ - "
                     r"val_accuracy", out), out
    assert re.search(r"^Test: accuracy: [\d.]+ - loss: [\d.]+$", out, re.M)
    after = engine.load_model(mlp_path)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after.get_weights(), strict=True))
    assert type(after.optimizer).__name__ == "Adam" and after.optimizer.iterations == 2 * 57
    # the test line is the saved model's evaluation of the test split
    (_, _), (x_test, y_test) = digits
    loss, accuracy = after.evaluate(prepared(after, x_test), y_test, batch_size=64, verbose=0)
    assert f"Test: accuracy: {accuracy:.4f} - loss: {loss:.4f}" in out


def test_train_cnn_with_one_hot_labels_to_another_file(capsys, cnn_path, tmp_path):
    original = cnn_path.read_bytes()
    out_path = tmp_path / "trained.h5"
    assert main(["train", str(cnn_path), "--dataset", "sample", "--batch-size", "128",
                 "--output", str(out_path)]) == 0
    assert "32/32 ━" in capsys.readouterr().out
    assert cnn_path.read_bytes() == original
    trained = engine.load_model(out_path)
    assert trained.loss.name == "categorical_crossentropy" and trained.optimizer.iterations == 32


def test_train_uncompiled_model_needs_and_takes_compile_options(capsys, tmp_path):
    path = tmp_path / "bare.h5"
    engine.Sequential([engine.layers.Input(shape=(784,)), engine.layers.Dense(10, activation="softmax")]
                      ).save(path)
    assert main(["train", str(path), "--dataset", "sample"]) == 2
    err = capsys.readouterr().err
    assert "no training configuration" in err and "--optimizer" in err and "--loss" in err
    assert main(["train", str(path), "--dataset", "sample", "--optimizer", "sgd", "--loss",
                 "categorical_crossentropy", "--metrics", "accuracy", "--batch-size", "500"]) == 0
    assert "8/8 ━" in capsys.readouterr().out
    model = engine.load_model(path)
    assert type(model.optimizer).__name__ == "SGD" and model.loss.name == "categorical_crossentropy"


def test_evaluate_prints_what_model_evaluate_gives(capsys, trained_mlp_path, cnn_path, digits):
    (_, _), (x_test, y_test) = digits
    assert main(["evaluate", str(trained_mlp_path), "--dataset", "sample"]) == 0
    out = capsys.readouterr().out.strip()
    model = engine.load_model(trained_mlp_path)
    loss, accuracy = model.evaluate(prepared(model, x_test), y_test, verbose=0)
    assert out == f"sample (test split, 1,000 samples): accuracy: {accuracy:.4f} - loss: {loss:.4f}"
    assert accuracy > 0.5  # two epochs of training: far above chance
    assert main(["evaluate", str(cnn_path), "--dataset", "sample", "--batch-size", "100"]) == 0
    cnn = engine.load_model(cnn_path)
    loss, accuracy = cnn.evaluate(prepared(cnn, x_test), to_categorical(y_test, 10), verbose=0)
    assert f"accuracy: {accuracy:.4f} - loss: {loss:.4f}" in capsys.readouterr().out


def test_evaluate_uncompiled_model_with_a_loss(capsys, tmp_path, digits):
    path = tmp_path / "bare.h5"
    engine.Sequential([engine.layers.Input(shape=(28, 28)), engine.layers.Flatten(),
                       engine.layers.Dense(10, activation="softmax")]).save(path)
    assert main(["evaluate", str(path), "--dataset", "sample"]) == 2
    assert "--loss" in capsys.readouterr().err
    assert main(["evaluate", str(path), "--dataset", "sample", "--loss",
                 "sparse_categorical_crossentropy"]) == 0
    assert re.search(r"loss: [\d.]+$", capsys.readouterr().out.strip())


def _write_pngs(folder, images, mode: str = "L", invert: bool = False) -> list[str]:
    paths = []
    for i, image in enumerate(images):
        pixels = 255 - image if invert else image
        path = folder / f"{'inv' if invert else 'digit'}{mode}{i}.png"
        Image.fromarray(pixels).convert(mode).save(path)
        paths.append(str(path))
    return paths


def _predicted(out: str) -> list[tuple[str, str, float]]:
    rows = [line.split() for line in out.strip().splitlines()]
    return [(name, label, float(p)) for name, label, p in rows]


def test_predict_gives_model_predict_classes_for_png_digits(capsys, trained_mlp_path, tmp_path, digits):
    (_, _), (x_test, _) = digits
    images = x_test[:12]
    model = engine.load_model(trained_mlp_path)
    expected = model.predict(prepared(model, images), verbose=0)
    paths = _write_pngs(tmp_path, images)
    assert main(["predict", str(trained_mlp_path), *paths]) == 0
    rows = _predicted(capsys.readouterr().out)
    assert [r[0] for r in rows] == [p.rsplit("/", 1)[-1] for p in paths]
    assert [int(r[1]) for r in rows] == list(expected.argmax(axis=1))
    np.testing.assert_allclose([r[2] for r in rows], expected.max(axis=1), atol=1e-4)
    # dark ink on white paper and RGB files give the same answers (inverted, converted to grey)
    others = _write_pngs(tmp_path, images, invert=True) + _write_pngs(tmp_path, images, mode="RGB")
    assert main(["predict", str(trained_mlp_path), *others, "--dataset", "sample"]) == 0
    rows = _predicted(capsys.readouterr().out)
    assert [r[1] for r in rows] == [str(c) for c in expected.argmax(axis=1)] * 2


def test_predict_resizes_images_to_the_model_input(capsys, trained_mlp_path, tmp_path, digits):
    (_, _), (x_test, _) = digits
    big = tmp_path / "big.png"
    Image.fromarray(x_test[0]).resize((112, 112), Image.Resampling.NEAREST).save(big)
    model = engine.load_model(trained_mlp_path)
    expected = int(model.predict(prepared(model, x_test[:1]), verbose=0).argmax())
    assert main(["predict", str(trained_mlp_path), str(big)]) == 0
    # NEAREST x4 then LANCZOS /4 returns close to the original pixels: the same clear digit
    assert _predicted(capsys.readouterr().out)[0][1] == str(expected)


def test_summary_prints_the_layer_table(capsys, cnn_path):
    assert main(["summary", str(cnn_path)]) == 0
    out = capsys.readouterr().out
    model = engine.load_model(cnn_path)
    assert "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    for layer in model.layers:
        assert f"{layer.name} ({type(layer).__name__})" in out
    assert f"Total params: {model.count_params():,}" in out


def test_export_writes_a_keras_script_loading_the_model_file(capsys, cnn_path, tmp_path):
    script = tmp_path / "cnn_keras.py"
    assert main(["export", str(cnn_path), "--keras", str(script)]) == 0
    assert str(cnn_path) in capsys.readouterr().out
    text = script.read_text()
    compile(text, str(script), "exec")
    assert 'with_name("cnn.h5")' in text and "keras.layers.Conv2D(filters=4" in text
    assert not (tmp_path / "cnn_keras.h5").exists()  # the model file itself holds the weights
