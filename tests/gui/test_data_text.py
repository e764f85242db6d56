"""Text data sets in the data panel, on real widgets and the real engine: a .csv of sentences, a
folder of .txt files per class and the Fortunes corpus each show their texts, vocabulary, lengths
and classes; the Tokenizer options re-encode the set and the model's input follows; a model that
cannot read word indices is offered an Embedding."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from engine.datasets import RemoteFile, _paths, fortunes
from gui.data_sources import FORTUNES, IMDB, builtin_sources
from tests.gui.data_support import imdb_files, isolated_data_home, open_window, text_folder, text_table
from tests.local_http import LocalServer

HAS_FORTUNES = Path(fortunes.FOLDER).is_dir()


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    return isolated_data_home(tmp_path, monkeypatch)


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _rows(view) -> list[tuple[str, str]]:
    table = view.rows
    return [(table.item(r, 0).text(), table.item(r, 2).text()) for r in range(table.rowCount())]


def _error_text(win) -> str:
    box = win.findChild(QMessageBox, "errorBox")
    return box.text() if box is not None else ""


def test_open_a_csv_of_sentences_shows_texts_vocabulary_lengths_and_classes(qtbot, data_home, tmp_path):
    path = text_table(tmp_path / "weather.csv")
    win = open_window(qtbot)
    panel, view = win.data_panel, win.data_panel.text_view
    assert win.data_controller.open_path(str(path))
    data = panel.dataset
    assert data.is_text and data.name == "weather.csv" and panel.combo.currentText() == "weather.csv"
    assert data.class_names == ["rain", "sun"]  # label strings, sorted
    assert data.input_shape == (100,) and data.x_train.dtype == np.int32 and len(data.x_test) == 0
    assert view.isVisible() and not panel.preview.isVisible()
    rows = _rows(view)
    assert {name for name, _ in rows} == {"rain", "sun"}
    assert ("rain", "grey clouds and heavy rain all day") in rows
    assert "distinct words in the training texts" in view.vocabulary.toolTip()
    assert f"kept (input_dim {data.text.vocabulary_size:,})" in view.vocabulary.text()
    assert int(view.histogram.counts.sum()) == len(data.x_train)
    assert view.histogram.maxlen_line.value() == 100
    assert view.class_counts.counts == np.bincount(data.y_train).tolist()
    assert "texts as 100 word indices (int32), 2 classes" in panel.counts.text()
    assert win.stack.input_shape == (100,) and win.stack.num_classes == 2


def test_open_a_folder_of_txt_files_per_class(qtbot, data_home, tmp_path):
    folder = text_folder(tmp_path / "moods")
    win = open_window(qtbot)
    assert win.data_controller.open_path(str(folder))
    data, view = win.data_panel.dataset, win.data_panel.text_view
    assert data.is_text and data.class_names == ["happy", "sad"] and data.name == "moods (folder)"
    assert len(data.x_train) + len(data.x_test) == 12
    assert {name for name, _ in _rows(view)} == {"happy", "sad"}
    assert int(view.histogram.counts.sum()) == len(data.x_train)


def test_apply_a_new_sequence_length_re_encodes_and_the_model_input_follows(qtbot, data_home, tmp_path):
    win = open_window(qtbot)
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    panel, tokenizer = win.data_panel, win.data_panel.text_view.tokenizer
    before = panel.dataset
    assert not tokenizer.apply_button.isEnabled()  # nothing changed yet
    tokenizer.maxlen.setValue(6)
    assert tokenizer.apply_button.isEnabled()
    assert panel.text_view.histogram.maxlen_line.value() == 6  # the mark follows before Apply
    assert "are cut at 6" in tokenizer.hint.text()
    tokenizer.padding.setCurrentText("post")
    with qtbot.waitSignal(panel.datasetChanged, timeout=5000) as changed:
        _click(qtbot, tokenizer.apply_button)
    data = changed.args[0]
    assert data is panel.dataset and data is not before
    assert data.input_shape == (6,) and win.stack.input_shape == (6,)
    assert data.text.options.padding == "post" and data.text.options.maxlen == 6
    short = [i for i, t in enumerate(data.text.texts_train) if len(t.split()) < 6][0]
    assert data.x_train[short, -1] == 0  # padded after the words now
    assert not tokenizer.apply_button.isEnabled()
    # the next text set opened takes the options now chosen
    assert win.data_controller.open_path(str(text_folder(tmp_path / "moods")))
    assert panel.dataset.input_shape == (6,)


def test_a_vocabulary_of_one_word_is_refused_before_apply(qtbot, data_home, tmp_path):
    win = open_window(qtbot)
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    view = win.data_panel.text_view
    view.tabs.setCurrentIndex(view.tabs.count() - 1)
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Tokenizer"
    tokenizer = view.tokenizer
    tokenizer.num_words.setValue(1)
    assert not tokenizer.apply_button.isEnabled() and tokenizer.error.isVisible()
    assert "Vocabulary size must be at least 2" in tokenizer.error.text()
    tokenizer.num_words.setValue(5)
    with qtbot.waitSignal(win.data_panel.datasetChanged, timeout=5000):
        _click(qtbot, tokenizer.apply_button)
    assert win.data_panel.dataset.text.vocabulary_size == 5
    assert int(win.data_panel.dataset.x_train.max()) <= 4
    vocabulary = win.data_panel.text_view.vocabulary  # 3 words: index 0 is padding, 1 the OOV token
    assert "3 kept (input_dim 5)" in vocabulary.text() and "become <OOV>" in vocabulary.toolTip()


def test_a_broken_csv_says_why_and_keeps_the_previous_set(qtbot, data_home, tmp_path):
    win = open_window(qtbot)
    panel = win.data_panel
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    before, entries = panel.dataset, panel.combo.count()
    broken = tmp_path / "broken.csv"
    broken.write_text("text,label\n\"an unclosed quote,rain\nsunny again,sun\n")
    assert not win.data_controller.open_path(str(broken))
    assert "Could not load broken.csv" in _error_text(win)
    assert panel.dataset is before and panel.combo.count() == entries
    assert panel.combo.currentText() == "weather.csv" and win.stack.input_shape == (100,)


def test_image_model_on_text_is_offered_an_embedding_in_one_undo_step(qtbot, data_home, tmp_path):
    win = open_window(qtbot)
    panel = win.data_panel
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    assert win.stack.specs[0].class_name == "Flatten"  # the default digit model
    assert panel.fix_row.isVisible()
    assert "holds word indices: a text model starts with an Embedding" in panel.fix_row.label.text()
    assert "reshape" not in panel.fix_row.button.text().lower() and "input" not in panel.fix_row.button.text()
    vocabulary = panel.dataset.text.vocabulary_size
    assert panel.fix_row.button.text() == f"Insert Embedding({vocabulary:,}, 32) at the top"
    _click(qtbot, panel.fix_row.button)
    first = win.stack.specs[0]
    assert first.class_name == "Embedding" and first.config["input_dim"] == vocabulary
    assert win.stack.check.layers[0].error is None and not panel.fix_row.isVisible()
    win.undo_stack.undo()
    assert win.stack.specs[0].class_name == "Flatten" and panel.fix_row.isVisible()


def test_embedding_too_small_and_a_model_of_other_length_get_text_fixes(qtbot, data_home, tmp_path):
    win = open_window(qtbot)
    panel = win.data_panel
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv")))
    _click(qtbot, panel.fix_row.button)  # insert the Embedding
    win.undo_stack.push(_edit(win, {"input_dim": 3}))
    # said once, on the Embedding's card with its quick fix; the data panel does not repeat it
    vocabulary = panel.dataset.text.vocabulary_size
    assert "input_dim 3 is below the text data's vocabulary" in win.stack.check.layers[0].error
    assert not panel.fix_row.isVisible()
    win.stack_controller.apply_fix(0, 0)
    assert win.stack.specs[0].config["input_dim"] == vocabulary and win.stack.check.layers[0].error is None
    # a text model made for 7 words (as one opened from a file): re-encode, don't reshape
    win.stack.set_data_shape((7,), 2)
    assert panel.fix_row.label.text() == "This model takes texts of 7 words; weather.csv is encoded as 100."
    with qtbot.waitSignal(panel.datasetChanged, timeout=5000):
        _click(qtbot, panel.fix_row.button)
    assert panel.dataset.input_shape == (7,) and panel.text_view.tokenizer.maxlen.value() == 7
    assert not panel.fix_row.isVisible()


def _edit(win, changes):
    from gui.stack import commands
    return commands.EditLayerCommand(win.stack, 0, "", None, "edit", changes)


def test_missing_fortunes_says_how_to_install_it(qtbot, data_home, tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_FORTUNES_DIR", str(tmp_path / "no-fortunes"))
    win = open_window(qtbot)
    panel = win.data_panel
    before = panel.dataset
    panel.select_source(FORTUNES)
    assert panel.download_row.isVisible() and not panel.download_row.button.isVisible()
    assert "sudo apt-get install fortunes" in panel.download_row.label.text()
    assert panel.dataset is before and panel.combo.currentText() == before.name


@pytest.mark.skipif(not HAS_FORTUNES, reason="needs Debian's fortunes package (/usr/share/games/fortunes)")
def test_the_real_fortunes_corpus(qtbot, data_home):
    win = open_window(qtbot)
    panel = win.data_panel
    with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
        panel.select_source(FORTUNES)
    data, view = panel.dataset, panel.text_view
    assert data.is_text and data.class_names == list(fortunes.TOPICS)
    assert len(data.x_train) > 1000 and data.input_shape == (100,)
    assert {name for name, _ in _rows(view)} == set(fortunes.TOPICS)
    assert view.histogram.counts.sum() == len(data.x_train)
    assert "90% of texts ≤" in view.tokenizer.hint.text()
    assert view.class_counts.counts == np.bincount(data.y_train, minlength=5).tolist()
    # the hint's percentile link sets the length; Apply re-encodes
    p90 = int(np.ceil(np.percentile(view.lengths, 90)))
    view.tokenizer.hint.linkActivated.emit(str(p90))
    assert view.tokenizer.maxlen.value() == p90
    with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
        _click(qtbot, view.tokenizer.apply_button)
    assert panel.dataset.input_shape == (p90,) and win.stack.input_shape == (p90,)


def test_imdb_on_this_machine_is_decoded_to_words(qtbot, data_home):
    npz, word_index = imdb_files()
    (data_home / "imdb.npz").write_bytes(npz)
    (data_home / "imdb_word_index.json").write_bytes(word_index)
    win = open_window(qtbot)
    with qtbot.waitSignal(win.data_panel.datasetChanged, timeout=10_000):
        win.data_panel.select_source(IMDB)
    data = win.data_panel.dataset
    assert data.class_names == ["negative", "positive"] and len(data.x_train) == 8 and len(data.x_test) == 4
    texts = dict(zip(data.text.texts_train, data.y_train, strict=True))
    assert texts == {"the film was great": 1, "the plot and acting was awful": 0}
    assert {text for _, text in _rows(win.data_panel.text_view)} == set(texts)


def test_imdb_downloads_the_reviews_and_the_word_index(qtbot, data_home):
    npz, word_index = imdb_files()
    with LocalServer({"/imdb.npz": npz, "/imdb_word_index.json": word_index}) as server:
        sources = builtin_sources()
        source = next(s for s in sources if s.name == IMDB)
        source.remotes = (RemoteFile("imdb.npz", server.url("imdb.npz"), hashlib.sha256(npz).hexdigest(),
                                     len(npz)),
                          RemoteFile("imdb_word_index.json", server.url("imdb_word_index.json"),
                                     hashlib.md5(word_index).hexdigest(), len(word_index)))
        win = open_window(qtbot, sources)
        panel = win.data_panel
        panel.select_source(IMDB)  # not here: the download row, with both files' size
        assert panel.download_row.isVisible() and panel.download_row.button.isVisible()
        with qtbot.waitSignal(panel.datasetChanged, timeout=10_000):
            _click(qtbot, panel.download_row.button)
    assert panel.dataset.name == IMDB and panel.download_row.progress.value() == 1000
    assert (_paths.user_cache_dir() / "imdb_word_index.json").read_bytes() == word_index
    assert "the film was great" in panel.dataset.text.texts_train


def test_a_text_model_trains_and_the_tokenizer_waits_for_it(qtbot, data_home, tmp_path):
    win = open_window(qtbot)
    panel = win.data_panel
    assert win.data_controller.open_path(str(text_table(tmp_path / "weather.csv", repeat=40)))
    _click(qtbot, panel.fix_row.button)  # Embedding at the top
    last = len(win.stack.specs) - 1
    win.stack_controller.apply_fix(last, 0)  # the last Dense: 2 units, the data's classes
    assert win.stack.check.problem is None
    win.training.epochs.setValue(500)
    _click(qtbot, win.training.train_button)
    qtbot.waitUntil(lambda: win.training_controller.running, timeout=5000)
    before = panel.dataset
    panel.text_view.tokenizer.maxlen.setValue(8)
    _click(qtbot, panel.text_view.tokenizer.apply_button)
    assert panel.dataset is before and "stop it before changing the data" in _error_text(win)
    _click(qtbot, win.training.stop_button)
    qtbot.waitUntil(lambda: win.thread is None, timeout=10_000)
    assert win.training_controller.run.history["loss"]  # it trained on the word indices
