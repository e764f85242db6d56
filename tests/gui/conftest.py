"""Shared setup for GUI tests: run Qt headless unless a display is asked for."""

import os

# Must happen before anything imports Qt, which picks the platform plugin at startup.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402 — after the platform is chosen


@pytest.fixture
def window(qtbot):
    """The main window on the bundled sample, closed after the test."""
    from tests.gui.window_support import open_window

    win = open_window(qtbot)
    yield win
    win.close()
