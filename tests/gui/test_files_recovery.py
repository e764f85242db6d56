"""Autosave and crash recovery: a window that never closes cleanly leaves a snapshot that the next
window brings back."""

from __future__ import annotations

import json

import pytest

from gui import settings
from gui.files.autosave import AutosaveStore
from tests.gui.window_support import open_window


@pytest.fixture
def profile(tmp_path):
    settings.enable(tmp_path / "profile")
    yield tmp_path / "profile"
    settings.disable()


@pytest.fixture
def make_window(qtbot, profile):
    return lambda: open_window(qtbot)


def _edit(win) -> None:
    """Changes a person makes by hand: a layer added and edited, other compile settings."""
    win.add_layer("Dropout", 1)
    win.select_row(2)
    win.inspector.editors["units"].setValue(48)
    win.compile_panel.set_options("adam", "sparse_categorical_crossentropy", 0.003)


def test_a_crashed_sessions_work_comes_back(make_window, profile):
    crashed = make_window()
    _edit(crashed)
    crashed.file_controller.recovery.timer.timeout.emit()  # the minute has passed
    specs = [s.to_dict() for s in crashed.stack.specs]
    assert (profile / "autosave" / "autosave.json").exists()

    # The first window is never closed: to the next one it looks like a crash.
    second = make_window()
    recovery = second.file_controller.recovery
    pending = recovery.pending()
    assert pending is not None and len(pending.specs) == 4
    assert recovery.recover()
    assert [s.to_dict() for s in second.stack.specs] == specs
    panel = second.compile_panel
    assert panel.optimizer.currentText() == "adam"
    assert panel.loss.currentText() == "sparse_categorical_crossentropy"
    assert panel.learning_rate.value() == pytest.approx(0.003)
    assert second.isWindowModified()  # recovered work is unsaved until saved
    second.undo_stack.undo()  # the recovery is one undoable step
    assert [s.class_name for s in second.stack.specs] == ["Flatten", "Dense", "Dense"]


def test_autosave_writes_only_unsaved_work_and_a_clean_exit_removes_it(make_window, profile,
                                                                       tmp_path):
    win = make_window()
    store = AutosaveStore(profile / "autosave")
    win.file_controller.recovery.autosave_now()
    assert not store.path.exists()  # nothing unsaved, nothing to keep
    _edit(win)
    win.file_controller.recovery.autosave_now()
    data = json.loads(store.path.read_text())
    assert data["dataset"] == win.data_panel.combo.currentText()
    assert data["path"] is None and data["compile"]["optimizer"] == "adam"
    assert [p.name for p in store.folder.iterdir()] == ["autosave.json"]  # no temp file left
    assert win.file_controller.recovery.timer.isActive()
    assert win.file_controller.recovery.timer.interval() == 60_000
    # Saving makes the snapshot pointless; the next edit writes a new one with the file's path.
    assert win.file_controller.save_to(str(tmp_path / "saved.h5"))
    assert not store.path.exists()
    win.add_layer("Dropout", 1)
    win.file_controller.recovery.autosave_now()
    assert json.loads(store.path.read_text())["path"] == str(tmp_path / "saved.h5")
    assert win.close()
    assert not store.path.exists()


def test_recovered_file_path_is_where_save_goes(make_window, tmp_path):
    first = make_window()
    path = tmp_path / "mine.h5"
    assert first.file_controller.save_to(str(path))
    first.add_layer("Dropout", 1)
    first.file_controller.recovery.autosave_now()
    second = make_window()
    assert second.file_controller.recovery.recover()
    assert second.windowTitle() == "Hornbook — mine.h5[*]"
    assert second.file_controller.save()
    assert not second.isWindowModified()


def test_a_damaged_snapshot_is_no_offer(make_window, profile):
    folder = profile / "autosave"
    folder.mkdir(parents=True)
    (folder / "autosave.json").write_text('{"format": "hornbook-autosave", "specs": [')
    win = make_window()
    assert win.file_controller.recovery.pending() is None
    assert not win.file_controller.recovery.recover()


def test_discard_removes_the_snapshot(make_window, profile):
    first = make_window()
    _edit(first)
    first.file_controller.recovery.autosave_now()
    second = make_window()
    second.file_controller.recovery.discard()
    assert second.file_controller.recovery.pending() is None


def test_without_persistence_nothing_is_written(qtbot, tmp_path, monkeypatch):
    """Windows built outside the app (other tests, scripts) keep no autosave and no settings."""
    settings.disable()
    monkeypatch.setenv("HOME", str(tmp_path))
    win = open_window(qtbot)
    _edit(win)
    assert not win.file_controller.recovery.timer.isActive()
    win.file_controller.recovery.autosave_now()
    assert win.file_controller.recovery.pending() is None
    win.close()
    assert list(tmp_path.iterdir()) == []
