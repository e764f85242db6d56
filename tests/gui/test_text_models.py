"""Text models in the app: the text templates sized by the loaded text set, trained through the real
Train button on the real engine, the Embedding vocabulary check with its quick fix, and the
evaluation view showing sentences. The acceptance run uses Debian's fortunes when installed."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import layers
from engine.datasets import fortunes
from gui.data_sources import DataSource, available_sources, builtin_sources
from gui.stack.layer_spec import LayerSpec
from gui.stack.templates import TEXT_TEMPLATES, by_title
from gui.stack.validation import check_stack
from gui.text_data import TextCorpus
from tests.gui.window_support import open_window

AVERAGE = "Text classifier (Embedding → average)"
LSTM = "Text classifier (Embedding → LSTM)"
TOPIC_WORDS = {"pets": "cat dog purr bark kitten puppy leash whiskers fur paw",
               "money": "stock bond market trade price bank loan profit share cash",
               "sky": "star moon planet orbit comet galaxy telescope sun rocket cloud"}
FILLER = ["the", "a", "of", "and", "to", "is", "in", "it", "that", "was"]


def tiny_corpus(n_train: int = 240, n_test: int = 90, seed: int = 0) -> TextCorpus:
    """Three topics of made-up sentences: a few topic words among common filler words, the
    largest topic twice as common as the others so the majority baseline is not 1/3."""
    rng = np.random.default_rng(seed)
    names = list(TOPIC_WORDS)
    weights = np.array([2.0, 1.0, 1.0]) / 4.0

    def sentences(n):
        y = rng.choice(len(names), size=n, p=weights)
        texts = []
        for label in y:
            words = list(rng.choice(TOPIC_WORDS[names[label]].split(), size=3)) + \
                list(rng.choice(FILLER, size=int(rng.integers(3, 9))))
            rng.shuffle(words)
            texts.append(" ".join(words).capitalize() + ".")
        return texts, y.astype(np.int64)

    (texts, y), (texts_test, y_test) = sentences(n_train), sentences(n_test)
    return TextCorpus("Tiny topics (text)", texts, y, texts_test, y_test, names)


def tiny_source(corpus: TextCorpus | None = None) -> DataSource:
    corpus = corpus or tiny_corpus()
    return DataSource(corpus.name, None, list(corpus.class_names), text_loader=lambda: corpus)


def fortunes_source() -> DataSource:
    return next(s for s in builtin_sources() if s.name.startswith("Fortunes"))


def train(qtbot, win, epochs: int, timeout: int = 60_000) -> None:
    win.training.epochs.setValue(epochs)
    with qtbot.waitSignal(win.training.train_button.clicked, timeout=1000):
        qtbot.mouseClick(win.training.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.thread is None, timeout=timeout)


@pytest.fixture
def text_window(qtbot):
    sample = [s for s in available_sources() if "sample" in s.name]
    win = open_window(qtbot, [*sample, tiny_source()])
    win.data_panel.select_source("Tiny topics (text)")
    assert win.data_panel.dataset.is_text
    yield win
    win.close()


# --- templates ---------------------------------------------------------------------------------
def test_text_template_takes_its_sizes_from_the_loaded_text_set(text_window):
    data = text_window.data_panel.dataset
    text_window.template_controller.load(by_title(LSTM))
    specs = text_window.stack.specs
    assert [s.class_name for s in specs] == ["Embedding", "LSTM", "Dense"]
    assert specs[0].config["input_dim"] == data.text.vocabulary_size
    assert specs[0].config["output_dim"] == 32 and specs[0].config["mask_zero"] is True
    assert specs[2].config["units"] == 3  # the tiny set's topics, not Fortunes' five
    assert text_window.stack.input_shape == (data.text.maxlen,)
    assert text_window.stack.check.ok, text_window.stack.check.problem
    assert text_window.data_panel.dataset is data  # the user's text set was kept
    assert text_window.training.train_button.isEnabled()


def test_text_template_without_text_data_says_what_to_do(qtbot):
    sample = [s for s in available_sources() if "sample" in s.name]
    win = open_window(qtbot, sample)
    win.template_controller.load(by_title(AVERAGE))
    assert "choose a text set" in win.statusBar().currentMessage()
    assert not win.training.train_button.isEnabled()  # 28×28 pixels are no word indices
    win.close()


@pytest.mark.parametrize("template", TEXT_TEMPLATES, ids=lambda t: t.title)
def test_text_templates_check_out_on_a_text_shape(template):
    assert template.for_text
    check = check_stack(template.specs(), template.input_shape, 5, vocabulary_size=10_000)
    assert check.ok, check.problem


# --- the acceptance runs -----------------------------------------------------------------------
def test_average_template_beats_the_majority_class_on_a_tiny_corpus(qtbot, text_window):
    text_window.template_controller.load(by_title(AVERAGE))
    train(qtbot, text_window, epochs=8)
    data = text_window.data_panel.dataset
    baseline = fortunes.majority_baseline(data.y_train, data.y_test)
    accuracy = text_window.training_controller.run.test["accuracy"]
    assert accuracy >= baseline + 0.10, (accuracy, baseline)


@pytest.mark.skipif(not fortunes.FOLDER or not __import__("os").path.isdir(fortunes.FOLDER),
                    reason="the Debian fortunes package is not installed")
def test_text_template_learns_fortune_topics(qtbot):
    """The issue's acceptance test: the Fortunes topics, the averaging template, the Train button."""
    win = open_window(qtbot, [fortunes_source()])
    win.data_panel.select_source(fortunes_source().name)
    win.template_controller.load(by_title(AVERAGE))
    assert win.stack.check.ok, win.stack.check.problem
    train(qtbot, win, epochs=8)
    data = win.data_panel.dataset
    baseline = fortunes.majority_baseline(data.y_train, data.y_test)
    accuracy = win.training_controller.run.test["accuracy"]
    print(f"fortunes: test accuracy {accuracy:.3f}, majority baseline {baseline:.3f}")
    assert accuracy >= baseline + 0.10, (accuracy, baseline)
    win.close()


