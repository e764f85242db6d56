"""Opening the real main window for a test."""

from __future__ import annotations

from gui.data_sources import DataSource, available_sources
from gui.main_window import MainWindow


def sample_sources() -> list[DataSource]:
    """Only the bundled MNIST sample: always present, small, and what the default model reads."""
    return [s for s in available_sources() if "sample" in s.name]


def open_window(qtbot, sources: list[DataSource] | None = None, **kwargs) -> MainWindow:
    """A shown main window on `sources` (default: the bundled sample); more MainWindow
    arguments as keywords."""
    win = MainWindow(data_sources=sources if sources is not None else sample_sources(), **kwargs)
    qtbot.addWidget(win)
    win.show()
    return win
