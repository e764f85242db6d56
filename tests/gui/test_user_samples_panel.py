"""“Include my N drawn digits” in the data panel: the drawings kept on the Predict tab join the
digit set training gets, the count follows new drawings, and a damaged file is a message."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox, QPushButton

from gui.data_sources import builtin_sources
from gui.user_samples import UserSampleStore
from tests.gui.data_support import isolated_data_home, text_table
from tests.gui.predict_support import ONE, draw_digit, pretrained_model
from tests.gui.window_support import open_window

SAMPLE = "MNIST sample (bundled, 5,000 digits)"


@pytest.fixture
def store(tmp_path, monkeypatch):
    isolated_data_home(tmp_path, monkeypatch)
    monkeypatch.setenv("HORNBOOK_USER_DATA", str(tmp_path / "user"))
    return UserSampleStore()


@pytest.fixture
def window(qtbot, store):
    sample = [s for s in builtin_sources() if s.name == SAMPLE]
    win = open_window(qtbot, sample, pretrained=pretrained_model())
    yield win
    win.close()


def _box(win) -> QCheckBox:
    return win.findChild(QCheckBox, "includeUserSamples")


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _tick(qtbot, box: QCheckBox) -> None:
    """A click on the box's square: the row is wider than its text, and its middle is no target."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def _keep_two(store) -> None:
    rng = np.random.default_rng(1)
    store.add(rng.integers(0, 256, (28, 28), dtype=np.uint8), 7)
    store.add(rng.integers(0, 256, (28, 28), dtype=np.uint8), 3)


def test_no_drawings_yet_leaves_the_box_off_and_says_how(window):
    box = _box(window)
    assert not box.isEnabled() and box.text() == "Include my drawn digits (none kept yet)"
    assert "Wrong? It's a" in box.toolTip()


def test_two_drawings_join_the_training_part_and_train(qtbot, window, store):
    _keep_two(store)
    window.data_panel.load_current()  # counted when a set is (re)chosen
    panel, box = window.data_panel, _box(window)
    loaded = panel.loaded
    assert box.isEnabled() and box.text() == "Include my 2 drawn digits"
    assert "2 drawings kept in" in box.toolTip()
    with qtbot.waitSignal(panel.datasetChanged, timeout=5000) as changed:
        _tick(qtbot, box)
    data = changed.args[0]
    assert data is panel.dataset and len(data.x_train) == len(loaded.x_train) + 2
    assert data.y_train[:2].tolist() == [7, 3] and len(data.x_test) == len(loaded.x_test)
    assert panel.counts.text().startswith("3,602 training · 400 validation")
    window.training.epochs.setValue(1)
    _click(qtbot, window.training.train_button)
    qtbot.waitUntil(lambda: window.thread is None and window.training_controller.run is not None,
                    timeout=60_000)
    run = window.training_controller.run
    assert run.history["loss"] and np.isfinite(run.history["loss"][-1])
    assert "+ 2 of your samples" in run.settings  # what it trained on
    _tick(qtbot, box)  # off again: the set as loaded
    assert panel.dataset is loaded


def test_a_drawing_kept_on_the_predict_tab_updates_the_count(qtbot, window, store):
    _keep_two(store)
    window.data_panel.load_current()
    panel, box = window.data_panel, _box(window)
    _tick(qtbot, box)
    window.tabs.setCurrentWidget(window.predict)
    draw_digit(window.predict.canvas, ONE)
    seven = window.predict.findChild(QPushButton, "correctAs7")
    qtbot.waitUntil(seven.isEnabled, timeout=5000)
    with qtbot.waitSignal(panel.datasetChanged, timeout=5000):
        _click(qtbot, seven)
    assert store.count() == 3 and box.text() == "Include my 3 drawn digits"
    assert len(panel.dataset.x_train) == len(panel.loaded.x_train) + 3


def test_a_text_set_cannot_take_them(qtbot, window, store, tmp_path):
    _keep_two(store)
    assert window.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    box = _box(window)
    assert not box.isEnabled() and "holds other data" in box.toolTip()


def test_a_damaged_file_is_a_message_and_unchecks_the_box(qtbot, window, store):
    _keep_two(store)
    window.data_panel.load_current()
    panel, box = window.data_panel, _box(window)
    _tick(qtbot, box)
    assert box.isChecked()
    store.path.write_bytes(b"not a zip")
    panel.refresh_user_samples()
    assert not box.isChecked() and not box.isEnabled()
    assert panel.dataset is panel.loaded and len(panel.dataset.x_train) == 4000
    message = window.findChildren(QMessageBox, "errorBox")[-1].text()
    assert "can't be read" in message and "Move the file away" in message
    assert store.path.read_bytes() == b"not a zip"  # left for the user to rescue