# --- the vocabulary check ----------------------------------------------------------------------
def test_embedding_smaller_than_the_vocabulary_is_an_error_with_a_quick_fix(text_window):
    vocabulary = text_window.data_panel.dataset.text.vocabulary_size
    text_window.template_controller.load(by_title(AVERAGE))
    text_window.select_row(0)
    text_window.inspector.editors["input_dim"].setValue(vocabulary - 5)
    check = text_window.stack.check
    assert not check.ok and "input_dim" in check.problem and str(vocabulary) in check.problem
    assert check.layers[0].error and check.layers[1].output_shape is not None  # shapes still shown
    assert not text_window.training.train_button.isEnabled()
    fixes = text_window.stack.fixes[0]
    assert fixes[0].label.startswith(f"Set input_dim of embedding to {vocabulary}")
    text_window.stack_controller.apply_fix(0, 0)
    assert text_window.stack.specs[0].config["input_dim"] == vocabulary
    assert text_window.stack.check.ok and text_window.training.train_button.isEnabled()
    text_window.undo_stack.undo()
    assert text_window.stack.specs[0].config["input_dim"] == vocabulary - 5


def test_vocabulary_check_only_concerns_an_embedding_reading_the_data():
    stack = [LayerSpec("Embedding", {"input_dim": 50, "output_dim": 4}), LayerSpec("Flatten"),
             LayerSpec("Dense", {"units": 3, "activation": "softmax"})]
    assert not check_stack(stack, (10,), 3, vocabulary_size=80).ok
    assert check_stack(stack, (10,), 3, vocabulary_size=50).ok  # indices 0..49 fit
    assert check_stack(stack, (10,), 3).ok  # image data: nothing to compare with
    later = [LayerSpec("Dense", {"units": 10}), *stack]
    assert check_stack(later, (10,), 3, vocabulary_size=80).layers[1].error is None


def test_engine_embedding_refuses_out_of_range_indices():
    embedding = layers.Embedding(10, 2)
    with pytest.raises(ValueError, match="index 12, outside"):
        embedding(np.array([[1, 12]]))


# --- evaluation --------------------------------------------------------------------------------
def test_mistakes_gallery_and_matrix_cells_show_sentences(qtbot, text_window):
    text_window.template_controller.load(by_title(AVERAGE))
    train(qtbot, text_window, epochs=1)
    panel, data = text_window.evaluation, text_window.data_panel.dataset
    text_window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.gallery.count() > 0 or "Mistakes: 0" in panel.gallery_caption.text())
    gallery = panel.gallery
    assert gallery.sentence_mode and gallery.iconSize().isEmpty()
    for row in range(gallery.count()):
        item, index = gallery.item(row), gallery.sample_indices()[row]
        assert item.icon().isNull()
        assert data.text.texts_test[index].split()[0] in item.text()
        assert data.class_names[data.y_test[index]] in item.text() and "%" in item.text()
    true = int(data.y_test[0])
    panel.matrix.select(true, true)
    shown = gallery.sample_indices()
    assert all(data.y_test[i] == true for i in shown)
    assert all(data.text.texts_test[i][:20] in gallery.item(r).text().replace("“", "")
               for r, i in enumerate(shown[:5]))
    # Evaluate on demand finds the sentences too.
    qtbot.mouseClick(panel.evaluate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: text_window.evaluation_controller.thread is None, timeout=10_000)
    assert panel.sentences is data.text.texts_test and gallery.sentence_mode
