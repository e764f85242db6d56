"""Settings that outlive a window: recent files, geometry and docks, the last data set. Every test
keeps them in its own tmp folder, never in the user's settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget

from gui import settings
from gui.data_sources import DataSource, available_sources
from gui.files.recent import RecentFiles
from gui.main_window import MainWindow
from tests.gui.window_support import open_window

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def profile(tmp_path):
    settings.enable(tmp_path / "profile")
    yield tmp_path / "profile"
    settings.disable()


def _sample() -> DataSource:
    return next(s for s in available_sources() if "sample" in s.name)


@pytest.fixture
def make_window(qtbot, profile):
    def make(sources=None) -> MainWindow:
        win = open_window(qtbot, sources or [_sample()])
        qtbot.waitExposed(win)
        return win
    return make


def _recent_entries(win) -> list[str]:
    return [a.data() for a in win.file_controller.recent_menu.actions() if a.data()]


def test_recent_files_are_most_recent_first_and_persist(make_window, tmp_path):
    paths = []
    for name in ["a.h5", "b.h5", "c.h5"]:
        shutil.copy(FIXTURES / "keras_mlp.h5", tmp_path / name)
        paths.append(str(tmp_path / name))
    first = make_window()
    assert not first.file_controller.recent_menu.isEnabled()
    for path in paths:
        assert first.file_controller.open_path(path)
    assert first.file_controller.open_path(paths[0])  # reopened: moves to the top, once
    expected = [paths[0], paths[2], paths[1]]
    assert _recent_entries(first) == expected
    assert first.file_controller.recent_menu.actions()[0].text() == "&1 a.h5"
    first.close()

    second = make_window()
    assert _recent_entries(second) == expected
    # Choosing an entry opens it.
    second.file_controller.recent_menu.actions()[1].trigger()
    assert second.file_controller.path == paths[2]
    assert second.windowTitle() == "Hornbook — c.h5[*]"


def test_recent_files_keep_eight_and_forget_missing_ones(make_window, tmp_path):
    recent = RecentFiles()
    for i in range(10):
        recent.add(str(tmp_path / f"m{i}.h5"))
    assert len(recent.paths) == 8 and recent.paths[0].endswith("m9.h5")
    win = make_window()
    assert len(_recent_entries(win)) == 8
    gone = win.file_controller.recent_menu.actions()[0]
    gone.trigger()  # m9.h5 never existed
    assert "Could not open m9.h5" in win.statusBar().currentMessage()
    assert str(tmp_path / "m9.h5") not in _recent_entries(win)
    clear = next(a for a in win.file_controller.recent_menu.actions() if a.text() == "&Clear list")
    clear.trigger()
    assert _recent_entries(win) == [] and RecentFiles().paths == []


def test_geometry_and_docks_are_restored(make_window):
    first = make_window()
    first.setGeometry(QRect(40, 50, 1000, 600))
    first.findChild(QDockWidget, "dock_layerPalette").setFloating(True)
    # Qt clamps to the window's minimum size, so compare with what the window really had.
    expected = (first.geometry().top(), first.height())
    assert first.close()

    second = make_window()
    # The offscreen test screen is 800 px wide, so Qt fits the restored width to it; the height
    # and top fit and come back as they were (a window not restored opens 820 px high).
    assert (second.geometry().top(), second.height()) == expected
    assert second.findChild(QDockWidget, "dock_layerPalette").isFloating()


def test_the_last_data_set_is_chosen_again(make_window):
    sample = _sample()
    other = DataSource("Second copy of the sample", sample.loader, sample.class_names)
    first = make_window([sample, other])
    first.data_panel.combo.setCurrentText(other.name)
    assert first.close()
    second = make_window([sample, other])
    assert second.data_panel.combo.currentText() == other.name
    assert second.data_panel.dataset.name == other.name
    # A data set no longer offered is ignored: the first one stays.
    third = make_window([sample])
    assert third.data_panel.combo.currentText() == sample.name
