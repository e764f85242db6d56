"""The data sets the app offers, loaded into arrays the training worker can use.

Images stay as stored — uint8 for every built-in set — so CIFAR-10 takes 150 MB rather than 600 MB
as floats; gui/session.fit_images hands the engine a view that scales each batch to 0..1 (the
scaling every Keras tutorial applies). Labels are (n,) integer class indices, one-hot encoded only
when the loss asks for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from engine.datasets import DatasetError, cifar10, fashion_mnist, load_path, mnist, sample
from engine.utils import to_categorical
from gui.text_data import TextEncoding


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
    unless a test points them elsewhere)."""

    name: str
    loader: Callable[[], tuple] | None  # () -> ((x_train, y_train), (x_test, y_test)); None with `path`
    class_names: list[str]
    module: ModuleType | None = None
    remotes: tuple | None = None
    path: str | None = None  # for the user's own data: the file or folder it came from
    download_folder: str | None = field(default=None, repr=False)  # None: Hornbook's cache

    def available(self) -> bool:
        if self.module is None:
            return True
        try:
            self.module.find_files()
        except (DatasetError, FileNotFoundError):
            return False
        return True

    @property
    def download_size(self) -> int | None:
        sizes = [r.size for r in (self.remotes or getattr(self.module, "REMOTES", ()))]
        return sum(sizes) if sizes and all(sizes) else None

    def download(self, progress=None, cancelled=None, timeout: float | None = None):
        """Fetch the files (blocking: call it on a worker thread)."""
        extra = {"timeout": timeout} if timeout else {}
        return self.module.download(progress, remotes=self.remotes, folder=self.download_folder,
                                    cancelled=cancelled, **extra)

    def load(self) -> Dataset:
        if self.path is not None:  # the class names come with the data (folder names, …)
            arrays, names = load_path(self.path)
            self.class_names = [str(n) for n in names]
        else:
            arrays = self.loader()
        (x_train, y_train), (x_test, y_test) = arrays
        return Dataset(self.name, x_train, _labels(y_train), x_test, _labels(y_test), list(self.class_names))


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
            DataSource("CIFAR-10", _local(cifar10), list(cifar10.CLASS_NAMES), cifar10)]


def available_sources() -> list[DataSource]:
    """The built-in sets; the panel starts on the first one present (full MNIST, else the bundled
    sample, which is always there), so the default matches the pretrained digit model."""
    return builtin_sources()


def path_source(path: str) -> DataSource:
    """A source for the user's own file or folder, read by engine.datasets.load_path."""
    path = os.path.abspath(path)
    name = os.path.basename(os.path.normpath(path)) + (" (folder)" if os.path.isdir(path) else "")
    return DataSource(name, None, [], path=path)
