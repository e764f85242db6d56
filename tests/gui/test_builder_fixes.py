"""Layers that cannot take their input: the reason on the card, quick fixes by mouse, menu and
keyboard, Train disabled meanwhile; the inspector's editors refuse bad values with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from engine import initializers
from engine.layers import registry
from gui.panels.inspector_editors import FloatSpin, PairEditor
from gui.stack.stack_model import ErrorRole, FixesRole
from tests.gui.builder_support import make_window, names


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def _conv_then_dense(win) -> None:
    """Reshape → Conv2D → Dense 10: the Dense meets a 4-D image."""
    win.remove_layers([0, 1])
    win.add_layer("Reshape", 0)
    win.add_layer("Conv2D", 1)


def _card_error(win, row: int) -> str | None:
    return win.stack.index(row).data(ErrorRole)


def test_dense_after_conv_shows_error_and_the_link_inserts_flatten(qtbot, window):
    _conv_then_dense(window)
    assert names(window) == ["Reshape", "Conv2D", "Dense"]
    error = _card_error(window, 2)
    assert "Dense needs a flat input" in error and "Add Flatten" in error
    train = window.training.train_button
    assert not train.isEnabled() and "Flatten" in train.toolTip()
    assert window.stack.index(2).data(FixesRole)[0] == "Insert Flatten before dense_1"
    view = window.stack_view
    link = view.fix_link_rect(2)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     link.center())
    assert names(window) == ["Reshape", "Conv2D", "Flatten", "Dense"]
    assert window.stack.check.ok and train.isEnabled()
    assert window.undo_stack.undoText() == "Insert Flatten before dense_1"
    window.undo_stack.undo()
    assert _card_error(window, 2) is not None


def test_conv_on_grey_digits_offers_reshape_from_the_context_menu(window):
    window.remove_layers([0, 1])
    window.add_layer("Conv2D", 0)
    assert "4-D input" in _card_error(window, 0)
    menu = window.stack_view.build_context_menu(0)
    fix = next(a for a in menu.actions() if "Insert Reshape (28, 28, 1)" in a.text())
    fix.trigger()
    assert names(window)[:2] == ["Reshape", "Conv2D"]
    assert window.stack.specs[0].config["target_shape"] == [28, 28, 1]
    assert _card_error(window, 1) is None


def test_reshape_target_set_from_the_data_with_the_keyboard(window):
    window.add_layer("Reshape", 0)
    window.select_row(0)
    window.inspector.editors["target_shape"].setText("32, 32, 3")
    window.inspector.editors["target_shape"].editingFinished.emit()
    assert "3072 values" in _card_error(window, 0)
    window.activateWindow()
    window.stack_view.setFocus()
    QTest.keyClick(window.stack_view, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.specs[0].config["target_shape"] == [28, 28, 1]
    assert window.stack.check.ok


def test_wrong_number_of_outputs_is_fixed_on_the_last_card(window):
    window.select_row(2)
    window.inspector.editors["units"].setValue(7)
    assert "10 classes" in _card_error(window, 2)
    fixes = window.stack.index(2).data(FixesRole)
    assert fixes == ["Set units of dense_1 to 10", "Remove dense_1"]
    window.stack_controller.apply_fix(2, 0)
    assert window.stack.specs[2].config["units"] == 10 and window.stack.check.ok


def test_remove_is_always_offered(window):
    window.remove_layers([0])
    window.stack_controller.apply_fix(0, len(window.stack.fixes[0]) - 1)  # "Remove dense"
    assert window.stack.names == ["dense_1"]


def test_pair_editors_and_refusals_show_the_engine_reason(window):
    window.add_layer("Conv2D", 0)
    window.select_row(0)
    kernel = window.inspector.editors["kernel_size"]
    assert isinstance(kernel, PairEditor)
    kernel.spins[1].setValue(5)
    assert window.stack.specs[0].config["kernel_size"] == [3, 5]
    assert window.undo_stack.undoText() == "Change kernel size of conv2d"
    kernel = window.inspector.editors["kernel_size"]
    kernel.spins[0].setValue(0)  # below the engine's limit: refused with its reason
    assert "Received" in window.inspector.error.text()
    assert window.stack.specs[0].config["kernel_size"] == [3, 5]
    init = window.inspector.editors["kernel_initializer"]
    assert isinstance(init, QComboBox)
    assert [init.itemText(i) for i in range(init.count())] == initializers.names()
    init.setCurrentText("he_normal")
    assert window.stack.specs[0].config["kernel_initializer"] == "he_normal"
    window.add_layer("MaxPooling2D", 1)
    window.select_row(1)
    strides = window.inspector.editors["strides"]
    assert strides.value() is None and strides.auto.isChecked()  # None: the pool size
    strides.auto.setChecked(False)
    assert window.stack.specs[1].config["strides"] == [1, 1]


def _poke(editor) -> None:
    """Odd values a user might enter, each finished as a user finishes an edit."""
    if isinstance(editor, PairEditor):
        editor.spins[0].setValue(0)
    elif isinstance(editor, QSpinBox | FloatSpin):
        editor.setValue(editor.minimum())
        editor.setValue(min(editor.maximum(), 999))  # large, not absurd: weights get built
    elif isinstance(editor, QCheckBox):
        editor.toggle()
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(editor.count() - 1)
    elif isinstance(editor, QLineEdit):
        for text in ("-3", "abc", "1, 2, 3, 4", ""):
            editor.setText(text)
            editor.editingFinished.emit()


def test_no_value_in_any_editor_raises(qtbot, window):
    """Every layer, every setting pushed to its extremes: messages, never an exception (pytest-qt
    fails the test on an exception inside a Qt slot)."""
    for class_name in sorted(set(registry.names()) - {"InputLayer"}):
        window.add_layer(class_name, 0)
        window.select_row(0)
        for key in list(window.inspector.editors):
            editor = window.inspector.editors.get(key)
            if editor is not None:
                _poke(editor)
        window.remove_layers([0])
    assert names(window) == ["Flatten", "Dense", "Dense"]
