"""The Predict tab for text models: a sentence box instead of the canvas, probabilities as you type,
the words as the model reads them, the encoding of the training run (not of the data shown later),
and the tokenizer file saved beside the model and read back on Open."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QPlainTextEdit

from engine.models import Sequential
from gui.files import tokenizer_file
from gui.stack.templates import by_title
from gui.text_data import TextOptions, vectorize
from tests.gui.test_text_models import AVERAGE, open_window, tiny_corpus, tiny_source, train

PETS = "the kitten and the puppy purr on a leash"


@pytest.fixture
def trained(qtbot):
    """A window whose averaging text model learned the tiny topics through the Train button."""
    win = open_window(qtbot, [tiny_source()])
    win.data_panel.select_source("Tiny topics (text)")
    win.template_controller.load(by_title(AVERAGE))
    train(qtbot, win, epochs=8)
    win.tabs.setCurrentWidget(win.predict)
    yield win
    win.close()


def _type(qtbot, win, text: str) -> None:
    box = win.findChild(QPlainTextEdit, "textPredictInput")
    box.clear()
    with qtbot.waitSignal(win.predict.predictionUpdated, timeout=2000):
        qtbot.keyClicks(box, text)


def test_typing_a_sentence_shows_probabilities(qtbot, trained):
    predict = trained.predict
    box = trained.findChild(QPlainTextEdit, "textPredictInput")
    assert box.isVisible() and box.placeholderText().startswith("Type a sentence")
    assert not predict.canvas.isVisible()
    updates = []
    predict.predictionUpdated.connect(lambda: updates.append(1))
    _type(qtbot, trained, PETS)
    probs = predict.current_probabilities()
    assert probs.shape == (3,) and abs(probs.sum() - 1.0) < 1e-5
    names = trained.data_panel.dataset.class_names
    label = predict.predicted_label.text()
    assert label.split(" — ")[0] in names
    assert label.startswith("pets"), label  # the model learned the topic words
    assert len(updates) == 1  # typed in one go: debounced into a single prediction
    assert np.allclose(predict.bars.probabilities(), probs)


def test_words_as_the_model_sees_them_mark_unknown_words(qtbot, trained):
    _type(qtbot, trained, "Purr, xyzzy kitten!")
    shown = trained.predict.text_input.words.text()
    assert "purr" in shown and "kitten" in shown
    assert "line-through'>xyzzy<" in shown and "1 out of vocabulary" in shown


def test_prediction_uses_the_runs_encoding_not_the_data_shown_later(qtbot, trained):
    run_encoding = trained.training_controller.run.data.text
    _type(qtbot, trained, PETS)
    before = trained.predict.current_probabilities()
    # Another text set, whose Tokenizer numbers the words quite differently, is chosen afterwards.
    other = tiny_corpus(seed=5)
    other.name, other.texts_train = "Other topics (text)", [t[::-1] for t in other.texts_train]
    trained.data_panel.add_source(tiny_source(other))
    assert trained.data_panel.dataset.name == "Other topics (text)"
    assert trained.predict.text_input.encoding is run_encoding
    _type(qtbot, trained, PETS)
    assert np.allclose(trained.predict.current_probabilities(), before)


def test_image_model_brings_the_canvas_back_and_unknown_tokenizer_is_explained(qtbot, trained):
    predict = trained.predict
    text_model = trained.training_controller.model
    image_model = Sequential.from_config({"name": "digits", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 28, 28]}},
        {"class_name": "Flatten", "config": {}},
        {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]})
    predict.set_model(image_model)
    assert predict.canvas.isVisible() and not predict.text_input.isVisible()
    bare = Sequential.from_config(text_model.get_config())  # no text_encoding with it
    predict.set_model(bare)
    assert predict.text_input.isVisible() and not predict.text_input.editor.isEnabled()
    assert "tokenizer it was trained with is unknown" in predict.predicted_label.text()


# --- the tokenizer file beside a saved model ---------------------------------------------------------
def test_save_writes_the_tokenizer_and_open_reads_it_back(qtbot, trained, tmp_path):
    _type(qtbot, trained, PETS)
    before = trained.predict.current_probabilities()
    path = tmp_path / "topics.h5"
    assert trained.file_controller.save_to(str(path))
    sidecar = tmp_path / "topics.tokenizer.json"
    payload = json.loads(sidecar.read_text())
    assert payload["maxlen"] == trained.data_panel.dataset.text.maxlen
    assert payload["class_names"] == ["pets", "money", "sky"]
    assert "word_index" in json.loads(payload["tokenizer"])["config"]  # Keras' to_json, as is

    trained.predict.set_model(None)
    assert trained.file_controller.open_path(str(path))
    assert trained.predict.text_input.editor.isEnabled()
    _type(qtbot, trained, PETS)
    assert np.allclose(trained.predict.current_probabilities(), before, atol=1e-6)
    assert trained.predict.predicted_label.text().startswith("pets")


@pytest.mark.parametrize("damage", ["missing", "not json", "wrong format"])
def test_missing_or_bad_tokenizer_file_does_not_stop_open(qtbot, trained, tmp_path, damage):
    path = tmp_path / "topics.h5"
    assert trained.file_controller.save_to(str(path))
    sidecar = tokenizer_file.path_beside(path)
    if damage == "missing":
        sidecar.unlink()
    else:
        sidecar.write_text("{oops" if damage == "not json" else '{"format": "other"}')
    assert trained.file_controller.open_path(str(path))
    message = trained.statusBar().currentMessage()
    assert message.startswith("Opened topics.h5")
    assert ("No tokenizer file topics.tokenizer.json" if damage == "missing"
            else "could not be read") in message
    assert "unknown" in trained.predict.predicted_label.text()


def test_tokenizer_file_round_trip_keeps_the_encoding(tmp_path):
    corpus = tiny_corpus()
    data = vectorize(corpus, TextOptions(num_words=20, maxlen=7, padding="post", truncating="post"))
    tokenizer_file.write(tmp_path / "m.h5", data.text, corpus.class_names)
    encoding, names = tokenizer_file.read(tmp_path / "m.h5")
    assert names == corpus.class_names and encoding.options == data.text.options
    sentences = ["the cat and the bank", "comet telescope xyzzy of the moon and sun and stars"]
    assert np.array_equal(encoding.encode(sentences), data.text.encode(sentences))

