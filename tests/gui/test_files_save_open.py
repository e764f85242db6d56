"""File → Save and Open through the window, on the real engine and the bundled MNIST sample."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from engine.models import load_model
from gui import settings
from gui.canvas.preprocess import drawing_to_mnist
from tests.gui.window_support import open_window

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def profile(tmp_path):
    settings.enable(tmp_path / "profile")
    yield tmp_path / "profile"
    settings.disable()


@pytest.fixture
def make_window(qtbot, profile):
    return lambda: open_window(qtbot)


@pytest.fixture
def window(make_window):
    return make_window()


def _train_one_epoch(qtbot, win) -> None:
    win.training.epochs.setValue(1)
    qtbot.mouseClick(win.training.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.thread is None, timeout=60_000)


def _draw_a_one(qtbot, win) -> np.ndarray:
    """A vertical stroke on the predict canvas; returns the 28×28 image the model receives."""
    win.tabs.setCurrentWidget(win.predict)
    canvas = win.predict.canvas
    w, h = canvas.width(), canvas.height()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(canvas, left, none, QPoint(w // 2, h // 5))
    for step in range(1, 11):
        QTest.mouseMove(canvas, QPoint(w // 2, h // 5 + step * (3 * h // 5) // 10))
    QTest.mouseRelease(canvas, left, none, QPoint(w // 2, 4 * h // 5))
    qtbot.waitUntil(lambda: win.predict.current_probabilities() is not None, timeout=2000)
    return drawing_to_mnist(canvas.to_array())


def _layer_configs(specs) -> list[tuple[str, dict]]:
    """Class and full engine config of each spec, without the per-build layer name."""
    out = []
    for spec in specs:
        config = spec.create().get_config()
        config.pop("name", None)
        out.append((spec.class_name, config))
    return out


def test_a_trained_model_saved_and_reopened_predicts_the_same(qtbot, make_window, tmp_path):
    first = make_window()
    first.select_row(1)
    first.inspector.editors["units"].setValue(32)
    _train_one_epoch(qtbot, first)
    path = tmp_path / "digits.h5"
    assert first.file_controller.save_to(str(path))
    assert "trained weights" in first.statusBar().currentMessage()
    assert not first.isWindowModified()
    assert first.windowTitle() == "Hornbook — digits.h5[*]"

    second = make_window()
    assert second.file_controller.open_path(str(path))
    assert _layer_configs(second.stack.specs) == _layer_configs(first.stack.specs)
    assert second.stack.specs[1].config["units"] == 32
    assert second.windowTitle() == "Hornbook — digits.h5[*]" and not second.isWindowModified()

    image = _draw_a_one(qtbot, second)
    saved = load_model(str(path))
    expected = saved.predict(image.reshape(1, 28, 28), verbose=0)[0]
    trained = first.training_controller.model.predict(image.reshape(1, 28, 28), verbose=0)[0]
    np.testing.assert_allclose(second.predict.current_probabilities(), expected, rtol=1e-5,
                               atol=1e-7)
    np.testing.assert_allclose(expected, trained, rtol=1e-5, atol=1e-7)
    # Continue trains the opened model on the worker thread: the predict view must have a copy.
    assert second.predict._model is not second.training_controller.model
    # The opened model is the current trained model: saving it again keeps its weights.
    again = tmp_path / "again.h5"
    assert second.file_controller.save_to(str(again))
    assert "trained weights" in second.statusBar().currentMessage()
    for a, b in zip(load_model(str(again)).get_weights(), saved.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_changing_the_stack_after_training_saves_fresh_weights_and_says_so(qtbot, window,
                                                                           tmp_path):
    _train_one_epoch(qtbot, window)
    window.select_row(1)
    window.inspector.editors["units"].setValue(16)
    assert window.file_controller.save_to(str(tmp_path / "changed.h5"))
    assert "untrained" in window.statusBar().currentMessage()
    model = load_model(str(tmp_path / "changed.h5"))
    assert model.layers[1].get_config()["units"] == 16


@pytest.mark.parametrize("name", ["keras_mlp.h5", "keras_cnn.h5"])
def test_keras_files_list_their_layers_with_the_models_shapes(window, name):
    path = str(FIXTURES / name)
    assert window.file_controller.open_path(path)
    model = load_model(path)
    assert [s.class_name for s in window.stack.specs] == [type(layer).__name__
                                                          for layer in model.layers]
    shape, expected = model.input_shape, []
    for layer in model.layers:
        shape = layer.compute_output_shape(shape)
        expected.append(tuple(shape))
    assert [c.output_shape for c in window.stack.check.layers] == expected
    assert window.summary.total_params() == model.count_params()
    # Both fixtures take other input shapes than the sample's (28, 28): the status bar says so.
    assert "differs from" in window.statusBar().currentMessage()
    assert window.compile_panel.optimizer.currentText() == "adam"
    assert window.compile_panel.learning_rate.value() == pytest.approx(0.001)
    assert window.training_controller.model is not None


@pytest.mark.parametrize("content", [b"", b"not a model at all", None])
def test_a_damaged_file_gives_a_message_and_keeps_the_stack(window, tmp_path, content):
    window.add_layer("Dropout", 1)
    before = [s.to_dict() for s in window.stack.specs]
    path = tmp_path / "broken.h5"
    if content is None:  # a real model file cut in half
        data = (FIXTURES / "keras_mlp.h5").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(content)
    assert not window.file_controller.open_path(str(path))
    assert [s.to_dict() for s in window.stack.specs] == before
    box = window.findChildren(QMessageBox, "errorBox")[-1]
    assert "broken.h5" in box.text()
    assert "Traceback" not in box.text()
    assert window.isWindowModified()  # the edit before the failed open is still unsaved


def test_a_save_into_a_missing_or_locked_folder_is_a_message(window, tmp_path):
    assert not window.file_controller.save_to(str(tmp_path / "missing" / "model.h5"))
    assert "does not exist" in window.statusBar().currentMessage()
    assert window.file_controller.path is None
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            return  # root writes anywhere; the missing folder above still ran
        assert not window.file_controller.save_to(str(folder / "model.h5"))
        assert "not writable" in window.statusBar().currentMessage()
    finally:
        os.chmod(folder, 0o700)


def test_a_full_disk_keeps_the_earlier_file(window, tmp_path):
    """The file size limit makes the write fail half-way, as a full disk does."""
    resource = pytest.importorskip("resource")
    import signal

    path = tmp_path / "model.h5"
    assert window.file_controller.save_to(str(path))
    earlier = path.read_bytes()
    window.add_layer("Dropout", 1)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, not the process
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(earlier) // 2, hard))
    try:
        saved = window.file_controller.save_to(str(path))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert not saved
    message = window.statusBar().currentMessage()
    assert "Could not write model.h5" in message and "unchanged" in message
    assert path.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5", "profile"]  # no temp left
    assert window.isWindowModified()


def test_open_takes_the_optimizer_settings_and_undo_brings_the_old_model_back(window):
    window.add_layer("Dropout", 1)
    before = [s.to_dict() for s in window.stack.specs]
    compile_before = window.compile_panel.state()
    assert window.file_controller.open_path(str(FIXTURES / "keras_functional.h5"))
    state = window.compile_panel.state()
    assert (state["optimizer"], state["learning_rate"]) == ("sgd", 0.05)
    assert state["hyper"]["momentum"] == pytest.approx(0.9)
    window.undo_stack.undo()
    assert [s.to_dict() for s in window.stack.specs] == before
    assert window.compile_panel.state() == compile_before
    assert window.isWindowModified()


def test_new_returns_to_the_default_stack(window, tmp_path):
    default = [s.to_dict() for s in window.stack.specs]
    window.file_controller.open_path(str(FIXTURES / "keras_cnn.h5"))
    assert window.file_controller.new_model()
    assert [s.to_dict() for s in window.stack.specs] == default
    assert window.windowTitle() == "Hornbook — Untitled[*]"
    assert window.training_controller.model is None
    assert window.stack.check.ok  # back on the data set's own input shape
