"""Keras' legacy text preprocessing: Tokenizer, tokenizer_from_json, text_to_word_sequence,
one_hot and hashing_trick, with the behaviour of keras.preprocessing.text (tf.keras 2.x, kept in
Keras 3 as keras.src.legacy.preprocessing.text) so tutorial programs give the same indices.

Word indices start at 1 (0 is left for padding) and follow descending frequency, ties in order of
first appearance; with `oov_token` that token takes index 1. `num_words` does not shrink
word_index: conversions just keep the indices below num_words (the rest become the oov index, or
are dropped without an oov_token).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator

import numpy as np

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text: str, filters: str = FILTERS, lower: bool = True,
                          split: str = " ") -> list[str]:
    """Lower-case (optionally), turn every filter character into `split`, split, drop empties."""
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


def hashing_trick(text: str, n: int, hash_function: Callable | str | None = None,
                  filters: str = FILTERS, lower: bool = True, split: str = " ",
                  analyzer: Callable | None = None) -> list[int]:
    """Each word → hash(word) % (n − 1) + 1, an index in [1, n). hash_function: None (Python's
    hash, which varies between runs unless PYTHONHASHSEED is set), 'md5' (stable) or a callable."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(word: str) -> int:
            return int(hashlib.md5(word.encode()).hexdigest(), 16)
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(
        text, filters=filters, lower=lower, split=split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text: str, n: int, filters: str = FILTERS, lower: bool = True,
            split: str = " ", analyzer: Callable | None = None) -> list[int]:
    """hashing_trick with Python's hash: word indices in [1, n), not one-hot vectors."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Turns texts into sequences of word indices, or into (texts, num_words) matrices.

    fit_on_texts builds word_counts (OrderedDict, first-seen order), word_docs (documents per
    word), index_docs, word_index (word → index from 1) and index_word. With char_level=True, or
    when a text is already a list of tokens, its elements are the tokens.
    """

    def __init__(self, num_words: int | None = None, filters: str = FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token: str | None = None,
                 analyzer: Callable | None = None, **kwargs) -> None:
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                          stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self.filters, self.split, self.lower = filters, split, lower
        self.num_words, self.document_count = num_words, document_count
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer

    def _tokens(self, text) -> list:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if self.analyzer is not None:
            return list(self.analyzer(text))
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    # --- fitting -----------------------------------------------------------------------------
    def fit_on_texts(self, texts: Iterable) -> None:
        """Count words over `texts` (strings, or lists of tokens) and (re)build word_index."""
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for word in tokens:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(tokens):
                self.word_docs[word] += 1
        # sorted() is stable, so equal counts keep the order in which words first appeared.
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([self.oov_token] if self.oov_token is not None else []) + \
            [word for word, _ in by_count]
        self.word_index = {word: i for i, word in enumerate(vocabulary, start=1)}
        self.index_word = {i: word for word, i in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Iterable) -> None:
        """Count documents per index from sequences of indices (needed for tfidf matrices)."""
        sequences = list(sequences)
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    # --- texts ⇄ sequences -----------------------------------------------------------------
    def texts_to_sequences(self, texts: Iterable) -> list[list[int]]:
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Iterable) -> Iterator[list[int]]:
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            indices = []
            for word in self._tokens(text):
                i = self.word_index.get(word)
                if i is not None and not (self.num_words and i >= self.num_words):
                    indices.append(i)
                elif oov is not None:  # unknown or too rare: the oov index, if there is one
                    indices.append(oov)
            yield indices

    def sequences_to_texts(self, sequences: Iterable) -> list[str]:
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable) -> Iterator[str]:
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for i in seq:
                word = self.index_word.get(i)
                if word is not None and not (self.num_words and i >= self.num_words):
                    words.append(word)
                elif oov is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    # --- matrices ----------------------------------------------------------------------------
    def texts_to_matrix(self, texts: Iterable, mode: str = "binary") -> np.ndarray:
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode: str = "binary") -> np.ndarray:
        """(len(sequences), num_words) float64; column j is index j (column 0 stays 0).

        binary: 1 if present; count: occurrences; freq: occurrences / len(sequence);
        tfidf: (1 + ln count) · ln(1 + document_count / (1 + documents containing j)).
        Without num_words the width is len(word_index) + 1. Indices ≥ width are skipped.
        """
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text "
                             "data first.")
        if mode not in MODES:
            raise ValueError(f"Unknown vectorization mode: {mode!r}. Use one of {MODES}.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        matrix = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            if not len(seq):
                continue
            counts: dict[int, int] = defaultdict(int)
            for j in seq:
                if j < width:
                    counts[j] += 1
            for j, count in counts.items():
                if mode == "count":
                    matrix[row, j] = count
                elif mode == "freq":
                    matrix[row, j] = count / len(seq)
                elif mode == "binary":
                    matrix[row, j] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    matrix[row, j] = (1 + np.log(count)) * idf
        return matrix

    # --- saving ------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras' config: settings as they are, the vocabularies as JSON strings."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                "split": self.split, "char_level": self.char_level, "oov_token": self.oov_token,
                "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs) -> str:
        """The JSON Keras writes: {"class_name": "Tokenizer", "config": get_config()}; kwargs go
        to json.dumps. An analyzer function is not saved."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """A Tokenizer from `Tokenizer.to_json()` output (this engine's or Keras')."""
    config = dict(json.loads(json_string).get("config"))
    vocab = {key: json.loads(config.pop(key)) for key in
             ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = vocab["word_counts"]
    tokenizer.word_docs = vocab["word_docs"]
    tokenizer.index_docs = {int(k): v for k, v in vocab["index_docs"].items()}
    tokenizer.index_word = {int(k): v for k, v in vocab["index_word"].items()}
    tokenizer.word_index = vocab["word_index"]
    return tokenizer
