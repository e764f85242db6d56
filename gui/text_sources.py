"""Where the app's text sets come from: Debian's fortunes, Keras' IMDB reviews (turned back into
words), and the user's .csv/.tsv of (text, label) or folder of class subfolders of .txt files —
each read into a TextCorpus of sentences and integer labels."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from engine.datasets import fortunes, imdb
from engine.datasets.image_folder import IMAGE_EXTENSIONS
from engine.datasets.text_folder import read_text_folder_splits
from engine.datasets.text_table import looks_like_text_table, read_text_table
from gui.text_data import TextCorpus

FORTUNES = "Fortunes (Debian, text)"
IMDB = "IMDB reviews (text)"


def fortunes_corpus() -> TextCorpus:
    (texts, y), (texts_test, y_test) = fortunes.load_data()
    return TextCorpus(FORTUNES, texts, y, texts_test, y_test, list(fortunes.TOPICS))


class ImdbFiles:
    """engine.datasets.imdb as a DataSource `module`: the reviews come as word indices, so the
    set is here only with its word index too, and a download fetches both (progress over both)."""

    REMOTES = (*imdb.REMOTES, imdb.WORD_INDEX_REMOTE)

    @staticmethod
    def find_files() -> Path:
        imdb.find_files(imdb.WORD_INDEX_FILE)
        return imdb.find_files()

    @staticmethod
    def download(progress=None, *, remotes=None, folder=None, cancelled=None, timeout=None) -> Path:
        npz, index = remotes or ImdbFiles.REMOTES
        total = npz.size + index.size if npz.size and index.size else None
        extra = {"timeout": timeout} if timeout else {}

        def after(offset: int):
            return None if progress is None else (lambda done, _size: progress(offset + done, total))

        path = imdb.download(after(0), remotes=(npz,), folder=folder, cancelled=cancelled, **extra)
        imdb.download_word_index(after(npz.size or 0), remote=index, folder=folder, cancelled=cancelled,
                                 **extra)
        return path


def imdb_corpus() -> TextCorpus:
    """The 50,000 reviews as words again: Keras stores them as indices into its word index,
    shifted by index_from=3 (0 padding, 1 start, 2 out-of-vocabulary, all dropped here)."""
    index = imdb.get_word_index(allow_download=False)
    # num_words past the largest index: without it load_data (like Keras) turns the rarest word
    # into the out-of-vocabulary mark.
    (x, y), (x_test, y_test) = imdb.load_data(num_words=max(index.values(), default=0) + 4,
                                              allow_download=False)
    words = {rank + 3: word for word, rank in index.items()}

    def decode(reviews) -> list[str]:
        return [" ".join([words[i] for i in review if i in words]) for review in reviews]

    return TextCorpus(IMDB, decode(x), labels(y), decode(x_test), labels(y_test), list(imdb.CLASS_NAMES))


def is_text_table(path: str) -> bool:
    return os.path.isfile(path) and looks_like_text_table(path)  # never raises: else load_path tries


def holds_text_files(folder: str, look_at: int = 200) -> bool:
    """Class subfolders (or train/ and test/ parts) holding .txt files and no images: a folder
    of images with a stray notes.txt stays an image folder. Only the first `look_at` files are
    looked at, so a folder of 100,000 reviews is recognised at once."""
    seen, found = 0, set()
    for pattern in ("*/*", "*/*/*"):
        for path in Path(folder).glob(pattern):
            suffix = path.suffix.lower()
            if suffix in (".txt", *IMAGE_EXTENSIONS):
                found.add("text" if suffix == ".txt" else "image")
            seen += 1
            if seen >= look_at:
                break
    return found == {"text"}


def table_corpus(path: str) -> TextCorpus:
    texts, labels = read_text_table(path)
    names = sorted(set(labels), key=_label_order)
    index = {name: i for i, name in enumerate(names)}
    y = np.array([index[label] for label in labels], np.int64)
    return TextCorpus(os.path.basename(path), list(texts), y, [], np.zeros(0, np.int64), names)


def _label_order(label: str):
    """Numbers in numeric order (2 before 10), then words alphabetically."""
    text = str(label).strip()
    return (0, int(text), "") if text.lstrip("-").isdigit() else (1, 0, text)


def folder_corpus(path: str) -> TextCorpus:
    (texts, y), (texts_test, y_test), names = read_text_folder_splits(path)
    return TextCorpus(os.path.basename(path), list(texts), labels(y), list(texts_test), labels(y_test),
                      [str(n) for n in names])


def labels(y) -> np.ndarray:
    """(n,) int64 class indices."""
    return np.asarray(y).reshape(-1).astype(np.int64)
