"""Downloading a missing set from the data panel, against an HTTP server on 127.0.0.1: progress
bar, Cancel (no final file, the .part kept), resume, and a clear message when it fails."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from engine.datasets import RemoteFile, _paths
from gui.data_sources import builtin_sources
from tests.gui.data_support import digits_npz, isolated_data_home, open_window
from tests.local_http import LocalServer

NPZ = digits_npz(n_train=400, n_test=100)  # ~ 390 KB: about a hundred 4 KiB drips


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    return isolated_data_home(tmp_path, monkeypatch)


def _window_with_mnist_from(qtbot, server, sha=None):
    sources = builtin_sources()
    mnist = next(s for s in sources if s.name == "MNIST")
    mnist.remotes = (RemoteFile("mnist.npz", server.url("mnist.npz"),
                                sha or hashlib.sha256(NPZ).hexdigest(), len(NPZ)),)
    win = open_window(qtbot, sources)
    win.data_panel.select_source("MNIST")  # not on this machine: the download row comes up
    assert win.data_panel.download_row.isVisible()
    return win


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_download_shows_progress_then_loads_the_set(qtbot, data_home):
    with LocalServer({"/mnist.npz": NPZ}) as server:
        win = _window_with_mnist_from(qtbot, server)
        panel = win.data_panel
        seen = []
        panel.download_row.progress.valueChanged.connect(seen.append)
        with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
            _click(qtbot, panel.download_row.button)
    assert win.data_controller.thread is None
    assert panel.dataset.name == "MNIST" and panel.combo.currentText() == "MNIST"
    assert len(panel.dataset.x_train) == 400 and not panel.download_row.isVisible()
    assert seen and seen[-1] == 1000  # the bar reached 100 %
    assert (_paths.user_cache_dir() / "mnist.npz").read_bytes() == NPZ
    assert "Downloaded MNIST." in win.statusBar().currentMessage()


def test_cancel_leaves_no_final_file_and_the_next_download_resumes(qtbot, data_home):
    cache = _paths.user_cache_dir()
    with LocalServer({"/mnist.npz": NPZ}, modes={"/mnist.npz": "drip"}, delay=0.02) as server:
        win = _window_with_mnist_from(qtbot, server)
        panel, before = win.data_panel, win.data_panel.dataset
        _click(qtbot, panel.download_row.button)
        assert panel.download_row.cancel_button.isVisible() and not panel.download_row.button.isVisible()
        qtbot.waitUntil(lambda: panel.download_row.progress.value() > 50, timeout=10_000)
        _click(qtbot, panel.download_row.cancel_button)
        qtbot.waitUntil(lambda: win.data_controller.thread is None, timeout=10_000)
        assert not (cache / "mnist.npz").exists()
        kept = (cache / "mnist.npz.part").stat().st_size
        assert 0 < kept < len(NPZ)
        assert panel.dataset is before and panel.combo.currentText() == before.name
        assert panel.download_row.button.text() == "Try again"
        assert "MNIST was cancelled" in panel.download_row.label.text()

        server.modes.clear()  # the next attempt runs at full speed
        with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
            _click(qtbot, panel.download_row.button)
        assert server.requests[-1] == ("/mnist.npz", f"bytes={kept}-")
    assert panel.dataset.name == "MNIST" and (cache / "mnist.npz").read_bytes() == NPZ
    np.testing.assert_array_equal(panel.dataset.y_test[:5], np.load(cache / "mnist.npz")["y_test"][:5])


def test_failed_download_says_why_and_where_to_put_the_file(qtbot, data_home):
    with LocalServer({}) as server:  # 404 for everything
        win = _window_with_mnist_from(qtbot, server)
        panel, before = win.data_panel, win.data_panel.dataset
        _click(qtbot, panel.download_row.button)
        qtbot.waitUntil(lambda: win.data_controller.thread is None, timeout=10_000)
    box = win.findChild(QMessageBox, "errorBox")
    assert "HTTP 404" in box.text() and "To install it by hand instead" in box.text()
    assert str(data_home) in box.text()  # HORNBOOK_DATA_DIR is one of the folders listed
    assert panel.download_row.button.text() == "Try again" and panel.dataset is before
    assert list(_paths.user_cache_dir().iterdir()) == []


def test_checksum_mismatch_is_refused(qtbot, data_home):
    with LocalServer({"/mnist.npz": NPZ}) as server:
        win = _window_with_mnist_from(qtbot, server, sha="1" * 64)
        _click(qtbot, win.data_panel.download_row.button)
        qtbot.waitUntil(lambda: win.data_controller.thread is None, timeout=10_000)
    assert "sha256 does not match" in win.findChild(QMessageBox, "errorBox").text()
    assert list(_paths.user_cache_dir().iterdir()) == []
    assert win.data_panel.combo.currentText().startswith("MNIST sample")
