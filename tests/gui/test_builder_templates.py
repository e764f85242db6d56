"""Templates: each builds for its data, trains a batch on real data of the right shape, and loading
one — from the dialog — is a single undo step covering the stack and the compile options."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui import session
from gui.stack import compile_options as co
from gui.stack.templates import TEMPLATES, by_title
from gui.stack.validation import check_stack
from tests.gui.builder_support import make_window, names


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def _cifar_like_batch() -> tuple[np.ndarray, np.ndarray]:
    """CIFAR-10 is not shipped: 64 random but fixed 32×32×3 uint8 images, scaled as the app scales."""
    rng = np.random.default_rng(10)
    images = rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8)
    return images.astype(np.float32) / 255, rng.integers(0, 10, 64)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.title)
def test_template_builds_for_its_data_and_trains_a_batch(window, template):
    assert check_stack(template.specs(), template.input_shape, 10).ok
    if template.dataset == "MNIST":
        window.template_controller.load(template)
        data = window.data_panel.dataset
        assert data.input_shape == template.input_shape and window.stack.check.ok
        x, y = data.x_train[:32], data.labels_for(template.loss, data.y_train[:32])
        specs, options = window.stack.specs, window.compile_panel.options()
    else:
        x, labels = _cifar_like_batch()
        y = np.eye(10, dtype=np.float32)[labels]
        specs, options = template.specs(), co.compile_args(template.compile_state())
    model = session.build_model(specs, x.shape[1:], options)
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x[:32], y[:32])
    loss = loss[0] if isinstance(loss, list) else loss
    assert np.isfinite(loss)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


def test_loading_a_template_is_one_undo_step(window):
    window.compile_panel.set_options("sgd", "categorical_crossentropy", 0.05)
    before_state = window.compile_panel.model.state
    window.template_controller.load(by_title("LeNet-style CNN (MNIST)"))
    assert names(window)[:3] == ["Reshape", "Conv2D", "MaxPooling2D"]
    assert window.compile_panel.optimizer.currentText() == "adam"
    assert window.undo_stack.undoText() == "Load template LeNet-style CNN (MNIST)"
    assert "MNIST sample" in window.data_panel.combo.currentText()
    window.undo_stack.undo()
    assert names(window) == ["Flatten", "Dense", "Dense"]
    assert window.compile_panel.model.state == before_state
    window.undo_stack.redo()
    assert window.stack.names[:2] == ["reshape", "conv2d"]
    assert window.compile_panel.learning_rate.value() == pytest.approx(0.001)


def test_template_for_missing_data_says_so(window):
    window.template_controller.load(by_title("CIFAR-10 CNN"))
    assert "not available here" in window.statusBar().currentMessage()
    assert not window.training.train_button.isEnabled()  # its input is 32×32×3, the data 28×28


def test_new_from_template_dialog(qtbot, window):
    action = window.template_controller.action
    assert action.shortcut().toString() == "Ctrl+Shift+N"
    menus = [a.text() for a in window.menuBar().actions()]
    assert any(action in a.menu().actions() for a in window.menuBar().actions() if a.menu()), menus

    def choose_deeper_mlp():
        dialog = QApplication.activeModalWidget()
        dialog.list.setCurrentRow(1)
        assert "256" in dialog.description.text()
        dialog.accept()

    QTimer.singleShot(0, choose_deeper_mlp)
    action.trigger()
    assert [s.config.get("units") for s in window.stack.specs] == [None, 256, 128, 10]
