"""gui/text_data: sentences to padded word indices, and the same encoding for a typed sentence."""

import numpy as np
import pytest

from engine.preprocessing.sequence import pad_sequences
from engine.preprocessing.text import Tokenizer
from gui import session
from gui.text_data import TextCorpus, TextOptions, revectorize, vectorize

TRAIN = ["The cat sat on the mat", "A dog ran", "the cat ran fast", "dogs bark at cats"]


def corpus() -> TextCorpus:
    return TextCorpus("pets", TRAIN, np.array([0, 1, 0, 1]), ["a cat barked"], np.array([0]),
                      ["cat", "dog"])


def test_vectorize_matches_keras_tokenizer_and_pad_sequences():
    options = TextOptions(num_words=6, maxlen=5, oov_token="<OOV>", padding="post", truncating="post")
    data = vectorize(corpus(), options)
    reference = Tokenizer(num_words=6, oov_token="<OOV>")
    reference.fit_on_texts(TRAIN)
    expected = pad_sequences(reference.texts_to_sequences(TRAIN), maxlen=5, padding="post",
                             truncating="post")
    np.testing.assert_array_equal(data.x_train, expected)
    assert data.x_train.dtype == np.int32 and data.input_shape == (5,)
    assert data.is_text and data.text.vocabulary_size == 6
    # the test text is encoded with the training vocabulary: "barked" is out of vocabulary
    assert data.x_test[0][-1] == 0 and reference.word_index["<OOV>"] in data.x_test[0]


def test_maxlen_none_takes_the_longest_training_text():
    data = vectorize(corpus(), TextOptions(maxlen=None))
    assert data.input_shape == (6,)
    np.testing.assert_array_equal(data.text.words_per_text(), [6, 3, 4, 4])


def test_typed_sentence_is_encoded_like_training_text():
    data = vectorize(corpus(), TextOptions(maxlen=4))
    np.testing.assert_array_equal(data.text.encode([TRAIN[2]]), data.x_train[2:3])


def test_revectorize_changes_the_input_length_and_keeps_labels():
    data = vectorize(corpus(), TextOptions(maxlen=4))
    longer = revectorize(data, TextOptions(maxlen=9))
    assert longer.input_shape == (9,)
    np.testing.assert_array_equal(longer.y_train, data.y_train)
    np.testing.assert_array_equal(longer.x_train[:, -4:], data.x_train)  # 'pre' padding


def test_word_indices_are_never_scaled_like_pixels():
    data = vectorize(corpus(), TextOptions(maxlen=4))
    x = session.model_inputs(data, data.x_train, (4,))
    np.testing.assert_array_equal(x, data.x_train)
    with pytest.raises(ValueError, match="sequence length"):
        session.model_inputs(data, data.x_train, (7,))


@pytest.mark.parametrize("changes, word", [({"num_words": 1}, "num_words"), ({"maxlen": 0}, "maxlen"),
                                           ({"padding": "middle"}, "padding")])
def test_bad_options_are_refused_with_the_value(changes, word):
    with pytest.raises(ValueError, match=word):
        TextOptions(**changes)
