"""Slow loads run on a worker thread: the window stays live, a progress row says what is going on,
the set loaded before stays until the new one is ready, a newer choice drops the older load,
Cancel and closing the window end it at once, and errors are messages."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from engine.datasets import DatasetError
from gui import data_sources
from gui.data_sources import IMDB, DataSource, builtin_sources
from gui.panels import data_panel
from gui.text_data import TextCorpus
from tests.gui.data_support import imdb_files, isolated_data_home, open_window, text_table

SAMPLE = "MNIST sample (bundled, 5,000 digits)"
GATED = "Gated topics (text)"


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    return isolated_data_home(tmp_path, monkeypatch)


class Gate:
    """A text set whose reading waits until the test opens the gate: a load that is surely still
    under way when the test acts."""

    def __init__(self) -> None:
        self.entered, self.opened = threading.Event(), threading.Event()

    def corpus(self) -> TextCorpus:
        self.entered.set()
        self.opened.wait(10)
        texts = ["cats purr softly", "dogs bark loudly", "a cat sleeps", "the dog runs"] * 3
        return TextCorpus(GATED, texts, np.arange(12) % 2, texts[:4], np.arange(4) % 2, ["cats", "dogs"])

    def source(self) -> DataSource:
        return DataSource(GATED, None, ["cats", "dogs"], text_loader=self.corpus, slow=True)


def _sample_source() -> DataSource:
    return next(s for s in builtin_sources() if s.name == SAMPLE)


def _idle(panel) -> bool:
    return panel.loading is None and not panel.load_row.loader.threads


def _error_text(win) -> str:
    boxes = win.findChildren(QMessageBox, "errorBox")
    return boxes[-1].text() if boxes else ""


def test_a_slow_set_loads_on_a_worker_while_the_old_one_stays(qtbot, data_home):
    npz, word_index = imdb_files()
    (data_home / "imdb.npz").write_bytes(npz)
    (data_home / "imdb_word_index.json").write_bytes(word_index)
    win = open_window(qtbot)
    panel = win.data_panel
    before = panel.dataset
    assert before.name == SAMPLE
    steps = []
    panel.load_row.loader.stepStarted.connect(steps.append)
    with qtbot.waitSignal(panel.datasetChanged, timeout=10_000) as changed:
        panel.select_source(IMDB)
        assert panel.loading == IMDB and panel.dataset is before  # nothing replaced yet
        assert panel.load_row.isVisible() and panel.combo.currentText() == IMDB
        assert panel.load_row.label.text().startswith("Reading and tokenizing IMDB reviews (text)…")
        assert win.statusBar().currentMessage().startswith("Reading and tokenizing")
    assert changed.args[0] is panel.dataset and panel.dataset.name == IMDB
    assert steps == ["reading the texts", "tokenizing the texts"]
    assert not panel.load_row.isVisible() and win.stack.input_shape == (100,)
    qtbot.waitUntil(lambda: _idle(panel), timeout=5000)
    panel.select_source(SAMPLE)  # loaded sets are kept: back at once, no thread
    assert panel.dataset is before and panel.loading is None
    panel.select_source(IMDB)
    assert panel.dataset.name == IMDB and panel.loading is None


def test_choosing_another_set_drops_the_load_under_way(qtbot, data_home):
    gate = Gate()
    win = open_window(qtbot, [_sample_source(), gate.source()])
    panel = win.data_panel
    sample = panel.dataset
    seen = []
    panel.datasetChanged.connect(seen.append)
    panel.select_source(GATED)
    assert gate.entered.wait(5) and panel.loading == GATED
    panel.select_source(SAMPLE)
    assert panel.loading is None and not panel.load_row.isVisible() and panel.dataset is sample
    gate.opened.set()  # the dropped load finishes on its own …
    qtbot.waitUntil(lambda: not panel.load_row.loader.threads, timeout=5000)  # … nothing arrives
    assert panel.dataset is sample and all(d.name == SAMPLE for d in seen)
    assert panel.combo.currentText() == SAMPLE


def test_cancel_keeps_the_set_loaded_before(qtbot, data_home):
    gate = Gate()
    win = open_window(qtbot, [_sample_source(), gate.source()])
    panel = win.data_panel
    sample = panel.dataset
    panel.select_source(GATED)
    assert gate.entered.wait(5)
    assert panel.load_row.cancel_button.isVisible()
    qtbot.mouseClick(panel.load_row.cancel_button, Qt.MouseButton.LeftButton)
    # the worker stops at once, though the step it abandoned is still reading
    qtbot.waitUntil(lambda: not panel.load_row.loader.threads, timeout=1000)
    assert panel.dataset is sample and panel.combo.currentText() == SAMPLE
    assert not panel.load_row.isVisible()
    assert "Loading Gated topics (text) was cancelled" in win.statusBar().currentMessage()
    gate.opened.set()
    panel.select_source(GATED)  # chosen again: loads
    qtbot.waitUntil(lambda: panel.dataset.name == GATED, timeout=5000)


def test_closing_the_window_during_a_load_ends_it_within_two_seconds(qtbot, data_home):
    gate = Gate()
    win = open_window(qtbot, [_sample_source(), gate.source()])
    panel = win.data_panel
    panel.select_source(GATED)
    assert gate.entered.wait(5)
    threads = list(panel.load_row.loader.threads)
    started = time.monotonic()
    assert win.close()
    assert time.monotonic() - started < 2.0
    assert threads and all(thread.isFinished() for thread in threads)
    gate.opened.set()


def test_a_failed_slow_load_says_why_and_keeps_the_old_set(qtbot, data_home):
    def broken() -> TextCorpus:
        raise DatasetError("reviews.npz: not an IMDB .npz")

    source = DataSource("Broken reviews", None, ["a", "b"], text_loader=broken, slow=True)
    win = open_window(qtbot, [_sample_source(), source])
    panel = win.data_panel
    sample = panel.dataset
    panel.select_source("Broken reviews")
    qtbot.waitUntil(lambda: "Could not load Broken reviews" in _error_text(win), timeout=5000)
    assert "not an IMDB .npz" in _error_text(win) and "Traceback" not in _error_text(win)
    assert panel.dataset is sample and panel.combo.currentText() == SAMPLE
    assert not panel.load_row.isVisible()


def test_a_big_file_of_the_users_opens_on_a_worker(qtbot, data_home, tmp_path, monkeypatch):
    path = text_table(tmp_path / "weather.csv")
    win = open_window(qtbot)
    panel = win.data_panel
    entries = panel.combo.count()
    monkeypatch.setattr(data_sources, "SLOW_TEXT_BYTES", path.stat().st_size)  # "big" from here on
    with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
        assert win.data_controller.open_path(str(path))
        assert panel.loading == "weather.csv" and panel.combo.count() == entries  # listed once read
    assert panel.dataset.name == "weather.csv" and panel.combo.currentText() == "weather.csv"
    assert panel.combo.count() == entries + 1


def test_re_encoding_a_big_text_set_runs_on_a_worker(qtbot, data_home, tmp_path, monkeypatch):
    win = open_window(qtbot)
    panel = win.data_panel
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    monkeypatch.setattr(data_panel, "SLOW_ENCODING_TEXTS", 1)
    before = panel.dataset
    panel.text_view.tokenizer.maxlen.setValue(5)
    with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
        qtbot.mouseClick(panel.text_view.tokenizer.apply_button, Qt.MouseButton.LeftButton)
        assert panel.loading == "weather.csv" and panel.dataset is before
        assert panel.load_row.label.text().startswith("Encoding weather.csv with the new Tokenizer")
    assert panel.dataset.input_shape == (5,) and win.stack.input_shape == (5,)


def test_which_sets_count_as_slow(tmp_path, data_home):
    big = tmp_path / "big.csv"
    big.write_bytes(b"text,label\n" + b"some words here,a\n" * 120_000)  # 2.2 MB of sentences
    small = text_table(tmp_path / "small.csv")
    assert data_sources.path_source(str(big)).loads_slowly()
    assert not data_sources.path_source(str(small)).loads_slowly()
    sources = {s.name: s for s in builtin_sources()}
    assert sources[IMDB].loads_slowly() and not sources[SAMPLE].loads_slowly()
    assert not sources["CIFAR-10"].loads_slowly()  # not here at all: a download, not a load
