"""Tokenizer, text_to_word_sequence, hashing_trick/one_hot and pad_sequences.

Expected values are derived from the documented rules in each test; where keras is installed the
same calls are also compared with Keras' own legacy Tokenizer and keras.utils.pad_sequences.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.preprocessing import sequence, text
from engine.preprocessing.sequence import pad_sequences
from engine.preprocessing.text import Tokenizer, text_to_word_sequence, tokenizer_from_json
from tests.keras_optional import keras, needs_keras

if keras is not None:
    from keras.src.legacy.preprocessing import text as keras_text

CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; a bird?",
          "dog dog DOG", "Nothing here\tbut\nwhitespace"]


# --- text_to_word_sequence, hashing -----------------------------------------------------------------
def test_text_to_word_sequence_filters_lowers_and_splits():
    assert text_to_word_sequence("Hello, World!  Hi\tthere") == ["hello", "world", "hi", "there"]
    assert text_to_word_sequence("A-b,C", filters="-", lower=False, split=",") == ["A", "b", "C"]
    assert text_to_word_sequence("...") == []


def test_hashing_trick_indices_are_in_range_and_md5_is_stable():
    words = text_to_word_sequence(CORPUS[2])
    indices = text.hashing_trick(CORPUS[2], 7, hash_function="md5")
    assert all(1 <= i < 7 for i in indices) and len(indices) == len(words)
    import hashlib

    assert indices[0] == int(hashlib.md5(b"a").hexdigest(), 16) % 6 + 1
    assert indices[0] == indices[2] == indices[4]  # the same word, the same index
    assert text.one_hot(CORPUS[2], 7) == text.hashing_trick(CORPUS[2], 7, hash_function=hash)
    assert text.hashing_trick("x y", 5, hash_function=len) == [2, 2]


# --- Tokenizer: vocabulary ----------------------------------------------------------------------
def test_fit_counts_words_and_orders_the_index_by_frequency():
    tok = Tokenizer()
    tok.fit_on_texts(CORPUS)
    words = [w for t in CORPUS for w in text_to_word_sequence(t)]
    counts = Counter(words)
    assert list(tok.word_counts) == list(dict.fromkeys(words))  # first-seen order
    assert dict(tok.word_counts) == counts
    # Index 1 is the most frequent word; ties keep the order in which words first appeared.
    by_rank = sorted(counts, key=lambda w: (-counts[w], words.index(w)))
    assert list(tok.word_index) == by_rank
    assert list(tok.word_index.values()) == list(range(1, len(by_rank) + 1))
    assert tok.index_word == {i: w for w, i in tok.word_index.items()}
    assert tok.word_docs["dog"] == 3 and tok.word_docs["the"] == 2 and tok.document_count == 5
    assert tok.index_docs[tok.word_index["dog"]] == 3


def test_oov_token_takes_index_1_and_stands_for_unknown_words():
    tok = Tokenizer(oov_token="<unk>")
    tok.fit_on_texts(CORPUS)
    assert tok.word_index["<unk>"] == 1 and tok.word_index["dog"] == 2
    seq = tok.texts_to_sequences(["the zebra ate"])[0]
    assert seq == [tok.word_index["the"], 1, tok.word_index["ate"]]
    assert tok.sequences_to_texts([seq]) == ["the <unk> ate"]


def test_num_words_keeps_only_the_most_frequent_indices():
    tok = Tokenizer(num_words=4)
    tok.fit_on_texts(CORPUS)
    assert len(tok.word_index) > 4  # the vocabulary is kept whole
    seqs = tok.texts_to_sequences(CORPUS)
    assert all(0 < i < 4 for s in seqs for i in s)
    full = Tokenizer()
    full.fit_on_texts(CORPUS)
    assert seqs == [[i for i in s if i < 4] for s in full.texts_to_sequences(CORPUS)]
    with_oov = Tokenizer(num_words=4, oov_token="?")
    with_oov.fit_on_texts(CORPUS)
    assert with_oov.texts_to_sequences(["mat dog"]) == [[1, 2]]  # 'mat' is too rare: oov
    assert with_oov.sequences_to_texts([[1, 2, 9, 99]]) == ["? dog ? ?"]


def test_char_level_lists_of_tokens_and_analyzer():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["abca", "Bd"])
    assert tok.word_index == {"a": 1, "b": 2, "c": 3, "d": 4}
    tok = Tokenizer(lower=False)
    tok.fit_on_texts([["New", "York"], ["York"]])
    assert tok.word_index == {"York": 1, "New": 2}
    tok = Tokenizer(analyzer=lambda s: s.split("|"))
    tok.fit_on_texts(["x|y|x"])
    assert tok.texts_to_sequences(["y|x|z"]) == [[2, 1]]


def test_fit_on_sequences_counts_documents():
    tok = Tokenizer(num_words=5)
    tok.fit_on_sequences([[1, 2, 2], [2, 3]])
    assert tok.document_count == 2 and dict(tok.index_docs) == {1: 1, 2: 2, 3: 1}


# --- Tokenizer: matrices --------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["binary", "count", "freq", "tfidf"])
def test_matrix_modes_follow_their_formulas(mode):
    tok = Tokenizer()
    tok.fit_on_texts(CORPUS)
    seqs = tok.texts_to_sequences(CORPUS)
    matrix = tok.texts_to_matrix(CORPUS, mode=mode)
    assert matrix.shape == (5, len(tok.word_index) + 1) and matrix.dtype == np.float64
    for row, seq in enumerate(seqs):
        counts = Counter(seq)
        for j in range(matrix.shape[1]):
            c = counts.get(j, 0)
            if not c:
                expected = 0.0
            elif mode == "binary":
                expected = 1.0
            elif mode == "count":
                expected = c
            elif mode == "freq":
                expected = c / len(seq)
            else:  # Keras' tf-idf: (1 + ln c) · ln(1 + N / (1 + document frequency))
                expected = (1 + math.log(c)) * math.log(1 + 5 / (1 + tok.index_docs[j]))
            assert matrix[row, j] == pytest.approx(expected, rel=1e-12)


def test_matrix_width_is_num_words_and_larger_indices_are_skipped():
    tok = Tokenizer(num_words=3)
    np.testing.assert_array_equal(tok.sequences_to_matrix([[1, 2, 2, 7], []], mode="count"),
                                  [[0, 1, 2], [0, 0, 0]])


@pytest.mark.parametrize("tok,mode,match", [
    (Tokenizer(), "binary", "fit on some text"), (Tokenizer(num_words=3), "tfidf", "Fit the"),
    (Tokenizer(num_words=3), "onehot", "Unknown vectorization mode")])
def test_matrix_errors(tok, mode, match):
    with pytest.raises(ValueError, match=match):
        tok.sequences_to_matrix([[1]], mode=mode)


def test_constructor_arguments():
    with pytest.warns(UserWarning, match="num_words"):
        assert Tokenizer(nb_words=10).num_words == 10
    with pytest.raises(TypeError, match="Unrecognized"):
        Tokenizer(vocabulary=3)
    assert Tokenizer(document_count=4).document_count == 4


def test_json_round_trip():
    tok = Tokenizer(num_words=6, oov_token="<oov>", filters="!", lower=False)
    tok.fit_on_texts(CORPUS)
    again = tokenizer_from_json(tok.to_json())
    assert again.get_config() == tok.get_config()
    assert again.texts_to_sequences(CORPUS) == tok.texts_to_sequences(CORPUS)
    np.testing.assert_array_equal(again.texts_to_matrix(CORPUS, "tfidf"),
                                  tok.texts_to_matrix(CORPUS, "tfidf"))
    assert json.loads(tok.to_json())["class_name"] == "Tokenizer"


# --- against Keras ---------------------------------------------------------------------------------
TOKENIZER_SETTINGS = [{}, {"num_words": 5}, {"oov_token": "<oov>"},
                      {"num_words": 4, "oov_token": "?"}, {"char_level": True, "num_words": 8},
                      {"lower": False, "split": ",", "filters": "."}]
sentences = st.lists(st.sampled_from(["a", "B", "cat", "dog", "the", "The", "x", "y", ",", ".",
                                      "!", " "]), max_size=12).map(" ".join)


@needs_keras
@pytest.mark.parametrize("settings_", TOKENIZER_SETTINGS, ids=str)
@settings(max_examples=40, deadline=None)
@given(fit=st.lists(sentences, min_size=1, max_size=6), probe=st.lists(sentences, max_size=4))
def test_tokenizer_agrees_with_keras(settings_, fit, probe):
    ours, theirs = Tokenizer(**settings_), keras_text.Tokenizer(**settings_)
    ours.fit_on_texts(fit)
    theirs.fit_on_texts(fit)
    assert ours.to_json() == theirs.to_json()
    texts = fit + probe
    seqs = ours.texts_to_sequences(texts)
    assert seqs == theirs.texts_to_sequences(texts)
    assert ours.sequences_to_texts(seqs) == theirs.sequences_to_texts(seqs)
    if ours.word_index or ours.num_words:
        for mode in ("binary", "count", "freq", "tfidf"):
            np.testing.assert_array_equal(ours.texts_to_matrix(texts, mode),
                                          theirs.texts_to_matrix(texts, mode))
    back = keras_text.tokenizer_from_json(ours.to_json())
    assert back.texts_to_sequences(texts) == tokenizer_from_json(theirs.to_json()) \
        .texts_to_sequences(texts)


# --- pad_sequences ---------------------------------------------------------------------------------
def test_pad_sequences_basics():
    seqs = [[1, 2, 3], [4], []]
    np.testing.assert_array_equal(pad_sequences(seqs), [[1, 2, 3], [0, 0, 4], [0, 0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, padding="post",
                                                truncating="post"), [[1, 2], [4, 0], [0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[2, 3], [0, 4], [0, 0]])
    out = pad_sequences(seqs, dtype="float32", value=-1.5)
    assert out.dtype == np.float32 and out[1, 0] == -1.5
    assert pad_sequences(seqs).dtype == np.int32
    assert engine.utils.pad_sequences is pad_sequences is sequence.pad_sequences


def test_pad_sequences_of_vectors_and_strings():
    vectors = [np.ones((2, 3)), np.zeros((0, 3)), np.full((1, 3), 2.0)]
    out = pad_sequences(vectors, maxlen=3, dtype="float32", padding="post")
    assert out.shape == (3, 3, 3) and out[2, 0].tolist() == [2, 2, 2] and not out[2, 1:].any()
    words = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["a", "b"], ["<pad>", "c"]]


@pytest.mark.parametrize("call,match", [
    (lambda: pad_sequences([[1], 5]), "non-iterable"),
    (lambda: pad_sequences(x for x in [[1]]), "must be iterable"),
    (lambda: pad_sequences([[1]], value="x"), "dtype=object"),
    (lambda: pad_sequences([[[1, 2]], [[1, 2, 3]]]), "Shape of sample"),
    (lambda: pad_sequences([[1]], padding="middle"), "Padding type"),
    (lambda: pad_sequences([[1]], truncating="both"), "Truncating type"),
    (lambda: pad_sequences([[1]], maxlen=-1), "maxlen"),
    (lambda: pad_sequences([]), "maxlen")])
def test_pad_sequences_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_pad_sequences_edge_sizes():
    assert pad_sequences([], maxlen=3).shape == (0, 3)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)  # Keras fails here; an empty row
    assert pad_sequences(np.arange(6).reshape(2, 3), maxlen=4).tolist() == [[0, 0, 1, 2],
                                                                            [0, 3, 4, 5]]


int_seqs = st.lists(st.lists(st.integers(-50, 50), max_size=9), max_size=7)


@settings(max_examples=200, deadline=None)
@given(seqs=int_seqs, maxlen=st.one_of(st.none(), st.integers(1, 10)),
       padding=st.sampled_from(["pre", "post"]), truncating=st.sampled_from(["pre", "post"]),
       value=st.integers(-3, 3))
def test_pad_sequences_places_each_cut_sequence_at_its_side(seqs, maxlen, padding, truncating,
                                                            value):
    if maxlen is None and not seqs:
        return
    out = pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating, value=value)
    width = maxlen if maxlen is not None else max(len(s) for s in seqs)
    assert out.shape == (len(seqs), width) and out.dtype == np.int32
    for row, seq in zip(out, seqs, strict=True):
        kept = seq[-width:] if truncating == "pre" else seq[:width]
        kept = kept if len(seq) else []
        data, pad = (row[width - len(kept):], row[:width - len(kept)]) if padding == "pre" \
            else (row[:len(kept)], row[len(kept):])
        assert data.tolist() == list(kept)
        assert (pad == value).all()


@needs_keras
@settings(max_examples=300, deadline=None)
@given(seqs=int_seqs, maxlen=st.one_of(st.none(), st.integers(1, 10)),
       padding=st.sampled_from(["pre", "post"]), truncating=st.sampled_from(["pre", "post"]),
       dtype=st.sampled_from(["int32", "int64", "float32", "float64", "uint8"]),
       value=st.sampled_from([0, 0.0, -1, 2.5]))
def test_pad_sequences_agrees_with_keras(seqs, maxlen, padding, truncating, dtype, value):
    if maxlen is None and not seqs:
        return
    seqs = [[abs(v) for v in s] for s in seqs] if dtype == "uint8" else seqs
    args = dict(maxlen=maxlen, padding=padding, truncating=truncating, dtype=dtype, value=value)
    try:
        theirs = keras.utils.pad_sequences(seqs, **args)
    except (ValueError, OverflowError) as exc:  # e.g. value=-1 for uint8: both refuse alike
        with pytest.raises(type(exc)):
            pad_sequences(seqs, **args)
        return
    ours = pad_sequences(seqs, **args)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@needs_keras
def test_pad_sequences_agrees_with_keras_on_vectors_strings_and_errors():
    cases = [([np.ones((2, 3)), [], np.full((1, 3), 2.0)], {"dtype": "float32"}),
             ([["a", "b"], ["c"], []], {"dtype": object, "value": "<pad>"}),
             ([["ab", "c"], ["d"]], {"dtype": "<U2", "value": "-", "maxlen": 3}),
             (np.arange(6).reshape(2, 3), {"maxlen": 2, "truncating": "post"})]
    for seqs, args in cases:
        ours, theirs = pad_sequences(seqs, **args), keras.utils.pad_sequences(seqs, **args)
        assert ours.dtype == theirs.dtype and ours.tolist() == theirs.tolist()
    for seqs, args in [([[1], 5], {}), ([[1]], {"value": "x"}), ([[[1, 2]], [[1, 2, 3]]], {})]:
        for fn in (pad_sequences, keras.utils.pad_sequences):
            with pytest.raises(ValueError):
                fn(seqs, **args)
