"""The user's own samples: the store's API, and "Wrong? It's a …" in the predict view."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from gui import user_samples
from gui.user_samples import FILE_NAME, UserSampleStore
from tests.gui.predict_support import ONE, draw_digit, pretrained_model

DIGITS = [str(d) for d in range(10)]
FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]


def test_store_round_trip(tmp_path):
    store = UserSampleStore(tmp_path)
    x, y = store.load()
    assert x.shape == (0, 28, 28) and x.dtype == np.uint8 and y.shape == (0,)
    assert store.count() == 0
    first = np.arange(784, dtype=np.uint8).reshape(28, 28)
    second = np.linspace(0.0, 1.0, 784, dtype=np.float32).reshape(28, 28, 1)  # the canvas' kind
    assert store.add(first, 3) == 1
    assert store.add(second, np.int64(7)) == 2
    x, y = UserSampleStore(tmp_path).load()  # a new store reads what the first wrote
    assert x.dtype == np.uint8 and x.shape == (2, 28, 28)
    np.testing.assert_array_equal(x[0], first)
    np.testing.assert_array_equal(x[1], np.round(second[..., 0] * 255).astype(np.uint8))
    assert y.tolist() == [3, 7] and y.dtype == np.int64
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no temporary left behind
    store.clear()
    assert store.count() == 0 and not store.path.exists()
    store.clear()  # clearing nothing is fine


def test_module_api_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_USER_DATA", str(tmp_path / "data"))
    assert user_samples.count() == 0
    user_samples.add(np.full((28, 28), 255, np.uint8), 5)
    assert (tmp_path / "data" / FILE_NAME).is_file()
    x, y = user_samples.load()
    assert user_samples.count() == 1 and y.tolist() == [5] and x.max() == 255
    user_samples.clear()
    assert user_samples.count() == 0


def test_bad_samples_are_refused(tmp_path):
    store = UserSampleStore(tmp_path)
    with pytest.raises(ValueError, match="28×28"):
        store.add(np.zeros((32, 32), np.uint8), 1)
    with pytest.raises(ValueError, match="label"):
        store.add(np.zeros((28, 28), np.uint8), -1)
    with pytest.raises(ValueError, match="label"):
        store.add(np.zeros((28, 28), np.uint8), "7")
    assert store.count() == 0


def test_damaged_file_is_reported_not_overwritten(tmp_path):
    store = UserSampleStore(tmp_path)
    store.path.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="can't be read"):
        store.load()
    assert store.count() == 0
    with pytest.raises(ValueError):
        store.add(np.zeros((28, 28), np.uint8), 1)
    assert store.path.read_bytes() == b"garbage"  # the user's file stays for them to rescue


def test_a_failed_write_keeps_the_previous_set(tmp_path, monkeypatch):
    store = UserSampleStore(tmp_path)
    store.add(np.zeros((28, 28), np.uint8), 1)

    def disk_full(handle, **arrays):
        handle.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(user_samples.np, "savez_compressed", disk_full)
    with pytest.raises(OSError):
        store.add(np.ones((28, 28), np.uint8), 2)
    monkeypatch.undo()
    assert store.load()[1].tolist() == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]


# ---- "Wrong? It's a …" -------------------------------------------------------------------------



def digit_button(panel, name: str) -> QPushButton:
    return panel.findChild(QPushButton, f"correctAs{name}")


def test_wrong_button_keeps_the_drawing_with_the_chosen_label(panel, qtbot):
    panel.set_model(pretrained_model(), DIGITS)
    assert not digit_button(panel, "7").isEnabled()  # nothing drawn yet
    draw_digit(panel.canvas, ONE)
    qtbot.waitUntil(lambda: panel.current_probabilities() is not None)
    seen = panel.current_input()
    button = digit_button(panel, "7")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    x, y = panel.samples.load()
    assert y.tolist() == [7]
    np.testing.assert_array_equal(x[0], np.round(seen * 255).astype(np.uint8))
    assert "1 sample of yours" in panel.correction.status.text()
    assert not button.isEnabled()  # once per drawing
    draw_digit(panel.canvas, [[(0.3, 0.5), (0.7, 0.5)]])  # the drawing changes: keep again
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(digit_button(panel, "4"), Qt.MouseButton.LeftButton)
    assert panel.samples.load()[1].tolist() == [7, 4]
    assert "2 samples of yours" in panel.correction.status.text()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not button.isEnabled())


def test_wrong_buttons_are_for_digit_models_only(panel, qtbot):
    panel.set_model(pretrained_model(), FASHION)  # 28×28 grey, but clothes
    draw_digit(panel.canvas, ONE)
    qtbot.waitUntil(lambda: panel.current_probabilities() is not None)
    assert not panel.correction.isVisible()
    assert panel.bars.class_names() == FASHION
    panel.set_model(pretrained_model(), DIGITS)
    assert panel.correction.isVisible()
