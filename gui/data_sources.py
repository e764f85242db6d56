"""The data sets the app offers, loaded into arrays the training worker can use.

Text sets (Fortunes, IMDB reviews, the user's .csv/.tsv of sentences or folder of .txt files)
come as a TextCorpus of sentences and are encoded with the data panel's Tokenizer options by
gui/text_data.vectorize into int32 word-index sequences.

Images stay as stored — uint8 for every built-in set — so CIFAR-10 takes 150 MB rather than 600 MB
as floats; gui/session.fit_images hands the engine a view that scales each batch to 0..1 (the
scaling every Keras tutorial applies). Labels are (n,) integer class indices, one-hot encoded only
when the loss asks for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from engine.datasets import DatasetError, cifar10, fashion_mnist, fortunes, imdb, load_path, mnist, sample
from engine.utils import to_categorical
from gui.text_data import TextCorpus, TextEncoding, TextOptions, vectorize
from gui.text_sources import (
    FORTUNES,
    IMDB,
    ImdbFiles,
    folder_corpus,
    fortunes_corpus,
    holds_text_files,
    imdb_corpus,
    is_text_table,
    table_corpus,
)


@dataclass
class Dataset:
    name: str
    x_train: np.ndarray  # (n, height, width[, channels]) as stored: uint8 0..255, or float data as is
    y_train: np.ndarray  # (n,) int64 class indices
    x_test: np.ndarray   # (m, …) like x_train; m may be 0 (a CSV or image folder without a test part)
    y_test: np.ndarray
    class_names: list[str]
    text: TextEncoding | None = None  # for a text set: the sentences and the fitted Tokenizer

    @property
    def is_text(self) -> bool:
        return self.text is not None

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def labels_for(self, loss_name: str, y: np.ndarray) -> np.ndarray:
        """Class indices for sparse losses, one-hot rows for the others."""
        return y if "sparse" in loss_name else to_categorical(y, self.num_classes)


@dataclass
class DataSource:
    """An entry of the data panel. A `module` source (an engine.datasets module) may be absent
    from this machine; then `download` fetches it (from `remotes`, the module's pinned files
    unless a test points them elsewhere), or, for a module without a download (a system
    package), `missing_message` says how to install it.

    A text source has a `text_loader` instead of a `loader`: it reads the sentences, and `load`
    encodes them with the Tokenizer options it is given."""

    name: str
    loader: Callable[[], tuple] | None  # () -> ((x_train, y_train), (x_test, y_test)); None with `path`
    class_names: list[str]
    module: ModuleType | None = None
    remotes: tuple | None = None
    path: str | None = None  # for the user's own data: the file or folder it came from
    download_folder: str | None = field(default=None, repr=False)  # None: Hornbook's cache
    text_loader: Callable[[], TextCorpus] | None = None
    slow: bool | None = None  # loads for more than a second (on a worker thread); None: judged by size

    @property
    def is_text(self) -> bool:
        return self.text_loader is not None

    def loads_slowly(self) -> bool:
        """Whether loading takes long enough to need a progress row (and a worker thread). Measured:
        MNIST 0.6 s, Fashion-MNIST 0.7 s, Fortunes 0.3 s, the bundled sample 0.05 s; IMDB 10–20 s
        (most of it tokenizing), CIFAR-10 a 170 MB archive. The user's own data by its size."""
        if self.slow is not None:
            return self.slow
        try:
            where = self.path or (self.module.find_files() if self.module is not None else None)
        except (DatasetError, OSError):
            return False  # not here: the download row, not a load
        if not isinstance(where, str | Path):
            return False  # bundled, or made in memory: small
        return _size_reaches(Path(where), SLOW_TEXT_BYTES if self.is_text else SLOW_IMAGE_BYTES)

    def available(self) -> bool:
        return self.missing_message() is None

    def missing_message(self) -> str | None:
        """None when the files are on this machine, else the engine's not-found text (where it
        looked, and how to install the set by hand)."""
        if self.module is None:
            return None
        try:
            self.module.find_files()
        except (DatasetError, FileNotFoundError) as exc:
            return str(exc) or f"{self.name} is not on this machine."
        return None

    @property
    def downloadable(self) -> bool:
        return self.module is not None and hasattr(self.module, "download")

    @property
    def download_size(self) -> int | None:
        sizes = [r.size for r in (self.remotes or getattr(self.module, "REMOTES", ()))]
        return sum(sizes) if sizes and all(sizes) else None

    def download(self, progress=None, cancelled=None, timeout: float | None = None):
        """Fetch the files (blocking: call it on a worker thread)."""
        extra = {"timeout": timeout} if timeout else {}
        return self.module.download(progress, remotes=self.remotes, folder=self.download_folder,
                                    cancelled=cancelled, **extra)

    def load(self, text_options: TextOptions | None = None) -> Dataset:
        """The set as arrays; a text set encoded with `text_options` (TextOptions() if None)."""
        result = None
        for _what, step in self.load_steps(text_options):
            result = step(result)
        return result

    def load_steps(self, text_options: TextOptions | None = None) -> list[tuple[str, Callable]]:
        """`load` as steps a worker can report and stop between: (what it does, previous result ->
        next result); the last step returns the Dataset."""
        if self.text_loader is not None:
            options = text_options or TextOptions()
            return [("reading the texts", lambda _: self.read_texts()),
                    ("tokenizing the texts", lambda corpus: vectorize(corpus, options))]
        return [("reading the files", lambda _: self._load_arrays())]

    def read_texts(self) -> TextCorpus:
        corpus = self.text_loader()
        corpus.name = self.name
        self.class_names = list(corpus.class_names)
        return corpus

    def _load_arrays(self) -> Dataset:
        if self.path is not None:  # the class names come with the data (folder names, …)
            arrays, names = load_path(self.path)
            self.class_names = [str(n) for n in names]
        else:
            arrays = self.loader()
        (x_train, y_train), (x_test, y_test) = arrays
        return Dataset(self.name, x_train, _labels(y_train), x_test, _labels(y_test), list(self.class_names))


