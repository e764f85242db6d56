"""Building the stack: palette, drag and drop, reorder, names, duplicate, copy/paste, delete, undo."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from engine.backend import to_snake_case
from engine.layers import registry
from gui.stack import catalog
from gui.stack.stack_model import LAYER_MIME
from tests.gui.builder_support import drop, drop_point, make_window, names


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def _ctrl(win, key) -> None:
    win.activateWindow()
    win.stack_view.setFocus()
    QTest.keyClick(win.stack_view, key, Qt.KeyboardModifier.ControlModifier)


def _select(win, rows) -> None:
    win.stack_controller.select_rows(rows)


def test_palette_lists_every_engine_layer_once_in_a_named_group(window):
    groups = catalog.available_layers()
    listed = [n for layer_names in groups.values() for n in layer_names]
    assert sorted(listed) == sorted(set(registry.names()) - {"InputLayer"})
    assert "Other" not in groups  # every engine module maps to a named group
    assert "Dense" in groups["Core"] and "Conv2D" in groups["Convolution"]
    assert "MaxPooling2D" in groups["Pooling"] and "Flatten" in groups["Reshaping"]
    palette = window.palette_panel
    for name in listed:
        item = palette.item_for(name)
        assert item is not None and len(item.toolTip(0)) > len(name) + 20
    palette.filter.setText("pool")
    assert palette.visible_layers() and all("Pool" in n for n in palette.visible_layers())
    palette.filter.setText("flatten")
    QTest.keyClick(palette.filter, Qt.Key.Key_Return)  # one match: Enter adds it
    assert names(window)[-1] == "Flatten"


def test_layers_get_keras_style_unique_names(window):
    assert window.stack.names == ["flatten", "dense", "dense_1"]
    window.add_layer("Conv2D")
    window.add_layer("Conv2D")
    window.add_layer("MaxPooling2D")
    assert window.stack.names[-3:] == ["conv2d", "conv2d_1", "max_pooling2d"]
    assert window.stack.specs[-1].create().name == "max_pooling2d"  # the engine layer carries it
    expected = {"Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d", "LeakyReLU": "leaky_re_lu",
                "GlobalAveragePooling2D": "global_average_pooling2d", "PReLU": "p_re_lu",
                "BatchNormalization": "batch_normalization", "Conv1D": "conv1d"}
    assert {k: to_snake_case(k) for k in expected} == expected


def test_drop_from_palette_through_model_mime_methods(window):
    palette = window.palette_panel
    mime = palette.tree.mimeData([palette.item_for("Dropout")])
    assert window.stack.canDropMimeData(mime, Qt.DropAction.CopyAction, 1, 0, QModelIndex())
    window.stack.dropMimeData(mime, Qt.DropAction.CopyAction, 1, 0, QModelIndex())
    assert names(window) == ["Flatten", "Dropout", "Dense", "Dense"]
    assert window.undo_stack.undoText() == "Add dropout"
    window.undo_stack.undo()
    assert names(window) == ["Flatten", "Dense", "Dense"]
    window.undo_stack.redo()
    assert names(window)[1] == "Dropout"


def test_drop_from_palette_onto_the_view(window):
    palette = window.palette_panel
    mime = palette.tree.mimeData([palette.item_for("BatchNormalization")])
    drop(window.stack_view, mime, drop_point(window.stack_view, 2))
    assert names(window) == ["Flatten", "Dense", "BatchNormalization", "Dense"]
    drop(window.stack_view, palette.tree.mimeData([palette.item_for("Dropout")]),
         drop_point(window.stack_view, 4))
    assert names(window)[-1] == "Dropout"


def test_reorder_through_model_mime_and_view(window):
    stack = window.stack
    mime = stack.mimeData([stack.index(0)])
    stack.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert names(window) == ["Dense", "Dense", "Flatten"]
    assert window.undo_stack.undoText() == "Move flatten"
    window.undo_stack.undo()
    assert names(window) == ["Flatten", "Dense", "Dense"]
    # The same through the view: drag the last card above the first.
    drop(window.stack_view, stack.mimeData([stack.index(2)]), drop_point(window.stack_view, 0),
         Qt.DropAction.MoveAction)
    assert window.stack.names == ["dense_1", "flatten", "dense"]
    window.undo_stack.undo()
    assert window.stack.names == ["flatten", "dense", "dense_1"]


def test_moving_several_cards_keeps_their_order(window):
    window.add_layer("Dropout")
    stack = window.stack  # flatten, dense, dense_1, dropout
    drop(window.stack_view, stack.mimeData([stack.index(0), stack.index(1)]),
         drop_point(window.stack_view, 4), Qt.DropAction.MoveAction)
    assert stack.names == ["dense_1", "dropout", "flatten", "dense"]
    window.undo_stack.undo()
    assert stack.names == ["flatten", "dense", "dense_1", "dropout"]


def test_drop_from_another_window_copies_with_fresh_names(qtbot, window):
    other = make_window(qtbot)
    try:
        mime = other.stack.mimeData([other.stack.index(1)])  # its "dense"
        drop(window.stack_view, mime, drop_point(window.stack_view, 1))
        assert window.stack.names == ["flatten", "dense_2", "dense", "dense_1"]
        assert other.stack.names == ["flatten", "dense", "dense_1"]  # the source keeps its layer
    finally:
        other.close()


def test_duplicate_with_ctrl_d(window):
    window.select_row(1)
    _ctrl(window, Qt.Key.Key_D)
    assert window.stack.names == ["flatten", "dense", "dense_2", "dense_1"]
    assert window.stack.specs[2].config["units"] == 64
    assert window.undo_stack.undoText() == "Duplicate dense"
    window.undo_stack.undo()
    assert window.stack.names == ["flatten", "dense", "dense_1"]


def test_copy_and_paste_with_the_clipboard(window):
    _select(window, [1, 2])
    _ctrl(window, Qt.Key.Key_C)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat(LAYER_MIME)
    text = json.loads(mime.text())  # plain text for other programs: Keras-style layer configs
    assert [d["class_name"] for d in text] == ["Dense", "Dense"]
    window.select_row(0)
    _ctrl(window, Qt.Key.Key_V)
    assert window.stack.names == ["flatten", "dense_2", "dense_3", "dense", "dense_1"]
    assert window.undo_stack.undoText() == "Paste 2 layers"
    window.undo_stack.undo()  # one step for the whole paste
    assert window.stack.names == ["flatten", "dense", "dense_1"]


def test_paste_into_another_window_and_from_plain_text(qtbot, window):
    _select(window, [1])
    window.stack_controller.copy()
    other = make_window(qtbot)
    try:
        other.remove_layers([0, 1, 2])
        other.stack_controller.paste()
        assert other.stack.names == ["dense"]  # the name is free there, so it is kept
    finally:
        other.close()
    QGuiApplication.clipboard().setText('[{"class_name": "Dropout", "config": {"rate": 0.2}}]')
    window.select_row(2)
    window.stack_controller.paste()
    assert names(window)[-1] == "Dropout" and window.stack.specs[-1].config["rate"] == 0.2
    QGuiApplication.clipboard().setText("not layers at all")
    window.stack_controller.paste()
    assert "Nothing pasted" in window.statusBar().currentMessage()
    QGuiApplication.clipboard().setText('[{"class_name": "Transformer", "config": {}}]')
    window.stack_controller.paste()
    assert "does not know: Transformer" in window.statusBar().currentMessage()


def test_multi_select_delete_and_undo(window):
    _select(window, [0, 1])
    window.stack_view.setFocus()
    QTest.keyClick(window.stack_view, Qt.Key.Key_Delete)
    assert window.stack.names == ["dense_1"]
    assert window.undo_stack.undoText() == "Remove 2 layers"
    window.undo_stack.undo()
    assert window.stack.names == ["flatten", "dense", "dense_1"]


def test_inspector_edit_is_named_in_the_edit_menu(window):
    window.select_row(2)
    window.inspector.editors["units"].setValue(12)
    assert window.undo_stack.undoText() == "Change units of dense_1"
    undo = next(a for a in window.stack_controller.edit_menu.actions() if a.objectName() == "undoAction")
    assert undo.text() == "&Undo Change units of dense_1"
    window.undo_stack.undo()
    assert window.stack.specs[2].config["units"] == 10
    window.undo_stack.redo()
    assert window.stack.specs[2].config["units"] == 12
