"""Open file or folder: the user's own data through every reader of engine.datasets.load_path;
a bad file gives a message and the data loaded before stays."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.data_support import isolated_data_home, open_window


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    return isolated_data_home(tmp_path, monkeypatch)


def _image_folder(root):
    rng = np.random.default_rng(2)
    for label, name in enumerate(["circle", "square", "triangle"]):
        (root / name).mkdir(parents=True)
        for i in range(4 + label):
            Image.fromarray(rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)).save(root / name / f"{i}.png")
    return root


def _error_text(win) -> str:
    box = win.findChild(QMessageBox, "errorBox")
    return box.text() if box is not None else ""


def test_open_folder_from_the_menu_loads_images_with_class_names(qtbot, data_home, tmp_path, monkeypatch):
    folder = _image_folder(tmp_path / "shapes")
    win = open_window(qtbot)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    win.data_controller.open_folder_action.trigger()
    panel = win.data_panel
    assert panel.combo.currentText() == "shapes (folder)" and panel.dataset.name == "shapes (folder)"
    assert panel.dataset.class_names == ["circle", "square", "triangle"]
    assert panel.class_counts.counts == [4, 5, 6]
    assert set(panel.grid.captions) == {"circle", "square", "triangle"} and len(panel.grid.images) == 15
    assert "14 training · 1 validation · 0 test samples" in panel.counts.text()
    assert "12×10×3 (uint8)" in panel.counts.text()
    assert win.stack.input_shape == (12, 10, 3) and win.stack.num_classes == 3
    # The default stack ends in 10 units: the stack check asks for 3, the data's class count.
    assert "the data has 3 classes" in win.stack.check.problem


def test_open_csv_like_the_5k_sample(qtbot, data_home, tmp_path):
    from engine.datasets import sample
    (x, y), _ = sample.load_data()
    rows = np.column_stack([x[:50].reshape(50, -1), y[:50]])  # label last
    path = tmp_path / "digits.csv"
    np.savetxt(path, rows, fmt="%d", delimiter=",")
    win = open_window(qtbot)
    assert win.data_controller.open_path(str(path))
    data = win.data_panel.dataset
    assert data.name == "digits.csv" and data.x_train.shape == (50, 28, 28) and data.x_train.dtype == np.uint8
    np.testing.assert_array_equal(data.y_train, y[:50])
    assert win.data_panel.grid.captions[:3] == ["0", "1", "2"]


def test_open_the_same_folder_twice_keeps_one_entry(qtbot, data_home, tmp_path):
    folder = _image_folder(tmp_path / "shapes")
    win = open_window(qtbot)
    assert win.data_controller.open_path(str(folder))
    win.data_panel.combo.setCurrentIndex(0)
    assert win.data_controller.open_path(str(folder))
    names = [win.data_panel.combo.itemText(i) for i in range(win.data_panel.combo.count())]
    assert names.count("shapes (folder)") == 1 and win.data_panel.combo.currentText() == "shapes (folder)"


def test_bad_file_gives_a_message_and_keeps_the_previous_data(qtbot, data_home, tmp_path):
    folder = _image_folder(tmp_path / "shapes")
    (folder / "square" / "notes.txt").write_text("not an image")
    win = open_window(qtbot)
    panel = win.data_panel
    before, entries = panel.dataset, panel.combo.count()
    assert not win.data_controller.open_path(str(folder))
    assert "Could not load shapes (folder): square/notes.txt: not an image" in _error_text(win)
    assert panel.dataset is before and panel.combo.count() == entries
    assert win.stack.input_shape == (28, 28)

    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    assert not win.data_controller.open_path(str(broken))
    assert "broken.npz: not a readable .npz file" in win.statusBar().currentMessage()
    assert panel.dataset is before and panel.combo.currentText() == before.name
