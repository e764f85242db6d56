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


@pytest.fixture(name="panel")
def predict_panel(qtbot, tmp_path):
    """The predict panel, shown at a size that fits all its sections, with its own sample store.
    (test_canvas.py has a smaller, store-less one of the same name.)"""
    from gui.panels.predict_panel import PredictPanel
    from gui.user_samples import UserSampleStore

    widget = PredictPanel(samples=UserSampleStore(tmp_path / "samples"))
    qtbot.addWidget(widget)
    widget.resize(820, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
