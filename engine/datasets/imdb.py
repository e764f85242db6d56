"""IMDB movie-review sentiment like `keras.datasets.imdb`: reviews as lists of word indices.

    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)
    # x: (25000,) object arrays of int lists; y: (25000,) 0 = negative, 1 = positive

`load_data` follows Keras' order of operations so that the same arguments give the same arrays:
shuffle train then test with one `np.random.RandomState(seed)`, prepend `start_char` and shift
indices by `index_from`, drop sequences of `maxlen` words or more (the start mark counts), then
replace indices outside [skip_top, num_words) by `oov_char` (or drop them when it is None).
When `num_words` is None it becomes the largest index present, which Keras then also treats as
out of range — kept for parity.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np

from engine.datasets import _paths
from engine.datasets.download import TIMEOUT, RemoteFile, fetch, fetch_all
from engine.datasets.errors import DatasetError

FILE = "imdb.npz"
WORD_INDEX_FILE = "imdb_word_index.json"
CLASS_NAMES = ["negative", "positive"]
_BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
# Keras pins the word index by md5 only (its get_file picks the algorithm by the hash's length).
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"
REMOTES = (RemoteFile(FILE, _BASE_URL + FILE, SHA256, 17_464_789),)
WORD_INDEX_REMOTE = RemoteFile(WORD_INDEX_FILE, _BASE_URL + WORD_INDEX_FILE, WORD_INDEX_MD5, 1_641_221)


def find_files(path: str = FILE) -> Path:
    """The imdb.npz (or `path`, e.g. imdb_word_index.json) that load_data would read."""
    return _paths.find([path], _paths.search_dirs(), "IMDB") / path


def download(progress=None, *, remotes=None, folder: str | Path | None = None, cancelled=None,
             timeout: float = TIMEOUT) -> Path:
    """Fetch imdb.npz into Hornbook's cache (or `folder`), verified against its sha256."""
    return fetch_all(remotes or REMOTES, folder or _paths.user_cache_dir(), progress=progress,
                     cancelled=cancelled, timeout=timeout)[0]


def download_word_index(progress=None, *, remote: RemoteFile | None = None,
                        folder: str | Path | None = None, cancelled=None, timeout: float = TIMEOUT) -> Path:
    """Fetch imdb_word_index.json, verified against Keras' md5 (a mismatch deletes it)."""
    remote = remote or WORD_INDEX_REMOTE
    folder = Path(folder or _paths.user_cache_dir())
    final = folder / remote.name
    if final.is_file():
        return final
    return fetch(remote, folder, progress=progress, cancelled=cancelled, timeout=timeout)


def _read(path: Path):
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=True) as f:  # the reviews are pickled object arrays
            missing = [k for k in keys if k not in f.files]
            if missing:
                raise DatasetError(f"{path.name}: not an IMDB .npz: it lacks {', '.join(missing)}; "
                                   f"expected the arrays {', '.join(keys)}.")
            return tuple(f[k] for k in keys)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"{path.name}: could not be read as a .npz file ({exc}).") from exc


def load_data(path: str = FILE, num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3,
              *, progress=None, allow_download: bool = True):
    """((x_train, y_train), (x_test, y_test)) with Keras' arguments and results (see module doc).

    x are (n,) object arrays of lists of int; y keep the file's dtype (int64). Downloads the file
    into Hornbook's cache when no folder searched holds it (unless `allow_download` is False).
    """
    found = _paths.find_or_download("IMDB", lambda: find_files(path), download, progress,
                                     allow_download)
    x_train, labels_train, x_test, labels_test = _read(found)
    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]

    head = [start_char] if start_char is not None else []
    x_train = [head + [w + index_from for w in x] for x in x_train]
    x_test = [head + [w + index_from for w in x] for x in x_test]
    if maxlen:
        x_train, labels_train = _shorter_than(maxlen, x_train, labels_train)
        x_test, labels_test = _shorter_than(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence "
                             "was kept. Increase maxlen.")
    xs = x_train + x_test
    if not num_words:
        num_words = max((max(x) for x in xs if x), default=0)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    split = len(x_train)
    labels = np.concatenate([np.asarray(labels_train), np.asarray(labels_test)])
    return (_objects(xs[:split]), labels[:split]), (_objects(xs[split:]), labels[split:])


def _shorter_than(maxlen: int, sequences: list[list[int]], labels) -> tuple[list[list[int]], list]:
    kept = [(x, y) for x, y in zip(sequences, labels, strict=True) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def _objects(sequences: list[list[int]]) -> np.ndarray:
    """A (n,) object array even when every list has the same length (np.array would make it 2-D)."""
    out = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        out[i] = sequence
    return out


def get_word_index(path: str = WORD_INDEX_FILE, *, progress=None, allow_download: bool = True
                   ) -> dict[str, int]:
    """{word: rank} with rank 1 the most frequent word; add `index_from` to match load_data."""
    found = _paths.find_or_download("The IMDB word index", lambda: find_files(path), download_word_index,
                                     progress, allow_download)
    try:
        with open(found, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{found.name}: could not be read as the IMDB word index JSON ({exc}).") from exc
