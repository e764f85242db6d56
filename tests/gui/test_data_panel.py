"""The data panel on real widgets: each source loads and shows its counts, samples and classes;
missing sets offer a download; the model's input follows the data, and a misfit is offered a fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.datasets import cifar10, fashion_mnist
from gui.stack.templates import by_title
from tests.gui.data_support import isolated_data_home, open_window, put_cifar10, put_fashion, put_mnist

SHARED_MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist.npz"
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    return isolated_data_home(tmp_path, monkeypatch)


def _choose(qtbot, win, name: str) -> None:
    combo = win.data_panel.combo
    index = combo.findText(name)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def _shown(win):
    panel = win.data_panel
    return panel.counts.text(), panel.grid.captions, panel.class_counts.counts


def test_each_source_loads_and_shows_counts_samples_and_classes(qtbot, data_home):
    put_mnist(data_home)
    put_fashion(data_home)
    parts = put_cifar10(data_home)
    win = open_window(qtbot)
    panel = win.data_panel
    assert panel.combo.currentText() == "MNIST" and panel.dataset.name == "MNIST"
    text, captions, counts = _shown(win)
    assert text.startswith("108 training · 12 validation · 40 test samples") and "28×28 (uint8)" in text
    assert sum(counts) == 120 and captions[:10] == [str(d) for d in range(10)]

    _choose(qtbot, win, "Fashion-MNIST")
    text, captions, counts = _shown(win)
    assert panel.dataset.name == "Fashion-MNIST" and "54 training · 6 validation · 20 test" in text
    assert captions[:10] == fashion_mnist.CLASS_NAMES and counts == [6] * 10
    assert len(panel.grid.images) == 32 and panel.grid.images[0].width() == 28

    _choose(qtbot, win, "CIFAR-10")
    text, captions, counts = _shown(win)
    y_train = np.concatenate([parts[f"data_batch_{i}"][1] for i in range(1, 6)])
    assert "32×32×3 (uint8)" in text and "36 training · 4 validation · 8 test" in text
    assert counts == np.bincount(y_train, minlength=10).tolist()
    assert set(captions) <= set(cifar10.CLASS_NAMES)
    assert win.stack.input_shape == (32, 32, 3)  # the model's input follows the data
    assert panel.dataset.x_train.dtype == np.uint8 and panel.dataset.y_train.shape == (40,)

    _choose(qtbot, win, "MNIST sample (bundled, 5,000 digits)")
    assert "3,600 training · 400 validation · 1,000 test" in panel.counts.text()
    assert win.stack.input_shape == (28, 28)

    panel.validation_split.setValue(0.25)
    assert panel.counts.text().startswith("3,000 training · 1,000 validation")


@pytest.mark.skipif(not SHARED_MNIST.is_file() or not DEBIAN_FASHION.is_dir(),
                    reason="needs full MNIST in ../shared/data and Debian's dataset-fashion-mnist")
def test_the_real_full_sets(qtbot, data_home, monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(SHARED_MNIST.parent))
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", (DEBIAN_FASHION,))
    win = open_window(qtbot)
    assert win.data_panel.counts.text().startswith("54,000 training · 6,000 validation · 10,000 test")
    _choose(qtbot, win, "Fashion-MNIST")
    assert win.data_panel.class_counts.counts == [6000] * 10
    assert win.data_panel.grid.captions[:3] == ["T-shirt/top", "Trouser", "Pullover"]


def test_missing_set_offers_a_download_and_keeps_the_loaded_one(qtbot, data_home):
    win = open_window(qtbot)
    panel = win.data_panel
    assert panel.combo.currentText().startswith("MNIST sample")  # full MNIST is not here
    loaded = panel.dataset
    assert not panel.download_row.isVisible()
    _choose(qtbot, win, "CIFAR-10")
    assert panel.download_row.isVisible() and panel.download_row.pending.name == "CIFAR-10"
    assert "CIFAR-10 is not on this machine" in panel.download_row.label.text()
    assert "170 MB" in panel.download_row.label.text()
    assert panel.combo.currentText().startswith("MNIST sample") and panel.dataset is loaded
    tip = panel.combo.itemData(panel.combo.findText("CIFAR-10"), Qt.ItemDataRole.ToolTipRole)
    assert "choose it to download" in tip
    _choose(qtbot, win, "MNIST sample (bundled, 5,000 digits)")  # unchanged: no reload, offer stays
    _choose(qtbot, win, "Fashion-MNIST")
    assert panel.download_row.pending.name == "Fashion-MNIST"


def test_cifar_with_a_28x28x1_stack_offers_the_cifar_template(qtbot, data_home):
    put_cifar10(data_home)
    win = open_window(qtbot)
    win.template_controller.load(by_title("LeNet-style CNN (MNIST)"))
    panel = win.data_panel
    assert not panel.fix_row.isVisible()
    _choose(qtbot, win, "CIFAR-10")
    assert panel.fix_row.isVisible()
    assert "The first layer, reshape, can't take CIFAR-10's 32×32×3 samples" in panel.fix_row.label.text()
    assert panel.fix_row.button.text() == "Load the CIFAR-10 CNN template"
    assert not win.training.train_button.isEnabled()
    qtbot.mouseClick(panel.fix_row.button, Qt.MouseButton.LeftButton)
    assert win.stack.specs[0].class_name == "Conv2D" and win.stack.check.ok
    assert not panel.fix_row.isVisible() and win.training.train_button.isEnabled()
    win.undo_stack.undo()  # the fix is one undo step: the LeNet stack is back, and so is the offer
    assert win.stack.specs[0].class_name == "Reshape" and panel.fix_row.isVisible()


def test_a_model_input_of_another_size_is_offered_the_datas_shape(qtbot, data_home):
    put_cifar10(data_home)
    win = open_window(qtbot)
    _choose(qtbot, win, "CIFAR-10")
    win.stack.set_data_shape((28, 28, 1), 10)  # as after opening a model made for MNIST
    panel = win.data_panel
    assert panel.fix_row.label.text() == "This model takes 28×28×1 inputs; CIFAR-10 has 32×32×3 samples."
    qtbot.mouseClick(panel.fix_row.button, Qt.MouseButton.LeftButton)
    assert win.stack.input_shape == (32, 32, 3) and not panel.fix_row.isVisible()
