"""The modified marker in the title, and the Save / Discard / Cancel question before unsaved work is
replaced or closed. Qt's modal QMessageBox.question is replaced at the controller's module boundary
by a stand-in that answers as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from engine.models import load_model
from gui import settings
from gui.controllers import file_controller
from tests.gui.window_support import open_window

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
Button = QMessageBox.StandardButton


@pytest.fixture
def window(qtbot, tmp_path):
    settings.enable(tmp_path / "profile")
    win = open_window(qtbot)
    qtbot.waitExposed(win)
    yield win
    win.file_controller.ask_to_save = False
    win.close()
    settings.disable()


@pytest.fixture
def answer(monkeypatch):
    """Set `answer.button` to what the 'person' clicks; `answer.asked` records each question."""

    class ScriptedBox(QMessageBox):
        button = Button.Cancel
        asked: list[str] = []

        @staticmethod
        def question(parent, title, text, buttons, default):
            assert buttons == Button.Save | Button.Discard | Button.Cancel
            ScriptedBox.asked.append(text)
            return ScriptedBox.button

    ScriptedBox.asked = []
    monkeypatch.setattr(file_controller, "QMessageBox", ScriptedBox)
    return ScriptedBox


def _specs(win):
    return [s.to_dict() for s in win.stack.specs]


def test_title_marks_unsaved_changes_and_undo_clears_them(window):
    assert window.windowTitle() == "Hornbook — Untitled[*]"
    assert not window.isWindowModified()
    window.add_layer("Dropout", 1)
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert not window.isWindowModified()
    window.compile_panel.optimizer.setCurrentText("adam")
    assert window.isWindowModified()
    window.compile_panel.optimizer.setCurrentText("sgd")
    assert not window.isWindowModified()


def test_training_leaves_unsaved_weights(qtbot, window, tmp_path):
    window.training.epochs.setValue(1)
    qtbot.mouseClick(window.training.train_button, Qt.MouseButton.LeftButton)
    assert window.isWindowModified()
    qtbot.waitUntil(lambda: window.thread is None, timeout=60_000)
    assert window.file_controller.save_to(str(tmp_path / "m.h5"))
    assert not window.isWindowModified()


def test_unmodified_model_is_replaced_without_a_question(window, answer):
    window.file_controller.ask_to_save = True
    assert window.file_controller.open_path(str(FIXTURES / "keras_mlp.h5"))
    assert window.file_controller.new_model()
    assert answer.asked == []


def test_cancel_keeps_the_unsaved_stack(window, answer):
    window.file_controller.ask_to_save = True
    window.add_layer("Dropout", 1)
    before = _specs(window)
    answer.button = Button.Cancel
    assert not window.file_controller.new_model()
    assert not window.file_controller.open_path(str(FIXTURES / "keras_mlp.h5"))
    assert _specs(window) == before and window.isWindowModified()
    assert len(answer.asked) == 2 and "Untitled" in answer.asked[0]
    assert not window.close()
    assert window.isVisible()


def test_discard_replaces_the_unsaved_stack(window, answer):
    window.file_controller.ask_to_save = True
    window.add_layer("Dropout", 1)
    answer.button = Button.Discard
    assert window.file_controller.open_path(str(FIXTURES / "keras_mlp.h5"))
    assert [s.class_name for s in window.stack.specs] == ["Dense", "Dropout", "Dense"]
    assert not window.isWindowModified()


def test_save_answer_saves_to_the_current_file_first(window, answer, tmp_path):
    path = tmp_path / "work.h5"
    assert window.file_controller.save_to(str(path))
    window.file_controller.ask_to_save = True
    window.add_layer("Dropout", 1)
    answer.button = Button.Save
    assert window.file_controller.new_model()
    assert [type(layer).__name__ for layer in load_model(str(path)).layers] == \
        ["Flatten", "Dropout", "Dense", "Dense"]


def test_save_answer_on_an_untitled_model_asks_for_a_name(window, answer, monkeypatch, tmp_path):
    window.file_controller.ask_to_save = True
    window.add_layer("Dropout", 1)
    answer.button = Button.Save
    chosen = tmp_path / "named"  # no suffix typed: .h5 is added
    monkeypatch.setattr(file_controller.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args: (str(chosen), "")))
    assert window.file_controller.new_model()
    assert (tmp_path / "named.h5").exists()
    # Cancelling the file dialog cancels the whole step.
    window.add_layer("Dropout", 1)
    before = _specs(window)
    monkeypatch.setattr(file_controller.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args: ("", "")))
    assert not window.file_controller.new_model()
    assert _specs(window) == before


def test_close_with_discard_closes(window, answer):
    window.file_controller.ask_to_save = True
    window.add_layer("Dropout", 1)
    answer.button = Button.Discard
    window.file_controller.quit_action.trigger()
    assert not window.isVisible()
    assert len(answer.asked) == 1


def test_keyboard_shortcuts_save_and_undo(qtbot, window, tmp_path):
    path = tmp_path / "keys.h5"
    assert window.file_controller.save_to(str(path))
    window.add_layer("Dropout", 1)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.isWindowModified()
    assert "Dropout" in [type(layer).__name__ for layer in load_model(str(path)).layers]


def test_file_is_the_first_menu(window):
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[0] == "&File"
    texts = [a.text() for a in window.file_controller.file_menu.actions() if a.text()]
    mine = ["&New", "&Open…", "Open &Recent", "&Save", "Save &As…", "&Quit"]
    assert [t for t in texts if t in mine] == mine  # others may add entries (templates)
    shortcuts = {a.text(): a.shortcut().toString() for a in window.file_controller.file_menu.actions()}
    assert shortcuts["&Open…"] == "Ctrl+O" and shortcuts["&Save"] == "Ctrl+S"
    assert shortcuts["Save &As…"] == "Ctrl+Shift+S" and shortcuts["&Quit"] == "Ctrl+Q"
