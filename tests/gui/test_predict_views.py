"""The predict panel as a switcher between its image and text views: the shared label and bars move
to the shown view, each mode's empty state names the model's own classes, the sentence box takes
the keyboard, Ctrl+L clears whichever input is shown, and nothing of one mode shows in the other."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit

from engine.layers import Conv2D, Dense, Embedding, Flatten, GlobalAveragePooling1D, Input
from engine.models import Sequential
from gui.panels.probability_bars import ProbabilityBars
from gui.panels.text_predict import NO_TOKENIZER_PLACEHOLDER, TYPE_HINT_TEXT
from gui.text_data import TextOptions, vectorize
from tests.gui.predict_support import ONE, draw_digit, pretrained_model
from tests.gui.test_predict_images import drop_files, write_large
from tests.gui.test_text_models import tiny_corpus

TOPICS = ["pets", "money", "sky"]
CIFAR3 = ["airplane", "bird", "ship"]



@pytest.fixture(scope="module")
def text_model():
    """An untrained averaging text model and the encoding of the tiny topics it would read."""
    encoding = vectorize(tiny_corpus(), TextOptions(num_words=50, maxlen=12)).text
    model = Sequential([Input((encoding.maxlen,)), Embedding(50, 4),
                        GlobalAveragePooling1D(), Dense(3, activation="softmax")])
    return model, encoding


def colour_model():
    return Sequential([Input((32, 32, 3)), Conv2D(2, 3), Flatten(), Dense(3, activation="softmax")])


def shared(panel):
    return panel.findChild(QLabel, "predictedLabel"), panel.findChild(ProbabilityBars,
                                                                      "predictionBars")


def test_label_and_bars_move_to_the_shown_view(panel, text_model):
    label, bars = shared(panel)
    assert panel.image.isAncestorOf(label) and panel.image.isAncestorOf(bars)
    panel.set_model(text_model[0], TOPICS, text=text_model[1])
    assert shared(panel) == (label, bars)  # the same widgets, still found by name
    assert panel.text.isAncestorOf(label) and panel.text.isAncestorOf(bars)
    assert label.isVisible() and bars.isVisible() and not panel.canvas.isVisible()
    panel.set_model(pretrained_model())
    assert panel.image.isAncestorOf(label) and label.isVisible() and bars.isVisible()
    assert len(panel.findChildren(QLabel, "predictedLabel")) == 1


def test_empty_states_show_the_models_own_classes(panel, text_model):
    panel.set_model(colour_model(), CIFAR3)
    assert panel.bars.class_names() == CIFAR3 and not panel.bars.probabilities().any()
    panel.set_model(text_model[0], TOPICS, text=text_model[1])
    assert panel.bars.class_names() == TOPICS
    assert panel.predicted_label.text() == TYPE_HINT_TEXT
    panel.set_model(None)
    assert panel.bars.class_names() == TOPICS  # no model: nothing better to show than before


def test_a_picture_note_and_a_drop_stay_with_the_image_view(panel, qtbot, text_model, tmp_path):
    path = tmp_path / "colours.png"
    write_large(np.full((8, 8, 3), 200, np.uint8), path)
    panel.set_model(colour_model(), CIFAR3)
    assert panel.open_image(path) and "colours.png" in panel.message.text()
    panel.set_model(text_model[0], TOPICS, text=text_model[1])
    assert not panel.message.isVisible()
    assert drop_files(panel, [path]) == (False, False)  # a sentence box takes no pictures
    assert panel.current_input() is None and panel.current_probabilities() is None


def test_strokes_go_when_the_model_cannot_read_drawings(panel):
    panel.set_model(pretrained_model())
    draw_digit(panel.canvas, ONE)
    assert not panel.canvas.is_empty()
    panel.set_model(colour_model(), CIFAR3)
    assert panel.canvas.is_empty()  # else the old digit would pose as this model's input


def test_sentence_box_takes_the_keyboard_and_ctrl_l_clears(panel, qtbot, text_model):
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel, timeout=2000)
    box = panel.findChild(QPlainTextEdit, "textPredictInput")
    panel.set_model(text_model[0], TOPICS, text=text_model[1])
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    with qtbot.waitSignal(panel.predictionUpdated, timeout=2000):
        qtbot.keyClicks(QApplication.focusWidget(), "the kitten and the moon")
    assert panel.current_probabilities().shape == (3,)
    qtbot.keyClick(box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert box.toPlainText() == ""
    qtbot.waitUntil(lambda: panel.current_probabilities() is None, timeout=2000)
    assert panel.predicted_label.text() == TYPE_HINT_TEXT


def test_ctrl_l_clears_the_drawing(panel, qtbot):
    panel.set_model(pretrained_model())
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel, timeout=2000)
    draw_digit(panel.canvas, ONE)
    qtbot.waitUntil(lambda: panel.current_probabilities() is not None, timeout=2000)
    qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton)  # a dot; the canvas focuses the panel
    qtbot.keyClick(panel.canvas, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert panel.canvas.is_empty()
    qtbot.waitUntil(lambda: panel.current_probabilities() is None, timeout=2000)


def test_no_tokenizer_says_so_in_the_disabled_box(panel, text_model):
    panel.set_model(text_model[0], TOPICS)  # no encoding, and none on the model
    box = panel.text_input.editor
    assert not box.isEnabled() and box.placeholderText() == NO_TOKENIZER_PLACEHOLDER
    assert "tokenizer it was trained with is unknown" in panel.predicted_label.text()
