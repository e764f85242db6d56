"""Text data sets: raw sentences with their labels, turned into the padded word-index sequences a
text model takes, with the Tokenizer options the user chose in the data panel.

A text set is an ordinary `Dataset` whose x arrays hold int32 word indices of shape (n, maxlen) and
whose `text` field keeps what the numbers came from: the sentences (for previews, the mistakes
gallery and the predict box) and the fitted Tokenizer, so a sentence typed after training is encoded
exactly as the training data was. The tokenizer is fitted on the training texts only, as in the Keras
lessons: the test set's unseen words become the out-of-vocabulary index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.preprocessing.sequence import pad_sequences
from engine.preprocessing.text import FILTERS, Tokenizer

DEFAULT_NUM_WORDS = 10_000
DEFAULT_MAXLEN = 100
OOV_TOKEN = "<OOV>"


@dataclass(frozen=True)
class TextOptions:
    """Keras' Tokenizer and pad_sequences arguments, as the data panel shows them."""

    num_words: int | None = DEFAULT_NUM_WORDS  # keep the most frequent words; None: all
    maxlen: int | None = DEFAULT_MAXLEN        # words per sample; None: the longest training text
    lower: bool = True
    filters: str = FILTERS
    oov_token: str | None = OOV_TOKEN
    padding: str = "pre"      # 'pre' keeps the last words next to the output, which suits an LSTM
    truncating: str = "pre"

    def __post_init__(self) -> None:
        if self.num_words is not None and self.num_words < 2:
            raise ValueError(f"Vocabulary size must be at least 2 (index 0 is padding). "
                             f"Received: num_words={self.num_words}")
        if self.maxlen is not None and self.maxlen < 1:
            raise ValueError(f"Sequence length must be at least 1. Received: maxlen={self.maxlen}")
        for name in ("padding", "truncating"):
            if getattr(self, name) not in ("pre", "post"):
                raise ValueError(f"{name} must be 'pre' or 'post'. Received: {name}={getattr(self, name)!r}")


@dataclass
class TextCorpus:
    """Sentences and integer labels as read from a file, folder or built-in corpus."""

    name: str
    texts_train: list[str]
    y_train: np.ndarray           # (n,) int64 class indices
    texts_test: list[str]
    y_test: np.ndarray
    class_names: list[str]


@dataclass
class TextEncoding:
    """How a text set's sentences became numbers; kept with the Dataset."""

    tokenizer: Tokenizer
    options: TextOptions
    maxlen: int
    texts_train: list[str] = field(repr=False)
    texts_test: list[str] = field(repr=False)

    @property
    def vocabulary_size(self) -> int:
        """Distinct indices the model sees, padding (0) included: the Embedding's input_dim."""
        known = len(self.tokenizer.word_index) + 1
        return min(known, self.options.num_words) if self.options.num_words else known

    # Tokenizing is the slow part of loading a large set (50,000 reviews: seconds), so the
    # training texts are tokenized once, in vectorize, and their lengths kept.
    train_lengths: np.ndarray | None = field(default=None, repr=False)

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """(len(sentences), maxlen) int32 word indices, exactly as the training texts were made."""
        return self.pad(self.tokenizer.texts_to_sequences(list(sentences)))

    def pad(self, sequences: list[list[int]]) -> np.ndarray:
        return pad_sequences(sequences, maxlen=self.maxlen, dtype="int32",
                             padding=self.options.padding, truncating=self.options.truncating)

    def words_per_text(self) -> np.ndarray:
        """(n,) number of words each training text has as word indices (out-of-vocabulary ones
        included when there is an oov token), before padding or cutting: the histogram's data."""
        if self.train_lengths is None:
            sequences = self.tokenizer.texts_to_sequences(self.texts_train)
            self.train_lengths = np.array([len(s) for s in sequences], dtype=np.int64)
        return self.train_lengths


def vectorize(corpus: TextCorpus, options: TextOptions = TextOptions()):
    """The corpus as a Dataset of padded int32 sequences; `Dataset.text` holds the encoding."""
    from gui.data_sources import Dataset  # here, not at the top: data_sources imports this module

    tokenizer = Tokenizer(num_words=options.num_words, filters=options.filters, lower=options.lower,
                          oov_token=options.oov_token)
    tokenizer.fit_on_texts(corpus.texts_train)
    sequences = tokenizer.texts_to_sequences(corpus.texts_train)
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    maxlen = options.maxlen or max(int(lengths.max(initial=1)), 1)
    encoding = TextEncoding(tokenizer, options, maxlen, list(corpus.texts_train), list(corpus.texts_test),
                            lengths)
    return Dataset(corpus.name, encoding.pad(sequences), _labels(corpus.y_train),
                   encoding.encode(corpus.texts_test), _labels(corpus.y_test),
                   list(corpus.class_names), text=encoding)


def revectorize(dataset, options: TextOptions):
    """The same sentences with other Tokenizer options (the data panel's Apply)."""
    encoding = dataset.text
    corpus = TextCorpus(dataset.name, encoding.texts_train, dataset.y_train, encoding.texts_test,
                        dataset.y_test, dataset.class_names)
    return vectorize(corpus, options)


def _labels(y) -> np.ndarray:
    return np.asarray(y).reshape(-1).astype(np.int64)