SLOW_TEXT_BYTES = 2_000_000     # ~ 400,000 words: a second or more to tokenize
SLOW_IMAGE_BYTES = 60_000_000   # full MNIST (11 MB) and Fashion-MNIST (30 MB) read in under a second
SIZE_LOOK_FILES = 20_000        # a folder is not walked further once this many files are counted


def _size_reaches(path: Path, limit: int) -> bool:
    """Whether the file, or the files in the folder, take `limit` bytes or more; a folder of
    SIZE_LOOK_FILES files counts as big without reading further."""
    try:
        if path.is_file():
            return path.stat().st_size >= limit
        total = 0
        for count, file in enumerate(p for p in path.rglob("*") if p.is_file()):
            total += file.stat().st_size
            if total >= limit or count >= SIZE_LOOK_FILES:
                return True
    except OSError:
        return False
    return False


def _labels(y) -> np.ndarray:
    """(n,) int64; CIFAR keeps its labels as (n, 1)."""
    return np.asarray(y).reshape(-1).astype(np.int64)


def _local(module: ModuleType) -> Callable[[], tuple]:
    """module.load_data without its automatic download: the panel downloads with a progress bar."""
    return lambda: module.load_data(allow_download=False)


def builtin_sources() -> list[DataSource]:
    """Every built-in set, whether on this machine or not (those missing offer a download)."""
    digits = [str(d) for d in range(10)]
    return [DataSource("MNIST", _local(mnist), digits, mnist),
            DataSource("MNIST sample (bundled, 5,000 digits)", sample.load_data, digits),
            DataSource("Fashion-MNIST", _local(fashion_mnist), list(fashion_mnist.CLASS_NAMES),
                       fashion_mnist),
            DataSource("CIFAR-10", _local(cifar10), list(cifar10.CLASS_NAMES), cifar10),
            DataSource(FORTUNES, None, list(fortunes.TOPICS), fortunes, text_loader=fortunes_corpus,
                       slow=False),  # its folder holds more topics than the five read
            DataSource(IMDB, None, list(imdb.CLASS_NAMES), ImdbFiles, text_loader=imdb_corpus, slow=True)]


def available_sources() -> list[DataSource]:
    """The built-in sets; the panel starts on the first one present (full MNIST, else the bundled
    sample, which is always there), so the default matches the pretrained digit model."""
    return builtin_sources()


def path_source(path: str) -> DataSource:
    """A source for the user's own file or folder: sentences when it holds text (a .csv/.tsv of
    text and label columns, a folder of .txt files in class subfolders), else whatever
    engine.datasets.load_path reads."""
    path = os.path.abspath(path)
    name = os.path.basename(os.path.normpath(path)) + (" (folder)" if os.path.isdir(path) else "")
    source = DataSource(name, None, [], path=path)
    if is_text_table(path):
        source.text_loader = lambda: table_corpus(path)
    elif os.path.isdir(path) and holds_text_files(path):
        source.text_loader = lambda: folder_corpus(path)
    return source
